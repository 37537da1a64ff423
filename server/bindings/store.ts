/** Bindings: which external record is the twin of which internal one, per connection and entity. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bindings } from '../db/schema';

export type Binding = typeof bindings.$inferSelect;

export interface BindingScope {
  tenantId: string;
  connectionId: string;
  entity: string;
}

export interface BindingWrite {
  internalId: string;
  externalId: string;
  sku?: string | null;
  hashOut: string;
}

export async function loadBindings(db: Db, scope: BindingScope, internalIds: string[]): Promise<Map<string, Binding>> {
  if (!internalIds.length) return new Map();
  const rows = await db
    .select()
    .from(bindings)
    .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), inArray(bindings.internalId, internalIds)));
  return new Map(rows.map((r) => [r.internalId, r]));
}

/** Bindings that already hold these external ids (to refuse binding one twin to two records). */
export async function bindingsByExternalId(db: Db, scope: BindingScope, externalIds: string[]): Promise<Map<string, Binding>> {
  if (!externalIds.length) return new Map();
  const rows = await db
    .select()
    .from(bindings)
    .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), inArray(bindings.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId!, r]));
}

/**
 * Marks records as about to be created. Written (and committed) before the create is sent, so
 * that after a crash the next attempt knows a create may have happened and checks first.
 */
export async function markPending(db: Db, scope: BindingScope, rows: Array<{ internalId: string; sku?: string | null }>): Promise<void> {
  if (!rows.length) return;
  await db
    .insert(bindings)
    .values(rows.map((r) => ({ ...scope, internalId: r.internalId, sku: r.sku ?? null, status: 'pending' as const })))
    .onConflictDoNothing();
}

/** Confirms writes: one statement for the whole batch. */
export async function saveActiveBindings(db: Db, scope: BindingScope, rows: BindingWrite[]): Promise<void> {
  if (!rows.length) return;
  const now = new Date();
  await db
    .insert(bindings)
    .values(rows.map((r) => ({ ...scope, internalId: r.internalId, externalId: r.externalId, sku: r.sku ?? null, hashOut: r.hashOut, status: 'active' as const, lastSyncedAt: now })))
    .onConflictDoUpdate({
      target: [bindings.connectionId, bindings.entity, bindings.internalId],
      set: {
        externalId: sql`excluded.external_id`,
        sku: sql`excluded.sku`,
        hashOut: sql`excluded.hash_out`,
        status: sql`excluded.status`,
        lastSyncedAt: sql`excluded.last_synced_at`,
        updatedAt: now,
      },
    });
}
