/**
 * Nuvemshop products and their variants. Price, stock and SKU live on the variants (a product
 * always has at least one); a product record's SKU is its first variant's.
 */
import { NotFound } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { getOne, numericId, readCollection, sendJson } from './client';

export interface NuvemshopVariant {
  id: number;
  product_id: number;
  sku: string | null;
  price: string | null;
  promotional_price: string | null;
  stock: number | null;
  stock_management: boolean;
  values: Array<Record<string, string>>;
  [field: string]: unknown;
}

export interface NuvemshopProduct {
  id: number;
  name: Record<string, string>;
  variants: NuvemshopVariant[];
  updated_at: string;
  [field: string]: unknown;
}

/** Fields of a variant. Given at the product's top level, they describe its only variant. */
const VARIANT_FIELDS = new Set([
  'price',
  'promotional_price',
  'cost',
  'stock',
  'stock_management',
  'sku',
  'barcode',
  'mpn',
  'weight',
  'width',
  'height',
  'depth',
  'age_group',
  'gender',
  'image_id',
  'inventory_levels',
]);

export function productRecord(p: NuvemshopProduct): SyncRecord {
  return { key: String(p.id), sku: p.variants?.find((v) => v.sku)?.sku ?? undefined, data: p };
}

/**
 * Splits mapped data into the product's own fields and its variants, and stamps the record's SKU
 * on a variant so `GET /products/sku/{sku}` finds the product again.
 */
export function splitProduct(data: Record<string, unknown>, sku: string | undefined): { product: Record<string, unknown>; variants: Array<Record<string, unknown>> } {
  const product: Record<string, unknown> = {};
  const flat: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (field === 'variants') continue;
    (VARIANT_FIELDS.has(field) ? flat : product)[field] = value;
  }
  const variants: Array<Record<string, unknown>> = Array.isArray(data.variants) ? (data.variants as Array<Record<string, unknown>>).map((v) => ({ ...v })) : Object.keys(flat).length ? [flat] : [];
  if (sku && !variants.some((v) => v.sku === sku)) {
    if (variants.length === 0) variants.push({ sku });
    else if (!variants[0].sku) variants[0].sku = sku;
  }
  return { product, variants };
}

/** The existing variant a wanted one refers to: same id, same SKU, same option values, or the only one. */
function matchVariant(existing: NuvemshopVariant[], wanted: Record<string, unknown>, wantedCount: number): NuvemshopVariant | undefined {
  if (wanted.id !== undefined) return existing.find((v) => String(v.id) === String(wanted.id));
  if (wanted.sku) {
    const bySku = existing.find((v) => v.sku === wanted.sku);
    if (bySku) return bySku;
  }
  if (Array.isArray(wanted.values)) return existing.find((v) => JSON.stringify(v.values) === JSON.stringify(wanted.values));
  return wantedCount === 1 && existing.length === 1 ? existing[0] : undefined;
}

/**
 * Applies the wanted variants: one known variant with `PUT /products/{id}/variants/{vid}`, several
 * with `PATCH /products/{id}/variants` (partial, each element carries its id), new ones with
 * `POST`. Variants not mentioned are left alone: `PUT /products/{id}/variants` would delete them.
 */
async function writeVariants(ctx: ConnectionContext, product: NuvemshopProduct, wanted: Array<Record<string, unknown>>): Promise<void> {
  const updates: Array<Record<string, unknown>> = [];
  const creates: Array<Record<string, unknown>> = [];
  for (const w of wanted) {
    const match = matchVariant(product.variants ?? [], w, wanted.length);
    if (match) updates.push({ ...w, id: match.id });
    else creates.push(w);
  }
  if (updates.length === 1) {
    const { id, ...fields } = updates[0];
    await sendJson(ctx, 'PUT', `/products/${product.id}/variants/${id}`, fields);
  } else if (updates.length > 1) {
    await sendJson(ctx, 'PATCH', `/products/${product.id}/variants`, updates);
  }
  for (const v of creates) await sendJson(ctx, 'POST', `/products/${product.id}/variants`, v);
}

/** Nuvemshop: `GET /products/sku/{sku}` returns the first product with a variant of that SKU. */
export function productBySku(ctx: ConnectionContext, sku: string): Promise<NuvemshopProduct | null> {
  return getOne<NuvemshopProduct>(ctx, `/products/sku/${encodeURIComponent(sku)}`);
}

export const products: EntitySupport = {
  read: {
    read: (ctx, req) => readCollection<NuvemshopProduct>(ctx, req, '/products', {}, (rows) => rows.map(productRecord)),
  },
  async get(ctx, id) {
    const p = await getOne<NuvemshopProduct>(ctx, `/products/${numericId(id, 'product')}`);
    return p ? productRecord(p) : null;
  },
  write: {
    async create(ctx, input) {
      const { product, variants } = splitProduct(input.data, input.sku);
      const created = await sendJson<NuvemshopProduct>(ctx, 'POST', '/products', variants.length ? { ...product, variants } : product);
      return { externalId: String(created.id) };
    },
    async update(ctx, externalId, input) {
      const id = numericId(externalId, 'product');
      const { product, variants } = splitProduct(input.data, input.sku);
      // PUT /products/{id} carries the product's own fields and answers the product with its
      // variants; variants change only through the /variants endpoints.
      const current = Object.keys(product).length ? await sendJson<NuvemshopProduct>(ctx, 'PUT', `/products/${id}`, product) : await getOne<NuvemshopProduct>(ctx, `/products/${id}`);
      if (!current) throw new NotFound(`Nuvemshop has no product ${id}`);
      if (variants.length) await writeVariants(ctx, current, variants);
    },
    async findBySku(ctx, sku) {
      const p = await productBySku(ctx, sku);
      return p ? String(p.id) : null;
    },
  },
};
