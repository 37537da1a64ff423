/**
 * Expressions an effect node evaluates per record (a notify's recipient, a charge's amount):
 * compiled once per page, evaluated against the record's data. Null when the field is empty.
 */
import jsonata from 'jsonata';
import type { SyncRecord } from '../connectors/types';

export type RecordExpression = (record: SyncRecord) => Promise<unknown>;

export function compileRecordExpression(expression: unknown): RecordExpression | null {
  if (typeof expression !== 'string' || !expression.trim()) return null;
  const e = jsonata(expression);
  return async (record) => e.evaluate(record.data);
}

/** An expression's value as message text: strings as they are, anything else as JSON. */
export const asText = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
