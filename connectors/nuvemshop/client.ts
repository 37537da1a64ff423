/**
 * Nuvemshop / Tiendanube API v1 plumbing shared by the entity modules: the store-scoped path,
 * auth headers, error parsing and list pages. Facts cite the official docs
 * (TiendaNube/api-docs README and resources/*.md).
 */
import type { HttpClientOptions, HttpResponse } from '../http/client';
import { AuthError, ConfigError, NotFound, RateLimited } from '../http/errors';
import { collectBatch, linkHeaderNext } from '../http/pagination';
import type { ConnectionContext, ReadRequest, ReadResult, SyncRecord } from '../types';

/** Nuvemshop: `per_page` defaults to 30 and goes up to 200. */
export const MAX_PER_PAGE = 200;

/** Nuvemshop: leaky bucket of 40 requests draining 2 per second, per app and store. */
export const LEAK_PER_SECOND = 2;
export const BUCKET_SIZE = 40;

/** The store id: the `user_id` Nuvemshop returns with the access token; every path starts with it. */
export function storeId(ctx: Pick<ConnectionContext, 'credentials' | 'settings'>): string {
  const id = String(ctx.credentials.storeId ?? ctx.settings.storeId ?? '').trim();
  if (!/^\d+$/.test(id)) throw new ConfigError(`Nuvemshop needs the store id (a number, the "user_id" given with the access token); got "${id}"`);
  return id;
}

/**
 * A path under the store: `/products` becomes `/{store_id}/products`. The docs write the base URL
 * with the store id in it (`https://api.nuvemshop.com.br/v1/{store_id}`); a connection may store it
 * either way, so the id is added only when the base URL does not already end with it.
 */
export function storePath(ctx: ConnectionContext, path: string): string {
  const id = storeId(ctx);
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base.includes('{store_id}')) throw new ConfigError(`Write the base URL without "{store_id}" (e.g. https://api.nuvemshop.com.br/v1); the store id comes from the credentials`);
  return base.endsWith(`/${id}`) ? path : `/${id}${path}`;
}

/**
 * Nuvemshop authenticates with `Authentication: bearer TOKEN` (this header name, not
 * Authorization) and answers 400 to a request without a User-Agent naming the app; the docs
 * suggest "App name (app id or contact)".
 */
export function authHeaders(credentials: Record<string, string>): Record<string, string> {
  return {
    authentication: `bearer ${credentials.accessToken ?? ''}`,
    'user-agent': credentials.appId ? `Ponte (${credentials.appId})` : 'Ponte',
  };
}

/**
 * Nuvemshop error bodies come in three shapes: `{"error": "Problems parsing JSON"}`, field lists
 * `{"name": ["can't be blank"]}`, and `{"code", "message", "description", …field lists}`.
 */
export function describeError(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  const headline = typeof b.description === 'string' && b.description ? b.description : typeof b.message === 'string' ? b.message : undefined;
  if (headline) parts.push(headline);
  if (typeof b.error === 'string') parts.push(b.error);
  for (const [field, value] of Object.entries(b)) {
    if (Array.isArray(value) && value.length && value.every((m) => typeof m === 'string')) parts.push(`${field}: ${value.join(', ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * How long until the bucket has room for one more request. `X-Rate-Limit-Reset` is the time (ms)
 * to empty the whole bucket, so one request drains in Reset / (Limit − Remaining): 500 ms on the
 * standard plan, 50 ms on plans with the ×10 limit.
 */
export function throttleWaitMs(headers: Record<string, string>): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const limit = Number(headers['x-rate-limit-limit']);
  const remaining = Number(headers['x-rate-limit-remaining']);
  const reset = Number(headers['x-rate-limit-reset']);
  if (![limit, remaining, reset].every(Number.isFinite) || reset <= 0) return 1000 / LEAK_PER_SECOND;
  return Math.max(1, Math.ceil(reset / Math.max(1, limit - remaining)));
}

/** Provider rules the status-based default does not know. */
export function classify(res: HttpResponse): ReturnType<NonNullable<HttpClientOptions['classify']>> {
  const message = describeError(res.body);
  // Nuvemshop: an unpaid store or app subscription answers 402 to every call. Retrying or
  // failing record by record would not help; the seller must settle the payment.
  if (res.status === 402)
    return new AuthError(`Nuvemshop answered 402 Payment Required: the store or the app subscription is unpaid, so the API is suspended${message ? ` (${message})` : ''}`, {
      status: 402,
      providerMessage: message,
    });
  if (res.status === 429) return new RateLimited(`Nuvemshop answered 429: over the request limit${message ? `: ${message}` : ''}`, throttleWaitMs(res.headers), { status: 429, providerMessage: message });
  return undefined;
}

/**
 * Integrators report that Nuvemshop answers a page past the last one (including page 1 of an
 * empty result) with 404 `{"description": "Last page is N"}`; that is an empty page, not an error.
 */
function isPastLastPage(err: unknown): boolean {
  return err instanceof NotFound && /last page/i.test(err.providerMessage ?? '');
}

/**
 * Reads a collection page by page until the batch is full. The cursor is the query of the
 * `Link: rel="next"` URL (the docs ask clients to follow those links rather than build their own),
 * so it already carries the filters of the first request.
 */
export async function readCollection<T>(
  ctx: ConnectionContext,
  req: ReadRequest,
  resource: string,
  filters: Record<string, string | undefined>,
  toRecords: (rows: T[]) => SyncRecord[],
): Promise<ReadResult> {
  const first = new URLSearchParams({ per_page: String(MAX_PER_PAGE) });
  for (const [k, v] of Object.entries({ ...filters, updated_at_min: req.since ?? undefined })) if (v !== undefined) first.set(k, v);
  const start = req.cursor ?? first.toString();
  const batch = await collectBatch<SyncRecord, string>(
    start,
    req.batchSize,
    async (cursor) => {
      let res: HttpResponse<T[]>;
      try {
        res = await ctx.http.send<T[]>({ method: 'GET', path: storePath(ctx, resource), query: Object.fromEntries(new URLSearchParams(cursor)) }, ctx.signal);
      } catch (err) {
        if (isPastLastPage(err)) return { items: [], next: null };
        throw err;
      }
      const rows = Array.isArray(res.body) ? res.body : [];
      const next = linkHeaderNext(res.headers.link);
      return { items: toRecords(rows), next: next && rows.length ? new URL(next).searchParams.toString() : null };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next };
}

/** One resource by id; null when Nuvemshop says 404. */
export async function getOne<T>(ctx: ConnectionContext, path: string): Promise<T | null> {
  try {
    return (await ctx.http.send<T>({ method: 'GET', path: storePath(ctx, path) }, ctx.signal)).body;
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

/** A write with a JSON body (Nuvemshop answers 415 without `Content-Type: application/json`). */
export async function sendJson<T>(ctx: ConnectionContext, method: 'POST' | 'PUT' | 'PATCH', path: string, json: unknown): Promise<T> {
  return (await ctx.http.send<T>({ method, path: storePath(ctx, path), json }, ctx.signal)).body;
}

/** A numeric id taken from a key; anything else cannot exist at Nuvemshop (NotFound). */
export function numericId(value: string, what: string): string {
  if (!/^\d+$/.test(value)) throw new NotFound(`"${value}" is not a Nuvemshop ${what} id`);
  return value;
}
