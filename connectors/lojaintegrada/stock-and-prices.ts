/**
 * Stock (`/v1/produto_estoque`) and prices (`/v1/produto_preco`): one row per product, addressed
 * by the PRODUCT id (the row's own `id` is another number). A variation's stock and price live
 * on its child product. LI has no batch write: one PUT per product.
 *
 * Both lists have no filter at all (spec GET /v1/produto_estoque), so a read is always a full
 * scan and `since` cannot narrow it. The rows do not carry the SKU; writers find the product by
 * SKU (`GET /v1/produto?sku=`) and every row of a product exists as soon as the product does,
 * so "create" means finding the product and setting its row.
 */
import { NotFound } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { findProductIdBySku } from './products';
import { getOrNull, idFromUri, readTastypieList, segment } from './client';

interface ProductRow {
  id: number;
  produto: string;
  [field: string]: unknown;
}

/** The body of PUT /v1/produto_estoque/{produto_id}. */
const STOCK_FIELDS = ['gerenciado', 'quantidade', 'situacao_em_estoque', 'situacao_sem_estoque'];
/** The body of PUT /v1/produto_preco/{produto_id}. */
const PRICE_FIELDS = ['cheio', 'custo', 'promocional', 'sob_consulta'];

function pick(data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (data[f] !== undefined) out[f] = data[f];
  return out;
}

function stockBody(data: Record<string, unknown>): Record<string, unknown> {
  const body = pick(data, STOCK_FIELDS);
  // With gerenciado=false LI ignores the quantity (and reads it back as 0): a quantity sent
  // without saying otherwise means the store should count it.
  if (body.quantidade !== undefined && body.gerenciado === undefined) body.gerenciado = true;
  return body;
}

function productRowEntity(path: string, bodyOf: (data: Record<string, unknown>) => Record<string, unknown>): EntitySupport {
  const toRecord = (row: ProductRow): SyncRecord => ({ key: idFromUri(row.produto) ?? String(row.id), data: row });

  const put = async (ctx: ConnectionContext, productId: string, input: WriteInput) => {
    await ctx.http.send({ method: 'PUT', path: `${path}/${segment(productId)}`, json: bodyOf(input.data) }, ctx.signal);
  };

  return {
    read: {
      read: (ctx, req) => readTastypieList<ProductRow>(ctx, req, path, {}, (rows) => rows.map(toRecord)),
    },
    write: {
      async create(ctx, input) {
        const sku = input.sku ?? (typeof input.data.sku === 'string' ? input.data.sku : undefined);
        const productId = sku ? await findProductIdBySku(ctx, sku) : null;
        if (!productId) throw new NotFound(`Loja Integrada has no product with SKU ${sku ?? '(none given)'}; create the product first`);
        await put(ctx, productId, input);
        return { externalId: productId };
      },
      update: put,
      findBySku: findProductIdBySku,
    },
    async get(ctx, id) {
      const row = await getOrNull<ProductRow>(ctx, `${path}/${segment(id)}`);
      return row ? toRecord(row) : null;
    },
  };
}

export const stock = productRowEntity('/produto_estoque', stockBody);
export const prices = productRowEntity('/produto_preco', (data) => pick(data, PRICE_FIELDS));
