/**
 * What people do with bindings ("Mapeamentos"): list and search, bind by hand, unbind (the
 * records stay on both sides), resolve a conflict, and re-sync one record now.
 */
import { and, asc, desc, eq, gt, ilike, or, type SQL } from 'drizzle-orm';
import { PacerRegistry } from '../../connectors/http/pacing';
import { withInlineRetry } from '../../connectors/http/retry';
import { openConnection, writerFor } from '../../connectors/runtime';
import { ENTITIES, type EntityName } from '../../connectors/types';
import type { FlowDocument } from '../../nodes/flow-model/document';
import { canonicalJson } from '../../nodes/canonical-json';
import { threeWay } from '../../nodes/upsert/three-way';
import type { FieldOwner } from '../../nodes/upsert/ownership';
import { getConnection, loadOpenableConnection } from '../connections/store';
import type { Db } from '../db/client';
import { type BindingStatus, bindings, flowVersions } from '../db/schema';
import { BadInput, ConflictError, NotFoundError } from '../errors';
import { type RunStarter, startRun } from '../runs/service';
import type { SecretBox } from '../secrets/crypto';

export type BindingRow = typeof bindings.$inferSelect;

export function publicBinding(b: BindingRow) {
  return {
    id: b.id,
    connectionId: b.connectionId,
    sourceConnectionId: b.sourceConnectionId || null,
    entity: b.entity,
    internalId: b.internalId,
    externalId: b.externalId,
    sku: b.sku,
    status: b.status,
    flowId: b.flowId,
    lastSyncedAt: b.lastSyncedAt,
    notes: b.notes,
    conflict: b.conflict,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

export interface BindingFilter {
  connectionId?: string;
  sourceConnectionId?: string;
  entity?: string;
  status?: BindingStatus;
  sku?: string;
  /** Matches internal id, external id or SKU (contains). */
  q?: string;
  after?: number;
  limit?: number;
}

export async function listBindings(db: Db, tenantId: string, f: BindingFilter) {
  const conds: SQL[] = [eq(bindings.tenantId, tenantId)];
  if (f.connectionId) conds.push(eq(bindings.connectionId, f.connectionId));
  if (f.sourceConnectionId) conds.push(eq(bindings.sourceConnectionId, f.sourceConnectionId));
  if (f.entity) conds.push(eq(bindings.entity, f.entity));
  if (f.status) conds.push(eq(bindings.status, f.status));
  if (f.sku) conds.push(eq(bindings.sku, f.sku));
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    conds.push(or(ilike(bindings.internalId, like), ilike(bindings.externalId, like), ilike(bindings.sku, like))!);
  }
  if (f.after) conds.push(gt(bindings.id, f.after));
  const limit = f.limit ?? 100;
  const rows = await db.select().from(bindings).where(and(...conds)).orderBy(asc(bindings.id)).limit(limit + 1);
  return { bindings: rows.slice(0, limit).map(publicBinding), next: rows.length > limit ? rows[limit - 1].id : null };
}

export async function getBinding(db: Db, tenantId: string, id: number): Promise<BindingRow> {
  const [row] = await db.select().from(bindings).where(and(eq(bindings.tenantId, tenantId), eq(bindings.id, id)));
  if (!row) throw new NotFoundError(`Mapping ${id} not found`);
  return row;
}

export interface ManualBinding {
  connectionId: string;
  sourceConnectionId?: string;
  entity: string;
  internalId: string;
  externalId: string;
  sku?: string;
  notes?: string;
}

/** Binds two records by hand. The next sync compares and pushes (there is no base yet). */
export async function createBinding(db: Db, tenantId: string, input: ManualBinding) {
  const problems: Array<{ field: string; message: string }> = [];
  if (!ENTITIES.includes(input.entity as EntityName)) problems.push({ field: 'entity', message: `entity must be one of ${ENTITIES.join(', ')}` });
  if (!input.internalId.trim()) problems.push({ field: 'internalId', message: 'internalId is required' });
  if (!input.externalId.trim()) problems.push({ field: 'externalId', message: 'externalId is required' });
  for (const [field, id] of [['connectionId', input.connectionId], ['sourceConnectionId', input.sourceConnectionId]] as const)
    if (id && !(await getConnection(db, tenantId, id))) problems.push({ field, message: `Connection "${id}" does not exist` });
  if (problems.length) throw new BadInput(problems);
  const clash = await db
    .select()
    .from(bindings)
    .where(
      and(
        eq(bindings.tenantId, tenantId),
        eq(bindings.connectionId, input.connectionId),
        eq(bindings.entity, input.entity),
        or(and(eq(bindings.sourceConnectionId, input.sourceConnectionId ?? ''), eq(bindings.internalId, input.internalId)), eq(bindings.externalId, input.externalId)),
      ),
    );
  if (clash.length) throw new ConflictError(`Already mapped: ${clash.map((c) => `${c.internalId} ↔ ${c.externalId ?? '(pending)'} (${c.status})`).join('; ')}. Delete that mapping first`, clash.map(publicBinding));
  const [row] = await db
    .insert(bindings)
    .values({ tenantId, connectionId: input.connectionId, sourceConnectionId: input.sourceConnectionId ?? '', entity: input.entity, internalId: input.internalId, externalId: input.externalId, sku: input.sku ?? null, notes: input.notes ?? 'Mapped by hand', status: 'active' })
    .returning();
  return publicBinding(row);
}

export async function deleteBinding(db: Db, tenantId: string, id: number) {
  const row = await getBinding(db, tenantId, id);
  if (row.status === 'pending') throw new ConflictError(`Mapping ${id} is being written by run ${row.claimedBy}; wait for it to finish`);
  await db.delete(bindings).where(eq(bindings.id, id));
}

export type Resolution = { choice: 'source' | 'target' } | { choice: 'merge'; fields: Record<string, 'source' | 'target'> };

/**
 * Resolves a conflict: every conflicting field takes the side chosen (or, for a merge, the side
 * named per field); fields only one side changed keep that change. What the target lacks is
 * written to it, then the binding is active again with the result as the new base.
 */
export async function resolveConflict(db: Db, box: SecretBox, tenantId: string, id: number, resolution: Resolution) {
  const row = await getBinding(db, tenantId, id);
  const c = row.conflict;
  if (row.status !== 'conflict' || !c) throw new ConflictError(`Mapping ${id} is ${row.status}, not in conflict`);
  if (resolution.choice === 'merge') {
    const missing = c.fields.filter((f) => !resolution.fields[f]);
    if (missing.length) throw new BadInput(missing.map((f) => ({ field: `fields.${f}`, message: `Choose source or target for "${f}"` })));
  }
  const pick = (f: string): FieldOwner => (resolution.choice === 'merge' ? resolution.fields[f] : resolution.choice);
  // Conflicting fields owned by the side picked; the rest as the three-way merge decided.
  const owners = Object.fromEntries(c.fields.map((f) => [f, pick(f)]));
  const { merged } = threeWay(c.base, c.source, c.target, { entity: row.entity as EntityName, sourceRole: 'other', targetRole: 'other', overrides: owners });
  const changesTarget = Object.keys(merged).some((f) => canonicalJson(merged[f] ?? null) !== canonicalJson(c.target[f] ?? null));
  if (changesTarget) {
    const conn = await loadOpenableConnection(db, box, tenantId, row.connectionId);
    const { connector, ctx } = openConnection(conn, new PacerRegistry());
    const writer = writerFor(connector, row.entity as EntityName);
    // Only the fields the flow writes: the target's own fields outside the mapping stay as they are.
    await withInlineRetry(() => writer.update(ctx, row.externalId!, { data: merged, sku: c.write.sku }));
  }
  const [updated] = await db
    .update(bindings)
    .set({ status: 'active', conflict: null, hashOut: c.hash, lastPushed: merged, lastSyncedAt: new Date(), notes: `Conflict on ${c.fields.join(', ')} resolved: ${resolution.choice === 'merge' ? 'merged field by field' : `${resolution.choice} wins`}`, updatedAt: new Date() })
    // Only while still in conflict: of two resolutions sent at once, one is recorded.
    .where(and(eq(bindings.id, id), eq(bindings.status, 'conflict')))
    .returning();
  if (!updated) throw new ConflictError(`Mapping ${id} was resolved by someone else meanwhile`);
  return { binding: publicBinding(updated), wroteTarget: changesTarget };
}

/**
 * Re-syncs one record now, as a run (logged like any other). push: the flow that wrote this
 * binding reads the record again at its source and writes it, even when unchanged. pull: a
 * published flow reading the binding's connection into its source side does the same from the
 * other end.
 */
export async function resyncBinding(db: Db, starter: RunStarter, tenantId: string, id: number, direction: 'push' | 'pull') {
  const row = await getBinding(db, tenantId, id);
  if (row.status === 'pending') throw new ConflictError(`Mapping ${id} is being written by run ${row.claimedBy} right now`);
  let flowId: string | null;
  let key: string;
  if (direction === 'push') {
    flowId = row.flowId;
    key = row.internalId;
    if (!flowId) throw new ConflictError(`No flow has written mapping ${id} yet (it was made by hand or by discovery): run the flow that syncs ${row.entity} instead`);
    // Forget the last pushed hash so equal content is written anyway.
    await db.update(bindings).set({ hashOut: null, updatedAt: new Date() }).where(eq(bindings.id, id));
  } else {
    if (!row.externalId) throw new ConflictError(`Mapping ${id} has no external id yet`);
    if (!row.sourceConnectionId) throw new ConflictError(`Mapping ${id} was made without a source connection; nothing to pull into`);
    flowId = await flowBetween(db, tenantId, row.connectionId, row.sourceConnectionId, row.entity);
    key = row.externalId;
    if (!flowId) {
      const from = await getConnection(db, tenantId, row.connectionId);
      const to = await getConnection(db, tenantId, row.sourceConnectionId);
      throw new ConflictError(`No published flow brings ${row.entity} from ${from?.name ?? row.connectionId} into ${to?.name ?? row.sourceConnectionId}; create one to pull`);
    }
  }
  const run = await startRun(db, starter, tenantId, flowId, { type: 'manual', by: `resync:${direction}`, resyncOf: id }, { sourceKeys: [key] });
  return { runId: run.runId, flowId, direction, recordKey: key };
}

/** A published flow reading `entity` from one connection and writing it to another (latest versions). */
async function flowBetween(db: Db, tenantId: string, from: string, to: string, entity: string): Promise<string | null> {
  const versions = await db.select().from(flowVersions).where(eq(flowVersions.tenantId, tenantId)).orderBy(desc(flowVersions.version));
  const latest = new Map<string, FlowDocument>();
  for (const v of versions) if (!latest.has(v.flowId)) latest.set(v.flowId, v.document as FlowDocument);
  for (const [flowId, doc] of latest) {
    const reads = doc.nodes.some((n) => n.type === 'fetch' && n.params.connectionId === from && n.params.entity === entity);
    const writes = doc.nodes.some((n) => n.type === 'upsert' && n.params.connectionId === to);
    if (reads && writes) return flowId;
  }
  return null;
}

