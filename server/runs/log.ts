/** The sync log's write side: per-record outcomes and per-(stage, page) commits. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { OutcomeRow } from '../../nodes/executor';
import type { StageCounters } from '../../workflows/types';
import { recordset } from '../db/bulk';
import type { Db } from '../db/client';
import { runRecords, runs, runSteps } from '../db/schema';

export type Counters = StageCounters;

export const zeroCounters = (): Counters => ({ processed: 0, created: 0, updated: 0, skipped: 0, failed: 0, conflict: 0 });

export function countOutcomes(rows: Pick<OutcomeRow, 'outcome'>[]): Counters {
  const c = zeroCounters();
  for (const r of rows) {
    c.processed++;
    c[r.outcome]++;
  }
  return c;
}

export function addCounters(a: Counters, b: Counters): Counters {
  return {
    processed: a.processed + b.processed,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    conflict: a.conflict + b.conflict,
  };
}

export interface StepKey {
  tenantId: string;
  runId: string;
  nodeId: string;
  pageSeq: number;
}

/** The counters of a step already committed (a retried activity returns them unchanged). */
export async function committedStep(db: Db, key: StepKey): Promise<Counters | null> {
  const [row] = await db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, key.runId), eq(runSteps.nodeId, key.nodeId), eq(runSteps.pageSeq, key.pageSeq)));
  return row ? { processed: row.processed, created: row.created, updated: row.updated, skipped: row.skipped, failed: row.failed, conflict: row.conflict } : null;
}

/** Outcomes an earlier attempt of this run already recorded at this node, by record key. */
export async function priorOutcomes(db: Db, runId: string, nodeId: string, keys: string[]): Promise<Map<string, OutcomeRow>> {
  if (!keys.length) return new Map();
  const rows = await db
    .select()
    .from(runRecords)
    .where(and(eq(runRecords.runId, runId), eq(runRecords.nodeId, nodeId), inArray(runRecords.recordKey, keys)));
  return new Map(rows.map((r) => [r.recordKey, { recordKey: r.recordKey, outcome: r.outcome, externalId: r.externalId, errorKind: r.errorKind ?? undefined, message: r.message ?? undefined }]));
}

export async function insertOutcomes(db: Db, tenantId: string, runId: string, nodeId: string, rows: OutcomeRow[]): Promise<void> {
  if (!rows.length) return;
  await db.execute(sql`
    insert into run_records (tenant_id, run_id, node_id, record_key, outcome, external_id, error_kind, message, message_code, message_params, hint, hint_code, payload, details)
    select ${tenantId}, ${runId}, ${nodeId}, r.record_key, r.outcome, r.external_id, r.error_kind, r.message, r.message_code, r.message_params, r.hint, r.hint_code, r.payload, r.details
    from ${recordset(
      rows.map((r) => ({
        record_key: r.recordKey,
        outcome: r.outcome,
        external_id: r.externalId ?? null,
        error_kind: r.errorKind ?? null,
        message: r.message ?? null,
        message_code: r.messageCode ?? null,
        message_params: r.messageParams ?? null,
        hint: r.hint ?? null,
        hint_code: r.hintCode ?? null,
        payload: r.payload ?? null,
        details: r.details ?? null,
      })),
      { record_key: 'text', outcome: 'text', external_id: 'text', error_kind: 'text', message: 'text', message_code: 'text', message_params: 'jsonb', hint: 'text', hint_code: 'text', payload: 'jsonb', details: 'jsonb' },
    )}
    on conflict (run_id, node_id, record_key) do nothing`);
}

/** Records a committed step and adds its counters to the run, once (the step row is the guard). */
export async function commitStep(db: Db, key: StepKey, counters: Counters, countInRun: boolean, worker?: string): Promise<boolean> {
  const inserted = await db
    .insert(runSteps)
    .values({ ...key, ...counters, worker: worker ?? null })
    .onConflictDoNothing()
    .returning({ runId: runSteps.runId });
  if (!inserted.length) return false;
  if (countInRun)
    await db
      .update(runs)
      .set({
        processed: sql`${runs.processed} + ${counters.processed}`,
        created: sql`${runs.created} + ${counters.created}`,
        updated: sql`${runs.updated} + ${counters.updated}`,
        skipped: sql`${runs.skipped} + ${counters.skipped}`,
        failed: sql`${runs.failed} + ${counters.failed}`,
        conflict: sql`${runs.conflict} + ${counters.conflict}`,
      })
      .where(eq(runs.id, key.runId));
  return true;
}
