/**
 * Stock and prices: `PUT /items/{id}` with `available_quantity` or `price`, or — when the listing
 * has variations — with the whole `variations` array (every variation id, or ML deletes the
 * ones left out), changing only the variation the SKU names.
 *
 * The external id is the target: `MLB123`, or `MLB123:456` for variation 456; a SKU listed more
 * than once (classic and premium listings of one product) gives several, joined by commas.
 * A record finds its target by SKU (SELLER_SKU) or by `item_id` (+ `variation_id`) in its data.
 * Nothing is created here: a SKU with no listing fails as NotFound.
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, WriteInput } from '../types';
import { findTargets, formatTargets, getItem, notFoundBySku, parseTargets, putItem, refuseIgnoredPrice, type Target } from './client';

type Field = 'available_quantity' | 'price';

function valueOf(field: Field, data: Record<string, unknown>): number {
  const v = data[field];
  if (field === 'available_quantity') {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0)) throw new ValidationError(`available_quantity must be a whole number, 0 or more (got ${JSON.stringify(v)}); map it from the ERP's stock`);
  } else if (!(typeof v === 'number' && v > 0)) throw new ValidationError(`price must be a positive number (got ${JSON.stringify(v)})`);
  return v;
}

async function targetsFor(ctx: ConnectionContext, input: WriteInput): Promise<Target[]> {
  const itemId = input.data.item_id;
  if (typeof itemId === 'string' && itemId) return [{ itemId, variationId: input.data.variation_id ? Number(input.data.variation_id) : undefined }];
  if (!input.sku) throw new ValidationError('The record has no SKU and no item_id: Ponte cannot tell which Mercado Livre listing it is');
  const targets = await findTargets(ctx, input.sku);
  if (targets.length === 0) throw notFoundBySku(input.sku);
  return targets;
}

async function writeTargets(ctx: ConnectionContext, field: Field, targets: Target[], value: number): Promise<void> {
  const byItem = new Map<string, Target[]>();
  for (const t of targets) byItem.set(t.itemId, [...(byItem.get(t.itemId) ?? []), t]);
  for (const [itemId, list] of byItem) {
    const wanted = new Set(list.flatMap((t) => (t.variationId ? [t.variationId] : [])));
    if (wanted.size === 0) {
      try {
        await put(ctx, field, itemId, { [field]: value });
        continue;
      } catch (err) {
        // The SKU is the listing's own, but the listing has variations: ML wants the value in them.
        if (!(err instanceof ValidationError && /variation/i.test(err.message))) throw err;
        if (field === 'available_quantity')
          throw new ValidationError(`${itemId} has variations: send stock per variation SKU, not for the listing's own SKU. ${err.message}`, { status: err.status, providerMessage: err.providerMessage });
      }
    }
    const current = await getItem(ctx, itemId);
    const variations = current.variations ?? [];
    for (const id of wanted)
      if (!variations.some((v) => v.id === id)) throw new NotFound(`Variation ${id} of ${itemId} no longer exists on Mercado Livre; link the SKU again`);
    // Every variation id goes in the array (the ones left out would be deleted). A classic
    // listing sells all its variations at one price, so a price goes to all of them.
    await put(ctx, field, itemId, { variations: variations.map((v) => (field === 'price' || wanted.has(v.id) ? { id: v.id, [field]: value } : { id: v.id })) });
  }
}

async function put(ctx: ConnectionContext, field: Field, itemId: string, body: Record<string, unknown>): Promise<void> {
  const { warnings } = await putItem(ctx, itemId, body);
  refuseIgnoredPrice(itemId, field === 'price', warnings);
}

function inventoryEntity(field: Field): EntitySupport {
  return {
    write: {
      async create(ctx, input) {
        const value = valueOf(field, input.data);
        const targets = await targetsFor(ctx, input);
        await writeTargets(ctx, field, targets, value);
        return { externalId: formatTargets(targets) };
      },
      async update(ctx, externalId, input) {
        await writeTargets(ctx, field, parseTargets(externalId), valueOf(field, input.data));
      },
      async findBySku(ctx, sku) {
        const targets = await findTargets(ctx, sku);
        return targets.length ? formatTargets(targets) : null;
      },
    },
  };
}

export const stock = inventoryEntity('available_quantity');
export const prices = inventoryEntity('price');
