/**
 * How WordPress's REST layer behaves around WooCommerce's controllers: WP_Error bodies,
 * argument validation (`rest_invalid_param`, `rest_missing_callback_param`), collection
 * pagination headers, and dates in the site's timezone.
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';

/** The simulated store is in Brasília time (America/Sao_Paulo, UTC-3 with no DST since 2019). */
export const SITE_OFFSET_MS = -3 * 3600_000;

export function wpError(status: number, code: string, message: string, data: Record<string, unknown> = {}): SimResponse {
  return { status, body: { code, message, data: { status, ...data } } };
}

/** What WP answers when arguments fail their schema: one message per parameter. */
export function invalidParams(params: Record<string, string>): SimResponse {
  const names = Object.keys(params);
  const details = Object.fromEntries(names.map((n) => [n, { code: 'rest_invalid_type', message: params[n], data: { param: n } }]));
  return wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, { params, details });
}

export function missingParams(names: string[]): SimResponse {
  return wpError(400, 'rest_missing_callback_param', `Missing parameter(s): ${names.join(', ')}`, { params: names });
}

export const noRoute = (): SimResponse => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');

// ---------------------------------------------------------------------------------------------
// Body type checks, the way rest_validate_value_from_schema words them

export type FieldType = 'string' | 'boolean' | 'integer' | 'array' | 'object' | 'string|null' | 'integer|null' | 'boolean|parent';

export function checkTypes(body: Record<string, unknown>, schema: Record<string, FieldType>, enums: Record<string, readonly string[]> = {}): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [field, type] of Object.entries(schema)) {
    if (!(field in body)) continue;
    const v = body[field];
    const ok =
      type === 'string' ? typeof v === 'string'
      : type === 'boolean' ? typeof v === 'boolean'
      : type === 'integer' ? Number.isInteger(v)
      : type === 'array' ? Array.isArray(v)
      : type === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v)
      : type === 'string|null' ? v === null || typeof v === 'string'
      : type === 'integer|null' ? v === null || Number.isInteger(v)
      : typeof v === 'boolean' || v === 'parent';
    if (!ok) problems[field] = `${field} is not of type ${type.replace('|', ',')}.`;
    else if (enums[field] && typeof v === 'string' && !enums[field].includes(v)) problems[field] = `${field} is not one of ${enums[field].join(', ')}.`;
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Dates

const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** WooCommerce dates: site-local without a zone, and the `_gmt` twin in UTC. Seconds only. */
export function dateFields(name: string, ms: number): Record<string, string> {
  const s = Math.floor(ms / 1000) * 1000;
  return { [name]: wall(s + SITE_OFFSET_MS), [`${name}_gmt`]: wall(s) };
}

/**
 * A date filter as WP_Date_Query reads it: a value with a zone is converted to site-local wall
 * time, a value without one is taken as it is; it is then compared with post_modified_gmt when
 * `dates_are_gmt` is true, else with the site-local post_modified. Returns the wall time in ms.
 */
export function parseFilterDate(value: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return null;
  const asWall = Date.parse(`${m[1]}T${m[2]}Z`);
  if (!m[3]) return asWall;
  const instant = Date.parse(`${m[1]}T${m[2]}${m[3].toUpperCase() === 'Z' ? 'Z' : m[3]}`);
  return instant + SITE_OFFSET_MS;
}

/** The filters WooCommerce's CRUD controllers share: modified_after/before, after/before, dates_are_gmt. */
export function dateFilter(req: SimRequest): { test: (created: number, modified: number) => boolean } | SimResponse {
  const gmtFlag = req.query.get('dates_are_gmt');
  if (gmtFlag !== null && !['true', 'false', '1', '0'].includes(gmtFlag)) return invalidParams({ dates_are_gmt: 'dates_are_gmt is not of type boolean.' });
  const useGmt = gmtFlag === 'true' || gmtFlag === '1';
  const bounds: Array<{ column: 'created' | 'modified'; after: boolean; at: number }> = [];
  for (const [param, column, after] of [
    ['after', 'created', true],
    ['before', 'created', false],
    ['modified_after', 'modified', true],
    ['modified_before', 'modified', false],
  ] as const) {
    const raw = req.query.get(param);
    if (raw === null) continue;
    const at = parseFilterDate(raw);
    if (at === null) return invalidParams({ [param]: 'Invalid date.' });
    bounds.push({ column, after, at });
  }
  const columnWall = (ms: number) => Math.floor(ms / 1000) * 1000 + (useGmt ? 0 : SITE_OFFSET_MS);
  return {
    test: (created, modified) =>
      bounds.every((b) => {
        const v = columnWall(b.column === 'created' ? created : modified);
        return b.after ? v > b.at : v < b.at;
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Collections

const MAX_PER_PAGE = 100;

/**
 * page/per_page/offset with X-WP-Total, X-WP-TotalPages and Link (prev/next) built from the
 * site address, as WC_REST_CRUD_Controller::get_items does.
 */
export function paginate<T>(req: SimRequest, rows: T[], siteUrl: string): { rows: T[]; headers: Record<string, string> } | SimResponse {
  const problems: Record<string, string> = {};
  const perPageRaw = req.query.get('per_page') ?? '10';
  const pageRaw = req.query.get('page') ?? '1';
  const perPage = Number(perPageRaw);
  const page = Number(pageRaw);
  if (!/^-?\d+$/.test(perPageRaw)) problems.per_page = 'per_page is not of type integer.';
  else if (perPage < 1 || perPage > MAX_PER_PAGE) problems.per_page = `per_page must be between 1 (inclusive) and ${MAX_PER_PAGE} (inclusive)`;
  if (!/^-?\d+$/.test(pageRaw)) problems.page = 'page is not of type integer.';
  else if (page < 1) problems.page = 'page must be greater than or equal to 1';
  if (Object.keys(problems).length) return invalidParams(problems);

  const offsetRaw = req.query.get('offset');
  const start = offsetRaw !== null ? Number(offsetRaw) : (page - 1) * perPage;
  const total = rows.length;
  const totalPages = Math.ceil(total / perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) };
  const base = new URL(`${siteUrl.replace(/\/+$/, '')}${req.path}`);
  for (const [k, v] of req.query) if (k !== 'consumer_key' && k !== 'consumer_secret') base.searchParams.set(k, v);
  const link = (n: number) => {
    const u = new URL(base);
    u.searchParams.set('page', String(n));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(Math.min(page - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (totalPages > page) links.push(`<${link(page + 1)}>; rel="next"`);
  if (links.length) headers.Link = links.join(', ');
  return { rows: rows.slice(start, start + perPage), headers };
}

/** orderby/order as WooCommerce applies them (date and modified break ties by id). */
export function sortRows<T extends { id: number; created: number; modified: number; name?: string }>(req: SimRequest, rows: T[], allowed: readonly string[]): T[] | SimResponse {
  const orderby = req.query.get('orderby') ?? 'date';
  const order = req.query.get('order') ?? 'desc';
  const problems: Record<string, string> = {};
  if (!allowed.includes(orderby)) problems.orderby = `orderby is not one of ${allowed.join(', ')}.`;
  if (!['asc', 'desc'].includes(order)) problems.order = 'order is not one of asc, desc.';
  if (Object.keys(problems).length) return invalidParams(problems);
  const key = (r: T): number | string => (orderby === 'id' ? r.id : orderby === 'modified' ? Math.floor(r.modified / 1000) : orderby === 'title' || orderby === 'name' ? (r.name ?? '') : Math.floor(r.created / 1000));
  const dir = order === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return (a.id - b.id) * dir;
  });
}

/** `_fields=a,b`: WordPress trims each object to these fields. */
export function onlyFields(req: SimRequest, obj: Record<string, unknown>): Record<string, unknown> {
  const fields = req.query.get('_fields');
  if (!fields) return obj;
  const keep = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keep.has(k)));
}
