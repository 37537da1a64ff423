/**
 * Stock and prices: both live on Nuvemshop's product variants, so both entities read and write
 * variants. A variant is only addressable under its product (`/products/{product_id}/variants/{id}`),
 * so their records are keyed `productId:variantId`.
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { getOne, readCollection, sendJson } from './client';
import { type NuvemshopProduct, type NuvemshopVariant, productBySku } from './products';

interface VariantRef {
  productId: string;
  variantId: string;
}

export function variantKey(productId: number | string, variantId: number | string): string {
  return `${productId}:${variantId}`;
}

function parseVariantKey(key: string): VariantRef {
  const m = /^(\d+):(\d+)$/.exec(key);
  if (!m) throw new NotFound(`"${key}" is not a Nuvemshop variant key (productId:variantId)`);
  return { productId: m[1], variantId: m[2] };
}

function variantRecords(rows: NuvemshopProduct[]): SyncRecord[] {
  return rows.flatMap((p) => (p.variants ?? []).map((v) => ({ key: variantKey(p.id, v.id), sku: v.sku ?? undefined, data: v })));
}

async function variantBySku(ctx: ConnectionContext, sku: string): Promise<VariantRef | null> {
  const product = await productBySku(ctx, sku);
  const variant = product?.variants?.find((v) => v.sku === sku);
  return product && variant ? { productId: String(product.id), variantId: String(variant.id) } : null;
}

/** One entity over variants; `pick` takes from the mapped data the fields this entity writes. */
function variantEntity(what: string, pick: (data: Record<string, unknown>) => Record<string, unknown>): EntitySupport {
  const put = (ctx: ConnectionContext, ref: VariantRef, data: Record<string, unknown>) => sendJson(ctx, 'PUT', `/products/${ref.productId}/variants/${ref.variantId}`, pick(data));
  return {
    read: {
      // `fields` trims the product to what this entity needs (Nuvemshop: comma-separated list).
      read: (ctx, req) => readCollection<NuvemshopProduct>(ctx, req, '/products', { fields: 'id,variants' }, variantRecords),
    },
    async get(ctx, key) {
      const ref = parseVariantKey(key);
      const v = await getOne<NuvemshopVariant>(ctx, `/products/${ref.productId}/variants/${ref.variantId}`);
      return v ? { key, sku: v.sku ?? undefined, data: v } : null;
    },
    write: {
      // There is no stock or price to create on its own: "create" finds the variant by SKU and sets it.
      async create(ctx, input) {
        if (!input.sku) throw new ValidationError(`Nuvemshop ${what} is written to the variant with the record's SKU, and this record has none`);
        const ref = await variantBySku(ctx, input.sku);
        if (!ref) throw new NotFound(`Nuvemshop has no variant with SKU "${input.sku}" to write ${what} to`);
        await put(ctx, ref, input.data);
        return { externalId: variantKey(ref.productId, ref.variantId) };
      },
      async update(ctx, externalId, input) {
        await put(ctx, parseVariantKey(externalId), input.data);
      },
      async findBySku(ctx, sku) {
        const ref = await variantBySku(ctx, sku);
        return ref ? variantKey(ref.productId, ref.variantId) : null;
      },
    },
  };
}

export const stock = variantEntity('stock', (data) => {
  // Nuvemshop: an integer, or null for unlimited stock (no stock management).
  if (!('stock' in data)) throw new ValidationError('A Nuvemshop stock record needs a "stock" field (a whole number, or null for unlimited stock)');
  return { stock: data.stock };
});

const PRICE_FIELDS = ['price', 'promotional_price', 'cost'];

export const prices = variantEntity('prices', (data) => {
  const out: Record<string, unknown> = {};
  for (const field of PRICE_FIELDS) if (field in data) out[field] = data[field];
  if (!Object.keys(out).length) throw new ValidationError(`A Nuvemshop price record needs at least one of: ${PRICE_FIELDS.join(', ')}`);
  return out;
});
