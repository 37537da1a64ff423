/**
 * Preços. Bling has no price resource of its own; two things hold a price, and the connection's
 * `lojaId` setting (or a record's `loja.id`) chooses which:
 *
 * - without a loja: the product's own `preco`. Read from `GET /produtos`; written with
 *   `PATCH /produtos/{id}` `{preco}` — Bling's partial update, so nothing else of the product
 *   changes (a PUT would reset every field not sent). Key = product id.
 * - with a loja (a sales channel: Mercado Livre, the web shop…): the product-store link of
 *   `/produtos/lojas`, which carries the channel's `preco`, `precoPromocional` and `codigo`.
 *   Read with `GET /produtos/lojas?idLoja=`; written with `POST /produtos/lojas` (a product not yet
 *   linked to the channel) or `PUT /produtos/lojas/{id}` (the whole link is sent again). Key = link id.
 *
 * In both cases the product is found by SKU (`codigos[]`); a price for a SKU Bling does not have
 * fails that record with NotFound.
 */
import { NotFound } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { type BlingEnvelope, type BlingProductRow, findProductBySku, firstRow, getOne, idOf, idPath, numberField, readPages, requireProductBySku } from './client';

export interface BlingProductStoreLink {
  id: number;
  codigo: string;
  preco: number;
  precoPromocional: number;
  produto: { id: number };
  loja: { id: number };
  [field: string]: unknown;
}

const lojaOf = (ctx: ConnectionContext, data?: Record<string, unknown>) => idOf(data?.loja) ?? idOf(ctx.settings.lojaId);

function basePriceRecord(p: BlingProductRow): SyncRecord {
  return { key: String(p.id), sku: p.codigo || undefined, data: { id: p.id, codigo: p.codigo, nome: p.nome, preco: p.preco, precoCusto: p.precoCusto } };
}

function linkRecord(l: BlingProductStoreLink): SyncRecord {
  return { key: String(l.id), sku: l.codigo || undefined, data: l };
}

async function linkOf(ctx: ConnectionContext, productId: number, lojaId: number): Promise<BlingProductStoreLink | null> {
  return firstRow<BlingProductStoreLink>(ctx, '/produtos/lojas', { idProduto: productId, idLoja: lojaId }, (l) => l.produto?.id === productId && l.loja?.id === lojaId);
}

function linkBody(data: Record<string, unknown>, base: { codigo: string; produto: { id: number }; loja: { id: number }; precoPromocional?: number }) {
  const body: Record<string, unknown> = {
    codigo: typeof data.codigo === 'string' && data.codigo ? data.codigo : base.codigo,
    preco: numberField(data, 'preco', { min: 0 }),
    produto: base.produto,
    loja: base.loja,
  };
  const promo = data.precoPromocional ?? base.precoPromocional;
  if (promo !== undefined && promo !== null) body.precoPromocional = numberField({ precoPromocional: promo }, 'precoPromocional', { min: 0 });
  return body;
}

export const prices: EntitySupport = {
  read: {
    read(ctx, req) {
      const lojaId = lojaOf(ctx);
      if (lojaId) return readPages<BlingProductStoreLink>(ctx, req, '/produtos/lojas', (rows) => rows.map(linkRecord), { idLoja: lojaId });
      return readPages<BlingProductRow>(ctx, req, '/produtos', (rows) => rows.map(basePriceRecord));
    },
  },
  async get(ctx, id) {
    if (lojaOf(ctx)) {
      const l = await getOne<BlingProductStoreLink>(ctx, `/produtos/lojas/${idPath(id)}`);
      return l ? linkRecord(l) : null;
    }
    const p = await getOne<BlingProductRow>(ctx, `/produtos/${idPath(id)}`);
    return p ? basePriceRecord(p) : null;
  },
  write: {
    async create(ctx, input) {
      const product = await requireProductBySku(ctx, input.sku, 'price');
      const lojaId = lojaOf(ctx, input.data);
      if (!lojaId) {
        await ctx.http.send({ method: 'PATCH', path: `/produtos/${product.id}`, json: { preco: numberField(input.data, 'preco', { min: 0 }) } }, ctx.signal);
        return { externalId: String(product.id) };
      }
      const existing = await linkOf(ctx, product.id, lojaId);
      const body = linkBody(input.data, existing ?? { codigo: input.sku ?? product.codigo, produto: { id: product.id }, loja: { id: lojaId } });
      if (existing) {
        await ctx.http.send({ method: 'PUT', path: `/produtos/lojas/${existing.id}`, json: body }, ctx.signal);
        return { externalId: String(existing.id) };
      }
      const res = await ctx.http.send<BlingEnvelope<{ id: number }>>({ method: 'POST', path: '/produtos/lojas', json: body }, ctx.signal);
      return { externalId: String(res.body.data!.id) };
    },
    async update(ctx, externalId, input) {
      if (!lojaOf(ctx, input.data)) {
        await ctx.http.send({ method: 'PATCH', path: `/produtos/${idPath(externalId)}`, json: { preco: numberField(input.data, 'preco', { min: 0 }) } }, ctx.signal);
        return;
      }
      // PUT replaces the link: send it whole, with the new prices.
      const current = await getOne<BlingProductStoreLink>(ctx, `/produtos/lojas/${idPath(externalId)}`);
      if (!current) throw new NotFound(`Bling has no product-store link ${externalId}`);
      await ctx.http.send({ method: 'PUT', path: `/produtos/lojas/${current.id}`, json: linkBody(input.data, current) }, ctx.signal);
    },
    async findBySku(ctx, sku) {
      const product = await findProductBySku(ctx, sku);
      if (!product) return null;
      const lojaId = lojaOf(ctx);
      if (!lojaId) return String(product.id);
      const link = await linkOf(ctx, product.id, lojaId);
      return link ? String(link.id) : null;
    },
  },
};
