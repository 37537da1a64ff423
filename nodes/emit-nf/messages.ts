/**
 * What the emit-nf node writes in a record's log, in both languages. SEFAZ's own reason
 * (xMotivo) and the schema's findings are passed on as they came.
 */
import { defineMessages } from '../../connectors/localized';

export const EMIT_NF_MESSAGES = defineMessages('emit-nf', {
  /** `how`: 'consulted' when SEFAZ was asked after a send whose answer was lost. */
  authorised: (p: { number: number; series: number; protocol: string | null; how: 'consulted' | null }) => ({
    en: `Invoice ${p.number} (series ${p.series}) authorised: protocol ${p.protocol}${p.how === 'consulted' ? ' (after consulting SEFAZ: an earlier send had reached it)' : ''}`,
    'pt-BR': `Nota ${p.number} (série ${p.series}) autorizada: protocolo ${p.protocol}${p.how === 'consulted' ? ' (após consulta à SEFAZ: um envio anterior tinha chegado lá)' : ''}`,
  }),
  authorisedBefore: (p: { number: number; series: number; protocol: string | null }) => ({
    en: `Invoice ${p.number} (series ${p.series}) was authorised before: protocol ${p.protocol}`,
    'pt-BR': `A nota ${p.number} (série ${p.series}) já tinha sido autorizada: protocolo ${p.protocol}`,
  }),
  cancelledBefore: (p: { number: number; series: number; protocol: string | null }) => ({
    en: `Invoice ${p.number} (series ${p.series}) was cancelled at SEFAZ (authorisation ${p.protocol}): the order is not invoiced again`,
    'pt-BR': `A nota ${p.number} (série ${p.series}) foi cancelada na SEFAZ (autorização ${p.protocol}): a Ponte não emite outra nota para este pedido`,
  }),
  voidedBefore: (p: { number: number; series: number }) => ({
    en: `Invoice ${p.number} (series ${p.series}) had its number voided at SEFAZ (inutilização): the order is not invoiced again`,
    'pt-BR': `A nota ${p.number} (série ${p.series}) teve o número inutilizado na SEFAZ: a Ponte não emite outra nota para este pedido`,
  }),
  deniedBefore: (p: { number: number; cStat: string | null; reason: string | null }) => ({
    en: `SEFAZ denied invoice ${p.number} (${p.cStat}: ${p.reason}); its number is spent`,
    'pt-BR': `A SEFAZ denegou a nota ${p.number} (${p.cStat}: ${p.reason}); esse número não pode ser usado de novo`,
  }),
  refused: (p: { status: string; number: number; series: number; cStat: string | null; reason: string | null }) => ({
    en: `SEFAZ ${p.status === 'denied' ? 'denied' : 'rejected'} invoice ${p.number} (series ${p.series}): ${p.cStat} ${p.reason}`,
    'pt-BR': `A SEFAZ ${p.status === 'denied' ? 'denegou' : 'rejeitou'} a nota ${p.number} (série ${p.series}): ${p.cStat} ${p.reason}`,
  }),
  expressionFailed: (p: { field: string; error: string }) => ({
    en: `The ${p.field} expression failed: ${p.error}`,
    'pt-BR': `A expressão de ${p.field} falhou: ${p.error}`,
  }),
  recipientMissing: () => ({
    en: 'An NF-e (model 55) needs its recipient: the recipient expression gave nothing for this order',
    'pt-BR': 'Uma NF-e (modelo 55) precisa de destinatário: a expressão do destinatário não deu nada para este pedido',
  }),
  noItems: () => ({
    en: 'The items expression gave no items for this order',
    'pt-BR': 'A expressão dos itens não deu nenhum item para este pedido',
  }),
  schemaMismatch: (p: { problems: string }) => ({
    en: `The invoice does not match the NF-e schema: ${p.problems}`,
    'pt-BR': `A nota não segue o schema da NF-e: ${p.problems}`,
  }),
});
