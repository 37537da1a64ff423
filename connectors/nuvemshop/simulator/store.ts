/**
 * The simulated store's data: products with variants, orders and customers, kept as the API
 * returns them, plus the validation Nuvemshop applies on writes. Shapes follow the official docs
 * (TiendaNube/api-docs resources/product.md, product_variant.md, order.md, customer.md).
 */

export interface SimVariant {
  id: number;
  product_id: number;
  position: number;
  price: string | null;
  promotional_price: string | null;
  cost: string | null;
  stock_management: boolean;
  stock: number | null;
  weight: string | null;
  width: string | null;
  height: string | null;
  depth: string | null;
  sku: string | null;
  barcode: string | null;
  values: Array<Record<string, string>>;
  created_at: string;
  updated_at: string;
}

export interface SimProduct {
  id: number;
  name: Record<string, string>;
  description: Record<string, string>;
  handle: Record<string, string>;
  attributes: Array<Record<string, string>>;
  published: boolean;
  free_shipping: boolean;
  requires_shipping: boolean;
  brand: string | null;
  tags: string;
  categories: unknown[];
  images: unknown[];
  variants: SimVariant[];
  created_at: string;
  updated_at: string;
}

export interface SimOrder {
  id: number;
  number: number;
  token: string;
  status: 'open' | 'closed' | 'cancelled';
  payment_status: string;
  shipping_status: string;
  next_action: string;
  gateway: string;
  currency: string;
  subtotal: string;
  discount: string;
  total: string;
  customer: { id: number | null; name: string; email: string };
  products: Array<{ product_id: number; variant_id: number; name: string; price: string; quantity: number; sku: string | null }>;
  shipping: string;
  shipping_option: string;
  shipping_pickup_type: string;
  shipping_cost_customer: string;
  shipping_tracking_number: string | null;
  shipping_tracking_url: string | null;
  shipping_address: Record<string, unknown> | null;
  billing_address: Record<string, unknown> | null;
  owner_note: string | null;
  note: string | null;
  cancel_reason: string | null;
  shipped_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SimCustomer {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  identification: string | null;
  note: string | null;
  addresses: Array<Record<string, unknown>>;
  default_address: Record<string, unknown> | null;
  total_spent: string;
  total_spent_currency: string;
  last_order_id: number | null;
  active: boolean;
  extra: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** Nuvemshop's timestamp format, e.g. "2021-11-10T20:40:44+0000". */
export function nsTime(ms = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 19) + '+0000';
}

/** Errors as Nuvemshop writes them: field lists (`{"name": ["can't be blank"]}`) or the `{code, message, description}` envelope. */
export type FieldErrors = Record<string, string[]>;

export class InvalidWrite extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(JSON.stringify(body));
  }
}

export function envelope(code: number, message: string, description: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { code, message, description, ...extra };
}

const unprocessable = (description: string, extra: Record<string, unknown> = {}) => new InvalidWrite(422, envelope(422, 'Unprocessable Entity', description, extra));

/** Money as Nuvemshop returns it: a string with two decimals. Numbers and numeric strings are accepted. */
function money(value: unknown, field: string, errors: FieldErrors): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) (errors[field] ??= []).push(`The ${field} must be a number.`);
  else if (n < 0) (errors[field] ??= []).push(`The ${field} must be at least 0.`);
  else return n.toFixed(2);
  return undefined;
}

/** Checks and normalises the writable fields of a variant; throws Nuvemshop's 422 on bad input. */
export function variantChanges(input: Record<string, unknown>): Partial<SimVariant> {
  const errors: FieldErrors = {};
  const out: Partial<SimVariant> = {};
  for (const field of ['price', 'promotional_price', 'cost'] as const) {
    const v = money(input[field], field, errors);
    if (v !== undefined) out[field] = v;
  }
  if (input.stock !== undefined) {
    if (input.stock === null) Object.assign(out, { stock: null, stock_management: false });
    else if (!Number.isInteger(input.stock)) (errors.stock ??= []).push('The stock must be an integer.');
    else if ((input.stock as number) < 0) (errors.stock ??= []).push('The stock must be at least 0.');
    else Object.assign(out, { stock: input.stock as number, stock_management: true });
  }
  for (const field of ['weight', 'width', 'height', 'depth'] as const) {
    const v = money(input[field], field, errors);
    if (v !== undefined) out[field] = v;
  }
  if (input.sku !== undefined) out.sku = input.sku === null || input.sku === '' ? null : String(input.sku);
  if (input.barcode !== undefined) out.barcode = input.barcode === null ? null : String(input.barcode);
  if (input.values !== undefined) {
    if (!Array.isArray(input.values)) throw new InvalidWrite(400, envelope(400, 'Bad Request', 'Invalid values format'));
    out.values = (input.values as unknown[]).map((v) => (typeof v === 'string' ? { pt: v } : (v as Record<string, string>)));
  }
  if (Object.keys(errors).length) throw unprocessable('Validation error', errors);
  return out;
}

/** A multilingual field: a plain string applies to every language of the store (pt here). */
export function i18n(value: unknown): Record<string, string> {
  if (value && typeof value === 'object') return value as Record<string, string>;
  return { pt: value === undefined || value === null ? '' : String(value) };
}

export function blankI18n(value: unknown): boolean {
  return Object.values(i18n(value)).every((v) => !String(v ?? '').trim());
}

export function handleOf(name: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(name).map(([lang, text]) => [
      lang,
      text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    ]),
  );
}

/** Nuvemshop: a product has at most 1000 variants, and no two with the same option values. */
export function checkVariantSet(product: Pick<SimProduct, 'attributes'>, variants: Array<Pick<SimVariant, 'values'>>): void {
  if (variants.length > 1000) throw unprocessable('Product is not allowed to have more than 1000 variants');
  const seen = new Set<string>();
  for (const v of variants) {
    // "The number of values must equal the number of attributes" (resources/product.md).
    if (v.values.length !== product.attributes.length) throw unprocessable(`Variant values (${v.values.length}) must match the product attributes (${product.attributes.length})`);
    const key = JSON.stringify(v.values);
    if (seen.has(key)) throw unprocessable('Variants cannot be repeated');
    seen.add(key);
  }
}

export const PRODUCT_FIELDS = ['name', 'description', 'handle', 'attributes', 'published', 'free_shipping', 'requires_shipping', 'brand', 'tags', 'seo_title', 'seo_description'] as const;

export function blankVariant(id: number, productId: number, position: number, now: string): SimVariant {
  return {
    id,
    product_id: productId,
    position,
    price: null,
    promotional_price: null,
    cost: null,
    stock_management: false,
    stock: null,
    weight: '0.000',
    width: '0.00',
    height: '0.00',
    depth: '0.00',
    sku: null,
    barcode: null,
    values: [],
    created_at: now,
    updated_at: now,
  };
}


/** What a simulator run did, for tests to assert on (duplicates show up in the create counts). */
export interface NuvemshopStats {
  /** Requests that passed auth (throttled ones included). */
  requests: number;
  /** Requests answered 429 because the bucket was full (injected faults not counted). */
  overLimit: number;
  productsCreated: number;
  productsUpdated: number;
  variantsCreated: number;
  variantsUpdated: number;
  ordersCreated: number;
  orderActions: number;
  customersCreated: number;
  customersUpdated: number;
}

export interface SimState {
  products: Map<number, SimProduct>;
  orders: Map<number, SimOrder>;
  customers: Map<number, SimCustomer>;
  /** SKU → ids of the products with a variant of that SKU, for `GET /products/sku/{sku}`. */
  skuIndex: Map<string, Set<number>>;
  ids: { product: number; variant: number; order: number; orderNumber: number; customer: number };
  stats: NuvemshopStats;
}

export function newState(): SimState {
  return {
    products: new Map(),
    orders: new Map(),
    customers: new Map(),
    skuIndex: new Map(),
    ids: { product: 100_000_000, variant: 400_000_000, order: 900_000_000, orderNumber: 100, customer: 50_000_000 },
    stats: {
      requests: 0,
      overLimit: 0,
      productsCreated: 0,
      productsUpdated: 0,
      variantsCreated: 0,
      variantsUpdated: 0,
      ordersCreated: 0,
      orderActions: 0,
      customersCreated: 0,
      customersUpdated: 0,
    },
  };
}

export function unindexProduct(state: SimState, p: SimProduct): void {
  for (const v of p.variants) if (v.sku) state.skuIndex.get(v.sku)?.delete(p.id);
}

export function indexProduct(state: SimState, p: SimProduct): void {
  for (const v of p.variants) {
    if (!v.sku) continue;
    let ids = state.skuIndex.get(v.sku);
    if (!ids) state.skuIndex.set(v.sku, (ids = new Set()));
    ids.add(p.id);
  }
}

/** Changes a product's variants and keeps the SKU index right. */
export function mutateProduct(state: SimState, p: SimProduct, change: () => void): void {
  unindexProduct(state, p);
  try {
    change();
  } finally {
    indexProduct(state, p);
  }
}
