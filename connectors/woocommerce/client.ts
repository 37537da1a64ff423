/**
 * WooCommerce REST API v3 plumbing shared by the entity modules: authentication, the error
 * table, page reading and the value formats WooCommerce insists on.
 */
import type { HttpRequest, HttpResponse, QueryValue } from '../http/client';
import { AuthError, ConfigError, Conflict, type ConnectorError, NotFound, RateLimited, Transient, ValidationError } from '../http/errors';
import { collectBatch, linkHeaderNext } from '../http/pagination';
import type { ConnectionContext, ReadResult, SyncRecord } from '../types';

/** WP REST caps `per_page` at 100 (default 10); more is answered 400 `rest_invalid_param`. */
export const PAGE_SIZE = 100;

/** A WooCommerce object as it comes (product, variation, order, customer, note). */
export type WooObject = Record<string, unknown> & { id: number };

/** WP_Error as the REST API serialises it, also inside batch answers. */
export interface WooError {
  code?: string;
  message?: string;
  data?: { status?: number; params?: Record<string, string>; resource_id?: number } | null;
}

/** HTTP Basic with the key pair; WooCommerce accepts it over HTTPS only (plain HTTP needs OAuth 1.0a). */
export function basicAuthorization(credentials: Record<string, string>): Record<string, string> {
  if (!credentials.consumerKey || !credentials.consumerSecret) return {};
  return { authorization: `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64')}` };
}

/**
 * Every WooCommerce call goes through here. Some hosts (Apache with CGI/FastCGI) drop the
 * Authorization header before PHP sees it; WooCommerce then reads `consumer_key` and
 * `consumer_secret` from the query string, which `settings.authInQuery` turns on.
 */
export function send<T = unknown>(ctx: ConnectionContext, req: HttpRequest): Promise<HttpResponse<T>> {
  let query: Record<string, QueryValue> | undefined = req.query;
  if (ctx.settings.authInQuery === true) query = { ...query, consumer_key: ctx.credentials.consumerKey, consumer_secret: ctx.credentials.consumerSecret };
  return ctx.http.send<T>({ ...req, query }, ctx.signal);
}

/** GET one object; null when WooCommerce says the id does not exist. */
export async function getOrNull<T extends WooObject>(ctx: ConnectionContext, path: string): Promise<T | null> {
  try {
    return (await send<T>(ctx, { method: 'GET', path })).body;
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

// WooCommerce core has no rate limit: a 429 comes from the host or a WAF (Cloudflare rules count
// in windows of 10 s or more) and rarely says how long to wait.
const HOST_RETRY_AFTER_MS = 10_000;

/** Codes that mean "this record duplicates one the store already has". */
const DUPLICATE_CODES = new Set([
  'product_invalid_sku', // "Invalid or duplicated SKU." with data.resource_id of the owner
  'registration-error-email-exists',
  'registration-error-username-exists',
  'existing_user_email', // WordPress, when an update takes another user's e-mail
]);

/**
 * The one table from a WooCommerce error to Ponte's kinds, used for whole answers (`classify`)
 * and for the per-item errors a batch answers inside HTTP 200.
 */
export function errorFromWoo(error: WooError, status: number, prefix: string): ConnectorError {
  const code = error.code ?? '';
  const message = `${prefix}: ${describeWooError(error)}`;
  const details = { status, providerMessage: describeWooError(error) };
  // WooCommerce answers an unknown id with 404 on GET but 400 on PUT (`woocommerce_rest_<type>_invalid_id`).
  if (/_invalid_id$/.test(code)) return new NotFound(message, details);
  if (DUPLICATE_CODES.has(code)) return new Conflict(message, details);
  if (code === 'rest_no_route') return new ConfigError(`${message}. Check the base URL (…/wp-json/wc/v3) and that WooCommerce is active`, details);
  if (status === 401 || status === 403) return new AuthError(message, details);
  if (status === 429) return new RateLimited(message, HOST_RETRY_AFTER_MS, details);
  if (status >= 500) return new Transient(message, details);
  return new ValidationError(message, details);
}

export function describeWooError(error: WooError): string {
  const params = error.data?.params && typeof error.data.params === 'object' && !Array.isArray(error.data.params) ? Object.values(error.data.params).join('; ') : '';
  const owner = error.data?.resource_id ? ` (already used by #${error.data.resource_id})` : '';
  // Credentials were sent, yet WordPress saw an anonymous caller: the host dropped the header.
  const hint = /^woocommerce_rest_cannot_(view|create|edit|delete|batch)$/.test(error.code ?? '')
    ? '. If the keys are right, the host may be removing the Authorization header: turn on the connection setting authInQuery'
    : '';
  return [error.code, error.message].filter(Boolean).join(': ') + (params ? ` (${params})` : '') + owner + hint;
}

function isWooError(body: unknown): body is WooError {
  return typeof body === 'object' && body !== null && typeof (body as WooError).code === 'string';
}

/** Hosts, WAFs and WordPress itself answer HTML pages; their <title> is the only useful part. */
function htmlTitle(text: string): string | null {
  if (!/^\s*</.test(text)) return null;
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text);
  return (m?.[1] ?? 'untitled').trim();
}

export const wooHttp = {
  classify(res: HttpResponse): ConnectorError | null | undefined {
    const page = typeof res.body === 'string' ? htmlTitle(res.text) : null;
    // Without pretty permalinks (or with a base URL missing /wp-json/wc/v3) WordPress answers
    // its home page with HTTP 200: an error inside a 200 that would otherwise read as "no records".
    if (res.status < 300 && page !== null)
      return new ConfigError(`The store answered a web page ("${page}") instead of the REST API. Check the base URL (https://<loja>/wp-json/wc/v3) and that permalinks are not "Simples"`, {
        status: res.status,
        providerMessage: page,
      });
    if (res.status === 404 && page !== null)
      return new ConfigError(`The store has no page at this address ("${page}"). Check the base URL (https://<loja>/wp-json/wc/v3)`, { status: 404, providerMessage: page });
    if (res.status >= 400 && res.status !== 429 && isWooError(res.body)) {
      const code = res.body.code ?? '';
      if (/_invalid_id$/.test(code) || DUPLICATE_CODES.has(code) || code === 'rest_no_route') return errorFromWoo(res.body, res.status, `WooCommerce answered ${res.status}`);
    }
    return undefined;
  },
  describeError(body: unknown): string | undefined {
    if (isWooError(body)) return describeWooError(body);
    if (typeof body === 'string') {
      const title = htmlTitle(body);
      if (title !== null) return `the host answered an HTML page: "${title}"`;
    }
    return undefined;
  },
  defaultRetryAfterMs: HOST_RETRY_AFTER_MS,
};

// ---------------------------------------------------------------------------------------------
// Reading pages

/**
 * Reads list pages (`page`/`per_page=100`) until the batch is full. Ordered by id ascending so a
 * record changed during the read keeps its place (ordering by date would shift pages under us).
 * The cursor is the next page number, taken from the Link header's rel="next": WordPress builds
 * that URL from the site address, which may not be the base URL Ponte reaches the store through,
 * so only its `page` is used.
 */
export async function readPages<T extends WooObject>(
  ctx: ConnectionContext,
  path: string,
  query: Record<string, QueryValue>,
  cursor: string | null,
  batchSize: number,
  toRecords: (rows: T[]) => SyncRecord[] | Promise<SyncRecord[]>,
): Promise<ReadResult> {
  const start = cursor ? Number(cursor) : 1;
  const batch = await collectBatch<SyncRecord, number>(
    start,
    batchSize,
    async (page) => {
      const res = await listPage<T>(ctx, path, { orderby: 'id', order: 'asc', ...query }, page);
      return { items: await toRecords(res.rows), next: res.next };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
}

/** One list page and the number of the next one (null on the last). */
export async function listPage<T>(ctx: ConnectionContext, path: string, query: Record<string, QueryValue>, page: number): Promise<{ rows: T[]; next: number | null }> {
  const res = await send<T[]>(ctx, { method: 'GET', path, query: { ...query, page, per_page: PAGE_SIZE } });
  const rows = Array.isArray(res.body) ? res.body : [];
  return { rows, next: nextPageNumber(res.headers, page, rows.length) };
}

export function nextPageNumber(headers: Record<string, string>, page: number, rowsOnPage: number): number | null {
  if (rowsOnPage === 0) return null;
  const next = linkHeaderNext(headers.link);
  if (next) {
    const n = Number(new URL(next, 'http://link.invalid').searchParams.get('page'));
    if (Number.isInteger(n) && n > page) return n;
  }
  // No Link (a proxy may drop it): fall back to the page count.
  const totalPages = Number(headers['x-wp-totalpages']);
  return !next && Number.isFinite(totalPages) && page < totalPages ? page + 1 : null;
}

/** Every page of a small list (a product's variations, an order's notes). */
export async function listAll<T>(ctx: ConnectionContext, path: string, query: Record<string, QueryValue> = {}): Promise<T[]> {
  const all: T[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const res: { rows: T[]; next: number | null } = await listPage<T>(ctx, path, { orderby: 'id', order: 'asc', ...query }, page);
    all.push(...res.rows);
    page = res.next;
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// Value formats

/**
 * `since` as WooCommerce's `modified_after`. WordPress stores seconds and compares strictly
 * ("after"), so one second is taken off. The value goes without a zone, with `dates_are_gmt=true`:
 * WordPress reads a zoned value as site-local time, and without `dates_are_gmt` it compares with
 * the site-local column — either mistake moves the window by the site's UTC offset (3 h in Brazil).
 */
export function modifiedSince(since: string | null): Record<string, QueryValue> {
  if (!since) return {};
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new ConfigError(`Invalid incremental cursor "${since}"`);
  return { modified_after: new Date(t - 1000).toISOString().slice(0, 19), dates_are_gmt: true };
}

/** WooCommerce dates come without a zone; the `_gmt` twin is UTC. */
export function gmtTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(`${value}Z`) : Number.NaN;
}

/** Prices are strings in WooCommerce's schema; a JSON number is refused (`rest_invalid_param`). */
export function money(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value.toFixed(2) : value;
  if (value === null) return '';
  return value;
}

/** Stock is an integer in WooCommerce; fractions are refused. Rounding down never oversells. */
export function stockAmount(value: unknown): unknown {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Math.floor(Number(value));
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : value;
}

export const PRICE_FIELDS = ['regular_price', 'sale_price'] as const;

/**
 * Price and stock fields in the shapes WooCommerce accepts. WooCommerce ignores (and clears)
 * `stock_quantity` unless `manage_stock` is true, so a quantity turns stock management on.
 */
export function normaliseSellable(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const f of PRICE_FIELDS) if (f in out) out[f] = money(out[f]);
  if (out.stock_quantity !== undefined && out.stock_quantity !== null) {
    out.stock_quantity = stockAmount(out.stock_quantity);
    if (out.manage_stock === undefined) out.manage_stock = true;
  }
  return out;
}

export function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (data[f] !== undefined) out[f] = data[f];
  return out;
}
