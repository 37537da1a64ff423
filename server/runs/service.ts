/** Starting runs and reading them back (the sync log's read side). */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { and, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { FlowDocument } from '../../nodes/flow-model/document';
import { ConflictError } from '../errors';
import type { Db } from '../db/client';
import { approvals, connections, flowVersions, runRecords, runs, runSteps } from '../db/schema';
import { newId } from '../connections/store';
import { getFlow, getVersion, NotFoundError } from '../flows/service';
import type { FlowRunInput, RunTrigger } from '../../workflows/types';
import { hintText } from './hints';

export class NotPublished extends Error {}

export interface RunStarter {
  client: Client;
  taskQueue: string;
  maxHistoryEvents?: number;
}

export interface StartRunOptions {
  versionId?: string;
  /** Fixed ids make a start idempotent: a second call with the same ids starts nothing. */
  runId?: string;
  workflowId?: string;
  /** Reprocessing: read exactly these source records. */
  sourceKeys?: string[];
}

export async function startRun(db: Db, starter: RunStarter, tenantId: string, flowId: string, trigger: RunTrigger, versionIdOrOptions?: string | StartRunOptions) {
  const options: StartRunOptions = typeof versionIdOrOptions === 'string' ? { versionId: versionIdOrOptions } : (versionIdOrOptions ?? {});
  const { versionId } = options;
  await getFlow(db, tenantId, flowId);
  const version = await getVersion(db, tenantId, flowId, versionId);
  if (!version) throw versionId ? new NotFoundError(`Version "${versionId}" of flow "${flowId}" not found`) : new NotPublished(`Flow "${flowId}" has no published version; publish it first`);
  const stopped = await stoppedConnections(db, tenantId, version.document);
  if (stopped.length) throw new ConflictError(`Cannot run: ${stopped.map((c) => `connection "${c.name}" is ${c.status}`).join(', ')}. Resume it first.`);
  const runId = options.runId ?? newId('run');
  const workflowId = options.workflowId ?? `ponte-run-${runId}`;
  const inserted = await db
    .insert(runs)
    .values({ id: runId, tenantId, flowId, versionId: version.id, version: version.version, workflowId, trigger, status: 'running', reprocessOf: trigger.reprocessOf ?? null, sourceKeys: options.sourceKeys ?? null })
    .onConflictDoNothing()
    .returning({ id: runs.id });
  // A run id used before keeps what it was recorded with (a webhook batch keeps its events), whoever starts it.
  if (!inserted.length) {
    const [row] = await db.select({ trigger: runs.trigger }).from(runs).where(eq(runs.id, runId));
    if (row) trigger = row.trigger;
  }
  const input: FlowRunInput = { tenantId, runId, flowId, versionId: version.id, trigger, maxHistoryEvents: starter.maxHistoryEvents };
  try {
    // REJECT_DUPLICATE: a workflow id used once (even by a finished run) never runs again.
    await starter.client.workflow.start('flowRun', { taskQueue: starter.taskQueue, workflowId, args: [input], memo: { flowId, tenantId }, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { runId, workflowId, versionId: version.id, version: version.version, trigger, duplicate: true };
    if (inserted.length) await db.update(runs).set({ status: 'error', error: `Could not start: ${(err as Error).message}`, finishedAt: new Date() }).where(eq(runs.id, runId));
    throw err;
  }
  return { runId, workflowId, versionId: version.id, version: version.version, trigger, duplicate: false };
}

/** Connections of a flow that may not run now (paused or disabled). */
async function stoppedConnections(db: Db, tenantId: string, document: unknown) {
  const ids = [...new Set(((document as FlowDocument).nodes ?? []).map((n) => n.params?.connectionId).filter((v): v is string => typeof v === 'string'))];
  if (!ids.length) return [];
  const rows = await db.select().from(connections).where(and(eq(connections.tenantId, tenantId), inArray(connections.id, ids)));
  return rows.filter((r) => r.status === 'paused' || r.status === 'disabled');
}

export function publicRun(row: typeof runs.$inferSelect) {
  const end = row.finishedAt ?? new Date();
  const errorHint = hintText(row.errorHintCode);
  return {
    id: row.id,
    flowId: row.flowId,
    versionId: row.versionId,
    version: row.version,
    workflowId: row.workflowId,
    trigger: row.trigger,
    reprocessOf: row.reprocessOf,
    status: row.status,
    error: row.error,
    /** What to do about the error: in English, and in both languages the UI speaks when its code is known. */
    errorHint: errorHint?.en ?? null,
    errorHintText: errorHint,
    counters: { processed: row.processed, created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed, conflict: row.conflict },
    pages: row.pages,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: end.getTime() - row.startedAt.getTime(),
  };
}

export interface RunFilter {
  flowId?: string;
  status?: string;
  /** Runs whose pinned version has a block on this connection. */
  connectionId?: string;
  trigger?: 'manual' | 'schedule' | 'webhook';
  /** Bounds on started_at: from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
  limit?: number;
}

export async function listRuns(db: Db, tenantId: string, filter: RunFilter) {
  const conds = [eq(runs.tenantId, tenantId)];
  if (filter.flowId) conds.push(eq(runs.flowId, filter.flowId));
  if (filter.status) conds.push(eq(runs.status, filter.status as never));
  if (filter.trigger) conds.push(sql`${runs.trigger}->>'type' = ${filter.trigger}`);
  if (filter.from) conds.push(gte(runs.startedAt, filter.from));
  if (filter.to) conds.push(lt(runs.startedAt, filter.to));
  // A run carries no connection of its own: the version it ran (pinned at start) names them in its blocks' params.
  if (filter.connectionId) {
    const block = JSON.stringify([{ params: { connectionId: filter.connectionId } }]);
    conds.push(sql`exists (select 1 from ${flowVersions} v where v.id = ${runs.versionId} and v.document->'nodes' @> ${block}::jsonb)`);
  }
  const rows = await db.select().from(runs).where(and(...conds)).orderBy(desc(runs.startedAt)).limit(filter.limit ?? 50);
  return rows.map(publicRun);
}

export async function getRun(db: Db, tenantId: string, runId: string) {
  const [row] = await db.select().from(runs).where(and(eq(runs.tenantId, tenantId), eq(runs.id, runId)));
  if (!row) throw new NotFoundError(`Run "${runId}" not found`);
  const steps = await db.select().from(runSteps).where(eq(runSteps.runId, runId));
  const nodes: Record<string, { pages: number; processed: number; created: number; updated: number; skipped: number; failed: number; conflict: number }> = {};
  for (const s of steps) {
    const n = (nodes[s.nodeId] ??= { pages: 0, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    n.pages++;
    n.processed += s.processed;
    n.created += s.created;
    n.updated += s.updated;
    n.skipped += s.skipped;
    n.failed += s.failed;
    n.conflict += s.conflict;
  }
  // Records an approval step holds in this run, by decision (status `waiting` while some are pending).
  const held = await db
    .select({ status: approvals.status, n: sql<number>`count(*)::int` })
    .from(approvals)
    .where(eq(approvals.runId, runId))
    .groupBy(approvals.status);
  const awaiting = { pending: 0, approved: 0, rejected: 0, expired: 0 };
  for (const h of held) awaiting[h.status] = Number(h.n);
  // Which worker processes committed its pages: how the run spread.
  const workers = [...new Set(steps.map((s) => s.worker).filter((w): w is string => !!w))].sort();
  return { ...publicRun(row), nodes, approvals: awaiting, workers };
}

/**
 * Reprocess the failed (and conflicting) records of runs that no one marked resolved: one new
 * run per source run, reading exactly those records again, on the version the source run pinned
 * or on the latest published one.
 */
export async function reprocessRuns(db: Db, starter: RunStarter, tenantId: string, runIds: string[], options: { version: 'pinned' | 'latest'; recordKeys?: string[] }) {
  const started = [];
  for (const runId of runIds) {
    const source = await getRun(db, tenantId, runId);
    const rows = await db
      .select({ key: runRecords.recordKey })
      .from(runRecords)
      .where(and(eq(runRecords.tenantId, tenantId), eq(runRecords.runId, runId), inArray(runRecords.outcome, ['failed', 'conflict']), isNull(runRecords.resolvedAt)));
    let keys = [...new Set(rows.map((r) => r.key))];
    if (options.recordKeys) keys = keys.filter((k) => options.recordKeys!.includes(k));
    if (!keys.length) {
      started.push({ of: runId, runId: null, records: 0, message: 'Nothing to reprocess: no unresolved failures' });
      continue;
    }
    const run = await startRun(db, starter, tenantId, source.flowId, { type: 'manual', by: 'reprocess', reprocessOf: runId }, { versionId: options.version === 'pinned' ? source.versionId : undefined, sourceKeys: keys });
    started.push({ of: runId, runId: run.runId, version: run.version, records: keys.length });
  }
  return started;
}

export async function resolveRecords(db: Db, tenantId: string, runId: string, options: { recordKeys?: string[]; resolution?: string }) {
  await getRun(db, tenantId, runId);
  const conds = [eq(runRecords.tenantId, tenantId), eq(runRecords.runId, runId), inArray(runRecords.outcome, ['failed', 'conflict']), isNull(runRecords.resolvedAt)];
  if (options.recordKeys) conds.push(inArray(runRecords.recordKey, options.recordKeys));
  const rows = await db
    .update(runRecords)
    .set({ resolvedAt: new Date(), resolution: options.resolution ?? 'Marked resolved' })
    .where(and(...conds))
    .returning({ key: runRecords.recordKey });
  return { resolved: rows.length };
}
