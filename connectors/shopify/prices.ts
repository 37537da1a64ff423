/**
 * Prices: each variant's `price` and `compareAtPrice` (the "de/por" price). Keyed by the
 * ProductVariant id with its SKU. Written with productVariantsBulkUpdate, which Shopify wants
 * with the variant's product id.
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, WriteInput } from '../types';
import { type Connection, graphql, graphqlRetrying, searchValue, updatedSince } from './client';
import { readConnectionBatch } from './paging';

/** 250 variants cost 502 points requested (connection 2 + 250 × 2). */
const VARIANTS_PER_PAGE = 250;

const PRICE_FIELDS = 'id sku price compareAtPrice updatedAt product { id }';
const PRICES_PAGE = `query PontePrices($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) { nodes { ${PRICE_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const PRICE = `query PontePrice($id: ID!) { productVariant(id: $id) { ${PRICE_FIELDS} } }`;
const VARIANT_BY_SKU = 'query PonteVariantBySku($query: String!) { productVariants(first: 1, query: $query) { nodes { id product { id } } } }';
const UPDATE_PRICE = `mutation PontePrice($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price compareAtPrice } userErrors { field message code } }
}`;

interface PriceNode {
  id: string;
  sku: string | null;
  product: { id: string };
  [field: string]: unknown;
}

// A variant never moves to another product: remember whose it is (bounded, per process).
const productOfVariant = new Map<string, string>();
const REMEMBERED = 100_000;

function remember(ctx: ConnectionContext, variantId: string, productId: string) {
  if (productOfVariant.size >= REMEMBERED) productOfVariant.clear();
  productOfVariant.set(`${ctx.connectionId}\u0000${variantId}`, productId);
}

async function productIdOf(ctx: ConnectionContext, variantId: string): Promise<string> {
  const known = productOfVariant.get(`${ctx.connectionId}\u0000${variantId}`);
  if (known) return known;
  const res = await graphql<{ productVariant: PriceNode | null }>(ctx, PRICE, { id: variantId });
  if (!res.productVariant) throw new NotFound(`Shopify has no variant ${variantId}; it was deleted in Shopify`);
  remember(ctx, variantId, res.productVariant.product.id);
  return res.productVariant.product.id;
}

const record = (v: PriceNode) => ({ key: v.id, sku: v.sku || undefined, data: v });

function moneyOf(value: unknown, field: string): string | null {
  if (value === null) return null;
  const n = typeof value === 'string' ? Number(value.replace(',', '.')) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ValidationError(`A Shopify price record needs "${field}" as a number; got ${JSON.stringify(value)}`);
  return n.toFixed(2);
}

async function setPrice(ctx: ConnectionContext, variantId: string, input: WriteInput): Promise<void> {
  const change: Record<string, unknown> = { id: variantId };
  if (input.data.price !== undefined) change.price = moneyOf(input.data.price, 'price');
  // null clears the compare-at price (no more "de" price).
  if (input.data.compareAtPrice !== undefined) change.compareAtPrice = moneyOf(input.data.compareAtPrice, 'compareAtPrice');
  if (change.price === undefined && change.compareAtPrice === undefined) throw new ValidationError('A Shopify price record needs "price" and/or "compareAtPrice"');
  if (change.price === null) throw new ValidationError('A Shopify variant must keep a price; "price" cannot be null');
  await graphql(ctx, UPDATE_PRICE, { productId: await productIdOf(ctx, variantId), variants: [change] });
}

async function findBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const res = await graphql<{ productVariants: Connection<PriceNode> }>(ctx, VARIANT_BY_SKU, { query: `sku:${searchValue(sku)}` });
  const v = res.productVariants.nodes[0];
  if (!v) return null;
  remember(ctx, v.id, v.product.id);
  return v.id;
}

export const prices: EntitySupport = {
  read: {
    read: (ctx, req) =>
      readConnectionBatch<PriceNode>(
        ctx,
        req,
        async (after) => {
          const res = await graphql<{ productVariants: Connection<PriceNode> }>(ctx, PRICES_PAGE, { first: VARIANTS_PER_PAGE, after, query: updatedSince(req.since) });
          for (const v of res.productVariants.nodes) remember(ctx, v.id, v.product.id);
          return res.productVariants;
        },
        record,
      ),
  },
  async get(ctx, id) {
    const res = await graphqlRetrying<{ productVariant: PriceNode | null }>(ctx, PRICE, { id });
    return res.productVariant ? record(res.productVariant) : null;
  },
  write: {
    // Prices live on variants that products create: "creating" a price is finding the variant by SKU.
    async create(ctx, input) {
      if (!input.sku) throw new ValidationError('A Shopify price record needs a SKU to find its variant');
      const variantId = await findBySku(ctx, input.sku);
      if (!variantId) throw new NotFound(`Shopify has no variant with SKU ${input.sku}; create the product first (prices are set on existing variants)`);
      await setPrice(ctx, variantId, input);
      return { externalId: variantId };
    },
    update: setPrice,
    findBySku,
  },
};
