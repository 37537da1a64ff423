/**
 * Flows with a `trigger.schedule` node get one Temporal Schedule each (`ponte-schedule-<flowId>`):
 * created on publish, updated on republish, deleted with the flow or when the trigger goes, and
 * paused while a connection the flow uses is paused, disabled or failing (its runs could only
 * fail). Overlapping fires are skipped, never stacked.
 */
import { type Client, ScheduleNotFoundError, type ScheduleSpec } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { FlowDocument } from '../../nodes/flow-model/document';
import type { Db } from '../db/client';
import { connections, flows } from '../db/schema';
import { getVersion } from '../flows/service';

export interface ScheduleDeps {
  client: Client;
  taskQueue: string;
  maxHistoryEvents?: number;
}

export const scheduleIdOf = (flowId: string) => `ponte-schedule-${flowId}`;

export function scheduleSpec(params: Record<string, unknown>): ScheduleSpec {
  const timezone = (params.timezone as string) || 'America/Sao_Paulo';
  switch (params.every) {
    case '5m':
      return { intervals: [{ every: '5m' }], timezone };
    case '15m':
      return { intervals: [{ every: '15m' }], timezone };
    case '1h':
      return { intervals: [{ every: '1h' }], timezone };
    case 'interval':
      return { intervals: [{ every: `${Number(params.intervalSeconds ?? 60)}s` }], timezone };
    case 'daily': {
      const [hour, minute] = String(params.at ?? '06:00').split(':').map(Number);
      return { calendars: [{ hour, minute }], timezone };
    }
    case 'cron':
      return { cronExpressions: [String(params.cron)], timezone };
    default:
      throw new Error(`Unknown schedule "${String(params.every)}"`);
  }
}

function scheduleTrigger(document: FlowDocument | undefined) {
  return document?.nodes.find((n) => n.type === 'trigger.schedule');
}

/** A connection in one of these states stops the schedules of the flows that use it. */
const STOPPING = new Set(['paused', 'disabled', 'error']);
const stopNote = (c: { name: string; status: string; statusReason: string | null }) =>
  c.status === 'error' ? `Connection "${c.name}" is failing${c.statusReason ? `: ${c.statusReason}` : ''}` : `Connection "${c.name}" is ${c.status}`;

/** The flow's connections that hold its schedule, with why (the schedule's pause note). */
function holdOf(document: FlowDocument, tenantConnections: Array<typeof connections.$inferSelect>): string | undefined {
  const used = connectionIdsOf(document);
  const stopped = tenantConnections.filter((c) => used.includes(c.id) && STOPPING.has(c.status));
  return stopped.length ? stopped.map(stopNote).join('; ') : undefined;
}

function connectionIdsOf(document: FlowDocument): string[] {
  return [...new Set(document.nodes.map((n) => n.params?.connectionId).filter((v): v is string => typeof v === 'string'))];
}

/** Makes the flow's Temporal Schedule match its latest published version. */
export async function syncFlowSchedule(db: Db, deps: ScheduleDeps, tenantId: string, flowId: string): Promise<void> {
  const version = await getVersion(db, tenantId, flowId);
  const document = version?.document as FlowDocument | undefined;
  const trigger = scheduleTrigger(document);
  const handle = deps.client.schedule.getHandle(scheduleIdOf(flowId));
  if (!trigger || !document) {
    await handle.delete().catch((err) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return;
  }
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'scheduledFlowRun',
    workflowId: `ponte-schedule-${flowId}`,
    taskQueue: deps.taskQueue,
    args: [{ tenantId, flowId, maxHistoryEvents: deps.maxHistoryEvents }],
  };
  const spec = scheduleSpec(trigger.params);
  const note = holdOf(document, await db.select().from(connections).where(eq(connections.tenantId, tenantId)));
  try {
    await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: 'SKIP' } }));
    if (note) await handle.pause(note);
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await deps.client.schedule.create({ scheduleId: scheduleIdOf(flowId), spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 minute' }, state: { paused: Boolean(note), note } });
  }
}

/**
 * After a connection's status changed: pause or resume the schedules of the flows that use it.
 * A flow's schedule resumes only when none of its connections is stopped.
 */
export async function syncSchedulesOfConnection(db: Db, deps: Pick<ScheduleDeps, 'client'>, tenantId: string, connectionId: string): Promise<void> {
  const tenantConnections = await db.select().from(connections).where(eq(connections.tenantId, tenantId));
  const rows = await db.select({ id: flows.id }).from(flows).where(eq(flows.tenantId, tenantId));
  for (const { id } of rows) {
    const version = await getVersion(db, tenantId, id);
    const document = version?.document as FlowDocument | undefined;
    if (!document || !scheduleTrigger(document) || !connectionIdsOf(document).includes(connectionId)) continue;
    const note = holdOf(document, tenantConnections);
    const handle = deps.client.schedule.getHandle(scheduleIdOf(id));
    await (note ? handle.pause(note) : handle.unpause('Its connections are active again')).catch((err) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
  }
}

export async function deleteFlowSchedule(deps: ScheduleDeps, flowId: string): Promise<void> {
  await deps.client.schedule
    .getHandle(scheduleIdOf(flowId))
    .delete()
    .catch((err) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
}
