/**
 * Orders: read since a cursor (`modified_after`), get one, update status and tracking, create.
 *
 * WooCommerce core has no tracking field. A record's `tracking` ({code, carrier?, url?}) is
 * written the way Brazilian stores read it: appended to the order meta `_correios_tracking_code`
 * (comma-separated, the key of the "Correios for WooCommerce" plugin; `settings.trackingMetaKey`
 * overrides it) and told to the customer in an order note (`customer_note: true`, which
 * WooCommerce e-mails). Both steps check what is already there, so a retried update neither
 * repeats the code nor sends the customer a second note.
 */
import { ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { getOrNull, modifiedSince, readPages, send, type WooObject } from './client';

const DEFAULT_TRACKING_META_KEY = '_correios_tracking_code';
/** Meta key stamping the source's order code on orders Ponte creates. */
export const SOURCE_CODE_META_KEY = '_ponte_source_code';

interface Tracking {
  code: string;
  carrier?: string;
  url?: string;
}

interface MetaEntry {
  id?: number;
  key: string;
  value: unknown;
}

export function orderRecord(o: WooObject): SyncRecord {
  // The order number (which plugins may make sequential) is the code other systems know it by.
  return { key: String(o.id), sku: o.number !== undefined && o.number !== '' ? String(o.number) : undefined, data: o };
}

function trackingOf(data: Record<string, unknown>): Tracking | null {
  const t = data.tracking;
  if (t === undefined || t === null || t === '') return null;
  if (typeof t === 'string') return { code: t };
  if (typeof t === 'object' && typeof (t as Tracking).code === 'string' && (t as Tracking).code) return t as Tracking;
  throw new ValidationError('tracking must be a code or {"code", "carrier"?, "url"?}');
}

function trackingNote(t: Tracking): string {
  return [`Código de rastreio: ${t.code}`, t.carrier ? `(${t.carrier})` : '', t.url ? `— ${t.url}` : ''].filter(Boolean).join(' ');
}

async function updateOrder(ctx: ConnectionContext, externalId: string, input: WriteInput): Promise<void> {
  const id = encodeURIComponent(externalId);
  const { tracking: _tracking, ...fields } = input.data;
  const tracking = trackingOf(input.data);
  const body: Record<string, unknown> = { ...fields };
  if (tracking) {
    const metaKey = typeof ctx.settings.trackingMetaKey === 'string' && ctx.settings.trackingMetaKey ? ctx.settings.trackingMetaKey : DEFAULT_TRACKING_META_KEY;
    const order = (await send<WooObject>(ctx, { method: 'GET', path: `/orders/${id}` })).body;
    const meta = (order.meta_data as MetaEntry[] | undefined) ?? [];
    const codes = String(meta.find((m) => m.key === metaKey)?.value ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (!codes.includes(tracking.code)) body.meta_data = [...((fields.meta_data as MetaEntry[]) ?? []), { key: metaKey, value: [...codes, tracking.code].join(',') }];
  }
  if (Object.keys(body).length > 0) await send(ctx, { method: 'PUT', path: `/orders/${id}`, json: body });
  if (tracking) {
    // The notes endpoint is not paginated: it answers every note of the order at once.
    const notes = (await send<Array<{ note?: string }>>(ctx, { method: 'GET', path: `/orders/${id}/notes`, query: { type: 'customer' } })).body ?? [];
    if (!notes.some((n) => String(n.note ?? '').includes(tracking.code)))
      await send(ctx, { method: 'POST', path: `/orders/${id}/notes`, json: { note: trackingNote(tracking), customer_note: true } });
  }
}

export const orders: EntitySupport = {
  read: {
    read: (ctx, req) => readPages<WooObject>(ctx, '/orders', modifiedSince(req.since), req.cursor, req.batchSize, (rows) => rows.map(orderRecord)),
  },
  async get(ctx, id) {
    const o = await getOrNull<WooObject>(ctx, `/orders/${encodeURIComponent(id)}`);
    return o ? orderRecord(o) : null;
  },
  write: {
    /** An order from another channel (a marketplace sale into the store's stock control). */
    async create(ctx, input) {
      const { tracking: _ignored, ...data } = input.data;
      const meta = [...((data.meta_data as MetaEntry[]) ?? [])];
      if (input.sku && !meta.some((m) => m.key === SOURCE_CODE_META_KEY)) meta.push({ key: SOURCE_CODE_META_KEY, value: input.sku });
      const created = (await send<WooObject>(ctx, { method: 'POST', path: '/orders', json: { ...data, meta_data: meta } })).body;
      if (trackingOf(input.data)) await updateOrder(ctx, String(created.id), { data: { tracking: input.data.tracking } });
      return { externalId: String(created.id) };
    },
    update: updateOrder,
    // No findBySku: the REST API cannot search orders by meta, so a lost create is reported as a
    // conflict for a person to check rather than guessed.
  },
};
