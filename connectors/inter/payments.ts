/**
 * Paid boletos as `payments` records. A cobrança is received once (situação RECEBIDO, by the
 * boleto or by its Pix), so its `codigoSolicitacao` is the payment's unique id: the record's key,
 * the webhook event's resource, and what `get` reads back. A cobrança the seller marked as
 * received by hand (MARCADO_RECEBIDO) is no money Inter saw, and is not a payment here.
 */
import { readTimeWindow } from '../http/pagination';
import { nullIfNotFound } from '../http/errors';
import type { EntitySupport, PaymentRecordData, SyncRecord } from '../types';
import { todayInSaoPaulo } from '../../payments/boleto/due-date-factor';
import { COBRANCAS, type InterCobranca, type InterPage, reais } from './client';
import { fetchCobranca } from './charges';

/** Inter's largest page (paginacao.itensPorPagina); a connection may ask for less. */
const MAX_PAGE_SIZE = 1000;
const DEFAULT_LOOKBACK_DAYS = 7;

/** Inter gives the payment day (`dataSituacao`, YYYY-MM-DD) or a local time: both read as Brasília time. */
function paidAtOf(value: string | undefined): string {
  const v = String(value ?? '').trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T00:00:00-03:00`;
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(v)) return `${v}-03:00`;
  return v;
}

export function paymentRecord(c: InterCobranca): SyncRecord {
  const { cobranca } = c;
  const data: PaymentRecordData & Record<string, unknown> = {
    ...cobranca,
    boleto: c.boleto,
    pix: c.pix,
    paymentId: cobranca.codigoSolicitacao,
    reference: cobranca.seuNumero,
    amount: reais(cobranca.valorTotalRecebido ?? cobranca.valorNominal),
    paidAt: paidAtOf(cobranca.dataSituacao),
    method: cobranca.origemRecebimento === 'PIX' ? 'pix' : 'boleto',
    ...(cobranca.pagador?.nome ? { payerName: cobranca.pagador.nome } : {}),
  };
  return { key: cobranca.codigoSolicitacao, data };
}

export const paymentsEntity: EntitySupport = {
  async get(ctx, id) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id ?? '')) return null;
    const c = await nullIfNotFound(fetchCobranca(ctx, id));
    return c?.cobranca?.situacao === 'RECEBIDO' ? paymentRecord(c) : null;
  },

  read: {
    read: (ctx, req) =>
      readTimeWindow<SyncRecord>(ctx, req, {
        defaultLookbackDays: DEFAULT_LOOKBACK_DAYS,
        maxPageSize: MAX_PAGE_SIZE,
        async readPage(w, pageSize) {
          // Inter filters by day: the window's days in Brasília.
          const query = {
            dataInicial: todayInSaoPaulo(new Date(w.from)),
            dataFinal: todayInSaoPaulo(new Date(w.to)),
            filtrarDataPor: 'PAGAMENTO',
            situacao: 'RECEBIDO',
            'paginacao.paginaAtual': w.page,
            'paginacao.itensPorPagina': pageSize,
          };
          const res = await ctx.http.send<InterPage>({ method: 'GET', path: COBRANCAS, query }, ctx.signal);
          const all = Array.isArray(res.body?.cobrancas) ? res.body.cobrancas : [];
          const received = all.filter((c) => c?.cobranca?.situacao === 'RECEBIDO');
          return { items: received.map(paymentRecord), last: !all.length || (res.body?.ultimaPagina ?? w.page + 1 >= (res.body?.totalPaginas ?? 1)) };
        },
      }),
  },
};
