/**
 * Nuvemshop / Tiendanube API v1 simulator, built from the official docs (TiendaNube/api-docs):
 * - paths `/v1/{store_id}/…`; the token is bound to its store;
 * - `Authentication: bearer TOKEN` (a request with `Authorization: Bearer` is refused 401), and a
 *   `User-Agent` on every request (400 without it);
 * - `Content-Type: application/json` on writes with a body (415 without it), `400 {"error":
 *   "Problems parsing JSON"}` for a bad body;
 * - page/per_page (default 30, max 200) with `X-Total-Count` and `Link`, `since_id`,
 *   `created_at_*`/`updated_at_*` filters and `fields`;
 * - a leaky bucket of 40 requests draining 2/s per app and store, reported on every answer in
 *   `X-Rate-Limit-Limit/Remaining/Reset` (ms) and answered 429 beyond;
 * - 402 on every call while the store is suspended for lack of payment;
 * - webhooks signed with `X-Linkedstore-HMAC-SHA256` = hex HMAC-SHA256(raw body, client secret).
 * Bodies the docs do not show (401, 415, 429, 402, per_page over the maximum) use the
 * `{code, message, description}` envelope of the newer error answers.
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../http/signatures';
import { type RunningSimulator, type SimRequest, type SimResponse, type SimRoute, startSimServer } from '../../simulator-kit/server';
import { FaultPlan } from '../../simulator-kit/throttle';
import { catalogRoutes } from './catalog';
import { nsError, pickFields } from './http';
import { leakyBucket } from './leaky-bucket';
import { salesRoutes } from './sales';
import { blankVariant, indexProduct, mutateProduct, newState, type NuvemshopStats, nsTime, type SimCustomer, type SimOrder, type SimProduct, type SimVariant } from './store';

export type { NuvemshopStats, SimCustomer, SimOrder, SimProduct, SimVariant } from './store';

export interface NuvemshopSimulatorOptions {
  port?: number;
  storeId?: string;
  accessToken?: string;
  /** The app's client secret, which signs webhooks. */
  clientSecret?: string;
  /** Leaky bucket size; Nuvemshop's is 40. */
  bucketSize?: number;
  /** Requests drained per second; Nuvemshop's is 2 (×10 on top plans). 0 turns the limit off. */
  leakPerSecond?: number;
}

export interface NuvemshopSimulator extends RunningSimulator {
  readonly products: Map<number, SimProduct>;
  readonly orders: Map<number, SimOrder>;
  readonly customers: Map<number, SimCustomer>;
  readonly faults: FaultPlan;
  readonly stats: NuvemshopStats;
  readonly credentials: { storeId: string; accessToken: string; appId: string; clientSecret: string };
  /** Base URL for a connection (`…/v1`; the connector appends the store id). */
  readonly baseUrl: string;
  seedProducts(count: number, options?: { startAt?: number }): void;
  seedOrders(count: number): void;
  seedCustomers(count: number): void;
  /** Changes a product's first variant (price, stock, sku…) as a seller would in the admin; its updated_at moves to now. */
  updateVariant(productId: number, change: Partial<SimVariant>): void;
  /** Products with a variant of this SKU (tests: exactly one means no duplicate). */
  productsBySku(sku: string): SimProduct[];
  /** While suspended every call answers 402, as for an unpaid store or app. */
  suspend(on: boolean): void;
  /** The hex HMAC-SHA256 Nuvemshop puts in X-Linkedstore-HMAC-SHA256. */
  signWebhook(rawBody: string): string;
  /** The raw body Nuvemshop posts for an event (`{store_id, event, id}`). */
  webhookBody(event: string, id: number | string): string;
}

/** Seeded records date from a month ago, so anything changed in a test is newer than an incremental cursor taken now. */
const SEEDED_AT = () => nsTime(Date.now() - 30 * 86_400_000);

export function nuvemshopProductAt(i: number, productId: number, variantId: number, at: string): SimProduct {
  const variant: SimVariant = {
    ...blankVariant(variantId, productId, 1, at),
    price: (10 + (i % 500) * 1.37).toFixed(2),
    stock_management: true,
    stock: (i * 7) % 50,
    sku: `NS-${String(i).padStart(6, '0')}`,
  };
  return {
    id: productId,
    name: { pt: `Produto Nuvem ${i}` },
    description: { pt: `<p>Descrição ${i}</p>` },
    handle: { pt: `produto-nuvem-${i}` },
    attributes: [],
    published: true,
    free_shipping: false,
    requires_shipping: true,
    brand: null,
    tags: '',
    categories: [],
    images: [],
    variants: [variant],
    created_at: at,
    updated_at: at,
  };
}

function bearerOf(req: SimRequest): string | null {
  const h = req.headers.authentication;
  const m = typeof h === 'string' ? /^bearer\s+(.+)$/i.exec(h.trim()) : null;
  return m ? m[1] : null;
}

export async function startNuvemshopSimulator(options: NuvemshopSimulatorOptions = {}): Promise<NuvemshopSimulator> {
  const credentials = {
    storeId: options.storeId ?? '1234567',
    accessToken: options.accessToken ?? randomBytes(20).toString('hex'),
    appId: '4321',
    clientSecret: options.clientSecret ?? randomBytes(24).toString('hex'),
  };
  const state = newState();
  const faults = new FaultPlan();
  const bucket = leakyBucket(options.bucketSize ?? 40, options.leakPerSecond ?? 2);
  // The bucket reading of each request, added to whatever its route answers.
  const rateHeaders = new WeakMap<SimRequest, Record<string, string>>();
  let suspended = false;

  const withRateHeaders = (route: SimRoute): SimRoute => ({
    ...route,
    handler: async (req) => {
      const res = await route.handler(req);
      return { ...res, headers: { ...rateHeaders.get(req), ...res.headers } };
    },
  });

  const tooMany = (headers: Record<string, string>): SimResponse => ({ ...nsError(429, 'Too Many Requests', 'Rate limit exceeded: the bucket of requests is full'), headers });

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      const m = /^\/v1\/([^/]+)(\/.*)?$/.exec(req.path);
      if (!m) return nsError(404, 'Not Found', 'Unknown API version or path');
      // Nuvemshop: "If you don't supply this header, you will get a 400 Bad Request response."
      if (!req.headers['user-agent']) return nsError(400, 'Bad Request', 'A User-Agent header with the app name and a contact is required');
      const token = bearerOf(req);
      if (token !== credentials.accessToken || m[1] !== credentials.storeId) return nsError(401, 'Unauthorized', 'Invalid access token');
      if (suspended) return nsError(402, 'Payment Required', 'The store or the app subscription is unpaid');
      const hasBody = req.rawBody.length > 0 && ['POST', 'PUT', 'PATCH'].includes(req.method);
      if (hasBody && !String(req.headers['content-type'] ?? '').includes('application/json')) return nsError(415, 'Unsupported Media Type', 'Send Content-Type: application/json');
      if (hasBody && typeof req.body === 'string') return { status: 400, body: { error: 'Problems parsing JSON' } };
      state.stats.requests++;
      const fault = faults.next();
      if (fault === 'throttle') return tooMany(bucket.fullHeaders());
      if (fault === 'fail') return nsError(503, 'Service Unavailable', 'Service temporarily unavailable');
      const reading = bucket.take(`${token}:${m[1]}`);
      if (!reading.allowed) {
        state.stats.overLimit++;
        return tooMany(reading.headers);
      }
      rateHeaders.set(req, reading.headers);
      return null;
    },
    notFound: (req) => nsError(404, 'Not Found', `No route ${req.method} ${req.path}`),
    routes: [
      {
        method: 'GET',
        path: '/v1/:store/store',
        handler: (req: SimRequest): SimResponse => ({
          status: 200,
          body: pickFields(req, { id: Number(credentials.storeId), name: { pt: 'Loja Simulada' }, email: 'loja@example.com', main_language: 'pt', main_currency: 'BRL', country: 'BR' }),
        }),
      },
      ...catalogRoutes(state),
      ...salesRoutes(state),
    ].map(withRateHeaders),
  });

  return {
    ...sim,
    baseUrl: `${sim.url}/v1`,
    products: state.products,
    orders: state.orders,
    customers: state.customers,
    faults,
    stats: state.stats,
    credentials,
    seedProducts(count, { startAt = 0 } = {}) {
      const at = SEEDED_AT();
      for (let i = startAt; i < startAt + count; i++) {
        const p = nuvemshopProductAt(i, state.ids.product++, state.ids.variant++, at);
        state.products.set(p.id, p);
        indexProduct(state, p);
      }
    },
    seedOrders(count) {
      const at = SEEDED_AT();
      for (let i = 0; i < count; i++) {
        const o: SimOrder = {
          id: state.ids.order++,
          number: state.ids.orderNumber++,
          token: randomBytes(8).toString('hex'),
          status: 'open',
          payment_status: i % 3 === 0 ? 'pending' : 'paid',
          shipping_status: 'unpacked',
          next_action: 'waiting_packing',
          gateway: 'mercadopago',
          currency: 'BRL',
          subtotal: '100.00',
          discount: '0.00',
          total: '120.00',
          customer: { id: null, name: `Cliente ${i}`, email: `cliente${i}@example.com` },
          products: [{ product_id: 1, variant_id: 1, name: `Produto ${i % 20}`, price: '50.00', quantity: 2, sku: `NS-${String(i % 20).padStart(6, '0')}` }],
          shipping: 'correios',
          shipping_option: 'Correios - PAC',
          shipping_pickup_type: 'ship',
          shipping_cost_customer: '20.00',
          shipping_tracking_number: null,
          shipping_tracking_url: null,
          shipping_address: null,
          billing_address: null,
          owner_note: null,
          note: null,
          cancel_reason: null,
          shipped_at: null,
          closed_at: null,
          cancelled_at: null,
          created_at: at,
          updated_at: at,
        };
        state.orders.set(o.id, o);
      }
    },
    seedCustomers(count) {
      const at = SEEDED_AT();
      for (let i = 0; i < count; i++) {
        const c: SimCustomer = {
          id: state.ids.customer++,
          name: `Cliente ${i}`,
          email: `seeded${i}@example.com`,
          phone: null,
          identification: String(10_000_000_000 + i),
          note: null,
          addresses: [],
          default_address: null,
          total_spent: '0.00',
          total_spent_currency: 'BRL',
          last_order_id: null,
          active: true,
          extra: {},
          created_at: at,
          updated_at: at,
        };
        state.customers.set(c.id, c);
      }
    },
    updateVariant(productId, change) {
      const p = state.products.get(productId);
      if (!p) throw new Error(`No Nuvemshop product ${productId}`);
      const now = nsTime();
      mutateProduct(state, p, () => Object.assign(p.variants[0], change, { updated_at: now }));
      p.updated_at = now;
    },
    productsBySku: (sku) => [...(state.skuIndex.get(sku) ?? [])].map((id) => state.products.get(id)!),
    suspend(on) {
      suspended = on;
    },
    signWebhook: (rawBody) => hmacSha256(credentials.clientSecret, rawBody, 'hex'),
    webhookBody: (event, id) => JSON.stringify({ store_id: Number(credentials.storeId), event, id: Number(id) }),
  };
}
