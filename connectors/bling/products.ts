/**
 * Produtos. Reads `GET /produtos` (variations come as products of their own, with
 * `idProdutoPai`); writes with `POST /produtos` and `PUT /produtos/{id}`, stamping the SKU as
 * `codigo`; finds by SKU with `GET /produtos?codigos[]=`.
 *
 * PUT replaces the whole product: fields left out go back to their defaults and variations left
 * out are deleted. Variations are matched by código: before a PUT of a product with variations
 * the current ones are read, so an existing variation keeps its id (and its stock).
 */
import { NotFound } from '../http/errors';
import type { EntitySupport, SyncRecord } from '../types';
import { type BlingEnvelope, type BlingProductRow, findProductBySku, getOne, idPath, isObject, omit, readPages } from './client';

export function productRecord(p: BlingProductRow): SyncRecord {
  return { key: String(p.id), sku: p.codigo || undefined, data: p };
}

/** Fields Bling sets itself; a record copied from a Bling account must not send them back. */
const READ_ONLY = ['id', 'idProdutoPai', 'imagemURL', 'precoCusto', 'dataAlteracao'];

/**
 * A product as `POST`/`PUT /produtos` take it: the SKU as `codigo`, the required `tipo`,
 * `situacao` and `formato` defaulted (P, A, S — or V when variations are given), and each
 * variation completed with its own tipo/situacao/formato and `variacao` block.
 */
export function productBody(data: Record<string, unknown>, sku: string | undefined): Record<string, unknown> {
  const body = omit(data, READ_ONLY);
  if (sku) body.codigo = sku;
  body.tipo ??= 'P';
  body.situacao ??= 'A';
  const variacoes = Array.isArray(body.variacoes) ? body.variacoes.filter(isObject) : undefined;
  body.formato ??= variacoes?.length ? 'V' : 'S';
  if (isObject(body.estoque)) body.estoque = omit(body.estoque, ['saldoVirtualTotal']);
  if (body.formato === 'V' && variacoes) body.variacoes = variacoes.map((v, i) => variationBody(v, i, body));
  else delete body.variacoes;
  return body;
}

function variationBody(v: Record<string, unknown>, index: number, parent: Record<string, unknown>): Record<string, unknown> {
  // Ids of another account's variations mean nothing here: variations are matched by código.
  const rest = omit(v, [...READ_ONLY, 'variacoes']);
  if (isObject(rest.estoque)) rest.estoque = omit(rest.estoque, ['saldoVirtualTotal']);
  const variacao = isObject(v.variacao) ? v.variacao : {};
  const produtoPai = isObject(variacao.produtoPai) ? omit(variacao.produtoPai, ['id']) : {};
  return {
    tipo: parent.tipo,
    situacao: 'A',
    formato: 'S',
    ...rest,
    variacao: { ordem: index + 1, ...variacao, produtoPai: { cloneInfo: true, ...produtoPai } },
  };
}

export const products: EntitySupport = {
  read: {
    read: (ctx, req) => readPages<BlingProductRow>(ctx, req, '/produtos', (rows) => rows.map(productRecord)),
  },
  async get(ctx, id) {
    const p = await getOne<BlingProductRow>(ctx, `/produtos/${idPath(id)}`);
    return p ? productRecord(p) : null;
  },
  write: {
    async create(ctx, input) {
      const res = await ctx.http.send<BlingEnvelope<{ id: number }>>({ method: 'POST', path: '/produtos', json: productBody(input.data, input.sku) }, ctx.signal);
      return { externalId: String(res.body.data!.id) };
    },
    async update(ctx, externalId, input) {
      const body = productBody(input.data, input.sku);
      if (body.formato === 'V' && Array.isArray(body.variacoes)) {
        const current = await getOne<{ variacoes?: Array<{ id: number; codigo?: string }> }>(ctx, `/produtos/${idPath(externalId)}`);
        if (!current) throw new NotFound(`Bling has no product ${externalId}`);
        const ids = new Map((current.variacoes ?? []).flatMap((v) => (v.codigo ? [[v.codigo, v.id] as const] : [])));
        body.variacoes = (body.variacoes as Array<Record<string, unknown>>).map((v) => (typeof v.codigo === 'string' && ids.has(v.codigo) ? { id: ids.get(v.codigo), ...v } : v));
      }
      await ctx.http.send({ method: 'PUT', path: `/produtos/${idPath(externalId)}`, json: body }, ctx.signal);
    },
    async findBySku(ctx, sku) {
      const p = await findProductBySku(ctx, sku);
      return p ? String(p.id) : null;
    },
  },
};
