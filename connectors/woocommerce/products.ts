/**
 * Products, with their variations.
 *
 * WooCommerce lists a variable product's variations as ids only; the reader fetches them
 * (`GET /products/{id}/variations`) and puts the variation objects in `data.variations` in place
 * of the ids, so a flow sees every SKU, price and stock. Writers take the same shape: a product
 * whose `variations` are objects is written as a variable product, its variations matched by SKU.
 */
import { ValidationError } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { batchedWrite, runBatches } from './batch';
import { getOrNull, listAll, modifiedSince, normaliseSellable, readPages, send, type WooObject } from './client';

interface Attribute {
  id?: number;
  name?: string;
  options?: string[];
  option?: string;
  variation?: boolean;
  visible?: boolean;
  [field: string]: unknown;
}

type Variation = Record<string, unknown> & { sku?: string; attributes?: Attribute[] };

export function productRecord(p: WooObject): SyncRecord {
  return { key: String(p.id), sku: typeof p.sku === 'string' && p.sku ? p.sku : undefined, data: p };
}

/** The product with its variation objects in place of the ids. */
async function withVariations(ctx: ConnectionContext, p: WooObject): Promise<WooObject> {
  if (p.type !== 'variable' || !Array.isArray(p.variations) || p.variations.length === 0) return p;
  const variations = await listAll<WooObject>(ctx, `/products/${p.id}/variations`);
  return { ...p, variations };
}

/** Splits the variation objects off the product body; `null` when the product has none. */
function splitVariations(data: Record<string, unknown>): { body: Record<string, unknown>; variations: Variation[] | null } {
  const { variations, ...body } = data;
  if (!Array.isArray(variations) || !variations.some((v) => typeof v === 'object' && v !== null)) return { body: data, variations: null };
  return { body, variations: (variations as Variation[]).map((v) => normaliseSellable(v) as Variation) };
}

/**
 * WooCommerce drops, without a word, a variation attribute its parent does not declare as a
 * variation attribute. So every attribute the variations use is declared on the parent, with all
 * the options they use, keeping the parent's other attributes.
 */
export function withVariationAttributes(parentAttributes: Attribute[], variations: Variation[]): Attribute[] {
  const out = parentAttributes.map((a) => ({ ...a, options: [...(a.options ?? [])] }));
  const same = (a: Attribute, b: Attribute) => (a.id && b.id ? a.id === b.id : (a.name ?? '').toLowerCase() === (b.name ?? '').toLowerCase());
  for (const v of variations)
    for (const va of v.attributes ?? []) {
      let pa = out.find((a) => same(a, va));
      if (!pa) {
        pa = { ...(va.id ? { id: va.id } : {}), name: va.name, options: [], visible: true, variation: true };
        out.push(pa);
      }
      pa.variation = true;
      if (va.option && !pa.options!.includes(va.option)) pa.options!.push(va.option);
    }
  return out;
}

/** Creates the variations not there yet and updates the others, matched by SKU. Never deletes. */
async function syncVariations(ctx: ConnectionContext, productId: number, wanted: Variation[], existing: WooObject[]): Promise<void> {
  const bySku = new Map(existing.filter((v) => v.sku).map((v) => [String(v.sku), v.id]));
  const create: Variation[] = [];
  const update: Array<Variation & { id: number }> = [];
  for (const v of wanted) {
    const id = v.sku ? bySku.get(v.sku) : undefined;
    if (id) update.push({ ...v, id });
    else create.push(v);
  }
  const outcomes = await runBatches(ctx, `/products/${productId}/variations/batch`, { create, update });
  const failed = outcomes.filter((o) => o.error);
  if (failed.length) {
    const list = [create, update];
    const lines = failed.map((o) => `variation ${String(list[o.op === 'create' ? 0 : 1][o.index].sku ?? `#${o.index + 1}`)}: ${(o.error as Error).message}`);
    throw new ValidationError(`Product ${productId}: ${failed.length} of ${wanted.length} variations refused — ${lines.join('; ')}`);
  }
}

async function createProduct(ctx: ConnectionContext, input: WriteInput): Promise<{ externalId: string }> {
  // The SKU is what findBySku searches by: the record can be found again after a lost answer.
  const data = normaliseSellable(input.sku ? { ...input.data, sku: input.sku } : input.data);
  const { body, variations } = splitVariations(data);
  if (!variations) {
    const created = await batchedWrite(ctx, '/products/batch', 'create', body);
    return { externalId: String(created.id) };
  }
  const parentBody = { ...body, type: 'variable', attributes: withVariationAttributes((body.attributes as Attribute[]) ?? [], variations) };
  const parent = (await send<WooObject>(ctx, { method: 'POST', path: '/products', json: parentBody })).body;
  try {
    await syncVariations(ctx, parent.id, variations, []);
  } catch (err) {
    // All or nothing: a product left without its variations would be bound and never completed.
    await withInlineRetry(() => send(ctx, { method: 'DELETE', path: `/products/${parent.id}`, query: { force: true } }), { signal: ctx.signal }).catch(() => {});
    throw err;
  }
  return { externalId: String(parent.id) };
}

async function updateProduct(ctx: ConnectionContext, externalId: string, input: WriteInput): Promise<void> {
  const id = Number(externalId);
  const data = normaliseSellable(input.sku ? { ...input.data, sku: input.sku } : input.data);
  const { body, variations } = splitVariations(data);
  if (!variations) {
    await batchedWrite(ctx, '/products/batch', 'update', { ...body, id });
    return;
  }
  // Attributes replace the parent's whole list: keep the ones it has when the record brings none.
  const current = body.attributes ? null : await getOrNull<WooObject>(ctx, `/products/${id}`);
  const base = (body.attributes as Attribute[]) ?? ((current?.attributes as Attribute[]) ?? []);
  await send(ctx, { method: 'PUT', path: `/products/${id}`, json: { ...body, attributes: withVariationAttributes(base, variations) } });
  await syncVariations(ctx, id, variations, await listAll<WooObject>(ctx, `/products/${id}/variations`));
}

/**
 * `GET /products?sku=` matches exactly but also returns variations (v3 searches both post
 * types) and splits the value on commas, so the answer is filtered to this very SKU.
 */
export async function searchSku(ctx: ConnectionContext, sku: string): Promise<WooObject[]> {
  const res = await send<WooObject[]>(ctx, { method: 'GET', path: '/products', query: { sku, per_page: 10 } });
  return (res.body ?? []).filter((p) => p.sku === sku);
}

export const products: EntitySupport = {
  read: {
    read: (ctx, req) =>
      readPages<WooObject>(ctx, '/products', modifiedSince(req.since), req.cursor, req.batchSize, async (rows) => {
        const full = await Promise.all(rows.map((p) => withVariations(ctx, p)));
        return full.map(productRecord);
      }),
  },
  async get(ctx, id) {
    const p = await getOrNull<WooObject>(ctx, `/products/${encodeURIComponent(id)}`);
    // A variation id answers through /products too; it is not a product of its own.
    if (!p || p.type === 'variation') return null;
    return productRecord(await withVariations(ctx, p));
  },
  write: {
    create: createProduct,
    update: updateProduct,
    async findBySku(ctx, sku) {
      const found = (await searchSku(ctx, sku)).find((p) => p.type !== 'variation');
      return found ? String(found.id) : null;
    },
  },
};
