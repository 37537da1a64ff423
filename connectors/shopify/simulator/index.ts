/**
 * Shopify Admin API simulator (GraphQL, version 2026-04), built from shopify.dev:
 * - `POST /admin/api/{version}/graphql.json` with `{query, variables}`; the token goes in
 *   `X-Shopify-Access-Token` (a Bearer header is refused like any wrong token: 401
 *   `{"errors":"[API] Invalid API key or access token …"}`);
 * - `POST /admin/oauth/access_token` with `grant_type=client_credentials` (Dev Dashboard apps):
 *   a token that expires after `expires_in` seconds (about 24 h), no refresh token;
 * - static validation before anything runs (unknown fields, arguments and input fields, types of
 *   variables, `first`/`last` required and at most 250), errors in HTTP 200 `errors[]`;
 * - calculated query cost (objects 1, connections 2 + nodes asked, mutations 10, productSet
 *   + 0.2 per variant), a 1,000-point ceiling per query (`MAX_COST_EXCEEDED`) and a leaky bucket
 *   per token (Standard plan: 2,000 points, 100 restored per second) answered with HTTP 200
 *   `THROTTLED` and `extensions.cost.throttleStatus`;
 * - business errors as `userErrors` inside the mutation payload, also in HTTP 200;
 * - webhooks signed with base64 HMAC-SHA256 of the raw body, keyed with the app's client secret.
 *
 * `faults.throttleNext(n)` answers HTTP 429 with `Retry-After: 1.0` and the THROTTLED body (the
 * other form Shopify's throttling takes); `faults.failNext(n)` answers 503.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingWebhook } from '../../types';
import { type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan } from '../../simulator-kit/throttle';
import { GraphQLFailure, MAX_QUERY_COST, plan } from './graphql';
import { createResolvers, mutationCost, type SimStats } from './resolvers';
import { shopifySchema } from './schema';
import type { SearchWarning } from './search';
import { ShopStore, type SimCustomer, type SimOrder, type SimProduct, type SimVariant } from './store';

export { gid, idOf } from './store';
export type { SimCustomer, SimOrder, SimProduct, SimVariant } from './store';

export const SIMULATED_API_VERSION = '2026-04';

export interface ShopifySimulatorOptions {
  port?: number;
  /** The shop's handle (`{shop}.myshopify.com`). */
  shop?: string;
  /** A static Admin API token accepted from the start (legacy custom app). */
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Points restored per second; Shopify Standard plan: 100. 0 turns the cost limit off. */
  restoreRate?: number;
  /** Bucket size in points; Standard plan: 2,000. */
  bucketSize?: number;
  /** Lifetime of client-credentials tokens, in seconds (Shopify: 86,399). */
  tokenLifetimeSeconds?: number;
}

export interface ShopifySimulator extends RunningSimulator {
  /** Base URL of the Admin API for connections: `{url}/admin/api/2026-04`. */
  readonly adminUrl: string;
  readonly store: ShopStore;
  readonly faults: FaultPlan;
  readonly credentials: { accessToken: string; clientId: string; clientSecret: string; shop: string };
  readonly stats: SimStats & {
    requests: number;
    /** Requests answered THROTTLED because the cost bucket was empty (injected faults not counted). */
    throttled: number;
    /** Every throttling answer sent: cost-bucket THROTTLED plus injected 429s. */
    readonly throttlingAnswers: number;
    tokensIssued: number;
    /** Largest requested cost seen, to check the connector's queries stay under 1,000. */
    maxRequestedCost: number;
  };
  seedProducts(count: number, options?: { startAt?: number; variantsPerProduct?: number; updatedAt?: string }): SimProduct[];
  seedOrders(count: number, options?: { lineItemsPerOrder?: number; updatedAt?: string; financialStatus?: string }): SimOrder[];
  seedCustomers(count: number, options?: { updatedAt?: string }): SimCustomer[];
  /** Variants carrying this SKU (Shopify allows duplicates; a test counts them). */
  variantsBySku(sku: string): SimVariant[];
  /** Products with a variant carrying this SKU. */
  productsBySku(sku: string): SimProduct[];
  /** Base64 HMAC-SHA256 of the raw body with the client secret: the `X-Shopify-Hmac-Sha256` header. */
  signWebhook(rawBody: string): string;
  /** A delivery as Ponte receives it: Shopify's headers, signed, and the body as sent. */
  webhook(topic: string, payload: unknown, options?: { webhookId?: string; secret?: string }): IncomingWebhook;
  /** Every token issued so far stops working, as when the merchant uninstalls the app. */
  expireAccessTokens(): void;
}

const INVALID_TOKEN = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

function throttledBody(requested: number, available: number, bucket: { size: number; rate: number }) {
  return {
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: bucket.size, currentlyAvailable: Math.floor(available), restoreRate: bucket.rate } } },
  };
}

export async function startShopifySimulator(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const shop = options.shop ?? 'loja-simulada';
  const store = new ShopStore();
  const faults = new FaultPlan();
  const credentials = {
    accessToken: options.accessToken ?? `shpat_${randomBytes(16).toString('hex')}`,
    clientId: options.clientId ?? randomBytes(16).toString('hex'),
    clientSecret: options.clientSecret ?? `shpss_${randomBytes(16).toString('hex')}`,
    shop,
  };
  const bucket = { size: options.bucketSize ?? 2000, rate: options.restoreRate ?? 100 };
  const lifetime = options.tokenLifetimeSeconds ?? 86_399;
  /** Token -> expiry (ms since epoch); the static token never expires. */
  const tokens = new Map<string, number>([[credentials.accessToken, Number.POSITIVE_INFINITY]]);
  const buckets = new Map<string, { available: number; last: number }>();
  const counters = { requests: 0, throttled: 0, tokensIssued: 0, maxRequestedCost: 0 };
  const sims: SimStats = { productCreates: 0, productUpdates: 0, priceUpdates: 0, inventorySets: 0, customerCreates: 0, customerUpdates: 0, fulfillmentsCreated: 0, trackingUpdates: 0, ordersCancelled: 0, ordersClosed: 0, ordersMarkedPaid: 0 };
  const stats = Object.defineProperty(Object.assign(sims, counters), 'throttlingAnswers', {
    get: () => stats.throttled + faults.throttled,
    enumerable: true,
  }) as ShopifySimulator['stats'];

  let searchWarnings: Array<{ path: string[]; query: string; warnings: SearchWarning[] }> = [];
  const resolvers = createResolvers({
    store,
    stats,
    shop: { name: 'Loja Simulada', domain: `${shop}.myshopify.com` },
    warn: (path, query, warnings) => searchWarnings.push({ path: [path], query, warnings }),
  });

  const headers = () => ({ 'x-request-id': randomUUID(), 'x-shopify-api-version': SIMULATED_API_VERSION });

  /** Leaky bucket per token: refill at `rate`, take `cost` if it fits. */
  const bucketFor = (token: string) => {
    const now = Date.now();
    const b = buckets.get(token) ?? { available: bucket.size, last: now };
    b.available = Math.min(bucket.size, b.available + ((now - b.last) / 1000) * bucket.rate);
    b.last = now;
    buckets.set(token, b);
    return b;
  };

  const graphql = (req: SimRequest): SimResponse => {
    const token = String(req.headers['x-shopify-access-token']);
    if (!/^\d{4}-(01|04|07|10)$|^unstable$/.test(req.params.version)) return { status: 404, body: { errors: 'Not Found' }, headers: headers() };
    const contentType = String(req.headers['content-type'] ?? '');
    const body = (req.body ?? {}) as { query?: unknown; variables?: unknown };
    if (!contentType.includes('application/json') || typeof body.query !== 'string') return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } }, headers: headers() };

    searchWarnings = [];
    let operation;
    try {
      operation = plan(shopifySchema, body.query, (body.variables ?? {}) as Record<string, unknown>, mutationCost);
    } catch (err) {
      if (err instanceof GraphQLFailure) return { status: 200, body: { errors: err.errors }, headers: headers() };
      throw err;
    }
    const requested = operation.requestedCost;
    stats.maxRequestedCost = Math.max(stats.maxRequestedCost, requested);
    if (requested > MAX_QUERY_COST)
      return {
        status: 200,
        headers: headers(),
        body: {
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.`,
              extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST, documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
        },
      };

    const b = bucketFor(token);
    if (bucket.rate > 0 && b.available < requested) {
      stats.throttled++;
      return { status: 200, body: throttledBody(requested, b.available, bucket), headers: headers() };
    }
    if (bucket.rate > 0) b.available -= requested;
    const result = operation.run(operation.operation.type === 'query' ? resolvers.query : resolvers.mutation);
    // Shopify refunds the difference between requested and actual cost once the query ran.
    if (bucket.rate > 0) b.available = Math.min(bucket.size, b.available + (requested - result.actualCost));
    const extensions: Record<string, unknown> = {
      cost: { requestedQueryCost: requested, actualQueryCost: result.actualCost, throttleStatus: { maximumAvailable: bucket.size, currentlyAvailable: Math.floor(b.available), restoreRate: bucket.rate } },
    };
    if (searchWarnings.length) extensions.search = searchWarnings;
    return { status: 200, body: { ...(result.errors ? { errors: result.errors } : {}), data: result.data, extensions }, headers: headers() };
  };

  const accessToken = (req: SimRequest): SimResponse => {
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `grant_type ${form.grant_type ?? '(missing)'} is not supported here` }, headers: headers() };
    if (form.client_id !== credentials.clientId || form.client_secret !== credentials.clientSecret)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed: unknown client or wrong client secret' }, headers: headers() };
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    tokens.set(token, Date.now() + lifetime * 1000);
    stats.tokensIssued++;
    return { status: 200, body: { access_token: token, scope: 'read_products,write_products,read_inventory,write_inventory,read_orders,write_orders,read_customers,write_customers,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders', expires_in: lifetime }, headers: headers() };
  };

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      stats.requests++;
      if (req.path === '/admin/oauth/access_token') return null;
      const token = req.headers['x-shopify-access-token'];
      const expires = typeof token === 'string' ? tokens.get(token) : undefined;
      if (expires === undefined || expires <= Date.now()) return { status: 401, body: INVALID_TOKEN, headers: headers() };
      const fault = faults.next();
      if (fault === 'throttle') {
        const b = bucketFor(String(token));
        return { status: 429, body: throttledBody(0, b.available, bucket), headers: { ...headers(), 'retry-after': '1.0' } };
      }
      if (fault === 'fail') return { status: 503, body: { errors: 'Service Unavailable' }, headers: headers() };
      return null;
    },
    notFound: () => ({ status: 404, body: { errors: 'Not Found' }, headers: headers() }),
    routes: [
      { method: 'POST', path: '/admin/oauth/access_token', handler: accessToken },
      { method: 'POST', path: '/admin/api/:version/graphql.json', handler: graphql },
    ],
  });

  const signWebhook = (rawBody: string, secret = credentials.clientSecret) => createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');

  return {
    ...sim,
    adminUrl: `${sim.url}/admin/api/${SIMULATED_API_VERSION}`,
    store,
    faults,
    credentials,
    stats,
    seedProducts: (count, o) => store.seedProducts(count, o),
    seedOrders: (count, o) => store.seedOrders(count, o),
    seedCustomers: (count, o) => store.seedCustomers(count, o),
    variantsBySku: (sku) => [...(store.variantsBySku.get(sku) ?? [])].map((id) => store.variants.get(id)!),
    productsBySku: (sku) => [...new Set([...(store.variantsBySku.get(sku) ?? [])].map((id) => store.variants.get(id)!.productId))].map((id) => store.products.get(id)!),
    signWebhook: (rawBody) => signWebhook(rawBody),
    webhook(topic, payload, o = {}) {
      const rawBody = JSON.stringify(payload);
      return {
        rawBody,
        query: {},
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-hmac-sha256': signWebhook(rawBody, o.secret),
          'x-shopify-shop-domain': `${shop}.myshopify.com`,
          'x-shopify-api-version': SIMULATED_API_VERSION,
          'x-shopify-webhook-id': o.webhookId ?? randomUUID(),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-triggered-at': new Date().toISOString(),
        },
      };
    },
    expireAccessTokens: () => tokens.clear(),
  };
}
