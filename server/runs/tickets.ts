/** "Abrir chamado": record a ticket for a run's failures and send it to the configured URL. */
import { and, eq, inArray } from 'drizzle-orm';
import { request } from 'undici';
import { newId } from '../connections/store';
import type { Db } from '../db/client';
import { runRecords, tickets } from '../db/schema';
import { getRun } from './service';

export async function openTicket(db: Db, tenantId: string, runId: string, input: { title?: string; message?: string; recordKeys?: string[] }, ticketUrl?: string) {
  const run = await getRun(db, tenantId, runId);
  const failureConds = [eq(runRecords.tenantId, tenantId), eq(runRecords.runId, runId), inArray(runRecords.outcome, ['failed', 'conflict'])];
  if (input.recordKeys) failureConds.push(inArray(runRecords.recordKey, input.recordKeys));
  const failures = await db
    .select({ recordKey: runRecords.recordKey, nodeId: runRecords.nodeId, message: runRecords.message, hint: runRecords.hint })
    .from(runRecords)
    .where(and(...failureConds))
    .limit(500);
  const [ticket] = await db
    .insert(tickets)
    .values({
      id: newId('tkt'),
      tenantId,
      runId,
      title: input.title ?? `Falhas na sincronização ${run.id} (${run.counters.failed} com erro)`,
      message: input.message ?? '',
      recordKeys: failures.map((f) => f.recordKey),
      sentTo: ticketUrl ?? null,
    })
    .returning();
  if (!ticketUrl) return ticket;
  // The run's summary and failure messages travel; record payloads do not.
  const body = JSON.stringify({ ticket: { id: ticket.id, title: ticket.title, message: ticket.message }, run: { id: run.id, flowId: run.flowId, status: run.status, counters: run.counters, startedAt: run.startedAt }, failures });
  let sendError: string | null = null;
  try {
    const res = await request(ticketUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': ticket.id }, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
    await res.body.dump();
    if (res.statusCode >= 300) sendError = `The ticket URL answered ${res.statusCode}`;
  } catch (err) {
    sendError = `The ticket URL could not be reached: ${(err as Error).message}`;
  }
  const [sent] = await db
    .update(tickets)
    .set(sendError ? { sendError } : { sentAt: new Date() })
    .where(eq(tickets.id, ticket.id))
    .returning();
  return sent;
}
