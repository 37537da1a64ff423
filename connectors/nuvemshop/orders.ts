/**
 * Nuvemshop orders. They change through actions, not a general PUT: `PUT /orders/{id}` takes
 * only `owner_note` (and `status: "paid"` to mark the payment), while close/open/cancel/fulfill
 * are `POST /orders/{id}/<action>`. An update reads the order first and sends only the actions
 * that change something, so a repeated update is harmless.
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { getOne, numericId, readCollection, sendJson } from './client';

interface NuvemshopOrder {
  id: number;
  status: 'open' | 'closed' | 'cancelled';
  payment_status: string;
  shipping_status: string;
  shipping_tracking_number: string | null;
  shipping_tracking_url: string | null;
  owner_note: string | null;
  [field: string]: unknown;
}

const ORDER_STATUSES = ['open', 'closed', 'cancelled'];
/** Nuvemshop calls a shipped order "shipped" in v1 and "fulfilled" in newer versions. */
const SHIPPED = ['shipped', 'fulfilled'];

const orderRecord = (o: NuvemshopOrder): SyncRecord => ({ key: String(o.id), data: o });

/** Only the fields given in `data` (Nuvemshop applies its own defaults to the rest, e.g. emailing the customer). */
function given(data: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(fields)) if (data[from] !== undefined) out[to] = data[from];
  return out;
}

function wantsFulfilment(data: Record<string, unknown>, current: NuvemshopOrder): boolean {
  const number = data.shipping_tracking_number as string | undefined;
  const url = data.shipping_tracking_url as string | undefined;
  const shipped = SHIPPED.includes(current.shipping_status);
  if (number && number !== current.shipping_tracking_number) return true;
  if (url && url !== current.shipping_tracking_url) return true;
  return SHIPPED.includes(data.shipping_status as string) && !shipped;
}

async function updateOrder(ctx: ConnectionContext, id: string, data: Record<string, unknown>): Promise<void> {
  const current = await getOne<NuvemshopOrder>(ctx, `/orders/${id}`);
  if (!current) throw new NotFound(`Nuvemshop has no order ${id}`);
  const status = data.status as string | undefined;
  if (status !== undefined && !ORDER_STATUSES.includes(status)) throw new ValidationError(`Order status must be one of ${ORDER_STATUSES.join(', ')}; got "${status}"`);
  const action = (name: string, body: Record<string, unknown> = {}) => sendJson(ctx, 'POST', `/orders/${id}/${name}`, body);

  if (data.owner_note !== undefined && data.owner_note !== current.owner_note) await sendJson(ctx, 'PUT', `/orders/${id}`, { owner_note: data.owner_note });
  // Nuvemshop: PUT /orders/{id} with `status: "paid"` marks the payment as paid.
  if (data.payment_status === 'paid' && current.payment_status !== 'paid') await sendJson(ctx, 'PUT', `/orders/${id}`, { status: 'paid' });
  if (status === 'cancelled') {
    if (current.status !== 'cancelled') await action('cancel', given(data, { cancel_reason: 'reason', notify_customer: 'email', restock: 'restock' }));
    return;
  }
  if (wantsFulfilment(data, current))
    await action('fulfill', given(data, { shipping_tracking_number: 'shipping_tracking_number', shipping_tracking_url: 'shipping_tracking_url', notify_customer: 'notify_customer' }));
  if (status === 'closed' && current.status !== 'closed') await action('close');
  if (status === 'open' && current.status !== 'open') await action('open');
}

export const orders: EntitySupport = {
  read: {
    // Nuvemshop's status filter defaults to "any"; sent anyway so closed and cancelled orders are never missed.
    read: (ctx, req) => readCollection<NuvemshopOrder>(ctx, req, '/orders', { status: 'any' }, (rows) => rows.map(orderRecord)),
  },
  async get(ctx, id) {
    const o = await getOne<NuvemshopOrder>(ctx, `/orders/${numericId(id, 'order')}`);
    return o ? orderRecord(o) : null;
  },
  write: {
    // POST /orders imports an order (e.g. from another channel); Nuvemshop validates the payload.
    async create(ctx, input) {
      const created = await sendJson<NuvemshopOrder>(ctx, 'POST', '/orders', input.data);
      return { externalId: String(created.id) };
    },
    update: (ctx, externalId, input) => updateOrder(ctx, numericId(externalId, 'order'), input.data),
  },
};
