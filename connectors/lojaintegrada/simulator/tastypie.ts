/**
 * How Loja Integrada's Django-Tastypie API answers: list envelopes, error bodies and the
 * Brasília-time dates it reads and writes.
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';

/** Tastypie's default page size. */
const DEFAULT_LIMIT = 20;
/** Tastypie's default ceiling; LI documents 50 for pedido/search only. */
export const DEFAULT_MAX_LIMIT = 1000;

/** Tastypie's BadRequest body. */
export function badRequest(message: string): SimResponse {
  return { status: 400, body: { error: message } };
}

/** Tastypie form validation: `{"<resource>": {"<field>": ["message"]}}`. */
export function invalidFields(resource: string, fields: Record<string, string>): SimResponse {
  return { status: 400, body: { [resource]: Object.fromEntries(Object.entries(fields).map(([f, m]) => [f, [m]])) } };
}

/** Tastypie answers an unknown id with an empty 404. */
export const notFound: SimResponse = { status: 404 };

/**
 * A list page: `{meta: {limit, next, offset, previous, total_count}, objects}`. A limit above the
 * ceiling is lowered to it silently (Tastypie's Paginator), and `meta.limit` says so; a client
 * that advances by the limit it asked for skips records. `next` is a relative `/api/v1/` URI.
 */
export function listPage<T>(req: SimRequest, resource: string, rows: T[], serialise: (row: T) => unknown, maxLimit = DEFAULT_MAX_LIMIT): SimResponse {
  const rawLimit = req.query.get('limit');
  const rawOffset = req.query.get('offset');
  let limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit);
  const offset = rawOffset === null ? 0 : Number(rawOffset);
  if (!Number.isInteger(limit) || limit < 0) return badRequest(`Invalid limit '${rawLimit}' provided. Please provide a positive integer.`);
  if (!Number.isInteger(offset) || offset < 0) return badRequest(`Invalid offset '${rawOffset}' provided. Please provide a positive integer >= 0.`);
  if (limit === 0 || limit > maxLimit) limit = maxLimit;
  const link = (at: number) => {
    const q = new URLSearchParams(req.query);
    q.delete('chave_api');
    q.delete('chave_aplicacao');
    q.set('limit', String(limit));
    q.set('offset', String(at));
    return `/api/v1/${resource}?${q}`;
  };
  return {
    status: 200,
    body: {
      meta: {
        limit,
        next: offset + limit < rows.length ? link(offset + limit) : null,
        offset,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        total_count: rows.length,
      },
      objects: rows.slice(offset, offset + limit).map(serialise),
    },
  };
}

const BRASILIA_MS = 3 * 3600_000;

/** LI's REST dates: Brasília wall-clock time with microseconds and no offset. */
export function liDate(ms: number): string {
  return `${new Date(ms - BRASILIA_MS).toISOString().slice(0, 23)}000`;
}

/** The webhook's top-level dates are UTC with a Z (unlike the REST resources). */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A filter date as LI takes it: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD HH:MM:SS`,
 * Brasília time. Undefined when the value is not such a date; null when absent.
 */
export function filterDate(value: string | null): number | null | undefined {
  if (value === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?$/.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}-03:00`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Money and quantities in REST responses are decimal strings ("32.84"). */
export function decimal(n: number, places = 2): string {
  return n.toFixed(places);
}

/** A number from a JSON body that may carry numbers or decimal strings; undefined if neither. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
