/**
 * The interpreter: one workflow runs every flow. It loads the pinned version through an
 * activity, compiles the plan, then pages through the source: fetch page N+1 while the stages
 * work on page N, one activity per stage per page. Records stay in the database; this code sees
 * references and counters only, and continues as new before its history grows large.
 */
import { ActivityFailure, ApplicationFailure, condition, defineSignal, makeContinueAsNewFunc, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_KINDS } from '../connectors/http/errors';
import { compilePlan } from '../nodes/flow-model/compile';
import type { RetrySettings } from '../nodes/flow-model/document';
import { APPROVALS_DECIDED, type FetchPageResult, type FlowRunInput, type RunSummary } from './types';

const DEFAULT_MAX_HISTORY_EVENTS = 1_000;

const control = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 50 },
});

function workActivities(retry: RetrySettings) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    // Short, so a killed worker's page is handed to another worker within seconds.
    heartbeatTimeout: '20 seconds',
    retry: {
      initialInterval: `${retry.initialIntervalSeconds ?? 1}s`,
      maximumInterval: `${retry.maximumIntervalSeconds ?? 60}s`,
      backoffCoefficient: 2,
      maximumAttempts: retry.maximumAttempts ?? 20,
      nonRetryableErrorTypes: NON_RETRYABLE_KINDS,
    },
  });
}

/** Sent by the API after a person confirmed or rejected held records: the decisions are in the database. */
export const approvalsDecided = defineSignal(APPROVALS_DECIDED);

export async function flowRun(input: FlowRunInput): Promise<RunSummary> {
  const { tenantId, runId, versionId } = input;
  let decided = false;
  setHandler(approvalsDecided, () => {
    decided = true;
  });
  try {
    const { document, since } = await control.startRun({ tenantId, runId, versionId });
    const plan = compilePlan(document);
    const source = workActivities(plan.source.retry);
    const stageActivities = new Map(plan.levels.flat().map((s) => [s.id, workActivities(s.retry)]));
    const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;

    const fetch = (seq: number, cursor: string | null) => source.fetchPage({ tenantId, runId, versionId, nodeId: plan.source.nodeId, seq, cursor, since, trigger: input.trigger });

    const continueAsNew = makeContinueAsNewFunc<typeof flowRun>({ workflowType: 'flowRun' });
    let pending: Promise<FetchPageResult> | null = input.resume?.phase === 'approvals' ? null : fetch(input.resume?.seq ?? 0, input.resume?.cursor ?? null);
    while (pending) {
      const page: FetchPageResult = await pending;
      const more = page.nextCursor !== null;
      const info = workflowInfo();
      const handOver = more && (info.continueAsNewSuggested || info.historyLength > maxEvents);
      // Read ahead while this page is written, unless this execution is about to hand over.
      pending = more && !handOver ? fetch(page.seq + 1, page.nextCursor) : null;

      if (page.count > 0) {
        for (const level of plan.levels) {
          await Promise.all(level.map((stage) => stageActivities.get(stage.id)!.runStage({ tenantId, runId, versionId, stageId: stage.id, pageSeq: page.seq })));
        }
      }
      // Always as `flowRun`, also when a schedule started this execution as `scheduledFlowRun`.
      if (handOver) await continueAsNew({ ...input, resume: { seq: page.seq + 1, cursor: page.nextCursor } });
    }

    // Records held for approval: wait for people (or the deadline), then send each released batch down its branch.
    if (plan.gates.length) {
      const written = new Set<string>();
      for (;;) {
        decided = false;
        const state = await control.releaseApprovals({ tenantId, runId, versionId });
        for (const batch of state.batches) {
          const id = `${batch.gateId}:${batch.seq}`;
          if (written.has(id)) continue;
          const gate = plan.gates.find((g) => g.id === batch.gateId)!;
          if (batch.count > 0)
            for (const level of gate.downstream)
              await Promise.all(level.map((stage) => stageActivities.get(stage.id)!.runStage({ tenantId, runId, versionId, stageId: stage.id, pageSeq: batch.seq })));
          written.add(id);
        }
        if (state.unsettled === 0) break;
        if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents) await continueAsNew({ ...input, resume: { seq: 0, cursor: null, phase: 'approvals' } });
        // Decided while the release looked elsewhere: release it now; otherwise wait for people or the deadline.
        if (state.pending > 0) await condition(() => decided, Math.max(1_000, state.nextExpiryMs! - Date.now()));
      }
    }
    return await control.finishRun({ tenantId, runId });
  } catch (err) {
    if (!(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const kind = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
    // activities/failures.ts puts the hint's code in the failure's details.
    const hintCode = cause instanceof ApplicationFailure ? (cause.details?.[0] as { hintCode?: unknown } | undefined)?.hintCode : undefined;
    await control.finishRun({ tenantId, runId, error: { message: cause?.message ?? err.message, kind, hintCode: typeof hintCode === 'string' ? hintCode : undefined } });
    throw ApplicationFailure.nonRetryable(`Run ${runId} failed: ${cause?.message ?? err.message}`, kind ?? 'RunFailed');
  }
}

/**
 * What a Temporal Schedule starts: it records the run (pinned to the latest published version at
 * fire time) and then runs the flow like any other run.
 */
export async function scheduledFlowRun(input: { tenantId: string; flowId: string; maxHistoryEvents?: number }): Promise<RunSummary> {
  const { runId, versionId } = await control.createScheduledRun({ tenantId: input.tenantId, flowId: input.flowId, workflowId: workflowInfo().workflowId });
  return flowRun({ tenantId: input.tenantId, runId, flowId: input.flowId, versionId, trigger: { type: 'schedule' }, maxHistoryEvents: input.maxHistoryEvents });
}
