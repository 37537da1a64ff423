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

export async function dispatchEvents(db: Db, starter: RunStarter, connection: ConnectionRow, events: EventRow[], log?: (msg: string, err?: unknown) => void): Promise<void> {
  if (!events.length) return;
  const ids = events.map((e) => e.id);
  if (connection.status !== 'active') {
    await db.update(webhookEvents).set({ status: 'queued' }).where(inArray(webhookEvents.id, ids));
    return;
  }
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
        return;
      }
    }
    await db
      .update(webhookEvents)
      .set({ status: runIds.length ? 'dispatched' : 'ignored', runIds, dispatchedAt: new Date() })
      .where(eq(webhookEvents.id, event.id));
  }
}

/** Sweeps events not dispatched yet (after a restart, or a connection's resume). */
export async function dispatchPending(db: Db, starter: RunStarter, filter: { tenantId?: string; connectionId?: string } = {}, log?: (msg: string, err?: unknown) => void): Promise<number> {
  const conds = [inArray(webhookEvents.status, ['received', 'queued'])];
  if (filter.tenantId) conds.push(eq(webhookEvents.tenantId, filter.tenantId));
  if (filter.connectionId) conds.push(eq(webhookEvents.connectionId, filter.connectionId));
  const pending = await db.select().from(webhookEvents).where(and(...conds)).orderBy(asc(webhookEvents.id)).limit(5000);
  const byConnection = new Map<string, EventRow[]>();
  for (const e of pending) byConnection.set(e.connectionId, [...(byConnection.get(e.connectionId) ?? []), e]);
  for (const [connectionId, events] of byConnection) {
    const [connection] = await db.select().from(connections).where(eq(connections.id, connectionId));
    if (connection) await dispatchEvents(db, starter, connection, events, log);
  }
  return pending.length;
}
