/**
 * What the notify node writes in a record's log, in both languages, including why a message was
 * not sent again (the ledger's answer, server/notify/store.ts).
 */
import { defineMessages } from '../../connectors/localized';

/** A notification's status (server/db/schema.ts NotificationStatus): the message, feminine. */
const STATUS_PT: Record<string, string> = { sending: 'em envio', accepted: 'aceita', sent: 'enviada', delivered: 'entregue', read: 'lida', failed: 'com falha' };

export const NOTIFY_MESSAGES = defineMessages('notify', {
  noRecipient: () => ({
    en: 'No recipient: the "to" expression gave nothing for this record',
    'pt-BR': 'Sem destinatário: a expressão "to" (destinatário) não deu nada para este registro',
  }),
  sent: (p: { status: 'accepted' | 'sent'; to: string }) => ({
    en: `${p.status === 'accepted' ? 'Accepted' : 'Sent'} to ${p.to}`,
    'pt-BR': p.status === 'accepted' ? `Aceita pelo canal para envio a ${p.to}` : `Enviada para ${p.to}`,
  }),
  alreadySent: (p: { status: string; runId: string }) => ({
    en: `Already sent (${p.status}) in run ${p.runId}`,
    'pt-BR': `Já enviada (${STATUS_PT[p.status] ?? p.status}) na execução ${p.runId}`,
  }),
  beingSentByRun: (p: { runId: string }) => ({
    en: `Being sent by run ${p.runId}`,
    'pt-BR': `Sendo enviada pela execução ${p.runId}`,
  }),
  noInvoice: () => ({
    en: 'The record carries no invoice to attach: put an "Emitir NF-e / NFC-e" block before this one',
    'pt-BR': 'O registro não traz nota para anexar: coloque um bloco "Emitir NF-e / NFC-e" antes deste',
  }),
  invoiceNotAuthorised: (p: { invoice: string | number; status: string }) => ({
    en: `Invoice ${p.invoice} is ${p.status}: only an authorised invoice has a DANFE to attach`,
    'pt-BR': `A nota ${p.invoice} está com situação "${p.status}": só uma nota autorizada tem DANFE para anexar`,
  }),
  beingSentByAnotherRun: () => ({
    en: 'Being sent by another run',
    'pt-BR': 'Sendo enviada por outra execução',
  }),
});
