/**
 * Pedidos de venda. Read from `GET /pedidos/vendas` (the list has no items; the connection
 * setting `orderDetails: true` fetches `GET /pedidos/vendas/{id}` per order, one request each);
 * `since` becomes `dataAlteracaoInicial`. The SKU of an order is its `numeroLoja` (the channel's
 * order number), found with `GET /pedidos/vendas?numerosLojas[]=`.
 *
 * Writes: `POST /pedidos/vendas` creates (Bling opens it as "Em aberto"); `PUT /pedidos/vendas/{id}`
 * replaces the order; the status (`situacao`) is read-only in both and changes only with
 * `PATCH /pedidos/vendas/{id}/situacoes/{idSituacao}`. A record whose only field is `situacao`
 * changes the status and nothing else.
 */
import { withInlineRetry } from '../http/retry';
import { ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { type BlingEnvelope, firstRow, getOne, idOf, idPath, omit, readPages } from './client';

/** The default statuses of Bling's Vendas module (accounts may add their own: `GET /situacoes/modulos`). */
export const BLING_ORDER_STATUS = { emAberto: 6, atendido: 9, cancelado: 12, emAndamento: 15 } as const;

export interface BlingOrderRow {
  id: number;
  numero?: number;
  numeroLoja?: string;
  situacao?: { id: number; valor?: number };
  [field: string]: unknown;
}

export function orderRecord(o: BlingOrderRow): SyncRecord {
  return { key: String(o.id), sku: o.numeroLoja || undefined, data: o };
}

/** Fields Bling computes or that change only through their own endpoint. */
const READ_ONLY = ['id', 'situacao', 'totalProdutos', 'total', 'notaFiscal', 'dataAlteracao'];

export function orderBody(data: Record<string, unknown>, sku: string | undefined): Record<string, unknown> {
  const body = omit(data, READ_ONLY);
  if (sku && !body.numeroLoja) body.numeroLoja = sku;
  // Item and installment ids belong to the account they came from; Bling ignores them on POST.
  if (Array.isArray(body.itens)) body.itens = body.itens.map((it) => (typeof it === 'object' && it ? omit(it as Record<string, unknown>, ['id']) : it));
  if (Array.isArray(body.parcelas)) body.parcelas = body.parcelas.map((p) => (typeof p === 'object' && p ? omit(p as Record<string, unknown>, ['id']) : p));
  return body;
}

/** The status a record asks for: `situacao: 9`, `situacao: {id: 9}` or `idSituacao: 9`. */
export function statusOf(data: Record<string, unknown>): number | undefined {
  const raw = data.idSituacao ?? data.situacao;
  if (raw === undefined || raw === null) return undefined;
  const id = idOf(raw);
  if (!id) throw new ValidationError(`"situacao" must be a Bling status id (e.g. ${BLING_ORDER_STATUS.atendido} Atendido); got ${JSON.stringify(raw)}`);
  return id;
}

/** `PATCH /pedidos/vendas/{id}/situacoes/{idSituacao}` (Bling answers 204). */
export async function changeOrderStatus(ctx: ConnectionContext, orderId: string | number, idSituacao: number): Promise<void> {
  await ctx.http.send({ method: 'PATCH', path: `/pedidos/vendas/${idPath(String(orderId))}/situacoes/${idSituacao}` }, ctx.signal);
}

async function withDetails(ctx: ConnectionContext, rows: BlingOrderRow[]): Promise<SyncRecord[]> {
  const out: SyncRecord[] = [];
  for (const row of rows) {
    const detail = await withInlineRetry(() => getOne<BlingOrderRow>(ctx, `/pedidos/vendas/${row.id}`), { signal: ctx.signal });
    if (detail) out.push(orderRecord(detail));
  }
  return out;
}

export const orders: EntitySupport = {
  read: {
    read: (ctx, req) => readPages<BlingOrderRow>(ctx, req, '/pedidos/vendas', (rows) => (ctx.settings.orderDetails === true ? withDetails(ctx, rows) : rows.map(orderRecord))),
  },
  async get(ctx, id) {
    const o = await getOne<BlingOrderRow>(ctx, `/pedidos/vendas/${idPath(id)}`);
    return o ? orderRecord(o) : null;
  },
  write: {
    async create(ctx, input) {
      const status = statusOf(input.data);
      const res = await ctx.http.send<BlingEnvelope<{ id: number }>>({ method: 'POST', path: '/pedidos/vendas', json: orderBody(input.data, input.sku) }, ctx.signal);
      const id = String(res.body.data!.id);
      // The order exists now: retry the status change here rather than let a retry create it twice.
      if (status && status !== BLING_ORDER_STATUS.emAberto) await withInlineRetry(() => changeOrderStatus(ctx, id, status), { signal: ctx.signal });
      return { externalId: id };
    },
    async update(ctx, externalId, input) {
      const status = statusOf(input.data);
      const body = orderBody(omit(input.data, ['idSituacao']), undefined);
      if (Object.keys(body).length) {
        if (input.sku && !body.numeroLoja) body.numeroLoja = input.sku;
        await ctx.http.send({ method: 'PUT', path: `/pedidos/vendas/${idPath(externalId)}`, json: body }, ctx.signal);
      }
      if (status) await withInlineRetry(() => changeOrderStatus(ctx, externalId, status), { signal: ctx.signal });
    },
    async findBySku(ctx, sku) {
      const o = await firstRow<BlingOrderRow>(ctx, '/pedidos/vendas', { 'numerosLojas[]': [sku] }, (row) => row.numeroLoja === sku);
      return o ? String(o.id) : null;
    },
  },
};
