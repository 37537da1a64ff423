/**
 * From stored webhook events to runs. Each (flow, event) pair gets ids derived from the event's
 * row, so a redelivered event, a second dispatcher or a retry after a crash starts nothing new.
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

function idsFor(flowId: string, eventRow: number) {
  const digest = createHash('sha256').update(`${flowId}\u0000${eventRow}`).digest('hex').slice(0, 24);
  return { runId: `run_wh_${digest}`, workflowId: `ponte-webhook-${digest}` };
}

/** Returns how many events it settled (dispatched, ignored or queued); a failure stops the batch. */
export async function dispatchEvents(db: Db, starter: RunStarter, connection: ConnectionRow, events: EventRow[], log?: (msg: string, err?: unknown) => void): Promise<number> {
  if (!events.length) return 0;
  const ids = events.map((e) => e.id);
  if (connection.status !== 'active') {
    await db.update(webhookEvents).set({ status: 'queued' }).where(inArray(webhookEvents.id, ids));
    return events.length;
  }
  let settled = 0;
  const listeners = await listeningFlows(db, connection.tenantId, connection.id);
  for (const event of events) {
    const flowsForEvent = listeners.filter((l) => !l.entity || l.entity === event.entity);
    const runIds: string[] = [];
    for (const { flowId } of flowsForEvent) {
      try {
        const { runId } = await startRun(db, starter, connection.tenantId, flowId, { type: 'webhook', eventId: event.eventId, eventRef: event.id }, idsFor(flowId, event.id));
        runIds.push(runId);
      } catch (err) {
        // The event stays `received` and is dispatched again at the next sweep.
        log?.(`Webhook event ${event.eventId} could not start flow ${flowId}`, err);
        return settled;
      }
    }
    await db
      .update(webhookEvents)
      .set({ status: runIds.length ? 'dispatched' : 'ignored', runIds, dispatchedAt: new Date() })
      .where(eq(webhookEvents.id, event.id));
    settled++;
  }
  return settled;
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

/**
 * Dispatches stored events in the background, one batch after another, so that acknowledging a
 * delivery costs two queries and never waits behind the runs a burst starts. `nudge()` after
 * storing events; concurrent nudges coalesce into the running loop.
 */
export class WebhookDispatcher {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly starter: RunStarter,
    private readonly log?: (msg: string, err?: unknown) => void,
  ) {}

  nudge(): void {
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

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        // Only `received`: events of paused connections stay `queued` until resume. A batch that
        // settles nothing (a provider or Temporal failing) ends the loop until the next nudge.
        while ((await dispatchPending(this.db, this.starter, { includeQueued: false, limit: 200 }, this.log)) > 0);
      } catch (err) {
        this.log?.('webhook dispatch failed; the events stay received for the next sweep', err);
      }
    } while (this.again);
  }
}
