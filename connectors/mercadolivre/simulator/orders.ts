/**
 * Orders and shipments of the Mercado Livre simulator:
 * - `GET /orders/search?seller=` with `order.status`, `order.date_created.*`, `order.date_last_updated.*`
 *   (hour granularity: `from` is floored to the hour), `sort=date_asc|date_desc`, offset/limit (≤ 51);
 *   cancelled orders are left out unless `order.status` asks for them;
 * - `GET /orders/{id}`, `GET /orders/{id}/shipments`, `GET /shipments/{id}`;
 * - `POST /shipments/{id}/seller_notifications` (v1) and `POST /v2/shipments/{id}/seller_notifications`
 *   for ME1/custom shipping only: statuses shipped / delivered / not_delivered with their substatuses,
 *   final statuses cannot change, and v2 wants `substatus` present (JSON null, never "null") and
 *   `tracking_number` with `tracking_url`.
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';
import { mlError } from './items';

export type MlOrderStatus = 'confirmed' | 'payment_required' | 'payment_in_process' | 'partially_paid' | 'paid' | 'partially_refunded' | 'pending_cancel' | 'cancelled' | 'invalid';

export interface MlOrder {
  id: number;
  status: MlOrderStatus;
  status_detail: string | null;
  date_created: string;
  date_closed: string | null;
  last_updated: string;
  total_amount: number;
  paid_amount: number;
  currency_id: 'BRL';
  pack_id: number | null;
  tags: string[];
  shipping: { id: number | null };
  order_items: Array<{
    item: { id: string; title: string; variation_id: number | null; seller_sku: string | null; seller_custom_field: string | null; category_id: string };
    quantity: number;
    unit_price: number;
    full_unit_price: number;
    sale_fee: number;
    listing_type_id: string;
    currency_id: 'BRL';
  }>;
  payments: Array<{ id: number; order_id: number; status: string; transaction_amount: number; total_paid_amount: number; currency_id: 'BRL'; date_approved: string | null; payment_method_id: string }>;
  buyer: { id: number; nickname: string };
  seller: { id: number };
}

export type ShippingMode = 'me1' | 'me2' | 'custom';

export interface MlShipment {
  id: number;
  order_id: number;
  mode: ShippingMode;
  logistic_type: string | null;
  site_id: 'MLB';
  status: string;
  substatus: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  date_created: string;
  last_updated: string;
  /** What the seller reported, in order (simulator bookkeeping). */
  seller_notifications: Array<Record<string, unknown> & { version: 'v1' | 'v2' }>;
}

const SUBSTATUSES: Record<string, Array<string | null>> = {
  shipped: [null, 'out_for_delivery', 'receiver_absent', 'dangerous_area', 'bad_address', 'unauthorized_receiver'],
  delivered: [null],
  not_delivered: ['returning_to_sender'],
};
const FINAL = new Set(['delivered', 'not_delivered']);
const ORDERS_LIMIT = 51;

/** Mercado Livre writes times with the site's offset; Brazil's is -03:00. */
export function mlTime(ms: number): string {
  return new Date(ms - 3 * 3600_000).toISOString().replace('Z', '-03:00');
}

export class OrderStore {
  readonly orders = new Map<number, MlOrder>();
  readonly shipments = new Map<number, MlShipment>();
  private nextOrder = 2_000_010_000_000_000;
  private nextShipment = 44_000_000_000;
  readonly counters = { searches: 0, trackingPosts: 0 };

  constructor(private readonly options: { sellerId: () => number; notify: (topic: string, resource: string) => void; items: () => Array<{ id: string; title: string; price: number; sku: string | null }> }) {}

  /**
   * Sales, oldest first: created one minute apart from `createdFrom` (default 30 days ago), so an
   * incremental read since "now" finds none of them until one changes. Every 10th is cancelled
   * unless `status` says otherwise.
   */
  seed(count: number, options: { status?: MlOrderStatus; shippingMode?: ShippingMode; createdFrom?: number } = {}): MlOrder[] {
    const out: MlOrder[] = [];
    const items = this.options.items();
    const start = options.createdFrom ?? Date.now() - 30 * 86_400_000;
    const before = this.orders.size;
    for (let n = 0; n < count; n++) {
      const id = this.nextOrder++;
      const at = mlTime(start + (before + n) * 60_000);
      const listed = items.length ? items[n % items.length] : { id: `MLB${900_000_000 + n}`, title: `Produto ${n}`, price: 50 + (n % 30), sku: `SKU-${n}` };
      const quantity = 1 + (n % 3);
      const total = Math.round(listed.price * quantity * 100) / 100;
      const status: MlOrderStatus = options.status ?? (n % 10 === 9 ? 'cancelled' : 'paid');
      const shipmentId = this.nextShipment++;
      const mode = options.shippingMode ?? 'me2';
      this.shipments.set(shipmentId, {
        id: shipmentId,
        order_id: id,
        mode,
        logistic_type: mode === 'me2' ? 'drop_off' : null,
        site_id: 'MLB',
        status: status === 'cancelled' ? 'cancelled' : 'ready_to_ship',
        substatus: null,
        tracking_number: null,
        tracking_url: null,
        date_created: at,
        last_updated: at,
        seller_notifications: [],
      });
      const order: MlOrder = {
        id,
        status,
        status_detail: null,
        date_created: at,
        date_closed: at,
        last_updated: at,
        total_amount: total,
        paid_amount: status === 'cancelled' ? 0 : total,
        currency_id: 'BRL',
        pack_id: null,
        tags: status === 'cancelled' ? ['not_delivered'] : ['paid'],
        shipping: { id: shipmentId },
        order_items: [
          {
            item: { id: listed.id, title: listed.title, variation_id: null, seller_sku: listed.sku, seller_custom_field: null, category_id: 'MLB1000' },
            quantity,
            unit_price: listed.price,
            full_unit_price: listed.price,
            sale_fee: Math.round(total * 0.14 * 100) / 100,
            listing_type_id: 'gold_special',
            currency_id: 'BRL',
          },
        ],
        payments: [
          { id: 90_000_000_000 + (id % 1_000_000_000), order_id: id, status: status === 'cancelled' ? 'cancelled' : 'approved', transaction_amount: total, total_paid_amount: total, currency_id: 'BRL', date_approved: status === 'cancelled' ? null : at, payment_method_id: 'pix' },
        ],
        buyer: { id: 700_000_000 + (n % 5000), nickname: `COMPRADOR${n % 5000}` },
        seller: { id: this.options.sellerId() },
      };
      this.orders.set(id, order);
      out.push(order);
    }
    return out;
  }

  /** A change on Mercado Livre's side (payment, cancellation…): `last_updated` moves and an orders_v2 notification goes out. */
  update(id: number, change: Partial<Omit<MlOrder, 'id'>>): MlOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error(`No order ${id}`);
    Object.assign(order, change, { last_updated: mlTime(Date.now()) });
    this.options.notify('orders_v2', `/orders/${id}`);
    return order;
  }

  search(req: SimRequest): SimResponse {
    const seller = Number(req.query.get('seller'));
    if (!seller) return mlError(400, 'bad_request', 'The seller parameter is required');
    if (seller !== this.options.sellerId()) return mlError(403, 'forbidden', 'Caller is not the seller of these orders');
    const limit = Number(req.query.get('limit') ?? 50);
    const offset = Number(req.query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > ORDERS_LIMIT) return mlError(400, 'bad_request', `Limit must be between 1 and ${ORDERS_LIMIT}`);
    if (!Number.isInteger(offset) || offset < 0) return mlError(400, 'bad_request', 'Invalid offset');
    const range = (field: 'date_created' | 'last_updated' | 'date_closed', param: string) => {
      const from = req.query.get(`order.${param}.from`);
      const to = req.query.get(`order.${param}.to`);
      const f = from ? Date.parse(from) : NaN;
      const t = to ? Date.parse(to) : NaN;
      if ((from && Number.isNaN(f)) || (to && Number.isNaN(t))) return null;
      // Hour granularity: the window starts at the top of the hour.
      const lo = from ? Math.floor(f / 3600_000) * 3600_000 : -Infinity;
      const hi = to ? t : Infinity;
      return (o: MlOrder) => {
        const v = o[field] ? Date.parse(o[field]!) : NaN;
        return v >= lo && v <= hi;
      };
    };
    const filters = [range('date_created', 'date_created'), range('last_updated', 'date_last_updated'), range('date_closed', 'date_closed')];
    if (filters.some((f) => f === null)) return mlError(400, 'bad_request', 'Invalid date filter');
    const statuses = req.query.get('order.status')?.split(',').filter(Boolean);
    this.counters.searches++;
    let list = [...this.orders.values()].filter((o) => filters.every((f) => f!(o)));
    // A seller's search leaves cancelled orders out unless they are asked for by status.
    list = statuses ? list.filter((o) => statuses.includes(o.status)) : list.filter((o) => o.status !== 'cancelled');
    const q = req.query.get('q');
    if (q) list = list.filter((o) => String(o.id) === q);
    const sort = req.query.get('sort') ?? 'date_asc';
    if (sort !== 'date_asc' && sort !== 'date_desc') return mlError(400, 'bad_request', `Invalid sort ${sort}`);
    list.sort((a, b) => (Date.parse(a.date_created) - Date.parse(b.date_created) || a.id - b.id) * (sort === 'date_asc' ? 1 : -1));
    return {
      status: 200,
      body: {
        query: q ?? null,
        results: list.slice(offset, offset + limit),
        sort: { id: sort, name: sort === 'date_asc' ? 'Date ascending' : 'Date descending' },
        available_sorts: [{ id: sort === 'date_asc' ? 'date_desc' : 'date_asc', name: sort === 'date_asc' ? 'Date descending' : 'Date ascending' }],
        filters: [],
        paging: { total: list.length, offset, limit },
        display: 'complete',
      },
    };
  }

  get(id: string): MlOrder | SimResponse {
    const order = this.orders.get(Number(id));
    if (!order) return mlError(404, 'not_found', `Order ${id} not found`);
    if (order.seller.id !== this.options.sellerId()) return mlError(403, 'forbidden', 'Caller is not the seller of this order');
    return order;
  }

  shipment(id: string): MlShipment | SimResponse {
    const { seller_notifications: _log, ...shipment } = this.shipments.get(Number(id)) ?? ({} as MlShipment);
    if (!shipment.id) return mlError(404, 'not_found', `Shipment ${id} not found`);
    return shipment as MlShipment;
  }

  notifyShipment(req: SimRequest, version: 'v1' | 'v2'): SimResponse {
    const shipment = this.shipments.get(Number(req.params.id));
    if (!shipment) return mlError(404, 'not_found', `Shipment ${req.params.id} not found`);
    if (shipment.mode === 'me2')
      return mlError(400, 'bad_request', `Shipment ${shipment.id} is Mercado Envios (me2): its status and tracking come from the carrier, not from the seller.`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const status = body.status as string;
    if (!SUBSTATUSES[status]) return mlError(400, 'bad_request', `Invalid status ${String(status)}; use shipped, delivered or not_delivered.`);
    if (version === 'v2' && !('substatus' in body)) return mlError(400, 'bad_request', 'substatus is required (send null when there is none).');
    if (body.substatus === 'null') return mlError(400, 'bad_request', 'substatus must be JSON null, not the string "null".');
    const substatus = (body.substatus ?? null) as string | null;
    if (!SUBSTATUSES[status].includes(substatus)) return mlError(400, 'bad_request', `Invalid substatus ${String(substatus)} for status ${status}.`);
    const hasNumber = body.tracking_number !== undefined && body.tracking_number !== null;
    const hasUrl = body.tracking_url !== undefined && body.tracking_url !== null;
    if (version === 'v2' && hasNumber !== hasUrl) return mlError(400, 'bad_request', 'tracking_number and tracking_url must be sent together.');
    if (FINAL.has(shipment.status)) return mlError(400, 'bad_request', `Shipment ${shipment.id} is ${shipment.status}: a final status cannot change.`);
    shipment.status = status;
    shipment.substatus = substatus;
    if (hasNumber) shipment.tracking_number = String(body.tracking_number);
    if (hasUrl) shipment.tracking_url = String(body.tracking_url);
    shipment.last_updated = mlTime(Date.now());
    shipment.seller_notifications.push({ ...body, version });
    this.counters.trackingPosts++;
    this.options.notify('shipments', `/shipments/${shipment.id}`);
    const order = this.orders.get(shipment.order_id);
    if (order) {
      order.last_updated = shipment.last_updated;
      this.options.notify('orders_v2', `/orders/${order.id}`);
    }
    return { status: 200, body: { id: shipment.id, status: shipment.status, substatus: shipment.substatus, tracking_number: shipment.tracking_number } };
  }
}
