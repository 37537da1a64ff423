/** Bindings: which external record is the twin of which internal one, per connection and entity. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordset } from '../db/bulk';
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
  await db.execute(sql`
    insert into bindings (tenant_id, connection_id, entity, internal_id, sku, status)
    select ${scope.tenantId}, ${scope.connectionId}, ${scope.entity}, r.internal_id, r.sku, 'pending'
    from ${recordset(
      rows.map((r) => ({ internal_id: r.internalId, sku: r.sku ?? null })),
      { internal_id: 'text', sku: 'text' },
    )}
    on conflict (connection_id, entity, internal_id) do nothing`);
}

/** Confirms writes: one statement for the whole batch. */
export async function saveActiveBindings(db: Db, scope: BindingScope, rows: BindingWrite[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into bindings (tenant_id, connection_id, entity, internal_id, external_id, sku, hash_out, status, last_synced_at)
    select ${scope.tenantId}, ${scope.connectionId}, ${scope.entity}, r.internal_id, r.external_id, r.sku, r.hash_out, 'active', now()
    from ${recordset(
      rows.map((r) => ({ internal_id: r.internalId, external_id: r.externalId, sku: r.sku ?? null, hash_out: r.hashOut })),
      { internal_id: 'text', external_id: 'text', sku: 'text', hash_out: 'text' },
    )}
    on conflict (connection_id, entity, internal_id) do update set
      external_id = excluded.external_id, sku = excluded.sku, hash_out = excluded.hash_out,
      status = excluded.status, last_synced_at = excluded.last_synced_at, updated_at = now()`);
}
