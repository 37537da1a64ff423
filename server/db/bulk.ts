/**
 * Bulk writes as one statement with one parameter: the rows travel as a JSON array and
 * PostgreSQL unpacks them with jsonb_to_recordset. Building a 500-row insert through the query
 * builder costs more CPU than PostgreSQL spends running it; this path is the hot one of a sync.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';

/** Column name -> PostgreSQL type, as jsonb_to_recordset needs them. */
export type ColumnTypes = Record<string, 'text' | 'integer' | 'bigint' | 'jsonb' | 'timestamptz' | 'boolean'>;

export function recordset(rows: Record<string, unknown>[], columns: ColumnTypes): SQL {
  const definition = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(definition)})`;
}

