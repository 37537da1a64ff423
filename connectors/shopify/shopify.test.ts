/**
 * The Shopify connector against its simulator over real HTTP (GraphQL Admin API 2026-04):
 * every entity read across pages and incrementally, written and fetched by id; tokens from the
 * client credentials grant; Shopify's errors inside HTTP 200; the cost bucket; signed webhooks;
 * and flows through a real Ponte (Temporal worker + database) from Bling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlingSimulator, type BlingSimulator } from '../bling/simulator';
import type { HttpResponse } from '../http/client';
import { AuthError, ConfigError, Conflict, NotFound, RateLimited, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntityName, EntitySupport, ReadRequest, SyncRecord } from '../types';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { classifyShopifyResponse } from './client';
import { shopify } from './index';
import { gid, type ShopifySimulator, type ShopifySimulatorOptions, startShopifySimulator } from './simulator';
import { shopifyWebhooks } from './webhooks';

const pacers = new PacerRegistry();
let connections = 0;

function open(sim: ShopifySimulator, options: { credentials?: Record<string, string>; settings?: Record<string, unknown>; baseUrl?: string } = {}): ConnectionContext {
  return openConnection(
    {
      id: `shopify-test-${++connections}`,
      provider: 'shopify',
      baseUrl: options.baseUrl ?? sim.adminUrl,
      credentials: options.credentials ?? { accessToken: sim.credentials.accessToken, clientSecret: sim.credentials.clientSecret },
      settings: { rateLimit: { requestsPerSecond: 0 }, ...options.settings },
    },
    pacers,
  ).ctx;
}

const entity = (name: EntityName): Required<EntitySupport> => shopify.entities[name as keyof typeof shopify.entities] as Required<EntitySupport>;

/** Reads a whole entity batch after batch, as the fetch node does. */
async function readAll(name: EntityName, ctx: ConnectionContext, options: Partial<ReadRequest> = {}): Promise<{ records: SyncRecord[]; batches: number }> {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let batches = 0;
  do {
    const batch = await entity(name).read.read(ctx, { cursor, since: options.since ?? null, batchSize: options.batchSize ?? 100 });
    records.push(...batch.records);
    cursor = batch.nextCursor;
    batches++;
  } while (cursor !== null);
  return { records, batches };
}

async function simulator(options: ShopifySimulatorOptions = {}) {
  // The cost bucket is off unless a test is about it.
  return startShopifySimulator({ restoreRate: 0, ...options });
}

/** Seeded records carry this date; anything written by a test is newer. */
const SEEDED = '2020-01-05T12:00:00Z';
const AFTER_SEEDING = '2020-06-01T00:00:00Z';

describe('connection and tokens', () => {
  let sim: ShopifySimulator;
  beforeAll(async () => {
    sim = await simulator({ tokenLifetimeSeconds: 1 });
  });
  afterAll(() => sim?.close());

  it('tests the connection with the shop name, and shows the 401 of a refused token', async () => {
    const ok = await shopify.test(open(sim));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Loja Simulada');
    const refused = await shopify.test(open(sim, { credentials: { accessToken: 'shpat_wrong' } }));
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Invalid API key or access token');
  });

  it('gets a token with the client ID and secret once for concurrent requests, and a new one before it expires', async () => {
    const ctx = open(sim, { credentials: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret } });
    const issued = sim.stats.tokensIssued;
    await Promise.all(Array.from({ length: 8 }, () => entity('products').get(ctx, gid('Product', 1))));
    expect(sim.stats.tokensIssued).toBe(issued + 1);
    // The simulator's tokens live one second here (Shopify's, 24 hours); the connector renews
    // before Shopify would answer 401 — a 401 would mark the connection as failed.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await entity('products').get(ctx, gid('Product', 1))).toBeNull();
    expect(sim.stats.tokensIssued).toBe(issued + 2);
  });

  it('refuses a wrong client secret, and a base URL still holding the {shop} placeholder, in words a person can act on', async () => {
    const wrongSecret = open(sim, { credentials: { clientId: sim.credentials.clientId, clientSecret: 'shpss_wrong' } });
    await expect(entity('products').get(wrongSecret, gid('Product', 1))).rejects.toThrow(AuthError);
    expect((await shopify.test(wrongSecret)).status).toBe(401);
    const placeholder = open(sim, { baseUrl: shopify.defaultBaseUrl });
    await expect(entity('products').get(placeholder, gid('Product', 1))).rejects.toThrow(/minha-loja\.myshopify\.com\/admin\/api\/2026-04/);
    await expect(entity('products').get(placeholder, gid('Product', 1))).rejects.toThrow(ConfigError);
  });
});

describe('products', () => {
  let sim: ShopifySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    // 12 variants each: more than the 10 read with a product, so the rest is fetched.
    sim.seedProducts(60, { variantsPerProduct: 12, updatedAt: SEEDED });
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every product across pages, each with all its variants and its SKU', async () => {
    const { records, batches } = await readAll('products', ctx, { batchSize: 30 });
    expect(batches).toBe(2);
    expect(new Set(records.map((r) => r.key)).size).toBe(60);
    for (const r of records) {
      const variants = (r.data.variants as { nodes: Array<{ sku: string }> }).nodes;
      expect(variants, r.key).toHaveLength(12);
      expect(r.sku).toBe(variants[0].sku);
    }
    // Every query stays under Shopify's 1,000-point ceiling for a single query.
    expect(sim.stats.maxRequestedCost).toBeLessThanOrEqual(1000);
  });

  it('reads only the products changed since the cursor', async () => {
    const [first, second] = [...sim.store.products.values()];
    await entity('products').write.update(ctx, gid('Product', first.id), { data: { title: 'Renamed 1' } });
    await entity('products').write.update(ctx, gid('Product', second.id), { data: { title: 'Renamed 2' } });
    const { records } = await readAll('products', ctx, { since: AFTER_SEEDING });
    expect(records.map((r) => r.data.title).sort()).toEqual(['Renamed 1', 'Renamed 2']);
  });

  it('creates a product with its SKU on the variant, gets it, and finds it again by SKU', async () => {
    const { externalId } = await entity('products').write.create(ctx, { data: { title: 'Camiseta', status: 'ACTIVE', price: 59.9 }, sku: 'CAM-001' });
    expect(sim.productsBySku('CAM-001').map((p) => gid('Product', p.id))).toEqual([externalId]);
    const got = await entity('products').get(ctx, externalId);
    expect(got).toMatchObject({ key: externalId, sku: 'CAM-001', data: { title: 'Camiseta', variants: { nodes: [{ sku: 'CAM-001', price: '59.90' }] } } });
    expect(await entity('products').write.findBySku!(ctx, 'CAM-001')).toBe(externalId);
    expect(await entity('products').write.findBySku!(ctx, 'NOPE')).toBeNull();
  });

  it('updates a product and its price keeping the same variant, inventory item and stock', async () => {
    const { externalId } = await entity('products').write.create(ctx, { data: { title: 'Caneca', price: '30' }, sku: 'CAN-001' });
    const [before] = sim.variantsBySku('CAN-001');
    await entity('products').write.update(ctx, externalId, { data: { title: 'Caneca grande', price: 35.5 }, sku: 'CAN-001' });
    const [after] = sim.variantsBySku('CAN-001');
    expect(after).toMatchObject({ id: before.id, inventoryItemId: before.inventoryItemId, price: '35.50' });
    expect(sim.store.products.get(after.productId)!.title).toBe('Caneca grande');
  });

  it('writes variants; an update keeps each one (matched by SKU) and a parent code is stamped as a tag', async () => {
    const size = (name: string, sku: string, price: number) => ({ sku, price, optionValues: [{ optionName: 'Tamanho', name }] });
    const { externalId } = await entity('products').write.create(ctx, { data: { title: 'Bermuda', variants: [size('P', 'BER-P', 80), size('M', 'BER-M', 80)] }, sku: 'BER' });
    const product = sim.store.products.get(Number(externalId.split('/').pop()))!;
    expect(product.tags).toEqual(['ponte-sku:BER']);
    const ids = product.variantIds.slice();
    await entity('products').write.update(ctx, externalId, { data: { title: 'Bermuda', variants: [size('P', 'BER-P', 70), size('M', 'BER-M', 70), size('G', 'BER-G', 75)] }, sku: 'BER' });
    expect(product.variantIds.slice(0, 2)).toEqual(ids);
    expect(product.variantIds).toHaveLength(3);
    expect(sim.variantsBySku('BER-P')[0].price).toBe('70.00');
    expect(await entity('products').write.findBySku!(ctx, 'BER')).toBe(externalId);
    expect(await entity('products').write.findBySku!(ctx, 'BER-G')).toBe(externalId);
    const record = await entity('products').get(ctx, externalId);
    expect(record!.sku).toBe('BER');
  });

  it("fails the record with Shopify's reason when Shopify refuses it, and answers NotFound for a product deleted there", async () => {
    await expect(entity('products').write.create(ctx, { data: { title: '  ' }, sku: 'X-1' })).rejects.toThrow(/Title can't be blank/);
    await expect(entity('products').write.create(ctx, { data: { title: 'X', weight: 3 }, sku: 'X-1' })).rejects.toThrow(ValidationError);
    await expect(entity('products').write.update(ctx, gid('Product', 1), { data: { title: 'Gone' } })).rejects.toThrow(NotFound);
    expect(await entity('products').get(ctx, gid('Product', 1))).toBeNull();
  });
});

describe('stock', () => {
  let sim: ShopifySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(150, { variantsPerProduct: 3, updatedAt: SEEDED });
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads the available stock of every variant at the primary location across pages', async () => {
    const { records, batches } = await readAll('stock', ctx, { batchSize: 250 });
    expect(batches).toBe(2);
    expect(new Set(records.map((r) => r.key)).size).toBe(450);
    const v = sim.variantsBySku('SHOP-000001-M')[0];
    const r = records.find((x) => x.sku === 'SHOP-000001-M')!;
    expect(r.key).toBe(gid('InventoryItem', v.inventoryItemId));
    expect(r.data.quantities).toContainEqual({ name: 'available', quantity: 4 });
  });

  it('sets stock found by SKU, reads it back, and reads incrementally only what changed', async () => {
    const { externalId } = await entity('stock').write.create(ctx, { data: { quantity: 12 }, sku: 'SHOP-000002-P' });
    const item = sim.store.inventoryItems.get(sim.variantsBySku('SHOP-000002-P')[0].inventoryItemId)!;
    expect(externalId).toBe(gid('InventoryItem', item.id));
    expect(item.levels.get(sim.store.primaryLocation.id)!.available).toBe(12);
    // ERPs keep fractional balances (kg, m): Shopify counts whole units, rounded down.
    await entity('stock').write.update(ctx, externalId, { data: { quantity: '5.7' } });
    expect((await entity('stock').get(ctx, externalId))!.data.quantities).toContainEqual({ name: 'available', quantity: 5 });
    const { records } = await readAll('stock', ctx, { since: AFTER_SEEDING });
    expect(records.map((r) => r.sku)).toEqual(['SHOP-000002-P']);
    expect(sim.stats.inventorySets).toBe(2);
  });

  it('fails the record when Shopify has no variant with the SKU, or the record has no quantity', async () => {
    await expect(entity('stock').write.create(ctx, { data: { quantity: 1 }, sku: 'NOPE' })).rejects.toThrow(NotFound);
    await expect(entity('stock').write.update(ctx, gid('InventoryItem', sim.variantsBySku('SHOP-000003-P')[0].inventoryItemId), { data: {} })).rejects.toThrow(ValidationError);
  });

  it('sets stock at the location named on the connection, and says so when the item is not stocked there', async () => {
    const other = gid('Location', [...sim.store.locations.values()].find((l) => !l.primary)!.id);
    const atOther = open(sim, { settings: { locationId: other } });
    await expect(entity('stock').write.create(atOther, { data: { quantity: 3 }, sku: 'SHOP-000004-P' })).rejects.toThrow(/not stocked at the location/);
    expect((await readAll('stock', atOther)).records).toHaveLength(0);
  });

  it('sets stock with compare-and-set: a checkout landing between the read and the write is not overwritten', async () => {
    const item = sim.store.inventoryItems.get(sim.variantsBySku('SHOP-000005-G')[0].inventoryItemId)!;
    const level = item.levels.get(sim.store.primaryLocation.id)!;
    level.available = 10;
    level.onHand = 10;
    const sets = sim.stats.inventorySets;
    // The ERP says 8; while Ponte writes, 3 units sell on Shopify (the ERP has not seen that order yet).
    sim.store.racingSales.set(item.id, 3);
    await entity('stock').write.update(ctx, gid('InventoryItem', item.id), { data: { quantity: 8 } });
    expect(level.available).toBe(5);
    expect(sim.stats.inventorySets - sets).toBe(1);
    // Already at the ERP's figure: nothing is written.
    await entity('stock').write.update(ctx, gid('InventoryItem', item.id), { data: { quantity: 5 } });
    expect(sim.stats.inventorySets - sets).toBe(1);
  });
});

describe('prices', () => {
  let sim: ShopifySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(300, { updatedAt: SEEDED });
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it("reads every variant's price across pages, then only the prices changed since the cursor", async () => {
    const { records, batches } = await readAll('prices', ctx, { batchSize: 200 });
    expect(batches).toBe(2);
    expect(new Set(records.map((r) => r.key)).size).toBe(300);
    expect(records.find((r) => r.sku === 'SHOP-000007')!.data).toMatchObject({ price: '26.90', compareAtPrice: null });
    await entity('prices').write.create(ctx, { data: { price: 19.99, compareAtPrice: 29.99 }, sku: 'SHOP-000007' });
    const changed = await readAll('prices', ctx, { since: AFTER_SEEDING });
    expect(changed.records.map((r) => [r.sku, r.data.price, r.data.compareAtPrice])).toEqual([['SHOP-000007', '19.99', '29.99']]);
  });

  it('updates the price by variant id, clears the compare-at price with null, and refuses a record without a price', async () => {
    const id = gid('ProductVariant', sim.variantsBySku('SHOP-000008')[0].id);
    await entity('prices').write.update(ctx, id, { data: { price: '12,50', compareAtPrice: null } });
    expect((await entity('prices').get(ctx, id))!.data).toMatchObject({ price: '12.50', compareAtPrice: null });
    await expect(entity('prices').write.update(ctx, id, { data: { preco: 1 } })).rejects.toThrow(ValidationError);
    await expect(entity('prices').write.create(ctx, { data: { price: 1 }, sku: 'NOPE' })).rejects.toThrow(NotFound);
  });
});

describe('orders', () => {
  let sim: ShopifySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(20, { updatedAt: SEEDED });
    // 12 line items each: more than the 10 read with an order.
    sim.seedOrders(25, { lineItemsPerOrder: 12, updatedAt: SEEDED });
    sim.seedOrders(2, { updatedAt: SEEDED, financialStatus: 'PENDING' });
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every order across pages with all its line items, named by its number', async () => {
    const { records, batches } = await readAll('orders', ctx, { batchSize: 15 });
    expect(batches).toBe(2);
    expect(records).toHaveLength(27);
    expect(records[0]).toMatchObject({ sku: '#1001', data: { name: '#1001', displayFinancialStatus: 'PAID', displayFulfillmentStatus: 'UNFULFILLED' } });
    expect((records[0].data.lineItems as { nodes: unknown[] }).nodes).toHaveLength(12);
  });

  it('ships an order with its tracking once, then corrects the tracking, and reads incrementally what changed', async () => {
    const id = await entity('orders').write.findBySku!(ctx, '1001');
    expect(id).not.toBeNull();
    const shipped = { status: 'shipped', tracking: { number: 'BR123456789BR', company: 'Correios' } };
    await entity('orders').write.update(ctx, id!, { data: shipped });
    await entity('orders').write.update(ctx, id!, { data: shipped });
    expect(sim.stats.fulfillmentsCreated).toBe(1);
    expect(sim.stats.trackingUpdates).toBe(0);
    await entity('orders').write.update(ctx, id!, { data: { status: 'shipped', trackingNumber: 'BR987654321BR', trackingCompany: 'Correios' } });
    expect(sim.stats.trackingUpdates).toBe(1);
    const order = await entity('orders').get(ctx, id!);
    expect(order!.data).toMatchObject({ displayFulfillmentStatus: 'FULFILLED', fulfillments: [{ trackingInfo: [{ number: 'BR987654321BR', company: 'Correios' }] }] });
    const { records } = await readAll('orders', ctx, { since: AFTER_SEEDING });
    expect(records.map((r) => r.key)).toEqual([id]);
  });

  it('cancels without refunding unless told, closes, and marks a pending order as paid', async () => {
    const [cancel, close, pay] = [await entity('orders').write.findBySku!(ctx, '#1002'), await entity('orders').write.findBySku!(ctx, '#1003'), await entity('orders').write.findBySku!(ctx, '#1026')];
    await entity('orders').write.update(ctx, cancel!, { data: { status: 'cancelled', cancelReason: 'customer' } });
    await entity('orders').write.update(ctx, cancel!, { data: { status: 'cancelled' } });
    expect(sim.stats.ordersCancelled).toBe(1);
    expect((await entity('orders').get(ctx, cancel!))!.data).toMatchObject({ cancelReason: 'CUSTOMER', displayFinancialStatus: 'PAID', closed: true });
    await expect(entity('orders').write.update(ctx, cancel!, { data: { status: 'shipped' } })).rejects.toThrow(/cancelled/);
    await entity('orders').write.update(ctx, close!, { data: { status: 'closed' } });
    expect((await entity('orders').get(ctx, close!))!.data.closed).toBe(true);
    await entity('orders').write.update(ctx, pay!, { data: { status: 'paid' } });
    expect((await entity('orders').get(ctx, pay!))!.data.displayFinancialStatus).toBe('PAID');
    await expect(entity('orders').write.update(ctx, pay!, { data: { status: 'em trânsito' } })).rejects.toThrow(ValidationError);
  });

  it('never creates an order: an order Shopify does not have fails only its record', async () => {
    await expect(entity('orders').write.create(ctx, { data: { status: 'paid' }, sku: '#9999' })).rejects.toThrow(NotFound);
    expect(await entity('orders').write.findBySku!(ctx, '#9999')).toBeNull();
    expect(await entity('orders').get(ctx, gid('Order', 1))).toBeNull();
  });
});

describe('customers', () => {
  let sim: ShopifySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedCustomers(450, { updatedAt: SEEDED });
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every customer across pages with the e-mail as SKU, then only those changed since the cursor', async () => {
    const { records, batches } = await readAll('customers', ctx, { batchSize: 300 });
    expect(batches).toBe(2);
    expect(new Set(records.map((r) => r.key)).size).toBe(450);
    expect(records[0]).toMatchObject({ sku: 'cliente0@example.com.br', data: { defaultEmailAddress: { emailAddress: 'cliente0@example.com.br' } } });
    await entity('customers').write.update(ctx, records[3].key, { data: { note: 'VIP' } });
    expect((await readAll('customers', ctx, { since: AFTER_SEEDING })).records.map((r) => r.key)).toEqual([records[3].key]);
  });

  it('creates customers found again by e-mail or by the code stamped as a tag, and updates them', async () => {
    const byEmail = await entity('customers').write.create(ctx, { data: { firstName: 'Ana', lastName: 'Souza' }, sku: 'ana@example.com.br' });
    expect(await entity('customers').write.findBySku!(ctx, 'ana@example.com.br')).toBe(byEmail.externalId);
    const byCode = await entity('customers').write.create(ctx, { data: { firstName: 'Bruno', email: 'bruno@example.com.br', phone: '+5511988887777' }, sku: 'C-0042' });
    expect(await entity('customers').write.findBySku!(ctx, 'C-0042')).toBe(byCode.externalId);
    await entity('customers').write.update(ctx, byCode.externalId, { data: { lastName: 'Lima', tags: ['atacado'] }, sku: 'C-0042' });
    const got = await entity('customers').get(ctx, byCode.externalId);
    expect(got).toMatchObject({ sku: 'C-0042', data: { lastName: 'Lima', tags: ['atacado', 'ponte-sku:C-0042'] } });
  });

  it("answers a taken e-mail as a conflict and a bad one as Shopify's validation message", async () => {
    await expect(entity('customers').write.create(ctx, { data: { email: 'cliente1@example.com.br' }, sku: 'C-1' })).rejects.toThrow(Conflict);
    await expect(entity('customers').write.create(ctx, { data: { email: 'not-an-email' }, sku: 'C-2' })).rejects.toThrow(/Email is invalid/);
  });
});

describe("Shopify's errors and limits", () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, body, text: JSON.stringify(body), latencyMs: 1 });

  it('recognises errors Shopify sends inside HTTP 200 and the statuses that are about the store, not the record', () => {
    const throttled = classifyShopifyResponse(
      response(200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: { cost: { requestedQueryCost: 852, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 310, restoreRate: 100 } } },
      }),
    );
    expect(throttled).toBeInstanceOf(RateLimited);
    // (852 - 310) points at 100 per second, plus a margin.
    expect((throttled as RateLimited).retryAfterMs).toBe(5470);
    expect(classifyShopifyResponse(response(200, { errors: [{ message: 'Access denied for products field.', extensions: { code: 'ACCESS_DENIED' } }] }))).toBeInstanceOf(AuthError);
    expect(classifyShopifyResponse(response(200, { data: { productSet: { product: null, userErrors: [{ field: ['identifier', 'id'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }] } } }))).toBeInstanceOf(NotFound);
    expect(classifyShopifyResponse(response(200, { data: { products: { nodes: [] } }, extensions: { search: [{ query: 'updatd_at:>1', warnings: [{ field: 'updatd_at', message: 'Invalid search field for this query.' }] }] } }))).toBeInstanceOf(ConfigError);
    expect(classifyShopifyResponse(response(402, { errors: 'Unavailable Shop' }))).toBeInstanceOf(ConfigError);
    expect(classifyShopifyResponse(response(404, { errors: 'Not Found' }))).toBeInstanceOf(ConfigError);
    // 429 (with Retry-After), 401 and 5xx go to the shared classification.
    expect(classifyShopifyResponse(response(429, { errors: 'Exceeded 2 calls per second for api client.' }, { 'retry-after': '2.0' }))).toBeUndefined();
    expect(classifyShopifyResponse(response(200, { data: { shop: { name: 'x' } } }))).toBeNull();
  });

  it('the simulator refuses what Shopify refuses: a Bearer token, oversized or unsized pages, inventory writes without @idempotent or changeFromQuantity', async () => {
    const sim = await simulator();
    try {
      sim.seedProducts(1);
      const post = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = { 'x-shopify-access-token': sim.credentials.accessToken }) => {
        const res = await fetch(`${sim.adminUrl}/graphql.json`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
        return { status: res.status, body: (await res.json()) as { errors?: Array<{ message: string }> | string; data?: Record<string, { userErrors?: Array<{ code: string }> }> } };
      };
      expect((await post('{ shop { name } }', {}, { authorization: `Bearer ${sim.credentials.accessToken}` })).status).toBe(401);
      expect(JSON.stringify((await post('{ products(first: 251) { nodes { id } } }')).body.errors)).toContain('between 0 and 250');
      expect(JSON.stringify((await post('{ products { nodes { id } } }')).body.errors)).toContain('you must provide one of first or last');
      const item = gid('InventoryItem', sim.store.variants.values().next().value!.inventoryItemId);
      const location = gid('Location', sim.store.primaryLocation.id);
      const set = 'mutation S($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }';
      const input = (q: Record<string, unknown>) => ({ input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: item, locationId: location, quantity: 1, ...q }] } });
      expect(JSON.stringify((await post(set, input({ changeFromQuantity: null }))).body.errors)).toContain('@idempotent');
      const withKey = set.replace('(input: $input)', '(input: $input) @idempotent(key: "k1")');
      expect((await post(withKey, input({}))).body.data!.inventorySetQuantities.userErrors![0].code).toBe('COMPARE_QUANTITY_REQUIRED');
    } finally {
      await sim.close();
    }
  });

  it('waits as long as the cost bucket needs when Shopify throttles a read, and reads every product', async () => {
    const sim = await startShopifySimulator({ bucketSize: 1000, restoreRate: 1000 });
    try {
      sim.seedProducts(60, { variantsPerProduct: 12 });
      const { records } = await readAll('products', open(sim), { batchSize: 100 });
      expect(new Set(records.map((r) => r.key)).size).toBe(60);
      expect(sim.stats.throttled).toBeGreaterThan(0);
      console.log(`[shopify] cost bucket: ${sim.stats.throttled} THROTTLED answers while reading 60 products with 12 variants`);
    } finally {
      await sim.close();
    }
  });
});

describe('webhooks', () => {
  let sim: ShopifySimulator;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(3);
  });
  afterAll(() => sim?.close());
  const credentials = () => ({ clientSecret: sim.credentials.clientSecret });

  it('accepts a delivery signed with the client secret and rejects a forged, tampered or unsigned one', () => {
    const delivery = sim.webhook('orders/create', { id: 820982911946154500, admin_graphql_api_id: 'gid://shopify/Order/820982911946154500', name: '#1001' });
    expect(shopifyWebhooks.verify(delivery, credentials(), {})).toBe('valid');
    expect(shopifyWebhooks.verify({ ...delivery, rawBody: delivery.rawBody.replace('#1001', '#1002') }, credentials(), {})).toBe('invalid');
    expect(shopifyWebhooks.verify(sim.webhook('orders/create', { id: 1 }, { secret: 'shpss_someone_else' }), credentials(), {})).toBe('invalid');
    const { 'x-shopify-hmac-sha256': _dropped, ...unsigned } = delivery.headers;
    expect(shopifyWebhooks.verify({ ...delivery, headers: unsigned }, credentials(), {})).toBe('invalid');
    expect(shopifyWebhooks.verify(delivery, {}, {})).toBe('invalid');
  });

  it('turns deliveries into events keyed by the webhook id, pointing to records get can fetch', async () => {
    const product = [...sim.store.products.values()][0];
    const variant = sim.store.variants.get(product.variantIds[0])!;
    const delivery = sim.webhook('products/update', { id: product.id, admin_graphql_api_id: gid('Product', product.id), title: product.title }, { webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    const [event] = shopifyWebhooks.parse(delivery);
    expect(event).toEqual({ eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', topic: 'products/update', entity: 'products', action: 'updated', resourceId: gid('Product', product.id) });
    expect((await entity('products').get(open(sim), event.resourceId))!.key).toBe(event.resourceId);
    const [level] = shopifyWebhooks.parse(sim.webhook('inventory_levels/update', { inventory_item_id: variant.inventoryItemId, location_id: sim.store.primaryLocation.id, available: 3 }));
    expect(level).toMatchObject({ entity: 'stock', action: 'updated', resourceId: gid('InventoryItem', variant.inventoryItemId) });
    expect((await entity('stock').get(open(sim), level.resourceId))!.sku).toBe(variant.sku);
    expect(shopifyWebhooks.parse(sim.webhook('fulfillments/create', { id: 1, order_id: 42 }))[0]).toMatchObject({ entity: 'orders', action: 'updated', resourceId: gid('Order', 42) });
    expect(shopifyWebhooks.parse(sim.webhook('products/delete', { id: 99 }))[0]).toMatchObject({ action: 'deleted', resourceId: gid('Product', 99) });
    expect(shopifyWebhooks.parse(sim.webhook('app/uninstalled', { id: 1 }))).toEqual([]);
  });
});

describe('flows through Ponte', () => {
  let h: Harness;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(closers.map((close) => close()));
  });

  async function blingWith(products: number): Promise<BlingSimulator> {
    const sim = await startBlingSimulator({ requestsPerSecond: 0 });
    closers.push(() => sim.close());
    sim.seedProducts(products);
    return sim;
  }
  async function shop(options: ShopifySimulatorOptions = {}) {
    const sim = await simulator(options);
    closers.push(() => sim.close());
    return sim;
  }
  const blingConnection = (sim: BlingSimulator) => ({ name: 'Bling', provider: 'bling', baseUrl: `${sim.url}/Api/v3`, credentials: { accessToken: sim.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  const shopConnection = (sim: ShopifySimulator, rateLimit: Record<string, number> = { requestsPerSecond: 0 }) => ({
    name: 'Shopify',
    provider: 'shopify',
    baseUrl: sim.adminUrl,
    credentials: { accessToken: sim.credentials.accessToken, clientSecret: sim.credentials.clientSecret },
    settings: { rateLimit },
  });
  const fields = { title: 'nome', status: "'ACTIVE'", vendor: "'Bling'", price: 'preco' };

  /** Every Bling product is in Shopify exactly once, under its código as SKU, with its name and price. */
  function expectCopied(bling: BlingSimulator, shopSim: ShopifySimulator) {
    expect(shopSim.store.products.size).toBe(bling.products.size);
    expect(shopSim.stats.productCreates).toBe(bling.products.size);
    for (const p of bling.products.values()) {
      const variants = shopSim.variantsBySku(p.codigo);
      expect(variants, p.codigo).toHaveLength(1);
      expect(variants[0].price).toBe(p.preco.toFixed(2));
      expect(shopSim.store.products.get(variants[0].productId)!.title).toBe(p.nome);
    }
  }

  it('moves 5,000 products from Bling to Shopify, each created once', async () => {
    const bling = await blingWith(5000);
    const target = await shop();
    const { flowId } = await setUpFlow(h, {
      source: { connection: blingConnection(bling), entity: 'products', batchSize: 1000 },
      target: { connection: shopConnection(target), entity: 'products' },
      fields,
    });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 5000, created: 5000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expectCopied(bling, target);
  });

  it("slows down through a burst of 429s and Shopify's cost bucket without losing or repeating a product", async () => {
    const bling = await blingWith(300);
    // A small cost bucket (100 points, 400 restored per second) under a connection paced at 50
    // requests/s: a write costs 11 points, so the pace outruns the bucket and Shopify answers
    // THROTTLED on top of the 40 injected 429s.
    const target = await shop({ bucketSize: 100, restoreRate: 400 });
    const { flowId } = await setUpFlow(h, {
      source: { connection: blingConnection(bling), entity: 'products', batchSize: 150 },
      target: { connection: shopConnection(target, { requestsPerSecond: 50, burst: 10 }), entity: 'products' },
      fields,
    });
    target.faults.throttleNext(40);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 300, created: 300, failed: 0, conflict: 0 });
    expect(target.faults.throttled).toBe(40);
    console.log(`[shopify] throttling answers during the burst: ${target.stats.throttlingAnswers} (${target.faults.throttled} HTTP 429 injected, ${target.stats.throttled} THROTTLED from the cost bucket)`);
    expectCopied(bling, target);

    const again = await runFlow(h, flowId);
    expect(again.counters).toMatchObject({ processed: 300, created: 0, updated: 0, skipped: 300, failed: 0 });
  });
});
