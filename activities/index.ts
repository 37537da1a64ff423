/**
 * Temporal activities: every piece of I/O a run does. The workflow passes references
 * (run id, version id, page number); records are read from and written to the database here.
 */
import { cancellation, heartbeat } from './context';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { AuthError, ConfigError, ConnectorError, hintOf, messageOfError } from '../connectors/http/errors';
import { withInlineRetry } from '../connectors/http/retry';
import type { PacerRegistry } from '../connectors/http/pacing';
import { openConnection, readerFor } from '../connectors/runtime';
import type { ConnectionContext, EntityName, EntitySupport, SyncRecord } from '../connectors/types';
import { compilePlan, type Plan, type PlanStage } from '../nodes/flow-model/compile';
import type { FlowDocument } from '../nodes/flow-model/document';
import { migrateDocument } from '../nodes/flow-model/migrate';
import { effectExecutors } from '../nodes/effect-executors';
import type { OutcomeRow, RecordFunction } from '../nodes/executor';
import { pureExecutors } from '../nodes/pure-executors';
import { TRANSFORM_MESSAGES } from '../nodes/transform/messages';
import { refreshConnectionTokens } from '../server/connections/oauth';
import { loadOpenableConnection } from '../server/connections/store';
import type { Db } from '../server/db/client';
import { flowState, flowVersions, pages, runs, webhookEvents } from '../server/db/schema';
import { separateEchoes } from '../server/bindings/echo';
import { commitStep, committedStep, countOutcomes, insertOutcomes } from '../server/runs/log';
import type { SecretBox } from '../server/secrets/crypto';
import { ValueMaps } from '../server/value-maps/lookup';
import { loadValueMaps } from '../server/value-maps/store';
import { releaseDecided } from '../server/approvals/store';
import { sendRunAlerts } from '../server/notify/alerts';
import { markConnectionFailing } from './connection-failures';
import type { FetchPageInput, FetchPageResult, FinishRunInput, ReleaseApprovalsResult, RunStageInput, RunSummary, StageCounters, StartRunResult } from '../workflows/types';
import { translatingFailures } from './failures';

export interface ActivityDeps {
  db: Db;
  box: SecretBox;
  pacers: PacerRegistry;
  /** Fired after each committed change of a run, for live updates. */
  onRunChanged?: (runId: string) => void;
  /** Names this worker process in the run's steps (default host:pid). */
  workerId?: string;
  /** Where people open Ponte: links in alert messages. */
  publicUrl?: string;
}

/** Incremental cursors overlap a little, so a record changed during a run is not missed. */
const INCREMENTAL_OVERLAP_MS = 60_000;

export function createActivities(deps: ActivityDeps) {
  const { db, box, pacers } = deps;
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}`;
  // Versions are immutable: compile each once per process.
  const versions = new Map<string, { document: FlowDocument; plan: Plan; flowId: string }>();

  async function loadVersion(versionId: string) {
    let v = versions.get(versionId);
    if (!v) {
      const [row] = await db.select().from(flowVersions).where(eq(flowVersions.id, versionId));
      if (!row) throw new Error(`Flow version ${versionId} not found`);
      const document = migrateDocument(row.document);
      v = { document, plan: compilePlan(document), flowId: row.flowId };
      versions.set(versionId, v);
    }
    return v;
  }

  /** Connections as activities open them: tokens refreshed and stored, refusals recorded. */
  const markAuthFailure = (tenantId: string, id: string, reason: string): Promise<void> => markConnectionFailing({ db, pacers, openStored, publicUrl: deps.publicUrl }, tenantId, id, reason);
  const openStored = (tenantId: string, connectionId: string) =>
    loadOpenableConnection(db, box, tenantId, connectionId, {
      refreshTokens: (id, stale) => refreshConnectionTokens(db, box, tenantId, id, stale),
      onAuthFailure: (id, reason) => markAuthFailure(tenantId, id, reason),
    });
  /** Credentials refused by a connector that does not speak HTTP (a database) count the same. */
  const reportingAuthFailures = async <T>(tenantId: string, connectionId: unknown, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof AuthError && typeof connectionId === 'string') await markAuthFailure(tenantId, connectionId, err.message).catch(() => {});
      throw err;
    }
  };

  async function storePage(input: FetchPageInput, nodeId: string, records: SyncRecord[]) {
    await db
      .insert(pages)
      .values({ tenantId: input.tenantId, runId: input.runId, nodeId, seq: input.seq, records, recordCount: records.length })
      .onConflictDoUpdate({ target: [pages.runId, pages.nodeId, pages.seq], set: { records, recordCount: records.length } });
    await db.update(runs).set({ pages: sql`greatest(${runs.pages}, ${input.seq + 1})` }).where(eq(runs.id, input.runId));
  }

  /**
   * A run started by webhooks reads only the notified records: from the payload when it carried
   * them, otherwise fetched by id (Mercado Livre, Bling and Nuvemshop send pointers), each
   * resource once however many events named it (the latest payload wins). Null when the run was
   * not started by events of this source's connection (then the source reads as usual).
   */
  async function recordsOfWebhookEvents(input: FetchPageInput, connectionId: string, getter: () => NonNullable<EntitySupport['get']>, ctx: ConnectionContext): Promise<SyncRecord[] | null> {
    const trigger = input.trigger;
    const refs = trigger?.type === 'webhook' ? (trigger.eventRefs ?? (trigger.eventRef !== undefined ? [trigger.eventRef] : [])) : [];
    if (!refs.length) return null;
    const events = (await db.select().from(webhookEvents).where(and(eq(webhookEvents.tenantId, input.tenantId), inArray(webhookEvents.id, refs))).orderBy(asc(webhookEvents.id))).filter(
      (e) => e.connectionId === connectionId,
    );
    if (!events.length) return null;
    const latest = new Map(events.map((e) => [e.resourceId, e]));
    const out: SyncRecord[] = [];
    for (const event of latest.values()) {
      if (event.action === 'deleted') continue;
      if (event.record) out.push(event.record as SyncRecord);
      else {
        const record = await reportingAuthFailures(input.tenantId, connectionId, () => withInlineRetry(() => getter()(ctx, event.resourceId), { signal: ctx.signal }));
        if (record) out.push(record);
      }
      heartbeat();
    }
    return out;
  }

  function nodeOf(document: FlowDocument, id: string) {
    const node = document.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`Node ${id} not in the flow version`);
    return node;
  }

  function stageOf(plan: Plan, id: string): PlanStage {
    for (const level of plan.levels) for (const s of level) if (s.id === id) return s;
    throw new Error(`Stage ${id} not in the plan`);
  }


  return translatingFailures({
    /** Pins the run to its version and returns the document (recorded in history). */
    async startRun(input: { tenantId: string; runId: string; versionId: string }): Promise<StartRunResult> {
      const { document, plan } = await loadVersion(input.versionId);
      const [run] = await db.select().from(runs).where(and(eq(runs.tenantId, input.tenantId), eq(runs.id, input.runId)));
      if (!run) throw new Error(`Run ${input.runId} not found`);
      const source = nodeOf(document, plan.source.nodeId);
      let since: string | null = null;
      if (source.params.incremental === true) {
        const [state] = await db
          .select()
          .from(flowState)
          .where(and(eq(flowState.flowId, run.flowId), eq(flowState.nodeId, source.id)));
        since = state?.cursor ?? null;
      }
      return { document, since };
    },

    /** A schedule fired: record the run, pinned to the latest published version now. */
    async createScheduledRun(input: { tenantId: string; flowId: string; workflowId: string }): Promise<{ runId: string; versionId: string }> {
      const [version] = await db
        .select()
        .from(flowVersions)
        .where(and(eq(flowVersions.tenantId, input.tenantId), eq(flowVersions.flowId, input.flowId)))
        .orderBy(desc(flowVersions.version))
        .limit(1);
      if (!version) throw ApplicationFailure.nonRetryable(`Flow ${input.flowId} has no published version`, 'ConfigError');
      const runId = `run_sch_${createHash('sha256').update(input.workflowId).digest('hex').slice(0, 24)}`;
      await db
        .insert(runs)
        .values({ id: runId, tenantId: input.tenantId, flowId: input.flowId, versionId: version.id, version: version.version, workflowId: input.workflowId, trigger: { type: 'schedule' }, status: 'running' })
        .onConflictDoNothing();
      deps.onRunChanged?.(runId);
      return { runId, versionId: version.id };
    },

    /** Reads one batch from the source and parks it in the claim-check table. */
    async fetchPage(input: FetchPageInput): Promise<FetchPageResult> {
      const { document } = await loadVersion(input.versionId);
      const node = nodeOf(document, input.nodeId);
      const conn = await openStored(input.tenantId, node.params.connectionId as string);
      const { connector, ctx } = openConnection(conn, pacers, cancellation());
      const entity = node.params.entity as EntityName;
      const fromEvent = await recordsOfWebhookEvents(input, node.params.connectionId as string, () => {
        const get = connector.entities[entity]?.get;
        if (!get) throw new ConfigError(`${connector.name} cannot fetch one ${entity} record; a webhook cannot start this flow`);
        return get;
      }, ctx);
      if (fromEvent) {
        await storePage(input, node.id, fromEvent);
        return { seq: input.seq, count: fromEvent.length, nextCursor: null };
      }
      if (input.trigger?.reprocessOf || input.trigger?.resyncOf) {
        // Reprocessing (and re-syncing one record) reads exactly those records, by id, a page at a time.
        const [run] = await db.select({ keys: runs.sourceKeys }).from(runs).where(eq(runs.id, input.runId));
        const keys = run?.keys ?? [];
        const from = Number(input.cursor ?? 0);
        const slice = keys.slice(from, from + ((node.params.batchSize as number) ?? 500));
        const get = connector.entities[entity]?.get;
        if (!get) throw new ConfigError(`${connector.name} cannot fetch one ${entity} record by id, so its failed records cannot be reprocessed one by one; run the flow again instead`);
        const found: SyncRecord[] = [];
        for (const key of slice) {
          const record = await reportingAuthFailures(input.tenantId, node.params.connectionId, () => withInlineRetry(() => get(ctx, key), { signal: ctx.signal }));
          if (record) found.push(record);
          heartbeat();
        }
        await storePage(input, node.id, found);
        const next = from + slice.length;
        return { seq: input.seq, count: found.length, nextCursor: next < keys.length ? String(next) : null };
      }
      const reader = readerFor(connector, entity);
      // A paced read (Tiny at 30 requests/min) can outlast the heartbeat timeout: keep beating.
      const beat = setInterval(heartbeat, 5_000);
      let batch;
      try {
        batch = await reportingAuthFailures(input.tenantId, node.params.connectionId, () =>
          reader.read(ctx, { cursor: input.cursor, since: input.since, batchSize: (node.params.batchSize as number) ?? 500 }),
        );
      } finally {
        clearInterval(beat);
      }
      heartbeat();
      await storePage(input, node.id, batch.records);
      return { seq: input.seq, count: batch.records.length, nextCursor: batch.nextCursor };
    },

    /** Runs one stage (fused pure nodes + one effect node) over one page, exactly once. */
    async runStage(input: RunStageInput): Promise<StageCounters> {
      const key = { tenantId: input.tenantId, runId: input.runId, nodeId: input.stageId, pageSeq: input.pageSeq };
      const already = await committedStep(db, key);
      if (already) return already;

      const { document, plan, flowId } = await loadVersion(input.versionId);
      const stage = stageOf(plan, input.stageId);
      const [page] = await db
        .select({ records: pages.records })
        .from(pages)
        .where(and(eq(pages.runId, input.runId), eq(pages.nodeId, stage.input), eq(pages.seq, input.pageSeq)));
      if (!page) throw new Error(`Page ${input.pageSeq} of ${stage.input} is missing for run ${input.runId}`);
      let records = page.records as SyncRecord[];

      // A record this flow reads that another flow wrote, unchanged since: not sent back.
      const sourceNode = nodeOf(document, plan.source.nodeId);
      const { changes, echoes } = stage.input === plan.source.nodeId ? await separateEchoes(db, input.tenantId, sourceNode.params.connectionId as string, sourceNode.params.entity as string, records) : { changes: records, echoes: [] };
      records = changes;
      const echoOutcomes: OutcomeRow[] = echoes.map(({ key, ...said }) => ({ recordKey: key, outcome: 'skipped', ...said }));

      // Pure nodes, record by record: a record that fails or is filtered stops here.
      const pureNodeIds = stage.nodeIds.slice(0, -1);
      // $depara searches the stage's target connection first, then the flow's source (loaded once per page).
      const mapOwners = [nodeOf(document, stage.id).params.connectionId, sourceNode.params.connectionId].filter((id): id is string => typeof id === 'string');
      const env = { valueMaps: pureNodeIds.length ? await loadValueMaps(db, input.tenantId, mapOwners) : ValueMaps.none() };
      const pureOutcomes = new Map<string, OutcomeRow[]>();
      for (const nodeId of pureNodeIds) {
        const node = nodeOf(document, nodeId);
        const fn: RecordFunction = pureExecutors[node.type].compile(node.params, env);
        const survivors: SyncRecord[] = [];
        const dropped: OutcomeRow[] = [];
        for (const record of records) {
          try {
            const out = await fn(record);
            if (out) survivors.push(out);
            else dropped.push({ recordKey: record.key, outcome: 'skipped', ...TRANSFORM_MESSAGES.of('filteredOut', { node: nodeId }) });
          } catch (err) {
            // A refusal of this record (a value with no de-para entry) says what to add; anything else is the expression's fault.
            if (err instanceof ConnectorError && !err.failsRun) dropped.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, ...messageOfError(err), ...hintOf(err.kind), payload: record.data, details: err.facts });
            else dropped.push({ recordKey: record.key, outcome: 'failed', errorKind: 'TransformError', message: `${nodeId}: ${(err as Error).message}`, ...hintOf('TransformError'), payload: record.data });
          }
        }
        pureOutcomes.set(nodeId, dropped);
        records = survivors;
      }

      const effectNode = nodeOf(document, stage.id);
      const executor = effectExecutors[effectNode.type];
      const result = await reportingAuthFailures(input.tenantId, effectNode.params.connectionId, () => executor.executePage(
        {
          db,
          tenantId: input.tenantId,
          runId: input.runId,
          nodeId: stage.id,
          flowId,
          sourceConnectionId: sourceNode.params.connectionId as string,
          pacers,
          loadConnection: (id) => openStored(input.tenantId, id),
          heartbeat,
          signal: cancellation(),
        },
        effectNode.params,
        records,
      ));

      const allOutcomes = [...echoOutcomes, ...[...pureOutcomes.values()].flat(), ...result.outcomes];
      const counters = countOutcomes(allOutcomes);
      await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        await result.commit(tx);
        for (const [nodeId, rows] of pureOutcomes) await insertOutcomes(tx, input.tenantId, input.runId, nodeId, rows);
        await insertOutcomes(tx, input.tenantId, input.runId, stage.id, [...echoOutcomes, ...result.outcomes]);
        if (stage.storesOutput)
          await tx
            .insert(pages)
            .values({ tenantId: input.tenantId, runId: input.runId, nodeId: stage.id, seq: input.pageSeq, records: result.output, recordCount: result.output.length })
            .onConflictDoNothing();
        await commitStep(tx, key, counters, true, workerId);
      });
      deps.onRunChanged?.(input.runId);
      return counters;
    },

    /** Expires overdue held records, releases decided ones as pages of their gate, and says what still waits. */
    async releaseApprovals(input: { tenantId: string; runId: string; versionId: string }): Promise<ReleaseApprovalsResult> {
      const { document, plan } = await loadVersion(input.versionId);
      const rules = Object.fromEntries(plan.gates.map((g) => [g.id, nodeOf(document, g.id).params.onExpiry === 'approve' ? 'approve' : 'reject'] as const));
      const result = await releaseDecided(db, input.tenantId, input.runId, rules);
      deps.onRunChanged?.(input.runId);
      return result;
    },

    /** Closes the run: final status, incremental cursor, claim-check pages pruned. */
    async finishRun(input: FinishRunInput): Promise<RunSummary> {
      const [run] = await db.select().from(runs).where(and(eq(runs.tenantId, input.tenantId), eq(runs.id, input.runId)));
      if (!run) throw new Error(`Run ${input.runId} not found`);
      const status = input.error ? 'error' : run.failed + run.conflict > 0 ? 'partial' : 'success';
      // A failure at a map or transform node is closed by the write of the stage that node feeds.
      const stageOfNode = run.reprocessOf ? Object.fromEntries((await loadVersion(run.versionId)).plan.levels.flat().flatMap((s) => s.nodeIds.map((id) => [id, s.id]))) : {};
      await db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        await tx
          .update(runs)
          .set({ status, error: input.error?.message ?? null, errorHintCode: input.error?.hintCode ?? null, finishedAt: run.finishedAt ?? new Date() })
          .where(eq(runs.id, run.id));
        // Only a clean run moves the incremental cursor: failed records are read again next time.
        if (status === 'success') {
          const { document, plan } = await loadVersion(run.versionId);
          const source = nodeOf(document, plan.source.nodeId);
          if (source.params.incremental === true) {
            const cursor = new Date(run.startedAt.getTime() - INCREMENTAL_OVERLAP_MS).toISOString();
            await tx
              .insert(flowState)
              .values({ tenantId: run.tenantId, flowId: run.flowId, nodeId: source.id, cursor })
              .onConflictDoUpdate({ target: [flowState.flowId, flowState.nodeId], set: { cursor, updatedAt: new Date() } });
          }
        }
        await tx.delete(pages).where(eq(pages.runId, run.id));
        // A reprocess that wrote a record closes the original failure, saying where.
        if (run.reprocessOf)
          await tx.execute(sql`
            update run_records o set resolved_at = now(), resolution = ${`Reprocessed in run ${run.id}`}
            from run_records n
            where o.run_id = ${run.reprocessOf} and o.outcome in ('failed', 'conflict') and o.resolved_at is null
              and n.run_id = ${run.id} and n.record_key = o.record_key
              and n.node_id = coalesce(${JSON.stringify(stageOfNode)}::jsonb ->> o.node_id, o.node_id)
              and n.outcome in ('created', 'updated', 'skipped')`);
      });
      deps.onRunChanged?.(input.runId);
      if (status !== 'success') {
        const { document } = await loadVersion(run.versionId);
        await sendRunAlerts({ db, pacers, loadConnection: (id) => openStored(run.tenantId, id), publicUrl: deps.publicUrl, log: (m, err) => console.warn(m, err) }, run, status, document.alerts, input.error);
      }
      const { processed, created, updated, skipped, failed, conflict } = run;
      return { runId: run.id, status, processed, created, updated, skipped, failed, conflict };
    },
  });
}

export type Activities = ReturnType<typeof createActivities>;
