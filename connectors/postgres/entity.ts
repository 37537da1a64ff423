/**
 * What an entity's settings point at in the ERP database, checked against the database's own
 * catalog before any statement uses it: the table (or the read-only query), its key, updated-at
 * and SKU columns and the column map. Names a person typed are never put into SQL unchecked:
 * only names found in information_schema (or in the query's result) are quoted and used.
 */
import { ConfigError } from '../http/errors';
import { createHash } from 'node:crypto';
import type { ConnectionContext } from '../types';
import { classifyPgError } from './errors';
import { poolFor } from './pool';

export interface EntitySettings {
  /** Schema of `table` (default `public`). */
  schema?: string;
  /** Table (or view) to read and the table to write. */
  table?: string;
  /** A read-only SELECT to read from instead of the table (joins, filters); writes still go to `table`. */
  query?: string;
  keyColumn?: string;
  /** When the row last changed: pages are read in (updated-at, key) order and `since` filters on it. */
  updatedAtColumn?: string;
  skuColumn?: string;
  /** Record field → column. Without it, every column is a field under its own name. */
  columns?: Record<string, string>;
  /** Set the updated-at column to now() on every write (default true) unless the record maps it. */
  touchUpdatedAt?: boolean;
}

export type ColumnKind = 'date' | 'timestamp' | 'timestamptz' | 'json' | 'array' | 'boolean' | 'other';

export interface Column {
  name: string;
  /** The type as PostgreSQL names it, for messages. */
  type: string;
  kind: ColumnKind;
  nullable: boolean;
  hasDefault: boolean;
  /** Generated column or GENERATED ALWAYS identity: cannot be written. */
  readOnly: boolean;
}

export interface ReadSource {
  /** The FROM item, built only from quoted catalog names (or the configured query). */
  from: string;
  label: string;
  /** Whether statements run in a READ ONLY transaction (the configured query). */
  readOnlyTx: boolean;
  columns: Map<string, Column>;
  key: Column;
  updatedAt?: Column;
  sku?: Column;
  /** Field name → column, or null: every column under its own name. */
  fields: Array<[string, string]> | null;
}

export interface WriteTarget {
  table: string;
  label: string;
  columns: Map<string, Column>;
  key: Column;
  updatedAt?: Column;
  sku?: Column;
  /** Explicit field → column map (fields not in it go to the column of the same name). */
  fieldToColumn: Map<string, string>;
  touchUpdatedAt: boolean;
}

/** Quotes an identifier. Only ever called with names read from the database's catalog. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const where = (entity: string, key: string) => `settings.entities.${entity}.${key}`;

export function entitySettings(ctx: ConnectionContext, entity: string): EntitySettings {
  const all = (ctx.settings.entities ?? {}) as Record<string, unknown>;
  const raw = all[entity];
  if (!raw || typeof raw !== 'object') {
    const configured = Object.keys(all);
    throw new ConfigError(
      `settings.entities.${entity} is not set: tell Ponte which table holds ${entity}, e.g. {"table": "produtos", "keyColumn": "id", "updatedAtColumn": "atualizado_em"}${configured.length ? `. Configured: ${configured.join(', ')}` : ''}`,
    );
  }
  const s = raw as Record<string, unknown>;
  for (const k of ['schema', 'table', 'query', 'keyColumn', 'updatedAtColumn', 'skuColumn'])
    if (s[k] !== undefined && (typeof s[k] !== 'string' || !(s[k] as string).trim())) throw new ConfigError(`${where(entity, k)} must be a non-empty text`);
  if (!s.table && !s.query) throw new ConfigError(`${where(entity, 'table')} (or a read-only ${where(entity, 'query')}) is required`);
  if (!s.keyColumn) throw new ConfigError(`${where(entity, 'keyColumn')} is required: the column that identifies a row (usually the primary key)`);
  if (s.columns !== undefined) {
    if (typeof s.columns !== 'object' || s.columns === null || Array.isArray(s.columns)) throw new ConfigError(`${where(entity, 'columns')} must map field names to column names, e.g. {"nome": "descricao"}`);
    for (const [field, column] of Object.entries(s.columns)) if (typeof column !== 'string' || !column) throw new ConfigError(`${where(entity, `columns.${field}`)} must be a column name`);
  }
  if (s.touchUpdatedAt !== undefined && typeof s.touchUpdatedAt !== 'boolean') throw new ConfigError(`${where(entity, 'touchUpdatedAt')} must be true or false`);
  return s as EntitySettings;
}

function kindOf(dataType: string): ColumnKind {
  if (dataType === 'date') return 'date';
  if (dataType === 'timestamp without time zone') return 'timestamp';
  if (dataType === 'timestamp with time zone') return 'timestamptz';
  if (dataType === 'json' || dataType === 'jsonb') return 'json';
  if (dataType === 'ARRAY') return 'array';
  if (dataType === 'boolean') return 'boolean';
  return 'other';
}

const OID_KINDS: Record<number, ColumnKind> = { 1082: 'date', 1114: 'timestamp', 1184: 'timestamptz', 114: 'json', 3802: 'json', 16: 'boolean' };

/** Up to `max` names, for messages. */
function listNames(names: string[], max = 30): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} … (${names.length} in all)` : names.join(', ') || '(none)';
}

function closest(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  // "atualizado" for "atualizado_em", "preco_venda" for "preco".
  return best ?? (lower.length >= 4 ? candidates.find((c) => c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase())) : undefined);
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

const suggestion = (name: string, candidates: string[]) => {
  const c = closest(name, candidates);
  return c ? ` Did you mean "${c}"?` : '';
};

function pickColumn(columns: Map<string, Column>, name: string, setting: string, label: string): Column {
  const column = columns.get(name);
  if (column) return column;
  const names = [...columns.keys()];
  throw new ConfigError(`Column "${name}" (${setting}) is not in ${label}.${suggestion(name, names)} Its columns: ${listNames(names)}`);
}

async function catalog<T>(ctx: ConnectionContext, what: string, text: string, params: unknown[], readOnly = false): Promise<T[]> {
  const { sql } = poolFor(ctx);
  try {
    // Extended protocol always (simple: false): one statement, whatever the text holds.
    const options = { prepare: false, simple: false };
    if (readOnly) return (await sql.begin('read only', (tx) => tx.unsafe(text, params as never[], options))) as unknown as T[];
    return (await sql.unsafe(text, params as never[], options)) as unknown as T[];
  } catch (err) {
    throw classifyPgError(err, what);
  }
}

interface TableInfo {
  schema: string;
  name: string;
  type: string;
  columns: Map<string, Column>;
}

async function loadTable(ctx: ConnectionContext, entity: string, s: EntitySettings): Promise<TableInfo> {
  const schema = s.schema ?? 'public';
  const table = s.table!;
  const found = await catalog<{ table_type: string }>(ctx, `looking up table ${schema}.${table}`, 'select table_type from information_schema.tables where table_schema = $1 and table_name = $2', [schema, table]);
  if (found.length === 0) {
    const schemas = await catalog<{ schema_name: string }>(ctx, 'listing schemas', 'select schema_name from information_schema.schemata order by schema_name collate "C"', []);
    if (!schemas.some((r) => r.schema_name === schema)) {
      const names = schemas.map((r) => r.schema_name).filter((n) => !n.startsWith('pg_') && n !== 'information_schema');
      throw new ConfigError(`Schema "${schema}" (${where(entity, 'schema')}) does not exist.${suggestion(schema, names)} Schemas: ${listNames(names)}`);
    }
    const tables = (
      await catalog<{ table_name: string }>(ctx, 'listing tables', 'select table_name from information_schema.tables where table_schema = $1 order by table_name collate "C"', [schema])
    ).map((r) => r.table_name);
    throw new ConfigError(`Table "${table}" (${where(entity, 'table')}) does not exist in schema "${schema}" or this user cannot see it.${suggestion(table, tables)} Tables there: ${listNames(tables)}`);
  }
  const rows = await catalog<{ column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null; is_identity: string; identity_generation: string | null; is_generated: string }>(
    ctx,
    `reading the columns of ${schema}.${table}`,
    `select column_name, data_type, udt_name, is_nullable, column_default, is_identity, identity_generation, is_generated
       from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
    [schema, table],
  );
  const columns = new Map<string, Column>();
  for (const r of rows)
    columns.set(r.column_name, {
      name: r.column_name,
      type: r.data_type === 'USER-DEFINED' || r.data_type === 'ARRAY' ? r.udt_name : r.data_type,
      kind: kindOf(r.data_type),
      nullable: r.is_nullable === 'YES',
      hasDefault: r.column_default !== null || r.is_identity === 'YES',
      readOnly: r.is_generated === 'ALWAYS' || r.identity_generation === 'ALWAYS',
    });
  return { schema, name: table, type: found[0].table_type, columns };
}

function checkUpdatedAt(column: Column | undefined, entity: string) {
  if (column && !['date', 'timestamp', 'timestamptz'].includes(column.kind))
    throw new ConfigError(`Column "${column.name}" (${where(entity, 'updatedAtColumn')}) is of type ${column.type}; the updated-at column must be a date, timestamp or timestamptz`);
}

function mappedFields(columns: Map<string, Column>, s: EntitySettings, entity: string, label: string): Array<[string, string]> | null {
  if (!s.columns) return null;
  return Object.entries(s.columns).map(([field, column]) => [field, pickColumn(columns, column, where(entity, `columns.${field}`), label).name]);
}

/** A cached resolution per connection, entity and settings: the catalog is asked once a minute. */
const cache = new Map<string, { at: number; value: Promise<unknown> }>();
const CACHE_MS = 60_000;

function cached<T>(ctx: ConnectionContext, kind: string, entity: string, s: EntitySettings, load: () => Promise<T>): Promise<T> {
  const key = createHash('sha256')
    .update(JSON.stringify([ctx.connectionId, poolFor(ctx).fingerprint, kind, entity, s]))
    .digest('hex');
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

/** Forget what was learnt about a connection's tables (after a statement says the table changed). */
export function forgetCatalog(): void {
  cache.clear();
}

export function readSource(ctx: ConnectionContext, entity: string): Promise<ReadSource> {
  const s = entitySettings(ctx, entity);
  return cached(ctx, 'read', entity, s, async () => {
    let from: string;
    let label: string;
    let columns: Map<string, Column>;
    if (s.query) {
      const query = s.query.trim().replace(/;+\s*$/, '');
      from = `(\n${query}\n) as src`;
      label = `the query of ${where(entity, 'query')}`;
      const probe = await catalog<Record<string, unknown>>(ctx, `checking ${label}`, `select * from ${from} limit 0`, [], true);
      const described = (probe as unknown as { columns: Array<{ name: string; type: number }> }).columns ?? [];
      columns = new Map();
      for (const c of described) {
        if (columns.has(c.name)) throw new ConfigError(`${label} returns two columns named "${c.name}"; give them different names with AS`);
        columns.set(c.name, { name: c.name, type: `oid ${c.type}`, kind: OID_KINDS[c.type] ?? 'other', nullable: true, hasDefault: false, readOnly: true });
      }
      const names = await catalog<{ oid: number; name: string }>(ctx, 'naming types', 'select t.oid::int as oid, format_type(t.oid, null) as name from pg_type t where t.oid = any($1::oid[])', [
        [...new Set(described.map((c) => c.type))],
      ]);
      for (const c of columns.values()) c.type = names.find((n) => `oid ${n.oid}` === c.type)?.name ?? c.type;
    } else {
      const table = await loadTable(ctx, entity, s);
      from = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
      label = `table ${table.schema}.${table.name}`;
      columns = table.columns;
    }
    const key = pickColumn(columns, s.keyColumn!, where(entity, 'keyColumn'), label);
    const updatedAt = s.updatedAtColumn ? pickColumn(columns, s.updatedAtColumn, where(entity, 'updatedAtColumn'), label) : undefined;
    checkUpdatedAt(updatedAt, entity);
    const sku = s.skuColumn ? pickColumn(columns, s.skuColumn, where(entity, 'skuColumn'), label) : undefined;
    return { from, label, readOnlyTx: Boolean(s.query), columns, key, updatedAt, sku, fields: mappedFields(columns, s, entity, label) };
  });
}

export function writeTarget(ctx: ConnectionContext, entity: string): Promise<WriteTarget> {
  const s = entitySettings(ctx, entity);
  return cached(ctx, 'write', entity, s, async () => {
    if (!s.table) throw new ConfigError(`${where(entity, 'table')} is required to write ${entity}: the query in ${where(entity, 'query')} is only read`);
    const table = await loadTable(ctx, entity, s);
    const label = `table ${table.schema}.${table.name}`;
    if (table.type !== 'BASE TABLE') throw new ConfigError(`${label} is a ${table.type.toLowerCase()}, not a table; Ponte writes only to tables (${where(entity, 'table')})`);
    const key = pickColumn(table.columns, s.keyColumn!, where(entity, 'keyColumn'), label);
    const updatedAt = s.updatedAtColumn ? pickColumn(table.columns, s.updatedAtColumn, where(entity, 'updatedAtColumn'), label) : undefined;
    checkUpdatedAt(updatedAt, entity);
    const sku = s.skuColumn ? pickColumn(table.columns, s.skuColumn, where(entity, 'skuColumn'), label) : undefined;
    const fieldToColumn = new Map(mappedFields(table.columns, s, entity, label) ?? []);
    for (const [field, column] of fieldToColumn)
      if (table.columns.get(column)!.readOnly) throw new ConfigError(`Column "${column}" (${where(entity, `columns.${field}`)}) is generated by the database and cannot be written; remove it from the map`);
    // `insert … on conflict (key)` needs a primary key or unique index on exactly that column.
    const [unique] = await catalog<{ unique: boolean }>(
      ctx,
      `checking the key of ${label}`,
      `select exists (
         select 1 from pg_index i
           join pg_class c on c.oid = i.indrelid
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
          where n.nspname = $1 and c.relname = $2 and a.attname = $3
            and i.indisunique and i.indnkeyatts = 1 and i.indpred is null and i.indexprs is null) as unique`,
      [table.schema, table.name, key.name],
    );
    if (!unique?.unique)
      throw new ConfigError(`Column "${key.name}" (${where(entity, 'keyColumn')}) of ${label} has no primary key or unique index of its own; Ponte upserts by key and needs one (CREATE UNIQUE INDEX ON ${table.name} (${key.name}))`);
    return { table: `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`, label, columns: table.columns, key, updatedAt, sku, fieldToColumn, touchUpdatedAt: s.touchUpdatedAt ?? true };
  });
}
