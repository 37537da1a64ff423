/**
 * How the simulated Nuvemshop answers: error envelopes, paginated lists (page/per_page ≤ 200,
 * `X-Total-Count`, `Link`), the `fields` filter and the date/id filters every list accepts.
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';
import { envelope, InvalidWrite } from './store';

export const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 30;

export function nsError(code: number, message: string, description: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status: code, body: envelope(code, message, description, extra) };
}

export const notFound = (description: string) => nsError(404, 'Not Found', description);

/** Runs a write; Nuvemshop's validation failures (thrown as InvalidWrite) become its error answer. */
export function answering(fn: () => SimResponse): SimResponse {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidWrite) return { status: err.status, body: err.body };
    throw err;
  }
}

/** `fields=id,name`: only those keys, as Nuvemshop trims responses. */
export function pickFields<T extends object>(req: SimRequest, row: T): Partial<T> {
  const fields = req.query.get('fields');
  if (!fields) return row;
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(row).filter(([k]) => wanted.has(k))) as Partial<T>;
}

interface Listed {
  id: number;
  created_at: string;
  updated_at: string;
}

function timeFilter(req: SimRequest, param: string): number | null {
  const v = req.query.get(param);
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** The filters every Nuvemshop collection takes: since_id and created/updated min/max. */
export function commonFilter(req: SimRequest): (row: Listed) => boolean {
  const sinceId = Number(req.query.get('since_id') ?? 0);
  const bounds = {
    createdMin: timeFilter(req, 'created_at_min'),
    createdMax: timeFilter(req, 'created_at_max'),
    updatedMin: timeFilter(req, 'updated_at_min'),
    updatedMax: timeFilter(req, 'updated_at_max'),
  };
  return (row) => {
    if (sinceId && row.id <= sinceId) return false;
    const created = Date.parse(row.created_at);
    const updated = Date.parse(row.updated_at);
    if (bounds.createdMin !== null && created < bounds.createdMin) return false;
    if (bounds.createdMax !== null && created > bounds.createdMax) return false;
    if (bounds.updatedMin !== null && updated < bounds.updatedMin) return false;
    if (bounds.updatedMax !== null && updated > bounds.updatedMax) return false;
    return true;
  };
}

/**
 * One page of a collection, ordered by id. Pages are 1-based; `per_page` defaults to 30 and may not
 * exceed 200. A page past the last answers 404 "Last page is N" (what integrators report).
 */
export function listPage<T extends Listed>(req: SimRequest, rows: Iterable<T>, keep: (row: T) => boolean = () => true): SimResponse {
  const perPage = Number(req.query.get('per_page') ?? DEFAULT_PER_PAGE);
  const page = Number(req.query.get('page') ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE)
    return nsError(422, 'Unprocessable Entity', `per_page must be a whole number between 1 and ${MAX_PER_PAGE}`);
  if (!Number.isInteger(page) || page < 1) return nsError(422, 'Unprocessable Entity', 'page must be a whole number from 1');
  const common = commonFilter(req);
  const matching: T[] = [];
  for (const row of rows) if (common(row) && keep(row)) matching.push(row);
  const lastPage = Math.ceil(matching.length / perPage);
  if (page > lastPage) return notFound(`Last page is ${lastPage}`);
  const body = matching.slice((page - 1) * perPage, page * perPage).map((row) => pickFields(req, row));
  return { status: 200, body, headers: { 'x-total-count': String(matching.length), link: linkHeader(req, page, lastPage) } };
}

function linkHeader(req: SimRequest, page: number, lastPage: number): string {
  const at = (n: number) => {
    const q = new URLSearchParams(req.query);
    q.set('page', String(n));
    return `<http://${req.headers.host}${req.path}?${q}>`;
  };
  const links: string[] = [];
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`);
  return links.join(', ');
}
