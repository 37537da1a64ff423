/**
 * The simulated shop's data, kept small (one compact record per product, variant, inventory
 * item, order and customer; GraphQL views are built on demand) so 5,000+ records are cheap.
 */
import type { ConnectionResult, Source } from './graphql';

export interface SimOption {
  id: number;
  name: string;
  values: Array<{ id: number; name: string }>;
}

export interface SimProduct {
  id: number;
  title: string;
  handle: string;
  status: string;
  vendor: string;
  productType: string;
  descriptionHtml: string;
  tags: string[];
  options: SimOption[];
  variantIds: number[];
  createdAt: string;
  updatedAt: string;
}

export interface SimVariant {
  id: number;
  productId: number;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  position: number;
  taxable: boolean;
  inventoryPolicy: string;
  /** Option values, in the product's option order. */
  optionValues: string[];
  inventoryItemId: number;
  createdAt: string;
  updatedAt: string;
}

export interface SimLevel {
  available: number;
  onHand: number;
  createdAt: string;
  updatedAt: string;
}

export interface SimInventoryItem {
  id: number;
  variantId: number;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: string;
  updatedAt: string;
  levels: Map<number, SimLevel>;
}

export interface SimLocation {
  id: number;
  name: string;
  primary: boolean;
}

export interface SimAddress {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface SimCustomer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  state: string;
  taxExempt: boolean;
  addresses: SimAddress[];
  createdAt: string;
  updatedAt: string;
}

export interface SimLineItem {
  id: number;
  variantId: number | null;
  sku: string | null;
  name: string;
  quantity: number;
  price: string;
}

export interface SimFulfillmentOrder {
  id: number;
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
  createdAt: string;
  updatedAt: string;
  lineItems: Array<{ id: number; lineItemId: number; total: number; remaining: number }>;
}

export interface SimFulfillment {
  id: number;
  name: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  tracking: Array<{ number: string | null; company: string | null; url: string | null }>;
}

export interface SimOrder {
  id: number;
  number: number;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  customerId: number | null;
  financialStatus: string;
  currency: string;
  shippingPrice: string;
  discounts: string;
  shippingAddress: SimAddress | null;
  lineItems: SimLineItem[];
  fulfillmentOrders: SimFulfillmentOrder[];
  fulfillments: SimFulfillment[];
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  closedAt: string | null;
}

export const GID_TYPES = ['Product', 'ProductVariant', 'ProductOption', 'ProductOptionValue', 'InventoryItem', 'InventoryLevel', 'Location', 'Order', 'LineItem', 'FulfillmentOrder', 'FulfillmentOrderLineItem', 'Fulfillment', 'Customer', 'InventoryAdjustmentGroup', 'Job', 'Shop', 'MailingAddress'] as const;

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a GID of the given type; null when it is another type or malformed. */
export function idOf(type: string, value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  return m && m[1] === type ? Number(m[2]) : null;
}

/** Shopify money strings carry two decimals. */
export function money(value: unknown): string {
  return Number(value).toFixed(2);
}

export function handleize(title: string): string {
  return (
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'product'
  );
}

export class ShopStore {
  readonly products = new Map<number, SimProduct>();
  readonly variants = new Map<number, SimVariant>();
  readonly inventoryItems = new Map<number, SimInventoryItem>();
  readonly locations = new Map<number, SimLocation>();
  readonly customers = new Map<number, SimCustomer>();
  readonly orders = new Map<number, SimOrder>();
  /** SKU -> variant ids (Shopify does not make SKUs unique; duplicates show up here). */
  readonly variantsBySku = new Map<string, Set<number>>();
  readonly handles = new Map<string, number>();
  /** Fulfillment id -> order id. */
  readonly fulfillmentOwners = new Map<number, number>();
  /**
   * Sales that land between a client's read and its next inventory write (inventory item id ->
   * units sold, applied once, at the primary location): how a test makes a write race a checkout.
   */
  readonly racingSales = new Map<number, number>();
  private seq = { product: 7_000_000_000_000, variant: 43_000_000_000_000, item: 45_000_000_000_000, option: 9_000_000_000_000, order: 5_500_000_000_000, line: 14_000_000_000_000, fo: 6_300_000_000_000, fulfillment: 5_100_000_000_000, customer: 7_100_000_000_000, misc: 1 };
  private orderNumber = 1000;
  /** Clock of the shop; tests may move it. Shopify's timestamps carry whole seconds. */
  now: () => string = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  constructor() {
    this.locations.set(60_000_000_001, { id: 60_000_000_001, name: 'Depósito principal', primary: true });
    this.locations.set(60_000_000_002, { id: 60_000_000_002, name: 'Loja física', primary: false });
  }

  nextId(kind: keyof ShopStore['seq']): number {
    return ++this.seq[kind];
  }

  get primaryLocation(): SimLocation {
    return [...this.locations.values()].find((l) => l.primary)!;
  }

  uniqueHandle(base: string): string {
    let handle = base;
    for (let i = 1; this.handles.has(handle); i++) handle = `${base}-${i}`;
    return handle;
  }

  indexSku(variant: SimVariant, previous: string | null) {
    if (previous) this.variantsBySku.get(previous)?.delete(variant.id);
    if (variant.sku) {
      if (!this.variantsBySku.has(variant.sku)) this.variantsBySku.set(variant.sku, new Set());
      this.variantsBySku.get(variant.sku)!.add(variant.id);
    }
  }

  addVariant(product: SimProduct, fields: Partial<SimVariant> & { optionValues: string[] }, stockAt?: Map<number, number>): SimVariant {
    const now = this.now();
    const variant: SimVariant = {
      id: this.nextId('variant'),
      productId: product.id,
      sku: fields.sku ?? null,
      barcode: fields.barcode ?? null,
      price: fields.price ?? '0.00',
      compareAtPrice: fields.compareAtPrice ?? null,
      position: product.variantIds.length + 1,
      taxable: fields.taxable ?? true,
      inventoryPolicy: fields.inventoryPolicy ?? 'DENY',
      optionValues: fields.optionValues,
      inventoryItemId: this.nextId('item'),
      createdAt: now,
      updatedAt: now,
    };
    // New variants are stocked at the primary location, as Shopify does for a tracked item.
    const levels = new Map<number, SimLevel>();
    levels.set(this.primaryLocation.id, { available: stockAt?.get(this.primaryLocation.id) ?? 0, onHand: stockAt?.get(this.primaryLocation.id) ?? 0, createdAt: now, updatedAt: now });
    for (const [locationId, quantity] of stockAt ?? []) if (!levels.has(locationId)) levels.set(locationId, { available: quantity, onHand: quantity, createdAt: now, updatedAt: now });
    this.inventoryItems.set(variant.inventoryItemId, { id: variant.inventoryItemId, variantId: variant.id, tracked: true, requiresShipping: true, createdAt: now, updatedAt: now, levels });
    this.variants.set(variant.id, variant);
    product.variantIds.push(variant.id);
    this.indexSku(variant, null);
    return variant;
  }

  removeVariant(variant: SimVariant) {
    this.variants.delete(variant.id);
    this.inventoryItems.delete(variant.inventoryItemId);
    this.indexSku({ ...variant, sku: null }, variant.sku);
  }

  /** Seeds `count` products, `variantsPerProduct` each (sizes P, M, G…), stocked at the primary location. */
  seedProducts(count: number, options: { startAt?: number; variantsPerProduct?: number; updatedAt?: string } = {}): SimProduct[] {
    const sizes = ['P', 'M', 'G', 'GG', 'XG', 'XXG', '36', '38', '40', '42', '44', '46'];
    const perProduct = options.variantsPerProduct ?? 1;
    const when = options.updatedAt ?? '2026-01-05T12:00:00Z';
    const created: SimProduct[] = [];
    for (let i = options.startAt ?? 0; i < (options.startAt ?? 0) + count; i++) {
      const title = `Produto ${i}`;
      const handle = this.uniqueHandle(`produto-${i}`);
      const product: SimProduct = {
        id: this.nextId('product'),
        title,
        handle,
        status: 'ACTIVE',
        vendor: 'Loja Simulada',
        productType: 'Geral',
        descriptionHtml: `<p>Descrição do produto ${i}</p>`,
        tags: [],
        options: [],
        variantIds: [],
        createdAt: when,
        updatedAt: when,
      };
      const values = perProduct === 1 ? ['Default Title'] : Array.from({ length: perProduct }, (_, k) => sizes[k % sizes.length] + (k >= sizes.length ? `-${k}` : ''));
      product.options = [{ id: this.nextId('option'), name: perProduct === 1 ? 'Title' : 'Tamanho', values: values.map((name) => ({ id: this.nextId('option'), name })) }];
      this.products.set(product.id, product);
      this.handles.set(handle, product.id);
      values.forEach((value, k) => {
        const sku = perProduct === 1 ? `SHOP-${String(i).padStart(6, '0')}` : `SHOP-${String(i).padStart(6, '0')}-${value}`;
        const v = this.addVariant(product, { sku, price: money(19.9 + (i % 100) + k), optionValues: [value] }, new Map([[this.primaryLocation.id, (i * 3 + k) % 40]]));
        v.createdAt = v.updatedAt = when;
        const item = this.inventoryItems.get(v.inventoryItemId)!;
        item.createdAt = item.updatedAt = when;
        for (const level of item.levels.values()) level.createdAt = level.updatedAt = when;
      });
      created.push(product);
    }
    return created;
  }

  seedCustomers(count: number, options: { updatedAt?: string } = {}): SimCustomer[] {
    const when = options.updatedAt ?? '2026-01-05T12:00:00Z';
    const out: SimCustomer[] = [];
    const start = this.customers.size;
    for (let i = start; i < start + count; i++) {
      const c: SimCustomer = {
        id: this.nextId('customer'),
        firstName: `Cliente`,
        lastName: `Número ${i}`,
        email: `cliente${i}@example.com.br`,
        phone: `+55119${String(10_000_000 + i).slice(-8)}`,
        note: null,
        tags: [],
        state: 'ENABLED',
        taxExempt: false,
        addresses: [{ firstName: 'Cliente', lastName: `Número ${i}`, address1: `Rua ${i}, 100`, city: 'São Paulo', provinceCode: 'SP', countryCode: 'BR', zip: '01000-000' }],
        createdAt: when,
        updatedAt: when,
      };
      this.customers.set(c.id, c);
      out.push(c);
    }
    return out;
  }

  /** Seeds orders over the seeded variants (seeding products first if there are none), one open fulfillment order each. */
  seedOrders(count: number, options: { lineItemsPerOrder?: number; updatedAt?: string; financialStatus?: string } = {}): SimOrder[] {
    const when = options.updatedAt ?? '2026-01-06T12:00:00Z';
    if (this.variants.size === 0) this.seedProducts(10);
    if (this.customers.size === 0) this.seedCustomers(Math.max(1, Math.ceil(count / 3)));
    const variantIds = [...this.variants.keys()];
    const customerIds = [...this.customers.keys()];
    const perOrder = options.lineItemsPerOrder ?? 2;
    const out: SimOrder[] = [];
    for (let i = 0; i < count; i++) {
      const customer = this.customers.get(customerIds[i % customerIds.length])!;
      const lineItems: SimLineItem[] = Array.from({ length: perOrder }, (_, k) => {
        const v = this.variants.get(variantIds[(i * perOrder + k) % variantIds.length])!;
        const p = this.products.get(v.productId)!;
        return { id: this.nextId('line'), variantId: v.id, sku: v.sku, name: p.title, quantity: 1 + ((i + k) % 3), price: v.price };
      });
      out.push(this.addOrder({ customerId: customer.id, email: customer.email, phone: customer.phone, lineItems, financialStatus: options.financialStatus ?? 'PAID', shippingAddress: customer.addresses[0] ?? null, when }));
    }
    return out;
  }

  addOrder(input: { customerId: number | null; email: string | null; phone: string | null; lineItems: SimLineItem[]; financialStatus: string; shippingAddress: SimAddress | null; when?: string }): SimOrder {
    const when = input.when ?? this.now();
    const order: SimOrder = {
      id: this.nextId('order'),
      number: ++this.orderNumber,
      email: input.email,
      phone: input.phone,
      note: null,
      tags: [],
      customerId: input.customerId,
      financialStatus: input.financialStatus,
      currency: 'BRL',
      shippingPrice: '15.00',
      discounts: '0.00',
      shippingAddress: input.shippingAddress,
      lineItems: input.lineItems,
      fulfillmentOrders: [
        {
          id: this.nextId('fo'),
          status: 'OPEN',
          createdAt: when,
          updatedAt: when,
          lineItems: input.lineItems.map((li) => ({ id: this.nextId('fo'), lineItemId: li.id, total: li.quantity, remaining: li.quantity })),
        },
      ],
      fulfillments: [],
      createdAt: when,
      updatedAt: when,
      processedAt: when,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
    };
    this.orders.set(order.id, order);
    return order;
  }

  subtotal(order: SimOrder): number {
    return order.lineItems.reduce((sum, li) => sum + Number(li.price) * li.quantity, 0);
  }

  fulfillmentStatus(order: SimOrder): string {
    const remaining = order.fulfillmentOrders.reduce((sum, fo) => sum + fo.lineItems.reduce((s, li) => s + li.remaining, 0), 0);
    const total = order.fulfillmentOrders.reduce((sum, fo) => sum + fo.lineItems.reduce((s, li) => s + li.total, 0), 0);
    if (remaining === 0 && total > 0) return 'FULFILLED';
    return remaining < total ? 'PARTIALLY_FULFILLED' : 'UNFULFILLED';
  }
}

// ---------------------------------------------------------------------------------------------
// Pagination: Shopify cursors are opaque base64 of the last id and sort value.

export function encodeCursor(id: number, value: string | number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString('base64');
}

function decodeCursor(cursor: unknown): { last_id: number; last_value: string | number } | null {
  if (typeof cursor !== 'string' || !cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    return typeof parsed?.last_id === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

export class InvalidCursor extends Error {}

/**
 * One page of `items` (already filtered), ordered by `sortValue` then id, honouring
 * first/after/last/before/reverse.
 */
export function paginate<T>(items: T[], args: Record<string, unknown>, id: (t: T) => number, toSource: (t: T) => Source, sortValue?: (t: T) => string | number): ConnectionResult {
  const key = (t: T): [string | number, number] => [sortValue ? sortValue(t) : id(t), id(t)];
  const cmp = (a: [string | number, number], b: [string | number, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
  let ordered = sortValue ? [...items].sort((a, b) => cmp(key(a), key(b))) : items;
  if (args.reverse === true) ordered = [...ordered].reverse();
  const sign = args.reverse === true ? -1 : 1;
  let start = 0;
  let end = ordered.length;
  if (args.after != null) {
    const c = decodeCursor(args.after);
    if (!c) throw new InvalidCursor('Invalid cursor');
    const at: [string | number, number] = [sortValue ? c.last_value : c.last_id, c.last_id];
    start = ordered.findIndex((t) => sign * cmp(key(t), at) > 0);
    if (start < 0) start = ordered.length;
  }
  if (args.before != null) {
    const c = decodeCursor(args.before);
    if (!c) throw new InvalidCursor('Invalid cursor');
    const at: [string | number, number] = [sortValue ? c.last_value : c.last_id, c.last_id];
    const idx = ordered.findIndex((t) => sign * cmp(key(t), at) >= 0);
    end = idx < 0 ? ordered.length : idx;
  }
  let slice = ordered.slice(start, end);
  let hasNextPage = end < ordered.length;
  let hasPreviousPage = start > 0;
  if (typeof args.first === 'number') {
    hasNextPage = hasNextPage || slice.length > args.first;
    slice = slice.slice(0, args.first);
  } else if (typeof args.last === 'number') {
    hasPreviousPage = hasPreviousPage || slice.length > args.last;
    slice = slice.slice(Math.max(0, slice.length - args.last));
  }
  const cursors = slice.map((t) => encodeCursor(id(t), key(t)[0]));
  return {
    nodes: slice.map(toSource),
    cursors,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: cursors[0] ?? null, endCursor: cursors[cursors.length - 1] ?? null },
  };
}
