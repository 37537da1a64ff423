/**
 * Stock and prices live on what a customer buys: a simple product, or one variation of a
 * variable product. Both entities read and write these "sellable units":
 * - key: the product id (`"123"`) or, for a variation, parent and variation id (`"123:456"`),
 *   because WooCommerce addresses a variation only under its parent
 *   (`/products/{parent}/variations/{id}`);
 * - data: the product or variation as it comes (a variation gets its `parent_id`).
 *
 * Reading goes in two phases: simple products (filtered by `modified_after`), then every variable
 * product's variations (filtered by `modified_after` on the variations endpoint). A change to a
 * variation does not reliably touch its parent's modification date, so the parents are not
 * filtered. Writes send only the entity's fields, through the batch endpoints.
 */
import { ConfigError, NotFound, ValidationError } from '../http/errors';
import { collectBatch } from '../http/pagination';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { batchedWrite } from './batch';
import { getOrNull, listAll, listPage, modifiedSince, normaliseSellable, pick, type WooObject } from './client';
import { searchSku } from './products';

const STOCK_FIELDS = ['manage_stock', 'stock_quantity', 'stock_status', 'backorders', 'low_stock_amount'] as const;
const PRICE_FIELDS = ['regular_price', 'sale_price', 'date_on_sale_from', 'date_on_sale_from_gmt', 'date_on_sale_to', 'date_on_sale_to_gmt'] as const;

type Phase = 'simple' | 'variable';

interface UnitKey {
  productId: number;
  variationId?: number;
}

export function parseUnitKey(key: string): UnitKey {
  const m = /^(\d+)(?::(\d+))?$/.exec(key);
  if (!m) throw new ConfigError(`"${key}" is not a WooCommerce product key ("123", or "123:456" for a variation)`);
  return { productId: Number(m[1]), variationId: m[2] ? Number(m[2]) : undefined };
}

function unitRecord(unit: WooObject, parentId?: number): SyncRecord {
  const data = parentId ? { ...unit, parent_id: unit.parent_id || parentId } : unit;
  return { key: parentId ? `${parentId}:${unit.id}` : String(unit.id), sku: typeof unit.sku === 'string' && unit.sku ? unit.sku : undefined, data };
}

async function readUnits(ctx: ConnectionContext, req: { cursor: string | null; since: string | null; batchSize: number }) {
  const since = modifiedSince(req.since);
  const start = req.cursor ?? 'simple:1';
  const batch = await collectBatch<SyncRecord, string>(
    start,
    req.batchSize,
    async (cursor) => {
      const [phase, n] = cursor.split(':') as [Phase, string];
      const page = Number(n);
      if (phase === 'simple') {
        const res = await listPage<WooObject>(ctx, '/products', { type: 'simple', orderby: 'id', order: 'asc', ...since }, page);
        return { items: res.rows.map((p) => unitRecord(p)), next: res.next ? `simple:${res.next}` : 'variable:1' };
      }
      const res = await listPage<WooObject>(ctx, '/products', { type: 'variable', orderby: 'id', order: 'asc' }, page);
      const perParent = await Promise.all(res.rows.map((p) => listAll<WooObject>(ctx, `/products/${p.id}/variations`, since)));
      return { items: res.rows.flatMap((p, i) => perParent[i].map((v) => unitRecord(v, p.id))), next: res.next ? `variable:${res.next}` : null };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next };
}

async function getUnit(ctx: ConnectionContext, key: string): Promise<SyncRecord | null> {
  const { productId, variationId } = parseUnitKey(key);
  if (variationId) {
    const v = await getOrNull<WooObject>(ctx, `/products/${productId}/variations/${variationId}`);
    return v ? unitRecord(v, productId) : null;
  }
  const p = await getOrNull<WooObject>(ctx, `/products/${productId}`);
  return p ? unitRecord(p) : null;
}

/** The unit with this SKU: `/products?sku=` answers variations too, with their parent_id. */
async function findUnit(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const found = (await searchSku(ctx, sku)).find((p) => p.type !== 'variable');
  if (!found) return null;
  return found.type === 'variation' && found.parent_id ? `${String(found.parent_id)}:${found.id}` : String(found.id);
}

function writeUnit(ctx: ConnectionContext, key: string, body: Record<string, unknown>) {
  const { productId, variationId } = parseUnitKey(key);
  return variationId
    ? batchedWrite(ctx, `/products/${productId}/variations/batch`, 'update', { ...body, id: variationId })
    : batchedWrite(ctx, '/products/batch', 'update', { ...body, id: productId });
}

/** A writer of some fields of existing units. */
function unitWriter(fields: readonly string[], what: string) {
  const body = (input: WriteInput) => {
    const out = pick(normaliseSellable(input.data), fields);
    // Per record: a source record may simply lack the mapped field.
    if (Object.keys(out).length === 0) throw new ValidationError(`Nothing to write for ${what}: the record has none of ${fields.join(', ')}`);
    return out;
  };
  return {
    /**
     * Stock and prices cannot exist without their product: "creating" one sets it on the product
     * or variation that has the record's SKU, and binds to it.
     */
    async create(ctx: ConnectionContext, input: WriteInput) {
      if (!input.sku) throw new NotFound(`WooCommerce ${what} needs a SKU to find its product; this record has none`);
      const key = await findUnit(ctx, input.sku);
      if (!key) throw new NotFound(`No product or variation with SKU ${input.sku} in WooCommerce: create the product first`);
      await writeUnit(ctx, key, body(input));
      return { externalId: key };
    },
    async update(ctx: ConnectionContext, externalId: string, input: WriteInput) {
      await writeUnit(ctx, externalId, body(input));
    },
    findBySku: findUnit,
  };
}

export const stock: EntitySupport = {
  read: { read: readUnits },
  get: getUnit,
  write: unitWriter(STOCK_FIELDS, 'stock'),
};

export const prices: EntitySupport = {
  read: { read: readUnits },
  get: getUnit,
  write: unitWriter(PRICE_FIELDS, 'prices'),
};
