/**
 * Sales orders (pedidos de venda). The SKU of an order is its e-commerce number
 * (`numero_ecommerce` in lists, `numero_pedido_ecommerce` when written): the channel's order
 * number, which is what finds an order written by Ponte again.
 */
import { ValidationError } from '../../http/errors';
import type { ConnectionContext, EntitySupport, ReadRequest, SyncRecord, WriteInput } from '../../types';
import { callTiny, toTinyDateTime, unlessNotFound, writtenId } from '../client';
import { findInSearch, readSearch, type TinyListSpec } from '../lists';

interface TinyOrderRow {
  id: number | string;
  numero?: number | string;
  numero_ecommerce?: string | null;
  numero_pedido_ecommerce?: string | null;
  [field: string]: unknown;
}

/** The status codes `pedido.alterar.situacao` accepts (Tiny's table "Situações dos pedidos"). */
export const ORDER_STATUSES = ['aberto', 'aprovado', 'preparando_envio', 'faturado', 'pronto_envio', 'enviado', 'entregue', 'nao_entregue', 'cancelado'] as const;

/** Fields of `pedido.cadastrar.codigorastreamento` (dispatch information). */
const DISPATCH_FIELDS = ['codigoRastreamento', 'urlRastreamento', 'formaEnvio', 'formaFrete', 'freteEmpresa', 'dataPrevista', 'transportadora', 'volumes', 'pesoBruto', 'pesoLiquido', 'observacoes'] as const;

function orderRecord(row: TinyOrderRow): SyncRecord {
  const sku = row.numero_ecommerce ?? row.numero_pedido_ecommerce;
  return { key: String(row.id), sku: sku ? String(sku) : undefined, data: row };
}

/**
 * Tiny wants at least one filter on `pedidos.pesquisa`. A full read asks for every order
 * placed since 2000; an incremental one for orders changed since the cursor (`dataAtualizacao`).
 */
function orderSearch(req: ReadRequest | null, filters: Record<string, string> = {}): TinyListSpec<TinyOrderRow> {
  const params: Record<string, string> = { ...filters };
  if (req?.since) params.dataAtualizacao = toTinyDateTime(req.since);
  else if (Object.keys(params).length === 0) params.dataInicial = '01/01/2000';
  return { method: 'pedidos.pesquisa.php', params, listKey: 'pedidos', itemKey: 'pedido', toRecord: orderRecord };
}

function orderIdByEcommerceNumber(ctx: ConnectionContext, numero: string): Promise<string | null> {
  return findInSearch(ctx, orderSearch(null, { numeroEcommerce: numero }), (o) => String(o.numero_ecommerce ?? '') === numero);
}

/** `pedido.incluir` takes `pedido={"pedido":{…}}`; the SKU is stamped as the e-commerce number. */
function orderPayload(input: WriteInput): string {
  const pedido: Record<string, unknown> = { ...input.data };
  delete pedido.id;
  if (input.sku) pedido.numero_pedido_ecommerce = input.sku;
  return JSON.stringify({ pedido });
}

/**
 * Tiny has no general order update in the flows Ponte runs: what changes after an order exists
 * is its status (`pedido.alterar.situacao`) and its dispatch data
 * (`pedido.cadastrar.codigorastreamento`). An update sends whichever the record carries.
 */
async function updateOrder(ctx: ConnectionContext, id: string, input: WriteInput): Promise<void> {
  const data = input.data;
  const situacao = data.situacao ?? data.codigoSituacao;
  const dispatch: Record<string, string> = {};
  for (const field of DISPATCH_FIELDS) if (data[field] !== undefined && data[field] !== null) dispatch[field] = String(data[field]);
  if (data.codigo_rastreamento !== undefined && dispatch.codigoRastreamento === undefined) dispatch.codigoRastreamento = String(data.codigo_rastreamento);
  if (data.url_rastreamento !== undefined && dispatch.urlRastreamento === undefined) dispatch.urlRastreamento = String(data.url_rastreamento);
  if (situacao === undefined && Object.keys(dispatch).length === 0)
    throw new ValidationError('An order update needs "situacao" or dispatch fields such as "codigoRastreamento"; Tiny changes nothing else on an existing order');
  if (situacao !== undefined) {
    if (!ORDER_STATUSES.includes(String(situacao) as (typeof ORDER_STATUSES)[number]))
      throw new ValidationError(`Tiny order status must be one of ${ORDER_STATUSES.join(', ')}; got "${String(situacao)}"`);
    await callTiny(ctx, 'pedido.alterar.situacao', { id, situacao: String(situacao) });
  }
  if (Object.keys(dispatch).length > 0) await callTiny(ctx, 'pedido.cadastrar.codigorastreamento.php', { id, ...dispatch });
}

export const orders: EntitySupport = {
  read: { read: (ctx, req) => readSearch(ctx, req, orderSearch(req)) },
  write: {
    async create(ctx, input) {
      const retorno = await callTiny(ctx, 'pedido.incluir.php', { pedido: orderPayload(input) });
      return { externalId: writtenId(retorno, 'order') };
    },
    update: updateOrder,
    findBySku: orderIdByEcommerceNumber,
  },
  get: (ctx, id) => unlessNotFound(async () => orderRecord((await callTiny(ctx, 'pedido.obter.php', { id })).pedido as TinyOrderRow)),
};
