/**
 * Products with their variants and SKUs. Reads page products 25 at a time with their first 10
 * variants (requested cost 877 of Shopify's 1,000 per query) and fetch the rest of a product's
 * variants when it has more. Writes use `productSet`, the mutation Shopify made for syncing a
 * product from an external system (one call, variants included, synchronous).
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { type Connection, graphql, graphqlRetrying, SKU_TAG_PREFIX, searchValue, skuFromTags, updatedSince } from './client';
import { completeConnection, readConnectionBatch } from './paging';

const PRODUCTS_PER_PAGE = 25;
const VARIANTS_PER_PRODUCT_PAGE = 10;
/** 50 more variants cost 153 points requested. */
const MORE_VARIANTS_PER_PAGE = 50;

const VARIANT_FIELDS = 'id title sku barcode price compareAtPrice position taxable inventoryPolicy inventoryQuantity createdAt updatedAt selectedOptions { name value } inventoryItem { id tracked }';
const PRODUCT_FIELDS = `id title handle status vendor productType descriptionHtml tags createdAt updatedAt options { id name position optionValues { id name } } variants(first: ${VARIANTS_PER_PRODUCT_PAGE}) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }`;

const PRODUCTS_PAGE = `query PonteProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: ID) { nodes { ${PRODUCT_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const PRODUCT = `query PonteProduct($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const MORE_VARIANTS = `query PonteProductVariants($id: ID!, $after: String) {
  product(id: $id) { variants(first: ${MORE_VARIANTS_PER_PAGE}, after: $after) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;
/** What an update needs to know to keep variant ids (and with them inventory and bindings). */
const PRODUCT_STATE = `query PonteProductState($id: ID!, $after: String) {
  product(id: $id) { id options { name optionValues { name } } variants(first: ${MORE_VARIANTS_PER_PAGE}, after: $after) { nodes { id sku selectedOptions { name value } } pageInfo { hasNextPage endCursor } } }
}`;
const PRODUCT_SET = `mutation PonteProductSet($identifier: ProductSetIdentifiers, $input: ProductSetInput!) {
  productSet(identifier: $identifier, input: $input, synchronous: true) { product { id } userErrors { field message code } }
}`;
/** Variant SKUs first; a product whose SKU is on no variant carries it as a tag. */
const FIND_BY_SKU = `query PonteProductBySku($variantQuery: String!, $tagQuery: String!) {
  bySku: productVariants(first: 1, query: $variantQuery) { nodes { product { id } } }
  byTag: products(first: 1, query: $tagQuery) { nodes { id } }
}`;

type Json = Record<string, unknown>;

interface ShopifyVariant {
  id: string;
  sku: string | null;
  selectedOptions: Array<{ name: string; value: string }>;
  [field: string]: unknown;
}

interface ShopifyProduct {
  id: string;
  tags: string[];
  options: Array<{ name: string; optionValues: Array<{ name: string }> }>;
  variants: Connection<ShopifyVariant>;
  [field: string]: unknown;
}

async function withAllVariants(ctx: ConnectionContext, product: ShopifyProduct): Promise<SyncRecord> {
  const variants = await completeConnection(product.variants, async (after) => {
    const res = await graphqlRetrying<{ product: { variants: Connection<ShopifyVariant> } | null }>(ctx, MORE_VARIANTS, { id: product.id, after });
    return res.product?.variants ?? null;
  });
  return { key: product.id, sku: productSku(product.tags, variants), data: { ...product, variants: { nodes: variants } } };
}

/** Shopify has no product-level SKU: the stamped tag if there is one, else the first variant's SKU. */
function productSku(tags: string[], variants: ShopifyVariant[]): string | undefined {
  return skuFromTags(tags) ?? (variants.find((v) => v.sku)?.sku || undefined);
}

// ---------------------------------------------------------------------------------------------
// Writing: the record's data is a ProductSetInput. For a single-variant product the mapping may
// put `price`, `compareAtPrice` and `barcode` at the top instead of writing `variants`.

const SHORTCUTS = ['price', 'compareAtPrice', 'barcode'] as const;
const DEFAULT_OPTION = { name: 'Title', values: [{ name: 'Default Title' }] };
const DEFAULT_OPTION_VALUES = [{ optionName: 'Title', name: 'Default Title' }];

function money(value: unknown): unknown {
  return typeof value === 'number' ? value.toFixed(2) : value;
}

function split(data: Json): { product: Json; shortcuts: Json; variants?: Json[] } {
  const { variants, ...product } = data;
  const shortcuts: Json = {};
  for (const f of SHORTCUTS) {
    if (product[f] !== undefined) shortcuts[f] = f === 'barcode' ? product[f] : money(product[f]);
    delete product[f];
  }
  if (!Array.isArray(variants)) return { product, shortcuts };
  const list: Json[] = (variants as Json[]).map((v) => ({ ...v, price: money(v.price), compareAtPrice: money(v.compareAtPrice) }));
  // A lone variant without options is Shopify's default one ("Title" / "Default Title").
  if (list.length === 1 && !list[0].optionValues) list[0].optionValues = DEFAULT_OPTION_VALUES;
  return { product, shortcuts, variants: list };
}

/** productSet wants the options declared beside the variants: derived from the variants' option values. */
function optionsFromVariants(variants: Json[]): Json[] {
  const options = new Map<string, string[]>();
  for (const v of variants)
    for (const ov of (v.optionValues as Array<{ optionName: string; name: string }>) ?? []) {
      const values = options.get(ov.optionName) ?? [];
      if (!values.includes(ov.name)) values.push(ov.name);
      options.set(ov.optionName, values);
    }
  return [...options].map(([name, values]) => ({ name, values: values.map((v) => ({ name: v })) }));
}

const variantSku = (v: Json) => (v.sku as string | undefined) ?? ((v.inventoryItem as Json | undefined)?.sku as string | undefined);

/**
 * Stamps the record's SKU so findBySku finds the product again: on the first variant when it has
 * none; when every variant already has its own SKU (a parent code, as ERPs keep for products
 * with variations), as the tag `ponte-sku:<sku>`. Returns that tag, if one is needed.
 */
function stampSku(variants: Json[], sku: string | undefined): string | null {
  if (!sku || variants.some((v) => variantSku(v) === sku)) return null;
  if (variants.length > 0 && !variantSku(variants[0])) {
    variants[0].sku = sku;
    return null;
  }
  return `${SKU_TAG_PREFIX}${sku}`;
}

function withTag(tags: unknown, tag: string | null): string[] | undefined {
  if (!Array.isArray(tags)) return tag ? [tag] : undefined;
  return tag && !tags.includes(tag) ? [...(tags as string[]), tag] : (tags as string[]);
}

async function productSet(ctx: ConnectionContext, identifier: Json | null, input: Json): Promise<string> {
  const res = await graphql<{ productSet: { product: { id: string } | null } }>(ctx, PRODUCT_SET, { identifier, input });
  if (!res.productSet?.product) throw new ValidationError('Shopify accepted productSet but returned no product');
  return res.productSet.product.id;
}

async function productState(ctx: ConnectionContext, id: string) {
  type State = { product: { options: Array<{ name: string; optionValues: Array<{ name: string }> }>; variants: Connection<{ id: string; sku: string | null; selectedOptions: Array<{ name: string; value: string }> }> } | null };
  const first = await graphql<State>(ctx, PRODUCT_STATE, { id });
  if (!first.product) throw new NotFound(`Shopify has no product ${id}; it was deleted in Shopify`);
  const variants = await completeConnection(first.product.variants, async (after) => (await graphql<State>(ctx, PRODUCT_STATE, { id, after })).product?.variants ?? null);
  return { options: first.product.options, variants };
}

async function create(ctx: ConnectionContext, input: WriteInput): Promise<{ externalId: string }> {
  const { product, shortcuts, variants } = split(input.data);
  const vs = variants ?? [{ optionValues: DEFAULT_OPTION_VALUES, ...shortcuts }];
  const tag = stampSku(vs, input.sku);
  const productOptions = product.productOptions ?? (variants ? optionsFromVariants(vs) : [DEFAULT_OPTION]);
  const tags = withTag(product.tags, tag);
  return { externalId: await productSet(ctx, null, { ...product, ...(tags ? { tags } : {}), productOptions, variants: vs }) };
}

async function update(ctx: ConnectionContext, externalId: string, input: WriteInput): Promise<void> {
  const { product, shortcuts, variants } = split(input.data);
  const payload: Json = { ...product };
  let tag: string | null = null;
  if (variants || Object.keys(shortcuts).length) {
    const current = await productState(ctx, externalId);
    let vs: Json[];
    if (variants) {
      // productSet deletes variants it is not given and creates those without an id: match
      // each one to the variant it already is (by SKU, else by option values) to keep its id.
      vs = variants.map((v) => {
        if (v.id) return v;
        const sku = variantSku(v);
        const values = (v.optionValues as Array<{ optionName: string; name: string }>) ?? [];
        const same =
          (sku && current.variants.find((c) => c.sku === sku)) ||
          current.variants.find((c) => c.selectedOptions.length === values.length && c.selectedOptions.every((o) => values.some((x) => x.optionName === o.name && x.name === o.value)));
        return same ? { ...v, id: same.id } : v;
      });
      payload.productOptions = product.productOptions ?? optionsFromVariants(vs);
    } else {
      if (current.variants.length !== 1)
        throw new ValidationError(`price, compareAtPrice and barcode at the top of a record apply to single-variant products; Shopify product ${externalId} has ${current.variants.length} variants: map "variants" instead`);
      const only = current.variants[0];
      vs = [{ id: only.id, optionValues: only.selectedOptions.map((o) => ({ optionName: o.name, name: o.value })), ...shortcuts }];
      payload.productOptions = product.productOptions ?? current.options.map((o) => ({ name: o.name, values: o.optionValues.map((v) => ({ name: v.name })) }));
    }
    tag = stampSku(vs, input.sku);
    payload.variants = vs;
  } else if (input.sku) tag = `${SKU_TAG_PREFIX}${input.sku}`;
  // Tags are replaced when sent: the stamp is kept only where the mapping manages tags itself;
  // otherwise Shopify keeps the tags set at creation.
  if (Array.isArray(product.tags)) payload.tags = withTag(product.tags, tag);
  await productSet(ctx, { id: externalId }, payload);
}

async function findBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const res = await graphql<{ bySku: Connection<{ product: { id: string } }>; byTag: Connection<{ id: string }> }>(ctx, FIND_BY_SKU, {
    variantQuery: `sku:${searchValue(sku)}`,
    tagQuery: `tag:${searchValue(`${SKU_TAG_PREFIX}${sku}`)}`,
  });
  return res.bySku.nodes[0]?.product.id ?? res.byTag.nodes[0]?.id ?? null;
}

export const products: EntitySupport = {
  read: {
    read: (ctx, req) =>
      readConnectionBatch<SyncRecord>(
        ctx,
        req,
        async (after) => {
          const res = await graphql<{ products: Connection<ShopifyProduct> }>(ctx, PRODUCTS_PAGE, { first: PRODUCTS_PER_PAGE, after, query: updatedSince(req.since) });
          const nodes: SyncRecord[] = [];
          // One after the other: parallel follow-ups would empty Shopify's cost bucket at once.
          for (const p of res.products.nodes) nodes.push(await withAllVariants(ctx, p));
          return { nodes, pageInfo: res.products.pageInfo };
        },
        (record) => record,
      ),
  },
  async get(ctx, id) {
    const res = await graphqlRetrying<{ product: ShopifyProduct | null }>(ctx, PRODUCT, { id });
    return res.product ? withAllVariants(ctx, res.product) : null;
  },
  write: { create, update, findBySku },
};
