/**
 * Orphan detection: a full read of one connection's ids compared with the active bindings that
 * point at it — as the target (their external ids) or as the source (their internal ids). Hard
 * deletes are invisible to incremental syncs; this periodic comparison is what finds them.
 *
 * The delete guard: when more than `maxShare` of the known records are missing, nothing is
 * marked. A read cut short (a provider's bad day, a filter, a token seeing another account)
 * looks exactly like a mass delete, and marking half a catalogue orphan stops it syncing.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { connectorFor } from '../../connectors/runtime';
import type { EntityName } from '../../connectors/types';
import type { ReconciliationInput } from '../../workflows/bindings';
import { newId } from '../connections/store';
import type { Db } from '../db/client';
import { bindings, connections, reconciliations, tenants } from '../db/schema';
import { NotFoundError } from '../errors';
import type { RunStarter } from '../runs/service';
import { requireReadable } from './discovery';
import { rowsOf } from '../db/client';

export type ReconciliationRow = typeof reconciliations.$inferSelect;
type WorkflowStarter = Pick<RunStarter, 'client' | 'taskQueue'>;

export const DEFAULT_MAX_SHARE = 0.1;
/** A binding synced this recently is not checked: its record may have been created after the read passed it. */
export const GRACE_MS = 10 * 60_000;

const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export interface StartReconciliationOptions {
  maxShare?: number;
  /** Fixed ids make a start idempotent (the daily reconciliation of several server processes). */
  id?: string;
  workflowId?: string;
}

export async function startReconciliation(db: Db, starter: WorkflowStarter, tenantId: string, connectionId: string, entity: string, options: StartReconciliationOptions = {}) {
  await requireReadable(db, tenantId, connectionId, entity, 'entity');
  const id = options.id ?? newId('rec');
  const workflowId = options.workflowId ?? `ponte-reconcile-${id}`;
  const inserted = await db
    .insert(reconciliations)
    .values({ id, tenantId, connectionId, entity, status: 'running', maxShare: options.maxShare ?? DEFAULT_MAX_SHARE })
    .onConflictDoNothing()
    .returning();
  const row = inserted[0] ?? (await getReconciliation(db, tenantId, id));
  // Already finished under this id (another process got there first): nothing to start.
  if (!inserted.length && row.status !== 'running') return { row, started: false };
  const args: ReconciliationInput = { tenantId, reconciliationId: id };
  try {
    await starter.client.workflow.start('bindingReconciliation', { taskQueue: starter.taskQueue, workflowId, args: [args], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { row, started: false };
    if (inserted.length) await finishReconciliation(db, tenantId, id, { status: 'error', message: `Could not start: ${(err as Error).message}` });
    throw err;
  }
  return { row, started: true };
}

export async function getReconciliation(db: Db, tenantId: string, id: string): Promise<ReconciliationRow> {
  const [row] = await db.select().from(reconciliations).where(and(eq(reconciliations.tenantId, tenantId), eq(reconciliations.id, id)));
  if (!row) throw new NotFoundError(`Reconciliation "${id}" not found`);
  return row;
}

export async function listReconciliations(db: Db, tenantId: string, filter: { connectionId?: string; entity?: string; limit?: number }) {
  const conds = [eq(reconciliations.tenantId, tenantId)];
  if (filter.connectionId) conds.push(eq(reconciliations.connectionId, filter.connectionId));
  if (filter.entity) conds.push(eq(reconciliations.entity, filter.entity));
  return db
    .select()
    .from(reconciliations)
    .where(and(...conds))
    .orderBy(desc(reconciliations.startedAt))
    .limit(filter.limit ?? 50);
}

export function publicReconciliation(row: ReconciliationRow) {
  const { tenantId: _t, ...rest } = row;
  return rest;
}

export async function finishReconciliation(
  db: Db,
  tenantId: string,
  id: string,
  result: { status: 'done' | 'blocked' | 'error'; message: string; bound?: number; seen?: number; missing?: number; marked?: number },
) {
  await db
    .update(reconciliations)
    .set({ ...result, finishedAt: new Date() })
    .where(and(eq(reconciliations.tenantId, tenantId), eq(reconciliations.id, id), eq(reconciliations.status, 'running')));
}

interface CheckedBinding {
  id: number;
  /** The id this connection should still have. */
  ownId: string;
}

/**
 * Active bindings of the entity whose one side is this connection, split by the grace window:
 * `checked` were synced (or made) before `cutoff`; `recent` is how many were left out.
 */
export async function bindingsToCheck(db: Db, tenantId: string, connectionId: string, entity: string, cutoff: Date) {
  const rows = await db
    .select({ id: bindings.id, connectionId: bindings.connectionId, sourceConnectionId: bindings.sourceConnectionId, internalId: bindings.internalId, externalId: bindings.externalId, at: sql<string>`coalesce(${bindings.lastSyncedAt}, ${bindings.createdAt})` })
    .from(bindings)
    .where(and(eq(bindings.tenantId, tenantId), eq(bindings.entity, entity), eq(bindings.status, 'active'), sql`(${bindings.connectionId} = ${connectionId} or ${bindings.sourceConnectionId} = ${connectionId})`));
  const checked: Array<CheckedBinding & { side: 'external' | 'internal' }> = [];
  let recent = 0;
  for (const r of rows) {
    if (new Date(r.at) > cutoff) {
      recent++;
      continue;
    }
    if (r.connectionId === connectionId && r.externalId) checked.push({ id: r.id, ownId: r.externalId, side: 'external' });
    // A flow from a connection into itself binds both ids to it: either one gone makes the binding orphan.
    if (r.sourceConnectionId === connectionId) checked.push({ id: r.id, ownId: r.internalId, side: 'internal' });
  }
  return { checked, recent };
}

export interface GuardDecision {
  bound: number;
  missing: number;
  share: number;
  blocked: boolean;
}

export function deleteGuard(bound: number, missing: number, maxShare: number): GuardDecision {
  const share = bound ? missing / bound : 0;
  return { bound, missing, share, blocked: share > maxShare };
}

/** Marks the missing bindings orphan, saying which side was deleted and when; only those still active and outside the grace window. */
export async function markOrphans(db: Db, tenantId: string, ids: number[], note: { connectionName: string; reconciliationId: string; detectedAt: Date; cutoff: Date; connectionId: string }) {
  if (!ids.length) return 0;
  const when = note.detectedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  const tail = ` was missing from a full read on ${when} (reconciliation ${note.reconciliationId}). The other record is untouched.`;
  const marked = await db
    .update(bindings)
    .set({
      status: 'orphan',
      notes: sql`case when ${bindings.connectionId} = ${note.connectionId}
        then ${`Deleted at ${note.connectionName} (the target): record `} || ${bindings.externalId} || ${tail}
        else ${`Deleted at ${note.connectionName} (the source): record `} || ${bindings.internalId} || ${tail} end`,
      claimedBy: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(bindings.tenantId, tenantId),
        inArray(bindings.id, ids),
        eq(bindings.status, 'active'),
        // Synced during the read: the record was written, so it exists; leave it for the next check.
        sql`coalesce(${bindings.lastSyncedAt}, ${bindings.createdAt}) <= ${note.cutoff.toISOString()}`,
      ),
    )
    .returning({ id: bindings.id });
  return marked.length;
}

/** The outcome in plain words, as the API and the UI show it. */
export function reconciliationMessage(o: { connectionName: string; entity: string; decision: GuardDecision; maxShare: number; marked: number; recent: number }) {
  const { connectionName, entity, decision, maxShare, marked, recent } = o;
  const { bound, missing, share } = decision;
  const graced = recent ? ` ${count(recent)} binding${recent === 1 ? '' : 's'} synced in the last ${GRACE_MS / 60_000} minutes ${recent === 1 ? 'was' : 'were'} not checked.` : '';
  if (!bound) return `No ${entity} bound to ${connectionName} to check.${graced}`;
  if (decision.blocked)
    return (
      `${connectionName} returned ${count(bound - missing)} of ${count(bound)} known ${entity} (${percent(share)} missing; the limit is ${percent(maxShare)}). ` +
      `A partial read is not a mass delete — nothing marked. Check the connection, or raise the limit for this run (maxShare).${graced}`
    );
  if (!missing) return `${connectionName} still has all ${count(bound)} known ${entity}.${graced}`;
  return `${count(missing)} of ${count(bound)} known ${entity} are gone from ${connectionName}: ${count(marked)} binding${marked === 1 ? '' : 's'} marked orphan.${graced}`;
}

/** The daily reconciliation's ids: one per connection, entity and UTC day, whichever process starts it. */
export function dailyIds(connectionId: string, entity: string, day: Date) {
  const workflowId = `reconcile-${connectionId}-${entity}-${day.toISOString().slice(0, 10)}`;
  return { workflowId, id: `rec_day_${createHash('sha256').update(workflowId).digest('hex').slice(0, 24)}` };
}

/**
 * Starts today's reconciliation of every (connection, entity) with active bindings on either side,
 * skipping connections that are not active (paused, disabled, or failing on their credentials)
 * and entities the connector cannot read. Several processes may call it: ids are per day.
 */
export async function startDueReconciliations(db: Db, starter: WorkflowStarter, tenantId: string, now = new Date()) {
  const pairs = rowsOf<{ connection_id: string; entity: string; provider: string }>(
    await db.execute(sql`
      select distinct c.id as connection_id, b.entity, c.provider
      from (
        select connection_id as cid, entity from bindings where tenant_id = ${tenantId} and status = 'active'
        union
        select source_connection_id, entity from bindings where tenant_id = ${tenantId} and status = 'active' and source_connection_id <> ''
      ) b
      join ${connections} c on c.id = b.cid
      where c.tenant_id = ${tenantId} and c.status = 'active'
      order by 1, 2`),
  );
  const started: Array<{ connectionId: string; entity: string; id: string }> = [];
  const failed: Array<{ connectionId: string; entity: string; error: string }> = [];
  for (const p of pairs) {
    try {
      if (!connectorFor(p.provider).entities[p.entity as EntityName]?.read) continue;
      const ids = dailyIds(p.connection_id, p.entity, now);
      const result = await startReconciliation(db, starter, tenantId, p.connection_id, p.entity, ids);
      if (result.started) started.push({ connectionId: p.connection_id, entity: p.entity, id: ids.id });
    } catch (err) {
      // One connection that cannot start (Temporal hiccup, a provider removed) does not hold up the others.
      failed.push({ connectionId: p.connection_id, entity: p.entity, error: (err as Error).message });
    }
  }
  return { started, failed };
}

/** The daily orphan check of every tenant's bound (connection, entity) pairs. */
export async function startDueReconciliationsOfAllTenants(db: Db, starter: WorkflowStarter, now = new Date()) {
  const all = { started: [] as Array<{ connectionId: string; entity: string; id: string }>, failed: [] as Array<{ connectionId: string; entity: string; error: string }> };
  for (const t of await db.select({ id: tenants.id }).from(tenants)) {
    const { started, failed } = await startDueReconciliations(db, starter, t.id, now);
    all.started.push(...started);
    all.failed.push(...failed);
  }
  return all;
}
