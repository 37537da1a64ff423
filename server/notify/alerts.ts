/**
 * Run alerts: when a run ends in error or partial, each of the flow's alerts sends one message
 * (once per run, however often finishRun is retried) saying what happened and what to do.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { hintFor, type ConnectorErrorKind } from '../../connectors/http/errors';
import type { PacerRegistry } from '../../connectors/http/pacing';
import type { OpenableConnection } from '../../connectors/runtime';
import type { FlowAlert } from '../../nodes/flow-model/document';
import type { Db } from '../db/client';
import { flows, runRecords, type runs } from '../db/schema';
import { channelOf, sendOnce } from './send';

const STATUS_TEXT = { error: 'falhou', partial: 'terminou com falhas' } as const;

export interface AlertDeps {
  db: Db;
  pacers: PacerRegistry;
  loadConnection(id: string): Promise<OpenableConnection>;
  /** Where people open Ponte (links in the message); unset: no link. */
  publicUrl?: string;
  log?: (message: string, err: unknown) => void;
}

export async function sendRunAlerts(deps: AlertDeps, run: typeof runs.$inferSelect, status: 'success' | 'partial' | 'error', alerts: FlowAlert[] | undefined, error?: { message: string; kind?: string }): Promise<void> {
  if (status === 'success' || !alerts?.length) return;
  const due = alerts.map((alert, i) => ({ alert, i })).filter(({ alert }) => (alert.on ?? ['error', 'partial']).includes(status));
  if (!due.length) return;
  const [flow] = await deps.db.select({ name: flows.name }).from(flows).where(eq(flows.id, run.flowId));
  const failures = await deps.db
    .select({ recordKey: runRecords.recordKey, message: runRecords.message, hint: runRecords.hint })
    .from(runRecords)
    .where(and(eq(runRecords.runId, run.id), inArray(runRecords.outcome, ['failed', 'conflict'])))
    .orderBy(asc(runRecords.id))
    .limit(5);
  const name = flow?.name ?? run.flowId;
  const lines = [
    `O fluxo "${name}" ${STATUS_TEXT[status]} (execução ${run.id}).`,
    `Processados: ${run.processed} · criados: ${run.created} · atualizados: ${run.updated} · falhas: ${run.failed} · conflitos: ${run.conflict}.`,
  ];
  if (error) lines.push('', `Erro: ${error.message}`, `O que fazer: ${(error.kind && hintFor(error.kind as ConnectorErrorKind)) || 'veja o log da execução.'}`);
  if (failures.length) {
    lines.push('', 'Primeiras falhas:');
    for (const f of failures) lines.push(`- ${f.recordKey}: ${f.message ?? ''}${f.hint ? ` → ${f.hint}` : ''}`);
  }
  if (deps.publicUrl) lines.push('', `Abrir a execução: ${deps.publicUrl}/#/runs/${encodeURIComponent(run.id)}`);
  const text = lines.join('\n');
  const summary = `${run.processed} processados, ${run.failed} falhas${error ? `: ${error.message}` : ''}`;

  for (const { alert, i } of due) {
    try {
      const channel = channelOf(await deps.loadConnection(alert.connectionId), deps.pacers);
      await sendOnce({ db: deps.db, tenantId: run.tenantId, runId: run.id, flowId: `alert:${run.flowId}`, nodeId: `alert-${i}`, recordKey: `run:${run.id}`, pacers: deps.pacers }, channel, {
        to: alert.to,
        subject: `[Ponte] ${name}: ${STATUS_TEXT[status]}`,
        text,
        template: alert.template ? { name: alert.template.name, language: alert.template.language ?? 'pt_BR', parameters: [name, STATUS_TEXT[status], summary] } : undefined,
        data: { type: `run.${status}`, runId: run.id, flowId: run.flowId, flow: name, counters: { processed: run.processed, failed: run.failed, conflict: run.conflict }, error: error?.message ?? null, text },
      });
    } catch (err) {
      // An alert that cannot go out never changes how the run ended; the ledger keeps its failure.
      deps.log?.(`Alert ${i} of flow ${run.flowId} for run ${run.id} could not be sent`, err);
    }
  }
}
