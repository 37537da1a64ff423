/**
 * Orders (`/v1/pedido`). An order is addressed by its `numero` (GET /v1/pedido/{numero}), the
 * number the seller sees; it is the record key.
 *
 * Reading: `pedido/search` (at most 50 per page) filtered by `since_atualizado`. Its objects are
 * summaries without items, payments or address, so each order is read in full with its detail
 * GET: one more request per order, and what every order consumer needs.
 *
 * Writing: orders are born in the store; Ponte changes an existing order's status
 * (`situacao`: a codigo such as "pedido_enviado"), its tracking codes (`objeto` on a shipment:
 * PUT /v1/pedido_envio/{envio id}, the id of `envios[]`, not the order number) and its
 * `id_externo`. Match by SKU with the order number as the SKU.
 */
import { NotFound, ValidationError } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { getOrNull, readTastypieList, segment, toBrasiliaTime } from './client';

interface OrderSummary {
  numero: number;
  [field: string]: unknown;
}

interface Shipment {
  id: number;
  objeto?: string | null;
  [field: string]: unknown;
}

interface Order extends OrderSummary {
  envios?: Shipment[];
  situacao?: { codigo?: string };
}

/** Detail reads of one page run a few at a time; the connection's pacer still sets the pace. */
const DETAIL_CONCURRENCY = 4;

function toRecord(order: Order): SyncRecord {
  return { key: String(order.numero), data: order };
}

async function readOrder(ctx: ConnectionContext, numero: string): Promise<Order | null> {
  return getOrNull<Order>(ctx, `/pedido/${segment(numero)}`);
}

/** Each detail is retried on its own: a 429 on the 40th order must not read the first 39 again. */
async function details(ctx: ConnectionContext, summaries: OrderSummary[]): Promise<SyncRecord[]> {
  const out: SyncRecord[] = new Array(summaries.length);
  let next = 0;
  const worker = async () => {
    while (next < summaries.length) {
      const i = next++;
      const numero = String(summaries[i].numero);
      const order = await withInlineRetry(() => readOrder(ctx, numero), { signal: ctx.signal });
      // Gone between the search and the detail: keep the summary rather than lose the record.
      out[i] = toRecord(order ?? (summaries[i] as Order));
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, summaries.length) }, worker));
  return out;
}

function statusCode(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { codigo?: unknown }).codigo === 'string') return (value as { codigo: string }).codigo;
  return undefined;
}

/**
 * Tracking codes to set: `envios: [{id?, objeto}]` as LI shapes them, or a plain `objeto` for
 * an order with one shipment. A shipment without an id is matched by position.
 */
function trackingChanges(data: Record<string, unknown>): Array<{ id?: number; index: number; objeto: string }> {
  if (Array.isArray(data.envios)) {
    return (data.envios as Shipment[]).flatMap((e, index) => (typeof e?.objeto === 'string' && e.objeto ? [{ id: e.id, index, objeto: e.objeto }] : []));
  }
  return typeof data.objeto === 'string' && data.objeto ? [{ index: 0, objeto: data.objeto }] : [];
}

/** Sets tracking codes a shipment does not already carry; the shipment id comes from the order when not given. */
async function setTracking(ctx: ConnectionContext, current: Order, changes: ReturnType<typeof trackingChanges>): Promise<void> {
  const shipments = current.envios ?? [];
  for (const change of changes) {
    const envioId = change.id ?? shipments[change.index]?.id;
    if (envioId === undefined) throw new ValidationError(`Order ${current.numero} has no shipment #${change.index + 1} at Loja Integrada to put tracking code ${change.objeto} on`);
    if (shipments.find((s) => s.id === envioId)?.objeto === change.objeto) continue;
    await withInlineRetry(() => ctx.http.send({ method: 'PUT', path: `/pedido_envio/${envioId}`, json: { objeto: change.objeto } }, ctx.signal), { signal: ctx.signal });
  }
}

export const orders: EntitySupport = {
  read: {
    read(ctx, req) {
      return readTastypieList<OrderSummary>(
        ctx,
        req,
        '/pedido/search',
        { since_atualizado: req.since ? toBrasiliaTime(req.since, 'T') : undefined },
        (summaries) => details(ctx, summaries),
      );
    },
  },
  write: {
    async create() {
      throw new ValidationError(
        'Loja Integrada orders are created by the store; Ponte can only change the status, tracking codes and id_externo of an existing order. Match by SKU with the order number as the SKU',
      );
    },
    async update(ctx, numero, input: WriteInput) {
      const { data } = input;
      const tracking = trackingChanges(data);
      const codigo = statusCode(data.situacao);
      if (data.id_externo !== undefined) {
        await withInlineRetry(() => ctx.http.send({ method: 'PUT', path: `/pedido/${segment(numero)}`, json: { id_externo: data.id_externo } }, ctx.signal), { signal: ctx.signal });
      }
      if (!tracking.length && !codigo) return;
      // Read once: shipment ids live on the order, and a write that changes nothing is skipped
      // (LI e-mails the buyer on every status change it receives).
      const current = await withInlineRetry(() => readOrder(ctx, numero), { signal: ctx.signal });
      if (!current) throw new NotFound(`Loja Integrada has no order ${numero}`);
      // Tracking first, so the "pedido_enviado" e-mail already carries the code.
      await setTracking(ctx, current, tracking);
      if (codigo && current.situacao?.codigo !== codigo) {
        await withInlineRetry(() => ctx.http.send({ method: 'PUT', path: `/situacao/pedido/${segment(numero)}`, json: { codigo } }, ctx.signal), { signal: ctx.signal });
      }
    },
    /** The "SKU" of an order is its number: the order a record names, if LI has it. */
    async findBySku(ctx, numero) {
      const order = await readOrder(ctx, numero);
      return order ? String(order.numero) : null;
    },
  },
  async get(ctx, numero) {
    const order = await readOrder(ctx, numero);
    return order ? toRecord(order) : null;
  },
};
