/**
 * WooCommerce batch endpoints (`POST /products/batch`, `/products/{id}/variations/batch`):
 * up to 100 creates and updates in one request. The answer is HTTP 200 even when items fail;
 * each failed item comes back in its place as `{"id": 0|id, "error": {code, message, data}}`.
 *
 * Ponte writes one record at a time (the upsert node runs 16 at once), so writes to the same
 * batch endpoint that start together are sent as one request: about 16 products per request
 * instead of one, on hosts that often take half a second per request. Each caller still gets its
 * own outcome: its item, or its item's error. A failure of the whole request (429, 5xx, 401)
 * reaches every caller, and each retries on its own; retries that start together batch again.
 */
import { Transient } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext } from '../types';
import { errorFromWoo, send, type WooError, type WooObject } from './client';

/** WooCommerce refuses more than 100 objects per batch (filter `woocommerce_rest_batch_items_limit`). */
export const BATCH_LIMIT = 100;

export type BatchItem = WooObject | { id: number; error: WooError };

export interface BatchAnswer {
  create?: BatchItem[];
  update?: BatchItem[];
}

export interface BatchBody {
  create?: Array<Record<string, unknown>>;
  update?: Array<Record<string, unknown> & { id: number }>;
}

/** One batch request. Items are answered in the order they were sent, per operation. */
export async function sendBatch(ctx: ConnectionContext, path: string, body: BatchBody): Promise<BatchAnswer> {
  const res = await send<BatchAnswer>(ctx, { method: 'POST', path, json: body });
  return res.body ?? {};
}

/** The item answered at `index`, or the error WooCommerce put in its place. */
export function itemAt(answer: BatchAnswer, op: 'create' | 'update', index: number, what: string): WooObject {
  const item = answer[op]?.[index];
  if (!item) throw new Transient(`${what}: the batch answer has no item ${index} for "${op}"`);
  const error = (item as { error?: WooError }).error;
  if (error) throw errorFromWoo(error, error.data?.status ?? 400, what);
  return item as WooObject;
}

/** Sends a list of creates and updates in batches of 100, each retried in place; per-item outcomes in order. */
export async function runBatches(ctx: ConnectionContext, path: string, body: Required<BatchBody>): Promise<Array<{ op: 'create' | 'update'; index: number; item?: WooObject; error?: unknown }>> {
  const ops = [...body.create.map((b, index) => ({ op: 'create' as const, index, b })), ...body.update.map((b, index) => ({ op: 'update' as const, index, b }))];
  const outcomes: Array<{ op: 'create' | 'update'; index: number; item?: WooObject; error?: unknown }> = [];
  for (let i = 0; i < ops.length; i += BATCH_LIMIT) {
    const chunk = ops.slice(i, i + BATCH_LIMIT);
    const request: Required<BatchBody> = { create: [], update: [] };
    for (const o of chunk) (o.op === 'create' ? request.create : request.update).push(o.b as never);
    const answer = await withInlineRetry(() => sendBatch(ctx, path, request), { signal: ctx.signal });
    let c = 0;
    let u = 0;
    for (const o of chunk) {
      const at = o.op === 'create' ? c++ : u++;
      try {
        outcomes.push({ op: o.op, index: o.index, item: itemAt(answer, o.op, at, `${path} ${o.op} #${o.index + 1}`) });
      } catch (error) {
        outcomes.push({ op: o.op, index: o.index, error });
      }
    }
  }
  return outcomes;
}

interface Waiting {
  op: 'create' | 'update';
  body: Record<string, unknown>;
  resolve(item: WooObject): void;
  reject(err: unknown): void;
}

/** Writes waiting for the next batch to one endpoint of one connection context. */
class BatchQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly path: string,
  ) {}

  enqueue(op: 'create' | 'update', body: Record<string, unknown>): Promise<WooObject> {
    return new Promise<WooObject>((resolve, reject) => {
      this.waiting.push({ op, body, resolve, reject });
      if (this.waiting.length >= BATCH_LIMIT) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // Writers resumed by the same answer enqueue within one turn of the event loop.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const chunk = this.waiting.splice(0, BATCH_LIMIT);
      void this.send(chunk);
    }
  }

  private async send(chunk: Waiting[]): Promise<void> {
    const body: Required<BatchBody> = { create: [], update: [] };
    const positions = chunk.map((w) => {
      const list = w.op === 'create' ? body.create : body.update;
      list.push(w.body as never);
      return list.length - 1;
    });
    let answer: BatchAnswer;
    try {
      answer = await sendBatch(this.ctx, this.path, body);
    } catch (err) {
      for (const w of chunk) w.reject(err);
      return;
    }
    chunk.forEach((w, i) => {
      try {
        w.resolve(itemAt(answer, w.op, positions[i], `${this.path} ${w.op}${w.op === 'update' ? ` #${String(w.body.id)}` : ''}`));
      } catch (err) {
        w.reject(err);
      }
    });
  }
}

// Keyed by the context's HTTP client: one per connection per page of work, shared by its writers.
const queues = new WeakMap<object, Map<string, BatchQueue>>();

/** Creates or updates one object through the batch endpoint at `path`, together with concurrent writes. */
export function batchedWrite(ctx: ConnectionContext, path: string, op: 'create' | 'update', body: Record<string, unknown>): Promise<WooObject> {
  let byPath = queues.get(ctx.http);
  if (!byPath) {
    byPath = new Map();
    queues.set(ctx.http, byPath);
  }
  let queue = byPath.get(path);
  if (!queue) {
    queue = new BatchQueue(ctx, path);
    byPath.set(path, queue);
  }
  return queue.enqueue(op, body);
}
