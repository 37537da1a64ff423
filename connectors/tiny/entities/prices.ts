/**
 * Prices. Tiny keeps `preco` and `preco_promocional` on the product, so a price read is the
 * product read (same records, same incremental rules) and a price write is
 * `produto.atualizar.precos` on the product found by SKU.
 */
import { ValidationError } from '../../http/errors';
import type { ConnectionContext, EntitySupport, WriteInput } from '../../types';
import { callTiny } from '../client';
import { getProduct, productIdBySku, readProducts, requireProductId } from './products';

/**
 * `produto.atualizar.precos` takes `data={"precos":[{id, preco, preco_promocional}]}`; Tiny
 * only changes `preco_promocional` when the account has the "Preço promocional" extension.
 */
function pricePayload(productId: string, input: WriteInput): string {
  const price: Record<string, unknown> = { id: productId };
  for (const field of ['preco', 'preco_promocional'] as const) {
    const value = input.data[field];
    if (value === undefined || value === null) continue;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new ValidationError(`Tiny needs "${field}" as a number of at least 0; got ${JSON.stringify(value)}`);
    price[field] = n;
  }
  if (Object.keys(price).length === 1) throw new ValidationError('A price record needs "preco" or "preco_promocional"');
  return JSON.stringify({ precos: [price] });
}

async function writePrice(ctx: ConnectionContext, productId: string, input: WriteInput): Promise<void> {
  await callTiny(ctx, 'produto.atualizar.precos.php', { data: pricePayload(productId, input) });
}

export const prices: EntitySupport = {
  read: { read: readProducts },
  write: {
    // A price is not created in Tiny: it belongs to a product, found by the record's SKU.
    async create(ctx, input) {
      const id = await requireProductId(ctx, input.sku);
      await writePrice(ctx, id, input);
      return { externalId: id };
    },
    async update(ctx, externalId, input) {
      await writePrice(ctx, externalId, input);
    },
    findBySku: productIdBySku,
  },
  get: getProduct,
};
