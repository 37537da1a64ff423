/**
 * Run alerts: when a run ends in error or partial, each of the flow's alerts sends one message
 * (once per run, however often finishRun is retried) saying what happened and what to do.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ERROR_HINTS } from '../../connectors/http/errors';
import type { PacerRegistry } from '../../connectors/http/pacing';
import type { OpenableConnection } from '../../connectors/runtime';
import type { FlowAlert, FlowDocument } from '../../nodes/flow-model/document';
import { type Db, rowsOf } from '../db/client';
import { flows, runRecords, type runs } from '../db/schema';
import { hintText } from '../runs/hints';
import { messageText } from '../runs/messages';
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

export async function sendRunAlerts(deps: AlertDeps, run: typeof runs.$inferSelect, status: 'success' | 'partial' | 'error', alerts: FlowAlert[] | undefined, error?: { message: string; kind?: string; hintCode?: string }): Promise<void> {
  if (status === 'success' || !alerts?.length) return;
  const due = alerts.map((alert, i) => ({ alert, i })).filter(({ alert }) => (alert.on ?? ['error', 'partial']).includes(status));
  if (!due.length) return;
  const [flow] = await deps.db.select({ name: flows.name }).from(flows).where(eq(flows.id, run.flowId));
  const failures = await deps.db
    .select({ recordKey: runRecords.recordKey, message: runRecords.message, messageCode: runRecords.messageCode, messageParams: runRecords.messageParams, hint: runRecords.hint, hintCode: runRecords.hintCode })
    .from(runRecords)
    .where(and(eq(runRecords.runId, run.id), inArray(runRecords.outcome, ['failed', 'conflict'])))
    .orderBy(asc(runRecords.id))
    .limit(5);
  const name = flow?.name ?? run.flowId;
  const lines = [
    `O fluxo "${name}" ${STATUS_TEXT[status]} (execução ${run.id}).`,
    `Processados: ${run.processed} · criados: ${run.created} · atualizados: ${run.updated} · falhas: ${run.failed} · conflitos: ${run.conflict}.`,
  ];
  // The messages are in Portuguese: so are the records' messages Ponte wrote and what to do (a row from before the codes keeps its English).
  if (error) lines.push('', `Erro: ${error.message}`, `O que fazer: ${hintText(error.hintCode ?? error.kind)?.['pt-BR'] ?? 'veja o log da execução.'}`);
  if (failures.length) {
    lines.push('', 'Primeiras falhas:');
    for (const f of failures) {
      const hint = hintText(f.hintCode)?.['pt-BR'] ?? f.hint;
      const message = messageText(f.messageCode, f.messageParams)?.['pt-BR'] ?? f.message;
      lines.push(`- ${f.recordKey}: ${message ?? ''}${hint ? ` → ${hint}` : ''}`);
    }
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

/**
 * A connection a run found refusing its credentials went to `error`: every flow that uses it and
 * has alerts says so, once per time the connection fell (its status change time is the key).
 */
export async function sendConnectionAlerts(deps: AlertDeps, connection: { id: string; tenantId: string; name: string; statusReason: string | null; statusChangedAt: Date }): Promise<void> {
  const published = await deps.db.execute(sql`
    select distinct on (v.flow_id) v.flow_id, f.name, v.document
    from flow_versions v join flows f on f.id = v.flow_id
    where v.tenant_id = ${connection.tenantId}
    order by v.flow_id, v.version desc`);
  const text = [
    `A conexão "${connection.name}" parou: ${connection.statusReason ?? 'as credenciais foram recusadas'}.`,
    `O que fazer: ${ERROR_HINTS.AuthError['pt-BR']}`,
    'Os fluxos que a usam não rodam até ela voltar a funcionar ("Testar conexão" traz a conexão de volta).',
    ...(deps.publicUrl ? ['', `Abrir a conexão: ${deps.publicUrl}/#/connections/${encodeURIComponent(connection.id)}`] : []),
  ].join('\n');
  for (const row of rowsOf<{ flow_id: string; name: string; document: FlowDocument }>(published)) {
    const uses = row.document.nodes?.some((n) => n.params?.connectionId === connection.id);
    if (!uses) continue;
    for (const [i, alert] of (row.document.alerts ?? []).entries()) {
      if (!(alert.on ?? ['error', 'partial']).includes('error')) continue;
      try {
        const channel = channelOf(await deps.loadConnection(alert.connectionId), deps.pacers);
        await sendOnce(
          // Not a run's message: the ledger's "run" is the connection's fall.
          { db: deps.db, tenantId: connection.tenantId, runId: `connection:${connection.id}`, flowId: `alert:${row.flow_id}`, nodeId: `alert-${i}`, recordKey: `connection:${connection.id}:${connection.statusChangedAt.toISOString()}`, pacers: deps.pacers },
          channel,
          {
            to: alert.to,
            subject: `[Ponte] Conexão ${connection.name} com erro`,
            text,
            template: alert.template ? { name: alert.template.name, language: alert.template.language ?? 'pt_BR', parameters: [row.name, `conexão ${connection.name} com erro`, connection.statusReason ?? ''] } : undefined,
            data: { type: 'connection.error', connectionId: connection.id, connection: connection.name, reason: connection.statusReason, flowId: row.flow_id, text },
          },
        );
      } catch (err) {
        deps.log?.(`Alert ${i} of flow ${row.flow_id} for connection ${connection.id} could not be sent`, err);
      }
    }
  }
}
