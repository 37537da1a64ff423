/**
 * From stored webhook events to runs. A redelivered event is stored once; each batch of events
 * gets ids derived from its first event's row, so a second dispatcher or a retry after a crash
 * starts nothing new.
 * Events of a paused connection wait (`queued`) and go when it resumes.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { FlowDocument } from '../../nodes/flow-model/document';
import type { ConnectionRow } from '../connections/store';
import type { Db } from '../db/client';
import { connections, flows, webhookEvents } from '../db/schema';
import { getVersion } from '../flows/service';
import { type RunStarter, startRun } from '../runs/service';
import type { RunTrigger } from '../../workflows/types';
import type { MessageStatusUpdate } from '../../connectors/types';
import { applyMessageStatuses } from '../notify/store';

type EventRow = typeof webhookEvents.$inferSelect;

/** Published flows whose webhook trigger listens to this connection, with the entity they want. */
async function listeningFlows(db: Db, tenantId: string, connectionId: string): Promise<Array<{ flowId: string; entity?: string }>> {
  const rows = await db.select({ id: flows.id }).from(flows).where(eq(flows.tenantId, tenantId));
  const out: Array<{ flowId: string; entity?: string }> = [];
  for (const { id } of rows) {
    const version = await getVersion(db, tenantId, id);
    const trigger = (version?.document as FlowDocument | undefined)?.nodes.find((n) => n.type === 'trigger.webhook' && n.params.connectionId === connectionId);
    if (trigger) out.push({ flowId: id, entity: trigger.params.entity as string | undefined });
  }
  return out;
}

/** Events of one connection and flow that one run reads at most: a burst becomes a few runs, not thousands. */
export const EVENTS_PER_RUN = 100;

/** Ids of the run a batch gets, from the flow and the batch's first event row: the same batch always gets the same run. */
function idsFor(flowId: string, firstEventRow: number) {
  const digest = createHash('sha256').update(`${flowId}\u0000${firstEventRow}`).digest('hex').slice(0, 24);
  return { runId: `run_wh_${digest}`, workflowId: `ponte-webhook-${digest}` };
}

/**
 * Starts the runs for a connection's events: per listening flow, batches of up to
 * EVENTS_PER_RUN events in arrival order, one run each. A batch's run id comes from its first
 * event, and a run row that exists already (a dispatch interrupted before it marked the events)
 * keeps the batch it was given, so an event is never read by two runs of one flow. Returns how
 * many events it settled; on a failure none are marked and the next sweep retries them all.
 * Known limit: events of a paused connection (`queued`) older than a batch that was started but
 * not marked before a crash may be read once more on resume; writes are idempotent (bindings).
 */
export async function dispatchEvents(db: Db, starter: RunStarter, connection: ConnectionRow, allEvents: EventRow[], log?: (msg: string, err?: unknown) => void): Promise<number> {
  if (!allEvents.length) return 0;
  // Delivery statuses of messages Ponte sent start no run: they move the message's status, whatever the connection's state.
  const statuses = allEvents.filter((e) => e.entity === 'messages');
  if (statuses.length) {
    await applyMessageStatuses(db, connection.id, statuses.map((e) => ({ providerId: e.resourceId, update: (e.record as { data: MessageStatusUpdate }).data })));
    await db.update(webhookEvents).set({ status: 'dispatched', dispatchedAt: new Date() }).where(inArray(webhookEvents.id, statuses.map((e) => e.id)));
  }
  const events = allEvents.filter((e) => e.entity !== 'messages');
  if (!events.length) return allEvents.length;
  const ids = events.map((e) => e.id);
  if (connection.status !== 'active') {
    await db.update(webhookEvents).set({ status: 'queued' }).where(inArray(webhookEvents.id, ids));
    return allEvents.length;
  }
  const runsOf = new Map<number, string[]>(events.map((e) => [e.id, []]));
  const listeners = await listeningFlows(db, connection.tenantId, connection.id);
  for (const { flowId, entity } of listeners) {
    let todo = events.filter((e) => !entity || e.entity === entity);
    while (todo.length) {
      const runIds = idsFor(flowId, todo[0].id);
      const batch = todo.slice(0, EVENTS_PER_RUN);
      let trigger: RunTrigger = { type: 'webhook', eventId: batch[0].eventId, eventIds: batch.map((e) => e.eventId), eventRefs: batch.map((e) => e.id) };
      try {
        // The run row, once written, fixes the batch: a second dispatcher or a retry gets the recorded one.
        ({ trigger } = await startRun(db, starter, connection.tenantId, flowId, trigger, runIds));
      } catch (err) {
        // The events stay `received` and are dispatched again at the next sweep.
        log?.(`Webhook events from ${batch[0].eventId} could not start flow ${flowId}`, err);
        return 0;
      }
      const covered = new Set([todo[0].id, ...(trigger.eventRefs ?? [])]);
      for (const e of todo) if (covered.has(e.id)) runsOf.get(e.id)!.push(runIds.runId);
      todo = todo.filter((e) => !covered.has(e.id));
    }
  }
  // Events that started the same runs are marked in one statement.
  const byRuns = new Map<string, number[]>();
  for (const [id, runIds] of runsOf) byRuns.set(JSON.stringify(runIds), [...(byRuns.get(JSON.stringify(runIds)) ?? []), id]);
  for (const [key, eventIds] of byRuns) {
    const runIds = JSON.parse(key) as string[];
    await db
      .update(webhookEvents)
      .set({ status: runIds.length ? 'dispatched' : 'ignored', runIds, dispatchedAt: new Date() })
      .where(inArray(webhookEvents.id, eventIds));
  }
  return allEvents.length;
}

/**
 * Sweeps events not dispatched yet: `received` ones (after a restart, or as the dispatcher's
 * work), plus `queued` ones when a connection resumes (`includeQueued`).
 */
export async function dispatchPending(
  db: Db,
  starter: RunStarter,
  filter: { tenantId?: string; connectionId?: string; includeQueued?: boolean; limit?: number } = {},
  log?: (msg: string, err?: unknown) => void,
): Promise<number> {
  const conds = [inArray(webhookEvents.status, filter.includeQueued ?? true ? ['received', 'queued'] : ['received'])];
  if (filter.tenantId) conds.push(eq(webhookEvents.tenantId, filter.tenantId));
  if (filter.connectionId) conds.push(eq(webhookEvents.connectionId, filter.connectionId));
  const pending = await db.select().from(webhookEvents).where(and(...conds)).orderBy(asc(webhookEvents.id)).limit(filter.limit ?? 5000);
  const byConnection = new Map<string, EventRow[]>();
  for (const e of pending) byConnection.set(e.connectionId, [...(byConnection.get(e.connectionId) ?? []), e]);
  let settled = 0;
  for (const [connectionId, events] of byConnection) {
    const [connection] = await db.select().from(connections).where(eq(connections.id, connectionId));
    if (connection) settled += await dispatchEvents(db, starter, connection, events, log);
  }
  return settled;
}

/** A burst is dispatched once deliveries pause this long, or after QUIET_MAX_MS at most. */
const QUIET_MS = 100;
const QUIET_MAX_MS = 2_000;

/**
 * Dispatches stored events in the background, one batch after another, so that acknowledging a
 * delivery costs two queries and never waits behind the runs a burst starts. `nudge()` after
 * storing events; concurrent nudges coalesce into the running loop. While deliveries keep coming
 * it waits for a pause (two seconds at most): the burst is acknowledged first and read in full
 * batches, instead of runs of a few events competing with the deliveries.
 */
export class WebhookDispatcher {
  private running: Promise<void> | null = null;
  private again = false;
  private lastNudge = 0;

  constructor(
    private readonly db: Db,
    private readonly starter: RunStarter,
    private readonly log?: (msg: string, err?: unknown) => void,
  ) {}

  nudge(): void {
    this.lastNudge = Date.now();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when nothing is left to dispatch (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async quiet(): Promise<void> {
    const until = Date.now() + QUIET_MAX_MS;
    for (;;) {
      const wait = Math.min(this.lastNudge + QUIET_MS, until) - Date.now();
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.quiet();
      try {
        // Only `received`: events of paused connections stay `queued` until resume. A batch that
        // settles nothing (a provider or Temporal failing) ends the loop until the next nudge.
        while ((await dispatchPending(this.db, this.starter, { includeQueued: false, limit: 500 }, this.log)) > 0);
      } catch (err) {
        this.log?.('webhook dispatch failed; the events stay received for the next sweep', err);
      }
    } while (this.again);
  }
}
