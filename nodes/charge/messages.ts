/**
 * What the charge node writes in a record's log, in both languages. Amounts are kept as the
 * ledger stores them ("150.00"); the Portuguese shows them in reais ("R$ 150,00").
 */
import { brl, defineMessages } from '../../connectors/localized';

/** A charge's status (server/db/schema.ts ChargeStatus): the charge, feminine. */
const STATUS_PT: Record<string, string> = { creating: 'em criação', pending: 'pendente', paid: 'paga', cancelled: 'cancelada', failed: 'com falha' };

export const CHARGE_MESSAGES = defineMessages('charge', {
  created: (p: { reference: string; amount: string }) => ({
    en: `Charge ${p.reference}: ${p.amount}`,
    'pt-BR': `Cobrança ${p.reference}: ${brl(p.amount)}`,
  }),
  createdBefore: (p: { reference: string; status: string; amount: string; newAmount: string | null }) => ({
    en: `Charge ${p.reference} was created before (${p.status}, ${p.amount})${p.newAmount ? `; the order now totals ${p.newAmount}: cancel that charge at the provider and reprocess to charge the new amount` : ''}`,
    'pt-BR': `A cobrança ${p.reference} já tinha sido criada (${STATUS_PT[p.status] ?? p.status}, ${brl(p.amount)})${p.newAmount ? `; o pedido agora soma ${brl(p.newAmount)}: cancele essa cobrança no provedor e reprocesse para cobrar o novo valor` : ''}`,
  }),
  boletoAmountMismatch: (p: { boletoAmount: string; amount: string }) => ({
    en: `The bank returned a boleto of ${p.boletoAmount} for a charge of ${p.amount}: not sent to the payer`,
    'pt-BR': `O banco devolveu um boleto de ${brl(p.boletoAmount)} para uma cobrança de ${brl(p.amount)}: o boleto não foi enviado ao pagador`,
  }),
});
