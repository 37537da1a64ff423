/**
 * What the settle node writes in a record's log, in both languages: the payment, the charge it
 * pays, and the baixa of the order's conta a receber at the ERP. Amounts in reais in Portuguese.
 */
import { brl, defineMessages } from '../../connectors/localized';

/** A settlement's status (server/db/schema.ts settlements.status). */
const STATUS_PT: Record<string, string> = { settling: 'baixa em andamento', settled: 'baixa feita', already: 'já estava recebida', failed: 'com falha' };

export const SETTLE_MESSAGES = defineMessages('settle', {
  notOurCharge: (p: { paymentId: string; reference: string | null }) => ({
    en: `Payment ${p.paymentId} is for ${p.reference ? `reference ${p.reference}` : 'no reference'}, not a charge Ponte created`,
    'pt-BR': p.reference
      ? `O pagamento ${p.paymentId} é da referência ${p.reference}, que não é de uma cobrança criada pela Ponte`
      : `O pagamento ${p.paymentId} não tem referência: não é de uma cobrança criada pela Ponte`,
  }),
  settled: (p: { receivableId: string | null; orderId: string | null; amount: string }) => ({
    en: `Settled receivable ${p.receivableId} of order ${p.orderId}: ${p.amount}`,
    'pt-BR': `Baixa da conta a receber ${p.receivableId} do pedido ${p.orderId}: ${brl(p.amount)}`,
  }),
  beingSettled: (p: { paymentId: string; runId: string }) => ({
    en: `Payment ${p.paymentId} is being settled by run ${p.runId} right now`,
    'pt-BR': `A baixa do pagamento ${p.paymentId} está sendo feita agora pela execução ${p.runId}`,
  }),
  settledBefore: (p: { paymentId: string; status: string; runId: string }) => ({
    en: `Payment ${p.paymentId} was settled before (${p.status}, run ${p.runId})`,
    'pt-BR': `A baixa do pagamento ${p.paymentId} já tinha sido feita (${STATUS_PT[p.status] ?? p.status}, execução ${p.runId})`,
  }),
  alreadyReceived: (p: { receivableId: string; orderId: string }) => ({
    en: `Receivable ${p.receivableId} of order ${p.orderId} was already received`,
    'pt-BR': `A conta a receber ${p.receivableId} do pedido ${p.orderId} já estava recebida no ERP`,
  }),
  orderWithoutTwin: (p: { orderId: string; connectionId: string }) => ({
    en: `Order ${p.orderId} of connection ${p.connectionId} has no twin at the ERP yet: sync the order first, then reprocess`,
    'pt-BR': `O pedido ${p.orderId} da conexão ${p.connectionId} ainda não tem par no ERP: sincronize o pedido antes e depois reprocesse`,
  }),
});
