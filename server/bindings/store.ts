/** Bindings: which external record is the twin of which internal one, per connection and entity. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordset } from '../db/bulk';
import { type Db, rowsOf } from '../db/client';
import { type BindingConflict, bindings } from '../db/schema';

export type Binding = typeof bindings.$inferSelect;

/** Which bindings a write touches: the target connection and entity, and the side the internal ids come from. */
export interface BindingScope {
  tenantId: string;
  connectionId: string;
  sourceConnectionId: string;
  entity: string;
}

export interface BindingWrite {
  internalId: string;
  externalId: string;
  sku?: string | null;
  hashOut: string;
  /** The mapped fields as pushed: the base of the next three-way check. */
  lastPushed?: Record<string, unknown> | null;
  /** Hash of the target's fields as read back (when the write read them). */
  hashIn?: string | null;
  flowId?: string | null;
}

export async function loadBindings(db: Db, scope: BindingScope, internalIds: string[]): Promise<Map<string, Binding>> {
  if (!internalIds.length) return new Map();
  const rows = await db
    .select()
    .from(bindings)
    .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), eq(bindings.sourceConnectionId, scope.sourceConnectionId), inArray(bindings.internalId, internalIds)));
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
    insert into bindings (tenant_id, connection_id, source_connection_id, entity, internal_id, sku, status, claimed_by)
    select ${scope.tenantId}, ${scope.connectionId}, ${scope.sourceConnectionId}, ${scope.entity}, r.internal_id, r.sku, 'pending', ${runId}
    from ${recordset(
      rows.map((r) => ({ internal_id: r.internalId, sku: r.sku ?? null })),
      { internal_id: 'text', sku: 'text' },
    )}
    on conflict (connection_id, entity, source_connection_id, internal_id) do update set claimed_by = excluded.claimed_by, updated_at = now()
      where bindings.status = 'pending'
        and (bindings.claimed_by is null or bindings.claimed_by = excluded.claimed_by
             or not exists (select 1 from runs where runs.id = bindings.claimed_by and runs.status = 'running'))
    returning internal_id, (xmax = 0) as fresh`);
  const rowsOut = rowsOf<{ internal_id: string; fresh: boolean }>(result);
  return new Map(rowsOut.map((r) => [r.internal_id, r.fresh ? 'fresh' : 'takeover']));
}

/** Confirms writes: one statement for the whole batch. A confirmed write clears any conflict. */
export async function saveActiveBindings(db: Db, scope: BindingScope, rows: BindingWrite[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into bindings (tenant_id, connection_id, source_connection_id, entity, internal_id, external_id, sku, hash_out, hash_in, last_pushed, flow_id, status, last_synced_at)
    select ${scope.tenantId}, ${scope.connectionId}, ${scope.sourceConnectionId}, ${scope.entity}, r.internal_id, r.external_id, r.sku, r.hash_out, r.hash_in, r.last_pushed, r.flow_id, 'active', now()
    from ${recordset(
      rows.map((r) => ({ internal_id: r.internalId, external_id: r.externalId, sku: r.sku ?? null, hash_out: r.hashOut, hash_in: r.hashIn ?? null, last_pushed: r.lastPushed ?? null, flow_id: r.flowId ?? null })),
      { internal_id: 'text', external_id: 'text', sku: 'text', hash_out: 'text', hash_in: 'text', last_pushed: 'jsonb', flow_id: 'text' },
    )}
    on conflict (connection_id, entity, source_connection_id, internal_id) do update set
      external_id = excluded.external_id, sku = excluded.sku, hash_out = excluded.hash_out,
      hash_in = excluded.hash_in, last_pushed = coalesce(excluded.last_pushed, bindings.last_pushed),
      flow_id = coalesce(excluded.flow_id, bindings.flow_id), conflict = null,
      status = excluded.status, claimed_by = null, last_synced_at = excluded.last_synced_at, updated_at = now()`);
}

/** Marks bindings with a status other than active (conflict with its three versions, orphan with a note). */
export async function markBindings(db: Db, scope: BindingScope, rows: Array<{ internalId: string; status: 'conflict' | 'orphan'; conflict?: BindingConflict; notes?: string }>): Promise<void> {
  for (const r of rows) {
    await db
      .update(bindings)
      .set({ status: r.status, conflict: r.conflict ?? null, notes: r.notes ?? null, claimedBy: null, updatedAt: new Date() })
      .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), eq(bindings.sourceConnectionId, scope.sourceConnectionId), eq(bindings.internalId, r.internalId)));
  }
}
