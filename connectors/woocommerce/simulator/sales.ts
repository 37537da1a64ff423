/**
 * The simulated orders (with their notes) and customers, as WC_REST_Orders_Controller,
 * WC_REST_Order_Notes_Controller and WC_REST_Customers_Controller read and write them.
 */
import type { SimResponse } from '../../simulator-kit/server';
import type { Catalog, Meta } from './catalog';
import { checkTypes, dateFields, invalidParams, missingParams, wpError } from './wp';

export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'] as const;

export interface Address {
  [field: string]: string;
}

export interface LineItem {
  id: number;
  product_id: number;
  variation_id: number;
  quantity: number;
  sku: string;
  price: number;
  name: string;
}

export interface Order {
  id: number;
  status: string;
  customerId: number;
  billing: Address;
  shipping: Address;
  lineItems: LineItem[];
  customerNote: string;
  paymentMethod: string;
  meta: Meta[];
  notes: Note[];
  created: number;
  modified: number;
}

export interface Note {
  id: number;
  note: string;
  customer_note: boolean;
  created: number;
}

export interface Customer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: string;
  billing: Address;
  shipping: Address;
  meta: Meta[];
  created: number;
  modified: number;
}

const ADDRESS_FIELDS = ['first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country', 'email', 'phone'];
const address = (input: unknown, base: Address = {}): Address => {
  const out: Address = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, base[f] ?? '']));
  if (input && typeof input === 'object') for (const [k, v] of Object.entries(input)) if (ADDRESS_FIELDS.includes(k) && typeof v === 'string') out[k] = v;
  return out;
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function mergeMeta(meta: Meta[], entries: unknown, nextId: () => number): Meta[] {
  const out = [...meta];
  if (!Array.isArray(entries)) return out;
  for (const e of entries as Array<{ key?: string; value?: unknown; id?: number }>) {
    if (!e?.key) continue;
    const at = out.findIndex((m) => (e.id ? m.id === e.id : m.key === e.key));
    if (at >= 0) out[at] = { ...out[at], value: e.value };
    else out.push({ id: nextId(), key: e.key, value: e.value });
  }
  return out;
}

export class Sales {
  readonly orders = new Map<number, Order>();
  readonly customers = new Map<number, Customer>();
  private customerIds = 1;
  private noteIds = 1;
  private metaIds = 1_000_000;
  private lineIds = 1;

  constructor(
    private readonly catalog: Catalog,
    private readonly nextPostId: () => number,
    private readonly clock: () => number,
  ) {}

  // ---- orders ------------------------------------------------------------------------------

  saveOrder(body: Record<string, unknown>, existing?: Order): Order | SimResponse {
    const problems = checkTypes(
      body,
      { status: 'string', customer_id: 'integer', billing: 'object', shipping: 'object', line_items: 'array', meta_data: 'array', customer_note: 'string', payment_method: 'string', set_paid: 'boolean' },
      { status: ORDER_STATUSES },
    );
    if (Object.keys(problems).length) return invalidParams(problems);
    const now = this.clock();
    const order: Order = existing
      ? { ...existing }
      : { id: 0, status: 'pending', customerId: 0, billing: address(undefined), shipping: address(undefined), lineItems: [], customerNote: '', paymentMethod: '', meta: [], notes: [], created: now, modified: now };
    if (Array.isArray(body.line_items)) {
      const items: LineItem[] = [];
      for (const raw of body.line_items as Array<Record<string, unknown>>) {
        const product = this.catalog.get(Number(raw.variation_id || raw.product_id)) ?? (typeof raw.sku === 'string' ? this.catalog.bySku(raw.sku) : undefined);
        if (!product) return wpError(400, 'woocommerce_rest_invalid_product_id', 'Product ID or SKU is invalid.');
        const quantity = Number(raw.quantity ?? 1);
        items.push({
          id: this.lineIds++,
          product_id: product.parentId || product.id,
          variation_id: product.parentId ? product.id : 0,
          quantity,
          sku: product.sku,
          price: Number(product.salePrice || product.regularPrice || 0),
          name: product.name || `#${product.id}`,
        });
      }
      order.lineItems = items;
    }
    if (typeof body.status === 'string') order.status = body.status;
    if (body.set_paid === true && order.status === 'pending') order.status = 'processing';
    if (Number.isInteger(body.customer_id)) order.customerId = body.customer_id as number;
    if (body.billing) order.billing = address(body.billing, order.billing);
    if (body.shipping) order.shipping = address(body.shipping, order.shipping);
    if (typeof body.customer_note === 'string') order.customerNote = body.customer_note;
    if (typeof body.payment_method === 'string') order.paymentMethod = body.payment_method;
    order.meta = mergeMeta(order.meta, body.meta_data, () => this.metaIds++);
    order.modified = now;
    if (!order.id) order.id = this.nextPostId();
    this.orders.set(order.id, order);
    return order;
  }

  addNote(order: Order, body: Record<string, unknown>): Note | SimResponse {
    if (body.note === undefined) return missingParams(['note']);
    const problems = checkTypes(body, { note: 'string', customer_note: 'boolean' });
    if (Object.keys(problems).length) return invalidParams(problems);
    if (!(body.note as string).trim()) return wpError(400, 'woocommerce_rest_invalid_order_note', 'Invalid order note.');
    const note: Note = { id: this.noteIds++, note: body.note as string, customer_note: body.customer_note === true, created: this.clock() };
    order.notes.push(note);
    return note;
  }

  renderOrder(o: Order): Record<string, unknown> {
    const lines = o.lineItems.map((l) => ({ id: l.id, name: l.name, product_id: l.product_id, variation_id: l.variation_id, quantity: l.quantity, sku: l.sku, price: l.price, subtotal: (l.price * l.quantity).toFixed(2), total: (l.price * l.quantity).toFixed(2), meta_data: [] }));
    const total = o.lineItems.reduce((s, l) => s + l.price * l.quantity, 0).toFixed(2);
    return {
      id: o.id,
      parent_id: 0,
      number: String(o.id),
      order_key: `wc_order_${o.id.toString(36)}`,
      created_via: 'checkout',
      version: '9.4.0',
      status: o.status,
      currency: 'BRL',
      ...dateFields('date_created', o.created),
      ...dateFields('date_modified', o.modified),
      discount_total: '0.00',
      shipping_total: '0.00',
      total,
      total_tax: '0.00',
      prices_include_tax: false,
      customer_id: o.customerId,
      customer_note: o.customerNote,
      billing: o.billing,
      shipping: o.shipping,
      payment_method: o.paymentMethod,
      payment_method_title: o.paymentMethod ? o.paymentMethod.toUpperCase() : '',
      transaction_id: '',
      meta_data: o.meta,
      line_items: lines,
      shipping_lines: [],
      fee_lines: [],
      coupon_lines: [],
      refunds: [],
      set_paid: false,
    };
  }

  renderNote(n: Note): Record<string, unknown> {
    return { id: n.id, author: 'system', ...dateFields('date_created', n.created), note: n.note, customer_note: n.customer_note };
  }

  // ---- customers ---------------------------------------------------------------------------

  customerByEmail(email: string): Customer | undefined {
    const e = email.toLowerCase();
    for (const c of this.customers.values()) if (c.email.toLowerCase() === e) return c;
    return undefined;
  }

  saveCustomer(body: Record<string, unknown>, existing?: Customer): Customer | SimResponse {
    if (!existing && body.email === undefined) return missingParams(['email']);
    const problems = checkTypes(body, { email: 'string', first_name: 'string', last_name: 'string', username: 'string', password: 'string', billing: 'object', shipping: 'object', meta_data: 'array' });
    if (typeof body.email === 'string' && !EMAIL.test(body.email)) problems.email = 'Invalid email address.';
    if (Object.keys(problems).length) return invalidParams(problems);
    if (existing && body.username !== undefined) return wpError(400, 'woocommerce_rest_customer_invalid_argument', "Username isn't editable.");
    const owner = typeof body.email === 'string' ? this.customerByEmail(body.email) : undefined;
    if (owner && owner.id !== existing?.id)
      return existing
        ? wpError(400, 'existing_user_email', 'Sorry, that email address is already used!')
        : wpError(400, 'registration-error-email-exists', 'An account is already registered with your email address. <a href="#" class="showlogin">Please log in.</a>');
    const now = this.clock();
    const c: Customer = existing
      ? { ...existing }
      : { id: this.customerIds++, email: '', firstName: '', lastName: '', username: '', role: 'customer', billing: address(undefined), shipping: address(undefined), meta: [], created: now, modified: now };
    if (typeof body.email === 'string') c.email = body.email;
    if (!existing) c.username = typeof body.username === 'string' && body.username ? body.username : this.uniqueUsername(c.email);
    if (typeof body.first_name === 'string') c.firstName = body.first_name;
    if (typeof body.last_name === 'string') c.lastName = body.last_name;
    if (body.billing) c.billing = address(body.billing, c.billing);
    if (body.shipping) c.shipping = address(body.shipping, c.shipping);
    c.meta = mergeMeta(c.meta, body.meta_data, () => this.metaIds++);
    c.modified = now;
    this.customers.set(c.id, c);
    return c;
  }

  /** wc_create_new_username: the e-mail's local part, made unique. */
  private uniqueUsername(email: string): string {
    const base = email.split('@')[0].replace(/[^a-z0-9._-]/gi, '') || 'cliente';
    const taken = new Set([...this.customers.values()].map((c) => c.username));
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}-${i}`;
    return name;
  }

  renderCustomer(c: Customer): Record<string, unknown> {
    return {
      id: c.id,
      ...dateFields('date_created', c.created),
      ...dateFields('date_modified', c.modified),
      email: c.email,
      first_name: c.firstName,
      last_name: c.lastName,
      role: c.role,
      username: c.username,
      billing: c.billing,
      shipping: c.shipping,
      is_paying_customer: false,
      avatar_url: 'https://secure.gravatar.com/avatar/?s=96&d=mm&r=g',
      meta_data: c.meta,
    };
  }
}
