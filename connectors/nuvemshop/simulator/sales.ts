/**
 * Orders and customers (resources/order.md, customer.md):
 * - `GET /orders` filters by status (default any), payment_status (default "any", which the docs
 *   define as authorized, pending and paid) and shipping_status;
 * - `POST /orders` imports an order and requires gateway, payment_status, status, products
 *   (variant_id + quantity), customer (name, email), billing and shipping addresses and shipping fields;
 * - `PUT /orders/{id}` takes `owner_note` and `status: "paid"`; close/open/cancel/pack/fulfill are actions;
 * - customers need name and e-mail; a second customer with the same e-mail is refused.
 */
import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse, SimRoute } from '../../simulator-kit/server';
import { answering, listPage, notFound, nsError, pickFields } from './http';
import { type FieldErrors, InvalidWrite, nsTime, type SimCustomer, type SimOrder, type SimState } from './store';

const S = '/v1/:store';
const ORDER_REQUIRED = ['gateway', 'payment_status', 'status', 'products', 'customer', 'billing_address', 'shipping_address', 'shipping_pickup_type', 'shipping', 'shipping_option', 'shipping_cost_customer'];
const CANCEL_REASONS = ['customer', 'inventory', 'fraud', 'other'];
/** Nuvemshop: payment_status "any" (the default) means authorized, pending and paid. */
const ANY_PAYMENT = ['authorized', 'pending', 'paid'];

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && v.length === 0);

function body(req: SimRequest): Record<string, unknown> {
  const b = req.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new InvalidWrite(400, { code: 400, message: 'Bad Request', description: 'Invalid input format' });
  return b as Record<string, unknown>;
}

function fieldErrors(errors: FieldErrors): SimResponse | null {
  return Object.keys(errors).length ? { status: 422, body: errors } : null;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function salesRoutes(state: SimState): SimRoute[] {
  const order = (req: SimRequest) => state.orders.get(Number(req.params.id));
  const customerByEmail = (email: string) => [...state.customers.values()].find((c) => c.email.toLowerCase() === email.toLowerCase());

  /** One order action: `apply` returns an error description when the order's state forbids it. */
  const action = (name: string, apply: (o: SimOrder, input: Record<string, unknown>, now: string) => string | void): SimRoute => ({
    method: 'POST',
    path: `${S}/orders/:id/${name}`,
    handler: (req) =>
      answering(() => {
        const o = order(req);
        if (!o) return notFound('Order not found');
        const now = nsTime();
        const refusal = apply(o, body(req), now);
        if (refusal) return nsError(422, 'Unprocessable Entity', refusal);
        o.updated_at = now;
        state.stats.orderActions++;
        return { status: 200, body: o };
      }),
  });

  const validateCustomer = (input: Record<string, unknown>, creating: boolean, selfId?: number): FieldErrors => {
    const errors: FieldErrors = {};
    for (const field of ['name', 'email']) if ((creating || field in input) && blank(input[field])) errors[field] = ["can't be blank"];
    if (!errors.email && typeof input.email === 'string') {
      if (!EMAIL.test(input.email)) errors.email = ['is invalid'];
      else if (customerByEmail(input.email) && customerByEmail(input.email)!.id !== selfId) errors.email = ['has already been taken'];
    }
    return errors;
  };

  return [
    {
      method: 'GET',
      path: `${S}/orders`,
      handler(req) {
        const status = req.query.get('status') ?? 'any';
        const payment = req.query.get('payment_status') ?? 'any';
        const shipping = req.query.get('shipping_status') ?? 'any';
        const customerIds = req.query.get('customer_ids')?.split(',').map(Number);
        return listPage(req, state.orders.values(), (o) => {
          if (status !== 'any' && o.status !== status) return false;
          if (payment === 'any' ? !ANY_PAYMENT.includes(o.payment_status) : o.payment_status !== payment) return false;
          if (shipping !== 'any' && o.shipping_status !== shipping) return false;
          if (customerIds && !customerIds.includes(o.customer.id ?? -1)) return false;
          return true;
        });
      },
    },
    {
      method: 'GET',
      path: `${S}/orders/:id`,
      handler(req) {
        const o = order(req);
        return o ? { status: 200, body: pickFields(req, o) } : notFound('Order not found');
      },
    },
    {
      method: 'POST',
      path: `${S}/orders`,
      handler: (req) =>
        answering(() => {
          const input = body(req);
          const errors: FieldErrors = {};
          for (const field of ORDER_REQUIRED) if (blank(input[field])) errors[field] = ["can't be blank"];
          const customer = (input.customer ?? {}) as Record<string, unknown>;
          if (!errors.customer) for (const field of ['name', 'email']) if (blank(customer[field])) errors[`customer.${field}`] = ["can't be blank"];
          const lines: SimOrder['products'] = [];
          for (const item of Array.isArray(input.products) ? (input.products as Array<Record<string, unknown>>) : []) {
            const variantId = Number(item.variant_id);
            const p = [...state.products.values()].find((x) => x.variants.some((v) => v.id === variantId));
            const v = p?.variants.find((x) => x.id === variantId);
            if (!p || !v) (errors.products ??= []).push(`variant ${item.variant_id} does not exist`);
            else if (!Number.isInteger(item.quantity) || (item.quantity as number) < 1) (errors.products ??= []).push('quantity must be a positive integer');
            else lines.push({ product_id: p.id, variant_id: v.id, name: p.name.pt ?? '', price: v.price ?? '0.00', quantity: item.quantity as number, sku: v.sku });
          }
          const refused = fieldErrors(errors);
          if (refused) return refused;
          const now = nsTime();
          const subtotal = lines.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0);
          const shippingCost = Number(input.shipping_cost_customer) || 0;
          const o: SimOrder = {
            id: state.ids.order++,
            number: state.ids.orderNumber++,
            token: randomBytes(20).toString('hex'),
            status: input.status as SimOrder['status'],
            payment_status: String(input.payment_status),
            shipping_status: 'unpacked',
            next_action: 'waiting_packing',
            gateway: String(input.gateway),
            currency: (input.currency as string) ?? 'BRL',
            subtotal: subtotal.toFixed(2),
            discount: '0.00',
            total: (subtotal + shippingCost).toFixed(2),
            customer: { id: customerByEmail(String(customer.email))?.id ?? null, name: String(customer.name), email: String(customer.email) },
            products: lines,
            shipping: String(input.shipping),
            shipping_option: String(input.shipping_option),
            shipping_pickup_type: String(input.shipping_pickup_type),
            shipping_cost_customer: shippingCost.toFixed(2),
            shipping_tracking_number: (input.shipping_tracking_number as string) ?? null,
            shipping_tracking_url: null,
            shipping_address: input.shipping_address as Record<string, unknown>,
            billing_address: input.billing_address as Record<string, unknown>,
            owner_note: null,
            note: (input.note as string) ?? null,
            cancel_reason: null,
            shipped_at: null,
            closed_at: null,
            cancelled_at: null,
            created_at: now,
            updated_at: now,
          };
          state.orders.set(o.id, o);
          state.stats.ordersCreated++;
          return { status: 201, body: o };
        }),
    },
    {
      method: 'PUT',
      path: `${S}/orders/:id`,
      handler: (req) =>
        answering(() => {
          const o = order(req);
          if (!o) return notFound('Order not found');
          const input = body(req);
          if (input.status !== undefined && input.status !== 'paid') return nsError(422, 'Unprocessable Entity', 'Only status "paid" can be set here; use the order actions');
          const now = nsTime();
          if (input.owner_note !== undefined) o.owner_note = input.owner_note as string | null;
          if (input.status === 'paid') o.payment_status = 'paid';
          o.updated_at = now;
          return { status: 200, body: o };
        }),
    },
    action('close', (o, _input, now) => {
      if (o.status === 'cancelled') return 'A cancelled order cannot be closed';
      o.status = 'closed';
      o.closed_at = now;
    }),
    action('open', (o) => {
      if (o.status === 'cancelled') return 'A cancelled order cannot be reopened';
      o.status = 'open';
      o.closed_at = null;
    }),
    action('cancel', (o, input, now) => {
      if (o.status === 'cancelled') return 'The order is already cancelled';
      if (input.reason !== undefined && !CANCEL_REASONS.includes(String(input.reason))) return `reason must be one of ${CANCEL_REASONS.join(', ')}`;
      o.status = 'cancelled';
      o.cancel_reason = (input.reason as string) ?? 'other';
      o.cancelled_at = now;
    }),
    action('pack', (o) => {
      if (o.status === 'cancelled') return 'A cancelled order cannot be packed';
      o.shipping_status = 'unshipped';
      o.next_action = 'waiting_shipment';
    }),
    action('fulfill', (o, input, now) => {
      if (o.status === 'cancelled') return 'A cancelled order cannot be fulfilled';
      o.shipping_status = 'shipped';
      o.next_action = 'noop';
      if (input.shipping_tracking_number !== undefined) o.shipping_tracking_number = input.shipping_tracking_number as string;
      if (input.shipping_tracking_url !== undefined) o.shipping_tracking_url = input.shipping_tracking_url as string;
      o.shipped_at = now;
    }),
    {
      method: 'GET',
      path: `${S}/customers`,
      handler(req) {
        const q = req.query.get('q')?.toLowerCase();
        return listPage(req, state.customers.values(), (c) => !q || [c.name, c.email, c.identification ?? ''].some((f) => f.toLowerCase().includes(q)));
      },
    },
    {
      method: 'GET',
      path: `${S}/customers/:id`,
      handler(req) {
        const c = state.customers.get(Number(req.params.id));
        return c ? { status: 200, body: pickFields(req, c) } : notFound('Customer not found');
      },
    },
    {
      method: 'POST',
      path: `${S}/customers`,
      handler: (req) =>
        answering(() => {
          const input = body(req);
          const refused = fieldErrors(validateCustomer(input, true));
          if (refused) return refused;
          const now = nsTime();
          const addresses = Array.isArray(input.addresses) ? (input.addresses as Array<Record<string, unknown>>) : [];
          const c: SimCustomer = {
            id: state.ids.customer++,
            name: String(input.name),
            email: String(input.email),
            phone: (input.phone as string) ?? null,
            identification: (input.identification as string) ?? null,
            note: (input.note as string) ?? null,
            addresses,
            default_address: addresses[0] ?? null,
            total_spent: '0.00',
            total_spent_currency: 'BRL',
            last_order_id: null,
            active: false,
            extra: (input.extra as Record<string, unknown>) ?? {},
            created_at: now,
            updated_at: now,
          };
          state.customers.set(c.id, c);
          state.stats.customersCreated++;
          return { status: 201, body: c };
        }),
    },
    {
      method: 'PUT',
      path: `${S}/customers/:id`,
      handler: (req) =>
        answering(() => {
          const c = state.customers.get(Number(req.params.id));
          if (!c) return notFound('Customer not found');
          const input = body(req);
          const refused = fieldErrors(validateCustomer(input, false, c.id));
          if (refused) return refused;
          for (const field of ['name', 'email', 'phone', 'identification', 'note', 'extra'] as const) if (input[field] !== undefined) (c as unknown as Record<string, unknown>)[field] = input[field];
          if (Array.isArray(input.addresses)) {
            c.addresses = input.addresses as Array<Record<string, unknown>>;
            c.default_address = c.addresses[0] ?? null;
          }
          c.updated_at = nsTime();
          state.stats.customersUpdated++;
          return { status: 200, body: c };
        }),
    },
  ];
}
