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
 * Claims records for creation by this run, committed before any create is sent. A record is
 * claimed when it has no binding yet (`fresh`), or a pending one left by this run's earlier
 * attempt or by a run that is no longer running (`takeover`: it may have been created, check
 * first). Records another running run holds, or that became active meanwhile, are not returned.
 */
export async function claimForCreate(db: Db, scope: BindingScope, runId: string, rows: Array<{ internalId: string; sku?: string | null }>): Promise<Map<string, 'fresh' | 'takeover'>> {
  if (!rows.length) return new Map();
  const result = await db.execute<{ internal_id: string; fresh: boolean }>(sql`
    insert into bindings (tenant_id, connection_id, entity, internal_id, sku, status, claimed_by)
    select ${scope.tenantId}, ${scope.connectionId}, ${scope.entity}, r.internal_id, r.sku, 'pending', ${runId}
    from ${recordset(
      rows.map((r) => ({ internal_id: r.internalId, sku: r.sku ?? null })),
      { internal_id: 'text', sku: 'text' },
    )}
    on conflict (connection_id, entity, internal_id) do update set claimed_by = excluded.claimed_by, updated_at = now()
      where bindings.status = 'pending'
        and (bindings.claimed_by is null or bindings.claimed_by = excluded.claimed_by
             or not exists (select 1 from runs where runs.id = bindings.claimed_by and runs.status = 'running'))
    returning internal_id, (xmax = 0) as fresh`);
  const rowsOut = (Array.isArray(result) ? result : (result as { rows: Array<{ internal_id: string; fresh: boolean }> }).rows) as Array<{ internal_id: string; fresh: boolean }>;
  return new Map(rowsOut.map((r) => [r.internal_id, r.fresh ? 'fresh' : 'takeover']));
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
      status = excluded.status, claimed_by = null, last_synced_at = excluded.last_synced_at, updated_at = now()`);
}
