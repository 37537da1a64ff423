/**
 * What the ledgers' list queries share (charges, settlements, invoices, voids, the audit log):
 * equality filters applied only when given, newest first, and one rule for how many rows answer.
 */
import { eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** Rows a list answers when not told, and the most it answers. */
export const listLimit = (asked?: number) => Math.min(asked ?? 100, 500);

/** An equality condition per filter that was given; filters left undefined (or empty) are left out. */
export function givenFilters(...pairs: Array<[PgColumn, string | number | undefined | null]>): SQL[] {
  return pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').map(([column, value]) => eq(column, value));
}
