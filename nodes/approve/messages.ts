/**
 * What the approval step writes in a record's log, in both languages: a record held in another
 * run, and a record a person rejected or nobody confirmed in time (server/approvals/store.ts).
 * Moments are São Paulo time, as the sellers read them, in both languages.
 */
import { brDateTime, defineMessages } from '../../connectors/localized';

export const APPROVE_MESSAGES = defineMessages('approve', {
  waitingInRun: (p: { runId: string }) => ({
    en: `Waiting for confirmation in run ${p.runId}; the content held there was refreshed`,
    'pt-BR': `Aguardando confirmação na execução ${p.runId}; o conteúdo retido lá foi atualizado`,
  }),
  rejected: (p: { by: string | null; at: string | null; reason: string | null }) => ({
    en: `Rejected by ${p.by ?? 'someone'}${p.at ? ` on ${brDateTime(p.at)}` : ''}${p.reason ? `: ${p.reason}` : ''}; nothing was written`,
    'pt-BR': `Rejeitado por ${p.by ?? 'alguém'}${p.at ? ` em ${brDateTime(p.at)}` : ''}${p.reason ? `: ${p.reason}` : ''}; nada foi gravado`,
  }),
  expired: (p: { at: string | null }) => ({
    en: `Not confirmed in time (expired${p.at ? ` on ${brDateTime(p.at)}` : ''}); nothing was written`,
    'pt-BR': `Não foi confirmado no prazo (expirou${p.at ? ` em ${brDateTime(p.at)}` : ''}); nada foi gravado`,
  }),
});
