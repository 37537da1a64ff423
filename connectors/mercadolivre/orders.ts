/**
 * Orders: read (`GET /orders/search?seller=…`), fetched one by one (`GET /orders/{id}`), and
 * written back in the one way Mercado Livre allows — the shipment's status and tracking number,
 * for ME1 / custom shipping (`POST /v2/shipments/{id}/seller_notifications`).
 */
import { NotFound, ValidationError } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext, EntitySupport, ReadRequest, ReadResult, SyncRecord } from '../types';
import { sellerId } from './client';

/** ML's order search pages hold 50 (51 at most). */
const PAGE = 50;

export interface MlOrderSummary {
  id: number;
  shipping?: { id?: number | null };
  [field: string]: unknown;
}

/**
 * `p` 0 reads every status but cancelled, `p` 1 the cancelled ones (a seller's search leaves
 * them out unless asked for). `o` is the offset; `last` the id read last, to notice the list
 * shifting under the read (each page re-reads one order of the previous one).
 */
interface OrderCursor {
  p: 0 | 1;
  o: number;
  last?: number;
}

/** An ISO time as ML's date filters want it: Brasília offset, floored to the hour (their granularity). */
export function mlDateFilter(iso: string): string {
  const hour = Math.floor(Date.parse(iso) / 3600_000) * 3600_000;
  return new Date(hour - 3 * 3600_000).toISOString().replace('Z', '-03:00');
}

export function orderRecord(order: MlOrderSummary): SyncRecord {
  return { key: String(order.id), data: order };
}

export async function readOrders(ctx: ConnectionContext, req: ReadRequest): Promise<ReadResult> {
  const uid = await sellerId(ctx);
  let cursor: OrderCursor | null = req.cursor ? (JSON.parse(req.cursor) as OrderCursor) : { p: 0, o: 0 };
  const records: SyncRecord[] = [];
  while (cursor && records.length < req.batchSize) {
    const at: OrderCursor = cursor;
    const start = at.o > 0 && at.last !== undefined ? at.o - 1 : at.o;
    const res = await withInlineRetry(
      () =>
        ctx.http.send<{ results: MlOrderSummary[]; paging: { total: number } }>(
          {
            method: 'GET',
            path: '/orders/search',
            query: {
              seller: uid,
              'order.status': at.p === 1 ? 'cancelled' : undefined,
              'order.date_last_updated.from': req.since ? mlDateFilter(req.since) : undefined,
              // Oldest first: new orders land at the end, so the pages already read do not move.
              sort: 'date_asc',
              offset: start,
              limit: PAGE,
            },
          },
          ctx.signal,
        ),
      { signal: ctx.signal },
    );
    const results = res.body.results ?? [];
    const fresh = start < at.o && results[0]?.id === at.last ? results.slice(1) : results;
    records.push(...fresh.map(orderRecord));
    const consumed = start + results.length;
    if (results.length < PAGE || consumed >= res.body.paging.total) cursor = at.p === 0 ? { p: 1, o: 0 } : null;
    else cursor = { p: at.p, o: consumed, last: results[results.length - 1].id };
  }
  return { records, nextCursor: cursor ? JSON.stringify(cursor) : null };
}

async function getOrder(ctx: ConnectionContext, id: string): Promise<MlOrderSummary> {
  const res = await ctx.http.send<MlOrderSummary>({ method: 'GET', path: `/orders/${encodeURIComponent(id)}` }, ctx.signal);
  return res.body;
}

interface Shipment {
  id: number;
  mode?: string;
  logistic_type?: string | null;
  status?: string;
  substatus?: string | null;
  tracking_number?: string | null;
}

/**
 * Tells Mercado Livre the shipment went out (or was delivered, or came back). Only ME1 and custom
 * shipping take this; Mercado Envios (ME2, Full, Flex) tracks itself. A report equal to what the
 * shipment already says is not sent again, so a retried record is harmless.
 */
export async function sendTracking(ctx: ConnectionContext, orderId: string, data: Record<string, unknown>): Promise<void> {
  const order = await getOrder(ctx, orderId);
  const shipmentId = data.shipment_id ?? order.shipping?.id;
  if (!shipmentId) throw new ValidationError(`Order ${orderId} has no shipment on Mercado Livre: there is nothing to report tracking on`);
  const shipment = (await ctx.http.send<Shipment>({ method: 'GET', path: `/shipments/${shipmentId}`, headers: { 'x-format-new': 'true' } }, ctx.signal)).body;
  if (shipment.mode === 'me2')
    throw new ValidationError(`Order ${orderId} ships with Mercado Envios (${shipment.logistic_type ?? 'me2'}): Mercado Livre manages its label and tracking, a seller cannot report them`);
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));
  const body: Record<string, unknown> = {
    status: str(data.status) ?? 'shipped',
    // v2 wants the key present, with JSON null when there is no substatus.
    substatus: str(data.substatus) ?? null,
  };
  const trackingNumber = str(data.tracking_number);
  const trackingUrl = str(data.tracking_url);
  if (trackingNumber !== undefined) body.tracking_number = trackingNumber;
  if (trackingUrl !== undefined) body.tracking_url = trackingUrl;
  body.payload = { ...(str(data.comment) ? { comment: str(data.comment) } : {}), date: str(data.date) ?? new Date().toISOString() };
  const already = shipment.status === body.status && (shipment.substatus ?? null) === body.substatus && (trackingNumber === undefined || shipment.tracking_number === trackingNumber);
  if (already) return;
  await ctx.http.send({ method: 'POST', path: `/v2/shipments/${shipmentId}/seller_notifications`, json: body }, ctx.signal);
}

export const orders: EntitySupport = {
  read: { read: readOrders },
  async get(ctx, id) {
    try {
      return orderRecord(await withInlineRetry(() => getOrder(ctx, id), { signal: ctx.signal }));
    } catch (err) {
      if (err instanceof NotFound) return null;
      throw err;
    }
  },
  // Orders are created by buyers; what a seller writes back is the shipment's tracking.
  write: {
    async create(ctx, input) {
      const orderId = input.data.order_id ?? input.sku;
      if (orderId === undefined || orderId === null || orderId === '')
        throw new ValidationError('Map order_id (the Mercado Livre order number) to report tracking; Mercado Livre orders cannot be created through the API');
      await sendTracking(ctx, String(orderId), input.data);
      return { externalId: String(orderId) };
    },
    async update(ctx, externalId, input) {
      await sendTracking(ctx, externalId, input.data);
    },
  },
};
