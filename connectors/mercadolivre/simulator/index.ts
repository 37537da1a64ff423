/**
 * Mercado Livre simulator, built from the public docs (developers.mercadolivre.com.br):
 * - Bearer access tokens; `GET /users/me`;
 * - `POST /items` with the required listing fields, `PUT /items/{id}` partial updates,
 *   `GET /items/{id}` and the multi-get `GET /items?ids=` envelope `[{code, body}]`;
 * - `GET /users/{id}/items/search` (ids only, `seller_sku` filter, offset capped at 1000,
 *   `search_type=scan` + `scroll_id` beyond);
 * - the error body `{message, error, status, cause[]}` and 429 `too_many_requests`, with no
 *   Retry-After (ML does not promise one).
 */
import { randomBytes } from 'node:crypto';
import { bearerToken, type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, tokenBucket } from '../../simulator-kit/throttle';

export interface MlItem {
  id: string;
  site_id: 'MLB';
  seller_id: number;
  title: string;
  category_id: string;
  price: number;
  currency_id: string;
  available_quantity: number;
  sold_quantity: number;
  buying_mode: string;
  listing_type_id: string;
  condition: string;
  status: 'active' | 'paused' | 'closed';
  seller_custom_field: string | null;
  attributes: Array<{ id: string; value_name: string }>;
  date_created: string;
  last_updated: string;
}

export interface MercadoLivreSimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Writes per second per token (PUT/POST); 0 turns throttling off. */
  writesPerSecond?: number;
  userId?: number;
  accessToken?: string;
}

export interface MercadoLivreSimulator extends RunningSimulator {
  readonly items: Map<string, MlItem>;
  readonly faults: FaultPlan;
  readonly credentials: { accessToken: string; refreshToken: string; clientId: string; clientSecret: string; userId: number };
  /** How many POST /items were accepted (duplicates show up here), and token refreshes. */
  readonly stats: { creates: number; updates: number; refreshes: number };
  /** Every access token issued so far stops working, as after 6 hours. */
  expireAccessTokens(): void;
  itemsBySku(sku: string): MlItem[];
}

const REQUIRED = ['title', 'category_id', 'price', 'currency_id', 'available_quantity', 'buying_mode', 'listing_type_id', 'condition'] as const;
const UPDATABLE = new Set(['title', 'price', 'available_quantity', 'status', 'seller_custom_field', 'attributes', 'condition']);

function mlError(status: number, error: string, message: string, cause: unknown[] = []): SimResponse {
  return { status, body: { message, error, status, cause } };
}

function skuOf(item: MlItem): string | null {
  return item.attributes.find((a) => a.id === 'SELLER_SKU')?.value_name ?? item.seller_custom_field;
}

export async function startMercadoLivreSimulator(options: MercadoLivreSimulatorOptions = {}): Promise<MercadoLivreSimulator> {
  const items = new Map<string, MlItem>();
  const bySku = new Map<string, Set<string>>();
  const faults = new FaultPlan();
  const stats = { creates: 0, updates: 0, refreshes: 0 };
  const userId = options.userId ?? 123456789;
  const issueAccessToken = () => `APP_USR-${randomBytes(12).toString('hex')}-${userId}`;
  const credentials = {
    accessToken: options.accessToken ?? issueAccessToken(),
    refreshToken: `TG-${randomBytes(12).toString('hex')}-${userId}`,
    clientId: options.clientId ?? '5503910054141466',
    clientSecret: options.clientSecret ?? randomBytes(16).toString('hex'),
    userId,
  };
  const validTokens = new Set([credentials.accessToken]);
  // Authorization codes waiting to be exchanged, with the redirect_uri they were issued for.
  const codes = new Map<string, string>();
  const throttleWrites = tokenBucket(options.writesPerSecond ?? 0, Math.max(1, options.writesPerSecond ?? 1));
  let nextId = 1_000_000_000;
  const scrolls = new Map<string, number>();

  const indexSku = (item: MlItem) => {
    const sku = skuOf(item);
    if (!sku) return;
    if (!bySku.has(sku)) bySku.set(sku, new Set());
    bySku.get(sku)!.add(item.id);
  };

  const validate = (body: Record<string, unknown>, creating: boolean): unknown[] => {
    const cause: unknown[] = [];
    const add = (field: string, code: string, message: string) =>
      cause.push({ department: 'items', cause_id: cause.length + 1, type: 'error', code: `item.${field}.${code}`, references: [`item.${field}`], message });
    if (creating) for (const f of REQUIRED) if (body[f] === undefined || body[f] === null || body[f] === '') add(f, 'required', `The field ${f} is required.`);
    if (body.price !== undefined && !(typeof body.price === 'number' && body.price > 0)) add('price', 'invalid', 'The price must be a positive number.');
    if (body.available_quantity !== undefined && !(Number.isInteger(body.available_quantity) && (body.available_quantity as number) >= 0))
      add('available_quantity', 'invalid', 'available_quantity must be a non-negative integer.');
    if (body.title !== undefined && (typeof body.title !== 'string' || body.title.length > 60)) add('title', 'length.invalid', 'The title must have at most 60 characters.');
    if (body.currency_id !== undefined && body.currency_id !== 'BRL') add('currency_id', 'invalid', 'Currency not valid for site MLB.');
    return cause;
  };

  const ownItem = (req: SimRequest): MlItem | SimResponse => {
    const item = items.get(req.params.id);
    if (!item) return mlError(404, 'not_found', `Item with id ${req.params.id} not found`);
    return item;
  };

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (req.path === '/oauth/token' || req.path === '/authorization') return null;
      const token = bearerToken(req);
      if (!token || !validTokens.has(token)) return mlError(401, 'not_found', 'invalid_token');
      const fault = faults.next();
      if (fault === 'throttle') return mlError(429, 'too_many_requests', 'Too Many Requests');
      if (fault === 'fail') return mlError(503, 'service_not_available', 'Service not available');
      if (req.method === 'POST' || req.method === 'PUT') {
        if (!throttleWrites(`${token}:${req.method}`).allowed) return mlError(429, 'too_many_requests', 'Too Many Requests');
      }
      return null;
    },
    notFound: (req) => mlError(404, 'not_found', `Resource ${req.path} not found`),
    routes: [
      {
        // The seller's consent page; the simulator approves at once and sends them back.
        method: 'GET',
        path: '/authorization',
        handler(req) {
          const redirect = req.query.get('redirect_uri');
          if (req.query.get('client_id') !== credentials.clientId || !redirect) return { status: 400, body: { message: 'invalid client_id or redirect_uri', error: 'invalid_request', status: 400 } };
          const code = `TG-${randomBytes(10).toString('hex')}`;
          codes.set(code, redirect);
          const back = new URL(redirect);
          back.searchParams.set('code', code);
          if (req.query.get('state')) back.searchParams.set('state', req.query.get('state')!);
          return { status: 302, headers: { location: back.toString() } };
        },
      },
      {
        method: 'POST',
        path: '/oauth/token',
        handler(req) {
          const form = (req.body ?? {}) as Record<string, string>;
          const oauthError = (error: string, message: string) => ({ status: 400, body: { error, message, status: 400, cause: [] } });
          if (form.client_id !== credentials.clientId || form.client_secret !== credentials.clientSecret) return oauthError('invalid_client', 'invalid client_id or client_secret');
          if (form.grant_type === 'authorization_code') {
            const redirect = codes.get(form.code);
            if (!redirect) return oauthError('invalid_grant', 'the authorization code is invalid or was already used');
            if (redirect !== form.redirect_uri) return oauthError('invalid_grant', 'redirect_uri does not match the one of the authorization');
            codes.delete(form.code);
          } else if (form.grant_type === 'refresh_token') {
            // Each refresh token works once: a second use is refused.
            if (form.refresh_token !== credentials.refreshToken) return oauthError('invalid_grant', 'the refresh token is invalid or was already used');
            stats.refreshes++;
          } else return oauthError('unsupported_grant_type', `grant_type ${form.grant_type} is not supported`);
          credentials.accessToken = issueAccessToken();
          credentials.refreshToken = `TG-${randomBytes(12).toString('hex')}-${userId}`;
          validTokens.add(credentials.accessToken);
          return {
            status: 200,
            body: { access_token: credentials.accessToken, token_type: 'Bearer', expires_in: 21600, scope: 'offline_access read write', user_id: userId, refresh_token: credentials.refreshToken },
          };
        },
      },
      { method: 'GET', path: '/users/me', handler: () => ({ status: 200, body: { id: credentials.userId, nickname: 'VENDEDOR_TESTE', site_id: 'MLB' } }) },
      {
        method: 'POST',
        path: '/items',
        handler(req) {
          const body = (req.body ?? {}) as Record<string, unknown>;
          const cause = validate(body, true);
          if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);
          const now = new Date().toISOString();
          const item: MlItem = {
            id: `MLB${nextId++}`,
            site_id: 'MLB',
            seller_id: credentials.userId,
            title: body.title as string,
            category_id: body.category_id as string,
            price: body.price as number,
            currency_id: body.currency_id as string,
            available_quantity: body.available_quantity as number,
            sold_quantity: 0,
            buying_mode: body.buying_mode as string,
            listing_type_id: body.listing_type_id as string,
            condition: body.condition as string,
            status: 'active',
            seller_custom_field: (body.seller_custom_field as string) ?? null,
            attributes: (body.attributes as MlItem['attributes']) ?? [],
            date_created: now,
            last_updated: now,
          };
          items.set(item.id, item);
          indexSku(item);
          stats.creates++;
          return { status: 201, body: item };
        },
      },
      {
        method: 'PUT',
        path: '/items/:id',
        handler(req) {
          const found = ownItem(req);
          if (!('id' in found)) return found;
          const body = (req.body ?? {}) as Record<string, unknown>;
          const unknownFields = Object.keys(body).filter((k) => !UPDATABLE.has(k));
          if (unknownFields.length)
            return mlError(400, 'validation_error', 'Validation error', unknownFields.map((f) => ({ type: 'error', code: `item.${f}.not_modifiable`, message: `Field ${f} cannot be modified.` })));
          if (body.title !== undefined && found.sold_quantity > 0)
            return mlError(400, 'validation_error', 'Validation error', [{ type: 'error', code: 'item.title.not_modifiable', message: 'Title cannot be modified after a sale.' }]);
          const cause = validate(body, false);
          if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);
          Object.assign(found, body, { last_updated: new Date().toISOString() });
          indexSku(found);
          stats.updates++;
          return { status: 200, body: found };
        },
      },
      {
        method: 'GET',
        path: '/items/:id',
        handler(req) {
          const found = ownItem(req);
          return 'id' in found ? { status: 200, body: found } : found;
        },
      },
      {
        method: 'GET',
        path: '/items',
        handler(req) {
          const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
          if (ids.length === 0) return mlError(400, 'bad_request', 'ids is required');
          if (ids.length > 20) return mlError(400, 'bad_request', 'Max 20 ids per request');
          return {
            status: 200,
            body: ids.map((id) => {
              const item = items.get(id);
              return item ? { code: 200, body: item } : { code: 404, body: { message: `Item with id ${id} not found`, error: 'not_found', status: 404, cause: [] } };
            }),
          };
        },
      },
      {
        method: 'GET',
        path: '/users/:userId/items/search',
        handler(req) {
          if (Number(req.params.userId) !== credentials.userId) return mlError(403, 'forbidden', 'Caller is not the owner of this resource');
          const limit = Math.min(Number(req.query.get('limit') ?? 50), 100);
          const sku = req.query.get('seller_sku');
          const ids = sku ? [...(bySku.get(sku) ?? [])] : [...items.keys()];
          const paging = { total: ids.length, limit };
          if (req.query.get('search_type') === 'scan') {
            const scrollId = req.query.get('scroll_id');
            const start = scrollId ? (scrolls.get(scrollId) ?? ids.length) : 0;
            const next = randomBytes(8).toString('hex');
            scrolls.set(next, start + limit);
            return { status: 200, body: { seller_id: String(credentials.userId), results: ids.slice(start, start + limit), paging, scroll_id: next } };
          }
          const offset = Number(req.query.get('offset') ?? 0);
          if (offset + limit > 1000) return mlError(400, 'bad_request', 'Invalid offset. Use search_type=scan for more than 1000 results.');
          return { status: 200, body: { seller_id: String(credentials.userId), results: ids.slice(offset, offset + limit), paging: { ...paging, offset } } };
        },
      },
    ],
  });

  return {
    ...sim,
    items,
    faults,
    credentials,
    stats,
    expireAccessTokens: () => validTokens.clear(),
    itemsBySku: (sku) => [...(bySku.get(sku) ?? [])].map((id) => items.get(id)!),
  };
}
