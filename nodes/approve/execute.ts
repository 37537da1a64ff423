/**
 * The approval step, one page at a time: records that need a person are held (committed with
 * the step), the others go straight on. A decision is per flow, node and record: a record already
 * confirmed goes on, one rejected is skipped, one still pending gets its latest content.
 */
import { type Hold, holdRecords, priorDecisions, refreshHeld, refusalMessage } from '../../server/approvals/store';
import { hintOf } from '../../connectors/http/errors';
import type { SyncRecord } from '../../connectors/types';
import type { EffectExecutor, OutcomeRow } from '../executor';
import { compileRecordExpression } from '../record-expressions';
import { APPROVE_MESSAGES } from './messages';

const DEFAULT_EXPIRY_HOURS = 72;

export const approveExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const when = compileRecordExpression(params.when);
    const summary = compileRecordExpression(params.summary);
    const hours = (params.expiresAfterHours as number | undefined) ?? DEFAULT_EXPIRY_HOURS;
    const prior = await priorDecisions(ctx.db, ctx.flowId, ctx.nodeId, records.map((r) => r.key));

    const output: SyncRecord[] = [];
    const outcomes: OutcomeRow[] = [];
    const holds: Hold[] = [];
    const refreshes: Array<{ id: number; hold: Hold }> = [];
    const describe = async (record: SyncRecord) => (summary ? String((await summary(record)) ?? '') || null : null);

    for (const record of records) {
      const p = prior.get(record.key);
      if (p?.status === 'approved') {
        output.push(record);
        continue;
      }
      if (p && p.status !== 'pending') {
        outcomes.push({ recordKey: record.key, outcome: 'skipped', ...refusalMessage(p) });
        continue;
      }
      try {
        if (p && p.runLive && p.runId !== ctx.runId) {
          refreshes.push({ id: p.id, hold: { record, summary: await describe(record) } });
          outcomes.push({ recordKey: record.key, outcome: 'skipped', ...APPROVE_MESSAGES.of('waitingInRun', { runId: p.runId }) });
          continue;
        }
        if (p || !when || (await when(record))) holds.push({ record, summary: await describe(record) });
        else output.push(record);
      } catch (err) {
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: 'TransformError', message: `${ctx.nodeId}: ${(err as Error).message}`, ...hintOf('TransformError'), payload: record.data });
      }
    }

    const expiresAt = new Date(Date.now() + hours * 3_600_000);
    return {
      outcomes,
      output,
      async commit(tx) {
        await holdRecords(tx, { tenantId: ctx.tenantId, flowId: ctx.flowId, runId: ctx.runId, nodeId: ctx.nodeId }, holds, expiresAt);
        await refreshHeld(tx, refreshes);
      },
    };
  },
};
