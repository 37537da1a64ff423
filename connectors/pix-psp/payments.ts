/**
 * Received Pix as `payments` records: `GET /v2/pix/{e2eid}` for one, `GET /v2/pix` (inicio/fim
 * over the time the Pix was processed, `paginacao`) for a sync. Only Pix carrying a txid are
 * read: a transfer to the key without one pays no charge of Ponte's. The record's key is the
 * endToEndId, unique per payment in the whole Pix system.
 */
import { readTimeWindow } from '../http/pagination';
import { nullIfNotFound } from '../http/errors';
import type { EntitySupport, PaymentRecordData, SyncRecord } from '../types';
import { E2EID_PATTERN, type Paginated, type Pix } from './client';

/** The spec's maximum page (paginacao.itensPorPagina ≤ 1000); a connection may ask for less. */
const MAX_PAGE_SIZE = 1000;
/** A sync without `since` looks this far back (the spec requires a window). */
const DEFAULT_LOOKBACK_DAYS = 7;

export function paymentRecord(pix: Pix): SyncRecord {
  // The payer's name is no API Pix field (infoPagador is the payer's free text); some PSPs add it.
  const payerName = pix.pagador?.nome ?? pix.gnExtras?.pagador?.nome;
  const data: PaymentRecordData & Record<string, unknown> = {
    ...pix,
    paymentId: pix.endToEndId,
    reference: pix.txid ?? '',
    amount: pix.valor,
    paidAt: pix.horario,
    method: 'pix',
    ...(payerName ? { payerName } : {}),
  };
  return { key: pix.endToEndId, data };
}

export const paymentsEntity: EntitySupport = {
  async get(ctx, id) {
    // A webhook's id that is no endToEndId names no Pix: nothing to fetch.
    if (!E2EID_PATTERN.test(id ?? '')) return null;
    const res = await nullIfNotFound(ctx.http.send<Pix>({ method: 'GET', path: `/v2/pix/${id}` }, ctx.signal));
    return res ? paymentRecord(res.body) : null;
  },

  read: {
    read: (ctx, req) =>
      readTimeWindow<SyncRecord>(ctx, req, {
        defaultLookbackDays: DEFAULT_LOOKBACK_DAYS,
        maxPageSize: MAX_PAGE_SIZE,
        async readPage(w, pageSize) {
          const query = { inicio: w.from, fim: w.to, txIdPresente: 'true', 'paginacao.paginaAtual': w.page, 'paginacao.itensPorPagina': pageSize };
          const res = await ctx.http.send<Paginated & { pix?: Pix[] }>({ method: 'GET', path: '/v2/pix', query }, ctx.signal);
          const rows = Array.isArray(res.body?.pix) ? res.body.pix : [];
          const pages = res.body?.parametros?.paginacao?.quantidadeDePaginas ?? 1;
          return { items: rows.map(paymentRecord), last: !rows.length || w.page + 1 >= pages };
        },
      }),
  },
};
