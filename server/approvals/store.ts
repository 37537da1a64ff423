/**
 * "Aguardando confirmação": records an `approve` node holds, the decisions people make on them,
 * and their release into the run that holds them.
 */
import { and, asc, desc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { SyncRecord } from '../../connectors/types';
import type { Db } from '../db/client';
import { type ApprovalStatus, approvals, pages, runs } from '../db/schema';
import { commitStep, countOutcomes, insertOutcomes } from '../runs/log';
import type { RecordMessage } from '../../connectors/localized';
import { APPROVE_MESSAGES } from '../../nodes/approve/messages';
import type { OutcomeRow } from '../../nodes/executor';

export type Approval = typeof approvals.$inferSelect;

/** Released batches are pages of the gate's output numbered from here, far above any source page. */
export const RELEASE_SEQ_BASE = 1_000_000_000;

export interface PriorDecision {
  id: number;
  status: ApprovalStatus;
  runId: string;
  /** Whether the run holding it is still going (a pending record of a failed run is taken over). */
  runLive: boolean;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

/** What is already known about these records at this approval step of this flow. */
export async function priorDecisions(db: Db, flowId: string, nodeId: string, keys: string[]): Promise<Map<string, PriorDecision>> {
  if (!keys.length) return new Map();
  const rows = await db
    .select({ id: approvals.id, key: approvals.recordKey, status: approvals.status, runId: approvals.runId, runStatus: runs.status, decidedBy: approvals.decidedBy, decidedAt: approvals.decidedAt, reason: approvals.reason })
    .from(approvals)
    .innerJoin(runs, eq(runs.id, approvals.runId))
    .where(and(eq(approvals.flowId, flowId), eq(approvals.nodeId, nodeId), inArray(approvals.recordKey, keys)));
  return new Map(rows.map((r) => [r.key, { ...r, runLive: r.runStatus === 'running' || r.runStatus === 'waiting' }]));
}

export interface Hold {
  record: SyncRecord;
  summary: string | null;
}

/** Holds records in this run: new ones, and pending ones a finished run left behind (taken over). */
export async function holdRecords(db: Db, scope: { tenantId: string; flowId: string; runId: string; nodeId: string }, holds: Hold[], expiresAt: Date): Promise<void> {
  if (!holds.length) return;
  await db
    .insert(approvals)
    .values(holds.map((h) => ({ ...scope, recordKey: h.record.key, record: h.record, summary: h.summary, expiresAt })))
    .onConflictDoUpdate({
      target: [approvals.flowId, approvals.nodeId, approvals.recordKey],
      set: { runId: scope.runId, record: sql`excluded.record`, summary: sql`excluded.summary`, expiresAt, updatedAt: new Date() },
      setWhere: eq(approvals.status, 'pending'),
    });
}

/** A pending record met again by another run: the person decides on its latest content. */
export async function refreshHeld(db: Db, ids: Array<{ id: number; hold: Hold }>): Promise<void> {
  for (const { id, hold } of ids)
    await db
      .update(approvals)
      .set({ record: hold.record, summary: hold.summary, updatedAt: new Date() })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')));
}

export type ExpiryRule = Record<string, 'approve' | 'reject'>;

/**
 * Settles what can be settled for a run: expired records are decided by their node's rule, and
 * every decided, unreleased record goes out in a new batch of the gate's output (approved ones as
 * records for the branch below, the others as `skipped` outcomes). Idempotent: a batch is released
 * once, and every batch released so far is returned, so a retried call loses nothing.
 */
export async function releaseDecided(db: Db, tenantId: string, runId: string, onExpiry: ExpiryRule) {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    for (const [nodeId, rule] of Object.entries(onExpiry))
      await tx
        .update(approvals)
        .set({ status: rule === 'approve' ? 'approved' : 'expired', decidedBy: 'deadline', decidedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(approvals.runId, runId), eq(approvals.nodeId, nodeId), eq(approvals.status, 'pending'), lt(approvals.expiresAt, sql`now()`)));

    const decided = await tx
      .select()
      .from(approvals)
      .where(and(eq(approvals.runId, runId), ne(approvals.status, 'pending'), isNull(approvals.releasedSeq)))
      .orderBy(asc(approvals.id))
      .for('update');
    for (const nodeId of new Set(decided.map((d) => d.nodeId))) {
      const batch = decided.filter((d) => d.nodeId === nodeId);
      const [{ last }] = await tx.select({ last: sql<number | null>`max(${approvals.releasedSeq})` }).from(approvals).where(and(eq(approvals.runId, runId), eq(approvals.nodeId, nodeId)));
      const seq = Math.max(Number(last ?? 0) + 1, RELEASE_SEQ_BASE);
      const approved = batch.filter((d) => d.status === 'approved').map((d) => d.record as SyncRecord);
      const refused: OutcomeRow[] = batch.filter((d) => d.status !== 'approved').map((d) => ({ recordKey: d.recordKey, outcome: 'skipped', ...refusalMessage(d), payload: d.record }));
      await tx.insert(pages).values({ tenantId, runId, nodeId, seq, records: approved, recordCount: approved.length }).onConflictDoNothing();
      await insertOutcomes(tx, tenantId, runId, nodeId, refused);
      await commitStep(tx, { tenantId, runId, nodeId, pageSeq: seq }, countOutcomes(refused), true);
      await tx.update(approvals).set({ releasedSeq: seq }).where(inArray(approvals.id, batch.map((d) => d.id)));
    }
  });

  const batches = await db
    .select({ gateId: pages.nodeId, seq: pages.seq, count: pages.recordCount })
    .from(pages)
    .where(and(eq(pages.runId, runId), sql`${pages.seq} >= ${RELEASE_SEQ_BASE}`, inArray(pages.nodeId, Object.keys(onExpiry))))
    .orderBy(asc(pages.seq));
  // Counted apart from the release above: a decision that landed meanwhile is not pending, but not released yet either.
  const [waiting] = await db
    .select({
      pending: sql<number>`(count(*) filter (where ${approvals.status} = 'pending'))::int`,
      unsettled: sql<number>`(count(*) filter (where ${approvals.releasedSeq} is null))::int`,
      next: sql<string | null>`min(${approvals.expiresAt}) filter (where ${approvals.status} = 'pending')`,
    })
    .from(approvals)
    .where(eq(approvals.runId, runId));
  const pending = Number(waiting?.pending ?? 0);
  const unsettled = Number(waiting?.unsettled ?? 0);
  await db
    .update(runs)
    .set({ status: pending > 0 ? 'waiting' : 'running' })
    .where(and(eq(runs.id, runId), inArray(runs.status, ['running', 'waiting'])));
  return { batches, pending, unsettled, nextExpiryMs: waiting?.next ? new Date(waiting.next).getTime() : null };
}

/** Why a held record was not written, for the run log (who, when in São Paulo time, and why). */
export function refusalMessage(a: Pick<Approval, 'status' | 'decidedBy' | 'decidedAt' | 'reason'>): RecordMessage {
  const at = a.decidedAt ? a.decidedAt.toISOString() : null;
  if (a.status === 'expired') return APPROVE_MESSAGES.of('expired', { at });
  return APPROVE_MESSAGES.of('rejected', { by: a.decidedBy, at, reason: a.reason });
}

export interface ApprovalFilter {
  status?: ApprovalStatus;
  flowId?: string;
  runId?: string;
  limit?: number;
}

export async function listApprovals(db: Db, tenantId: string, filter: ApprovalFilter): Promise<Approval[]> {
  const where = [eq(approvals.tenantId, tenantId)];
  if (filter.status) where.push(eq(approvals.status, filter.status));
  if (filter.flowId) where.push(eq(approvals.flowId, filter.flowId));
  if (filter.runId) where.push(eq(approvals.runId, filter.runId));
  return db
    .select()
    .from(approvals)
    .where(and(...where))
    .orderBy(filter.status === 'pending' ? asc(approvals.createdAt) : desc(approvals.updatedAt))
    .limit(filter.limit ?? 100);
}

/**
 * Records a decision on pending records (the first decision wins; decided ones are reported, not
 * changed). Returns the runs to wake and what could not be decided.
 */
export async function decide(db: Db, tenantId: string, ids: number[], decision: 'approve' | 'reject', by: string, reason?: string) {
  const changed = await db
    .update(approvals)
    .set({ status: decision === 'approve' ? 'approved' : 'rejected', decidedBy: by, decidedAt: new Date(), reason: reason ?? null, updatedAt: new Date() })
    .where(and(eq(approvals.tenantId, tenantId), inArray(approvals.id, ids), eq(approvals.status, 'pending')))
    .returning({ id: approvals.id, runId: approvals.runId });
  const done = new Set(changed.map((c) => c.id));
  const rest = ids.filter((id) => !done.has(id));
  const others = rest.length ? await db.select({ id: approvals.id, status: approvals.status }).from(approvals).where(and(eq(approvals.tenantId, tenantId), inArray(approvals.id, rest))) : [];
  const known = new Map(others.map((o) => [o.id, o.status]));
  return {
    decided: changed.map((c) => c.id),
    runIds: [...new Set(changed.map((c) => c.runId))],
    refused: rest.map((id) => ({ id, reason: known.has(id) ? `already ${known.get(id)}` : 'not found' })),
  };
}
