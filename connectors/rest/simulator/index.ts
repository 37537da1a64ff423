/**
 * A small configurable JSON REST API, standing in for "some system with a REST API" behind the
 * generic connector. One server speaks one dialect, chosen at start:
 * - pagination: `page` (?page=&per_page=, empty page at the end), `offset` (?offset=&limit=,
 *   `meta.total`), `next` (absolute URL in `links.next`), `link` (Link header with an opaque
 *   `page_info` that refuses filters beside it, as Shopify does) or `cursor` (`meta.next_cursor`);
 * - items at the root or under an envelope key; auth none, Bearer, Basic, API key header or query;
 * - collections created on first write (`/products`, `/customers`…), numeric ids, `updated_at`;
 * - `?updated_since=` (ISO) and equality filters on chosen fields (`?sku=`); unknown parameters ignored;
 * - 422 for missing required fields, 409 for duplicates of unique fields;
 * - a token-bucket limit answering 429 with Retry-After, and injected faults.
 */
import { basicAuth, bearerToken, type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, tokenBucket } from '../../simulator-kit/throttle';

export type RestSimPagination = 'page' | 'offset' | 'next' | 'link' | 'cursor';

export type RestSimAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKeyHeader'; name: string; key: string }
  | { type: 'apiKeyQuery'; name: string; key: string };

export interface RestSimulatorOptions {
  port?: number;
  /** Path prefix of the API (default `/api/v1`). */
  basePath?: string;
  pagination?: RestSimPagination;
  /** Key that holds the items (and a created record); null: bare arrays and bare records. Default `data`. */
  envelope?: string | null;
  defaultPageSize?: number;
  maxPageSize?: number;
  auth?: RestSimAuth;
  /** Sustained requests per second (token bucket); 0 or unset turns the limit off. */
  requestsPerSecond?: number;
  burst?: number;
  /** Retry-After sent with a 429, in seconds (fractions allowed). Default 1. */
  retryAfterSeconds?: number;
  /** Fields a create must carry (422 otherwise). */
  requiredFields?: string[];
  /** Fields no two records of a collection may share (409 otherwise). */
  uniqueFields?: string[];
  /** Fields a list can be filtered on by equality (`?sku=X`); other unknown parameters are ignored. Default sku, status. */
  filterFields?: string[];
}

export interface RestRecord {
  id: number;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface RestSimulator extends RunningSimulator {
  /** Base URL for a connection: url + basePath. */
  readonly baseUrl: string;
  collection(name: string): Map<number, RestRecord>;
  readonly faults: FaultPlan;
  readonly stats: { requests: number; throttled: number; creates: number; updates: number };
  /** The last requests (method, path with query, auth-related headers), newest last; at most 200. */
  readonly log: Array<{ method: string; url: string; authorization?: string; apiKeyHeader?: string }>;
  seed(collection: string, count: number, make?: (i: number) => Record<string, unknown>): void;
  /** Changes a record as a person in the other system would (its updated_at moves). */
  touch(collection: string, id: number, change: Record<string, unknown>): void;
  /** After `afterRequests` more requests, the next `count` answer 429: a burst mid-run. */
  scheduleBurst(afterRequests: number, count: number): void;
}

export async function startRestSimulator(options: RestSimulatorOptions = {}): Promise<RestSimulator> {
  const basePath = (options.basePath ?? '/api/v1').replace(/\/+$/, '');
  const style = options.pagination ?? 'page';
  const envelope = options.envelope === undefined ? 'data' : options.envelope;
  const defaultSize = options.defaultPageSize ?? 20;
  const maxSize = options.maxPageSize ?? 100;
  const auth = options.auth ?? { type: 'none' };
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const bucket = tokenBucket(options.requestsPerSecond ?? 0, options.burst ?? Math.max(1, options.requestsPerSecond ?? 1));
  const faults = new FaultPlan();
  const stats = { requests: 0, throttled: 0, creates: 0, updates: 0 };
  const log: RestSimulator['log'] = [];
  const collections = new Map<string, Map<number, RestRecord>>();
  let nextId = 1001;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let burst: { after: number; count: number } | null = null;
  let url = '';

  const collection = (name: string) => {
    let c = collections.get(name);
    if (!c) collections.set(name, (c = new Map()));
    return c;
  };
  // Strictly increasing timestamps, so "changed since" is exact in tests.
  const now = () => new Date((clock = Math.max(clock + 1, Date.now()))).toISOString();
  const error = (status: number, message: string, extra: Record<string, unknown> = {}): SimResponse => ({ status, body: { message, ...extra } });
  const wrapList = (items: unknown[], extra: Record<string, unknown> = {}): unknown => (envelope ? { [envelope]: items, ...extra } : items);
  const wrapOne = (record: unknown) => (envelope ? { [envelope]: record } : record);
  const encode = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
  const decode = (token: string): { offset: number; filters: Record<string, string> } | null => {
    try {
      return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  };

  const authorised = (req: SimRequest): boolean => {
    if (auth.type === 'none') return true;
    if (auth.type === 'bearer') return bearerToken(req) === auth.token;
    if (auth.type === 'basic') {
      const b = basicAuth(req);
      return b?.user === auth.username && b.password === auth.password;
    }
    if (auth.type === 'apiKeyHeader') return req.headers[auth.name.toLowerCase()] === auth.key;
    return req.query.get(auth.name) === auth.key;
  };

  const filterFields = new Set(options.filterFields ?? ['sku', 'status']);
  const filtersOf = (req: SimRequest): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of req.query) if (filterFields.has(k)) out[k] = v;
    const since = req.query.get('updated_since');
    if (since) out.updated_since = since;
    return out;
  };

  const select = (name: string, filters: Record<string, string>): RestRecord[] => {
    let rows = [...collection(name).values()].sort((a, b) => a.id - b.id);
    for (const [k, v] of Object.entries(filters)) {
      if (k === 'updated_since') {
        const since = Date.parse(v);
        rows = rows.filter((r) => Date.parse(r.updated_at) >= since);
      } else rows = rows.filter((r) => String(r[k]) === v);
    }
    return rows;
  };

  const size = (value: string | null) => Math.min(Math.max(Number(value ?? defaultSize) || defaultSize, 1), maxSize);

  const list = (req: SimRequest): SimResponse => {
    const name = req.params.collection;
    const here = `${url}${basePath}/${name}`;
    if (style === 'page') {
      const page = Number(req.query.get('page') ?? 1);
      if (!Number.isInteger(page) || page < 1) return error(400, 'page must be 1 or more');
      const per = size(req.query.get('per_page'));
      return { status: 200, body: wrapList(select(name, filtersOf(req)).slice((page - 1) * per, page * per)) };
    }
    if (style === 'offset') {
      const offset = Number(req.query.get('offset') ?? 0);
      const limit = size(req.query.get('limit'));
      const rows = select(name, filtersOf(req));
      const body = envelope ? { [envelope]: rows.slice(offset, offset + limit), meta: { total: rows.length, offset, limit } } : rows.slice(offset, offset + limit);
      return { status: 200, body, headers: { 'x-total-count': String(rows.length) } };
    }
    if (style === 'link') {
      const token = req.query.get('page_info');
      const limit = size(req.query.get('limit'));
      let state = { offset: 0, filters: filtersOf(req) };
      if (token) {
        if (Object.keys(filtersOf(req)).length) return error(400, 'page_info cannot be combined with other filters');
        const decoded = decode(token);
        if (!decoded) return error(400, 'Invalid page_info');
        state = decoded;
      }
      const rows = select(name, state.filters);
      const page = rows.slice(state.offset, state.offset + limit);
      const headers: Record<string, string> = {};
      if (state.offset + limit < rows.length) {
        const next = new URL(here);
        next.searchParams.set('limit', String(limit));
        next.searchParams.set('page_info', encode({ offset: state.offset + limit, filters: state.filters }));
        if (auth.type === 'apiKeyQuery') next.searchParams.set(auth.name, auth.key);
        headers.link = `<${next}>; rel="next"`;
      }
      return { status: 200, body: wrapList(page), headers };
    }
    // next / cursor: an opaque cursor holding the offset and the filters.
    const token = req.query.get('cursor');
    const limit = size(req.query.get(style === 'next' ? 'per_page' : 'limit'));
    const decoded = token ? decode(token) : { offset: 0, filters: filtersOf(req) };
    if (!decoded) return error(400, 'Invalid cursor');
    const rows = select(name, decoded.filters);
    const page = rows.slice(decoded.offset, decoded.offset + limit);
    const more = decoded.offset + limit < rows.length;
    const nextToken = more ? encode({ offset: decoded.offset + limit, filters: decoded.filters }) : null;
    if (style === 'cursor') return { status: 200, body: { [envelope ?? 'data']: page, meta: { next_cursor: nextToken } } };
    let next: string | null = null;
    if (nextToken) {
      const u = new URL(here);
      u.searchParams.set('cursor', nextToken);
      u.searchParams.set('per_page', String(limit));
      next = u.toString();
    }
    return { status: 200, body: { [envelope ?? 'data']: page, links: { next } } };
  };

  const body = (req: SimRequest): Record<string, unknown> | null => {
    const b = req.body;
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : null;
  };

  const check = (name: string, data: Record<string, unknown>, self?: number): SimResponse | null => {
    const missing = (options.requiredFields ?? []).filter((f) => data[f] === undefined || data[f] === null || data[f] === '');
    if (missing.length) return error(422, 'Validation failed', { errors: missing.map((field) => ({ field, message: 'is required' })) });
    for (const field of options.uniqueFields ?? []) {
      if (data[field] === undefined) continue;
      const other = [...collection(name).values()].find((r) => r.id !== self && r[field] === data[field]);
      if (other) return error(409, `${field} ${String(data[field])} is already used by record ${other.id}`);
    }
    return null;
  };

  const write = (req: SimRequest, replace: boolean): SimResponse => {
    const name = req.params.collection;
    const record = collection(name).get(Number(req.params.id));
    if (!record) return error(404, 'Not found');
    const data = body(req);
    if (!data) return error(400, 'The body must be a JSON object');
    const merged = replace ? { ...data } : { ...record, ...data };
    const problem = check(name, merged, record.id);
    if (problem) return problem;
    const { id: _id, created_at: _c, updated_at: _u, ...fields } = merged;
    const updated: RestRecord = { ...fields, id: record.id, created_at: record.created_at, updated_at: now() };
    collection(name).set(record.id, updated);
    stats.updates++;
    return { status: 200, body: wrapOne(updated) };
  };

  const prefix = basePath;
  const sim = await startSimServer({
    before(req) {
      stats.requests++;
      log.push({ method: req.method, url: `${req.path}${req.query.size ? `?${req.query}` : ''}`, authorization: req.headers.authorization, apiKeyHeader: auth.type === 'apiKeyHeader' ? (req.headers[auth.name.toLowerCase()] as string | undefined) : undefined });
      if (log.length > 200) log.shift();
      if (!req.path.startsWith(`${prefix}/`)) return error(404, `No route ${req.method} ${req.path}`);
      if (!authorised(req)) return { status: 401, body: { message: 'Unauthorized' }, headers: { 'www-authenticate': auth.type === 'basic' ? 'Basic realm="api"' : 'Bearer' } };
      if (burst) {
        if (burst.after > 0) burst.after--;
        else {
          faults.throttleNext(burst.count);
          burst = null;
        }
      }
      const fault = faults.next();
      if (fault === 'throttle' || !bucket('all').allowed) {
        stats.throttled++;
        return { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': retryAfter } };
      }
      if (fault === 'fail') return error(503, 'Service Unavailable');
      return null;
    },
    routes: [
      { method: 'GET', path: `${prefix}/:collection`, handler: list },
      {
        method: 'GET',
        path: `${prefix}/:collection/:id`,
        handler(req) {
          const record = collection(req.params.collection).get(Number(req.params.id));
          return record ? { status: 200, body: wrapOne(record) } : error(404, 'Not found');
        },
      },
      {
        method: 'POST',
        path: `${prefix}/:collection`,
        handler(req) {
          const name = req.params.collection;
          const data = body(req);
          if (!data) return error(400, 'The body must be a JSON object');
          const problem = check(name, data);
          if (problem) return problem;
          const at = now();
          const { id: _id, created_at: _c, updated_at: _u, ...fields } = data;
          const record: RestRecord = { ...fields, id: nextId++, created_at: at, updated_at: at };
          collection(name).set(record.id, record);
          stats.creates++;
          return { status: 201, body: wrapOne(record), headers: { location: `${url}${prefix}/${name}/${record.id}` } };
        },
      },
      { method: 'PUT', path: `${prefix}/:collection/:id`, handler: (req) => write(req, true) },
      { method: 'PATCH', path: `${prefix}/:collection/:id`, handler: (req) => write(req, false) },
    ],
  });
  url = sim.url;

  return {
    ...sim,
    baseUrl: `${sim.url}${prefix}`,
    collection,
    faults,
    stats,
    log,
    seed(name, count, make = (i) => ({ sku: `REST-${String(i).padStart(5, '0')}`, name: `Item ${i}`, price: 10 + i })) {
      for (let i = 0; i < count; i++) {
        const at = now();
        const record: RestRecord = { ...make(i), id: nextId++, created_at: at, updated_at: at };
        collection(name).set(record.id, record);
      }
    },
    touch(name, id, change) {
      const record = collection(name).get(id);
      if (!record) throw new Error(`No ${name} ${id}`);
      Object.assign(record, change, { updated_at: now() });
    },
    scheduleBurst(afterRequests, count) {
      burst = { after: afterRequests, count };
    },
  };
}
