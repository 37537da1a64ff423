/**
 * WooCommerce REST API v3 simulator, built from the public docs and WooCommerce's source
 * (woocommerce/woocommerce-rest-api-docs; plugins/woocommerce/includes/rest-api):
 * - base path /wp-json/wc/v3; anything else gets WordPress's HTML home page with HTTP 200, as a
 *   store with plain permalinks or a wrong base URL does;
 * - auth with the key pair as HTTP Basic or `consumer_key`/`consumer_secret` in the query; wrong
 *   key or secret: 401 `woocommerce_rest_authentication_error`; none: 401 `woocommerce_rest_cannot_*`;
 *   a read-only key that writes: 401; `stripsAuthorization` mimics hosts that drop the header;
 * - `page`/`per_page` (1–100, default 10) with X-WP-Total, X-WP-TotalPages and Link built from
 *   the site address (`siteUrl`, not the address the client used);
 * - `modified_after` etc. as WP_Date_Query reads them, in the site's timezone (UTC-3) unless
 *   `dates_are_gmt=true`;
 * - products and variations (one id space, SKUs unique across both; `?sku=` finds variations
 *   too), stock ignored unless `manage_stock`, prices as strings, variation attributes the parent
 *   does not declare dropped silently; batch endpoints with at most 100 items and per-item errors
 *   inside HTTP 200;
 * - orders with notes; customers unique by e-mail, `username` not editable;
 * - WordPress error bodies `{"code","message","data":{"status",…}}`.
 * WooCommerce core has no rate limit: `requestsPerSecond` plays the host or WAF in front of it,
 * answering 429 with an HTML page and Retry-After. The simulator is stricter than WooCommerce in
 * one place: it type-checks items inside batches too (PHP would coerce a numeric price).
 */
import { randomBytes } from 'node:crypto';
import { type RunningSimulator, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, fixedWindow } from '../../simulator-kit/throttle';
import { Catalog, type Post } from './catalog';
import { catalogRoutes } from './catalog-routes';
import { authenticate, homePage, type KeyPermissions, refuseAnonymous, serviceUnavailable, tooManyRequests } from './host';
import { BASE, json } from './rest';
import { type Customer, type Order, Sales } from './sales';
import { salesRoutes } from './sales-routes';
import { buildDelivery, buildPing, signWebhook, type WebhookDelivery } from './webhooks';
import { noRoute } from './wp';

export type { WebhookDelivery } from './webhooks';

export interface WooCommerceSimulatorOptions {
  port?: number;
  /** The store's own address, used in Link headers, permalinks and X-WC-Webhook-Source. */
  siteUrl?: string;
  consumerKey?: string;
  consumerSecret?: string;
  webhookSecret?: string;
  /** The key's permission, as chosen in WooCommerce → Avançado → API REST. */
  permissions?: KeyPermissions;
  /** Requests per second the host or WAF allows (WooCommerce itself has no limit). 0: none. */
  requestsPerSecond?: number;
  /** Retry-After sent with a 429 (seconds); null sends none, as many WAFs do. */
  retryAfterSeconds?: number | null;
  /** The host drops the Authorization header (Apache + CGI/FastCGI), so only query auth works. */
  stripsAuthorization?: boolean;
}

export interface WooCommerceSimulator extends RunningSimulator {
  readonly faults: FaultPlan;
  readonly credentials: { consumerKey: string; consumerSecret: string; webhookSecret: string };
  /** requests: every request that reached WordPress; throttled: every 429 sent (injected or over the limit). */
  readonly stats: { requests: number; overLimit: number; throttled: number; batches: number; batchItems: number; productCreates: number; productUpdates: number };
  readonly catalog: Catalog;
  readonly sales: Sales;
  seedProducts(count: number, options?: { startAt?: number }): Post[];
  seedVariableProduct(options: { sku: string; name?: string; colors: string[] }): Post;
  seedOrders(count: number): Order[];
  seedCustomers(count: number): Customer[];
  /** A change made in the store's admin: the fields change and the modification date moves. */
  editProduct(id: number, change: Partial<Pick<Post, 'name' | 'regularPrice' | 'salePrice' | 'stockQuantity' | 'manageStock'>>): void;
  editOrder(id: number, change: Partial<Pick<Order, 'status'>>): void;
  editCustomer(id: number, change: Partial<Pick<Customer, 'firstName' | 'lastName'>>): void;
  /** Products (not variations) with this SKU, as GET /products renders them. */
  productsBySku(sku: string): Array<Record<string, unknown>>;
  product(id: number): Record<string, unknown> | undefined;
  variation(id: number): Record<string, unknown> | undefined;
  order(id: number): Record<string, unknown> | undefined;
  customer(id: number): Record<string, unknown> | undefined;
  notes(orderId: number): Array<Record<string, unknown>>;
  /** The X-WC-Webhook-Signature WooCommerce would send for this body. */
  signWebhook(rawBody: string): string;
  /** A delivery as WooCommerce sends it for `topic` (e.g. `product.updated`) about resource `id`. */
  webhookDelivery(topic: string, id: number, options?: { webhookId?: number }): WebhookDelivery;
  /** The unsigned ping sent when a webhook is saved. */
  webhookPing(webhookId?: number): WebhookDelivery;
}

export const SEEDED_AT = Date.parse('2026-01-05T12:00:00Z');

export async function startWooCommerceSimulator(options: WooCommerceSimulatorOptions = {}): Promise<WooCommerceSimulator> {
  const siteUrl = (options.siteUrl ?? 'https://loja.exemplo.com.br').replace(/\/+$/, '');
  const credentials = {
    consumerKey: options.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`,
    consumerSecret: options.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`,
    webhookSecret: options.webhookSecret ?? randomBytes(16).toString('base64url'),
  };
  const permissions = options.permissions ?? 'read_write';
  const retryAfter = options.retryAfterSeconds === undefined ? 1 : options.retryAfterSeconds;
  const faults = new FaultPlan();
  const throttle = fixedWindow(options.requestsPerSecond ?? 0, 1000);
  const stats = { requests: 0, overLimit: 0, throttled: 0, batches: 0, batchItems: 0, productCreates: 0, productUpdates: 0 };
  let lastPostId = 100;
  const nextPostId = () => ++lastPostId;
  const clock = () => Date.now();
  const catalog = new Catalog(nextPostId, clock);
  const sales = new Sales(catalog, nextPostId, clock);

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (req.path !== BASE && !req.path.startsWith(`${BASE}/`)) {
        if (req.path.startsWith('/wp-json/')) return noRoute();
        return homePage;
      }
      // The host or WAF answers before WordPress runs.
      const fault = faults.next();
      if (fault === 'throttle') {
        stats.throttled++;
        return tooManyRequests(retryAfter);
      }
      if (fault === 'fail') return serviceUnavailable;
      if (!throttle(req.query.get('consumer_key') ?? req.headers.authorization ?? 'anonymous').allowed) {
        stats.overLimit++;
        stats.throttled++;
        return tooManyRequests(retryAfter);
      }
      stats.requests++;
      // WordPress parses a body as JSON only when it says it is JSON.
      const type = String(req.headers['content-type'] ?? '');
      if (req.rawBody && !type.includes('application/json') && !type.includes('application/x-www-form-urlencoded')) req.body = {};
      if (req.path === BASE && req.method === 'GET') return null; // the namespace index is public
      const who = authenticate(req, credentials, permissions, options.stripsAuthorization === true);
      if (who === 'anonymous') return refuseAnonymous(req);
      return who === 'ok' ? null : who;
    },
    notFound: () => noRoute(),
    routes: [{ method: 'GET', path: BASE, handler: () => json(200, { namespace: 'wc/v3', routes: {} }) }, ...catalogRoutes(catalog, stats, siteUrl), ...salesRoutes(sales, siteUrl)],
  });

  const at = (ms: number) => ({ created: ms, modified: ms });
  const renderProduct = (p: Post) => catalog.renderProduct(p, siteUrl);
  const renderAny = (topicResource: string, id: number): Record<string, unknown> | undefined => {
    if (topicResource === 'product') {
      const p = catalog.get(id);
      return p ? renderProduct(p) : undefined;
    }
    if (topicResource === 'order') {
      const o = sales.orders.get(id);
      return o ? sales.renderOrder(o) : undefined;
    }
    const c = sales.customers.get(id);
    return c ? sales.renderCustomer(c) : undefined;
  };

  return {
    ...sim,
    faults,
    credentials,
    stats,
    catalog,
    sales,
    seedProducts(count, { startAt = 1 } = {}) {
      const out: Post[] = [];
      for (let i = startAt; i < startAt + count; i++) {
        const p = catalog.save(
          { name: `Produto ${i}`, sku: `WOO-${String(i).padStart(6, '0')}`, regular_price: (10 + (i % 400) * 1.25).toFixed(2), manage_stock: true, stock_quantity: (i * 3) % 40 },
          {},
        ) as Post;
        Object.assign(p, at(SEEDED_AT));
        out.push(p);
      }
      return out;
    },
    seedVariableProduct({ sku, name, colors }) {
      const parent = catalog.save({ name: name ?? `Camiseta ${sku}`, sku, type: 'variable', attributes: [{ name: 'Cor', options: colors, variation: true, visible: true }] }, {}) as Post;
      Object.assign(parent, at(SEEDED_AT));
      colors.forEach((color, i) => {
        const v = catalog.save({ sku: `${sku}-${color.toUpperCase()}`, regular_price: (49.9 + i * 5).toFixed(2), manage_stock: true, stock_quantity: 5 + i, attributes: [{ name: 'Cor', option: color }] }, { parentId: parent.id }) as Post;
        Object.assign(v, at(SEEDED_AT));
      });
      return parent;
    },
    seedOrders(count) {
      const products = catalog.products();
      const out: Order[] = [];
      for (let i = 1; i <= count; i++) {
        const product = products.length ? products[i % products.length] : undefined;
        const o = sales.saveOrder({
          status: 'processing',
          payment_method: 'pix',
          billing: { first_name: `Cliente`, last_name: `${i}`, email: `cliente${i}@exemplo.com.br`, city: 'São Paulo', state: 'SP', country: 'BR' },
          line_items: product ? [{ product_id: product.id, quantity: 1 + (i % 3) }] : [],
        }) as Order;
        Object.assign(o, at(SEEDED_AT));
        out.push(o);
      }
      return out;
    },
    seedCustomers(count) {
      const out: Customer[] = [];
      for (let i = 1; i <= count; i++) {
        const c = sales.saveCustomer({ email: `cliente${String(i).padStart(5, '0')}@exemplo.com.br`, first_name: 'Cliente', last_name: String(i).padStart(5, '0'), billing: { city: 'Recife', state: 'PE', country: 'BR' } }) as Customer;
        Object.assign(c, at(SEEDED_AT));
        out.push(c);
      }
      return out;
    },
    editProduct(id, change) {
      const p = catalog.get(id);
      if (!p) throw new Error(`No WooCommerce product ${id}`);
      Object.assign(p, change, { modified: Date.now() });
    },
    editOrder(id, change) {
      const o = sales.orders.get(id);
      if (!o) throw new Error(`No WooCommerce order ${id}`);
      Object.assign(o, change, { modified: Date.now() });
    },
    editCustomer(id, change) {
      const c = sales.customers.get(id);
      if (!c) throw new Error(`No WooCommerce customer ${id}`);
      Object.assign(c, change, { modified: Date.now() });
    },
    productsBySku(sku) {
      return catalog
        .products()
        .filter((p) => p.sku === sku)
        .map(renderProduct);
    },
    product: (id) => {
      const p = catalog.get(id, 'product');
      return p && renderProduct(p);
    },
    variation: (id) => {
      const v = catalog.get(id, 'variation');
      return v && { ...catalog.renderVariation(v, siteUrl), parent_id: v.parentId };
    },
    order: (id) => {
      const o = sales.orders.get(id);
      return o && sales.renderOrder(o);
    },
    customer: (id) => {
      const c = sales.customers.get(id);
      return c && sales.renderCustomer(c);
    },
    notes: (orderId) => (sales.orders.get(orderId)?.notes ?? []).map((n) => sales.renderNote(n)),
    signWebhook: (rawBody) => signWebhook(credentials.webhookSecret, rawBody),
    webhookDelivery(topic, id, { webhookId = 7 } = {}) {
      const [resource, event] = topic.split('.');
      // A deleted resource is sent as its id alone.
      const payload = event === 'deleted' ? { id } : renderAny(resource, id);
      if (!payload) throw new Error(`Nothing to deliver for ${topic} ${id}`);
      return buildDelivery({ topic, payload, secret: credentials.webhookSecret, webhookId, siteUrl });
    },
    webhookPing: (webhookId = 7) => buildPing(webhookId),
  };
}
