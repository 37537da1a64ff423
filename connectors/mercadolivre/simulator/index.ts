/**
 * Mercado Livre simulator, built from the public docs (developers.mercadolivre.com.br):
 * - OAuth2 authorize page and `POST /oauth/token` (client id/secret in the form body, the same
 *   redirect_uri, single-use refresh tokens); Bearer access tokens; `GET /users/me`;
 * - bad or expired tokens answered 401 in either body shape ML has used: the older
 *   `{message:"invalid_token", error:"not_found", status:401, cause:[]}` or the gateway's
 *   `{code:"unauthorized", message:"invalid access token"}`;
 * - listings (see items.ts): `POST /items`, `PUT /items/{id}` (a `variations` array replaces the
 *   item's variations: those it does not name are deleted), `GET /items/{id}`, the multi-get
 *   `GET /items?ids=` (≤ 20, `[{code, body}]`), `GET /users/{id}/items/search` (ids only,
 *   offset + limit capped at 1,000, `search_type=scan` + `scroll_id` beyond), price automation;
 * - orders and shipments (see orders.ts), tracking through `seller_notifications`;
 * - notifications: every change is logged as the thin payload ML would POST
 *   (`{_id, resource, user_id, topic, application_id, attempts, sent, received}`), unsigned;
 * - the error body `{message, error, status, cause[]}` and 429 `too_many_requests` with no
 *   Retry-After (ML does not promise one).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { bearerToken, type RunningSimulator, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, tokenBucket } from '../../simulator-kit/throttle';
import { type MlItem, ItemStore, mlError } from './items';
import { type MlOrder, type MlOrderStatus, type MlShipment, OrderStore, type ShippingMode } from './orders';

export type { MlAttribute, MlItem, MlVariation } from './items';
export type { MlOrder, MlOrderStatus, MlShipment, ShippingMode } from './orders';

/** The thin notification Mercado Livre POSTs to the app's callback URL. */
export interface MlNotification {
  _id: string;
  resource: string;
  user_id: number;
  topic: string;
  application_id: number;
  attempts: number;
  sent: string;
  received: string;
  actions: string[];
}

export type UnauthorizedShape = 'legacy' | 'gateway';

export interface MercadoLivreSimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Writes per second per token (PUT/POST); 0 turns throttling off. */
  writesPerSecond?: number;
  userId?: number;
  accessToken?: string;
  /** Which 401 body bad tokens get (default `legacy`). */
  unauthorizedShape?: UnauthorizedShape;
  /** How long an item-search `scroll_id` stays usable (default 5 minutes). */
  scrollTtlMs?: number;
}

export interface MercadoLivreSimulator extends RunningSimulator {
  readonly items: Map<string, MlItem>;
  readonly orders: Map<number, MlOrder>;
  readonly shipments: Map<number, MlShipment>;
  /** Every notification ML would have sent, oldest first. */
  readonly notifications: MlNotification[];
  readonly faults: FaultPlan;
  readonly credentials: { accessToken: string; refreshToken: string; clientId: string; clientSecret: string; userId: number };
  /**
   * How many POST /items were accepted (duplicates show up here), PUTs, token refreshes,
   * variations deleted by a PUT that left them out, 429s sent (injected or over the limit),
   * item-search pages by mode, and tracking notifications accepted.
   */
  readonly stats: {
    readonly creates: number;
    readonly updates: number;
    readonly refreshes: number;
    readonly variationsDeleted: number;
    readonly throttled: number;
    readonly scanPages: number;
    readonly offsetPages: number;
    readonly orderSearches: number;
    readonly trackingPosts: number;
  };
  /** Every access token issued so far stops working, as after 6 hours. */
  expireAccessTokens(): void;
  itemsBySku(sku: string): MlItem[];
  /** Listings already on the account (not counted in `stats.creates`), SKUs `ML-000000`… (or `skuPrefix`); `variations` gives each that many. */
  seedItems(count: number, options?: { startAt?: number; variations?: number; lastUpdated?: string; skuPrefix?: string }): MlItem[];
  /** Item searches list only this share of the listings, with a total that agrees (a partial read nothing flags); 1 lists all again. */
  searchOnly(share: number): void;
  /** Sales, one minute apart from 30 days ago; every 10th cancelled unless `status` is given. */
  seedOrders(count: number, options?: { status?: MlOrderStatus; shippingMode?: ShippingMode; createdFrom?: number }): MlOrder[];
  /** A change on ML's side: `last_updated` moves and an orders_v2 notification is logged. */
  updateOrder(id: number, change: Partial<Omit<MlOrder, 'id'>>): MlOrder;
  /** Turns price automation on or off for a listing (price-only PUTs refused, price ignored in mixed ones). */
  setPriceAutomation(itemId: string, on?: boolean): void;
  /** Forgets every item-search scroll, as when they expire. */
  expireScrolls(): void;
  useUnauthorizedShape(shape: UnauthorizedShape): void;
  /** A notification as ML would send it for this app and seller; `over` changes fields (for forged ones). */
  notificationFor(topic: string, resource: string, over?: Partial<MlNotification>): MlNotification;
}

export async function startMercadoLivreSimulator(options: MercadoLivreSimulatorOptions = {}): Promise<MercadoLivreSimulator> {
  const faults = new FaultPlan();
  const counters = { refreshes: 0, throttled: 0 };
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
  let unauthorizedShape: UnauthorizedShape = options.unauthorizedShape ?? 'legacy';

  const notifications: MlNotification[] = [];
  const notificationFor = (topic: string, resource: string, over: Partial<MlNotification> = {}): MlNotification => {
    const now = new Date();
    return {
      _id: randomUUID(),
      resource,
      user_id: credentials.userId,
      topic,
      application_id: Number(credentials.clientId),
      attempts: 1,
      sent: now.toISOString(),
      received: new Date(now.getTime() - 20).toISOString(),
      actions: [],
      ...over,
    };
  };
  const notify = (topic: string, resource: string) => void notifications.push(notificationFor(topic, resource));

  const itemStore = new ItemStore({ sellerId: () => credentials.userId, notify, scrollTtlMs: options.scrollTtlMs ?? 300_000 });
  const orderStore = new OrderStore({
    sellerId: () => credentials.userId,
    notify,
    items: () => [...itemStore.items.values()].slice(0, 50).map((i) => ({ id: i.id, title: i.title, price: i.price, sku: i.attributes.find((a) => a.id === 'SELLER_SKU')?.value_name ?? null })),
  });

  const throttled = (): SimResponse => {
    counters.throttled++;
    return mlError(429, 'too_many_requests', 'Too Many Requests');
  };
  const unwrap = <T extends object>(found: T | SimResponse): SimResponse => ('status' in found && 'body' in found && !('id' in found) ? (found as SimResponse) : { status: 200, body: found });

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (req.path === '/oauth/token' || req.path === '/authorization') return null;
      const token = bearerToken(req);
      if (!token || !validTokens.has(token))
        return unauthorizedShape === 'gateway'
          ? { status: 401, body: { code: 'unauthorized', message: 'invalid access token' } }
          : mlError(401, 'not_found', 'invalid_token');
      const fault = faults.next();
      if (fault === 'throttle') return throttled();
      if (fault === 'fail') return mlError(503, 'service_not_available', 'Service not available');
      if (req.method === 'POST' || req.method === 'PUT') {
        if (!throttleWrites(`${token}:${req.method}`).allowed) return throttled();
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
            counters.refreshes++;
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
      { method: 'POST', path: '/items', handler: (req) => itemStore.create(req) },
      { method: 'PUT', path: '/items/:id', handler: (req) => itemStore.update(req) },
      { method: 'GET', path: '/items/:id', handler: (req) => unwrap(itemStore.get(req.params.id)) },
      { method: 'GET', path: '/items', handler: (req) => itemStore.multiGet(req) },
      { method: 'GET', path: '/users/:userId/items/search', handler: (req) => itemStore.search(req, credentials.userId) },
      // /orders/search before /orders/:id, which would take "search" for an id.
      { method: 'GET', path: '/orders/search', handler: (req) => orderStore.search(req) },
      { method: 'GET', path: '/orders/:id', handler: (req) => unwrap(orderStore.get(req.params.id)) },
      {
        method: 'GET',
        path: '/orders/:id/shipments',
        handler(req) {
          const order = orderStore.get(req.params.id);
          if (!('id' in order)) return order;
          return order.shipping.id ? unwrap(orderStore.shipment(String(order.shipping.id))) : mlError(404, 'not_found', `Order ${order.id} has no shipment`);
        },
      },
      { method: 'GET', path: '/shipments/:id', handler: (req) => unwrap(orderStore.shipment(req.params.id)) },
      { method: 'POST', path: '/shipments/:id/seller_notifications', handler: (req) => orderStore.notifyShipment(req, 'v1') },
      { method: 'POST', path: '/v2/shipments/:id/seller_notifications', handler: (req) => orderStore.notifyShipment(req, 'v2') },
    ],
  });

  const stats = {
    get creates() {
      return itemStore.counters.creates;
    },
    get updates() {
      return itemStore.counters.updates;
    },
    get refreshes() {
      return counters.refreshes;
    },
    get variationsDeleted() {
      return itemStore.counters.variationsDeleted;
    },
    get throttled() {
      return counters.throttled;
    },
    get scanPages() {
      return itemStore.counters.scanPages;
    },
    get offsetPages() {
      return itemStore.counters.offsetPages;
    },
    get orderSearches() {
      return orderStore.counters.searches;
    },
    get trackingPosts() {
      return orderStore.counters.trackingPosts;
    },
  };

  return {
    ...sim,
    items: itemStore.items,
    orders: orderStore.orders,
    shipments: orderStore.shipments,
    notifications,
    faults,
    credentials,
    stats,
    expireAccessTokens: () => validTokens.clear(),
    itemsBySku: (sku) => [...(itemStore.bySku.get(sku) ?? [])].flatMap((id) => itemStore.items.get(id) ?? []),
    seedItems: (count, seedOptions) => itemStore.seed(count, seedOptions),
    seedOrders: (count, seedOptions) => orderStore.seed(count, seedOptions),
    updateOrder: (id, change) => orderStore.update(id, change),
    setPriceAutomation(itemId, on = true) {
      if (on) itemStore.priceAutomation.add(itemId);
      else itemStore.priceAutomation.delete(itemId);
    },
    expireScrolls: () => itemStore.expireScrolls(),
    searchOnly(share) {
      itemStore.searchShare = share;
    },
    useUnauthorizedShape(shape) {
      unauthorizedShape = shape;
    },
    notificationFor,
  };
}
