import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import type { HttpResponse } from '../http/client';
import { AuthError, ConfigError, NotFound, RateLimited, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntityName, EntitySupport, IncomingWebhook, ReadResult, SyncRecord } from '../types';
import { classify } from './client';
import { nuvemshop } from './index';
import { type NuvemshopSimulator, startNuvemshopSimulator } from './simulator';

/** A connection to the simulator, pacing off unless a test sets it. */
function connect(sim: NuvemshopSimulator, overrides: { credentials?: Record<string, string>; settings?: Record<string, unknown> } = {}): ConnectionContext {
  return openConnection(
    {
      id: `ns-${Math.random().toString(36).slice(2, 8)}`,
      provider: 'nuvemshop',
      baseUrl: sim.baseUrl,
      credentials: { ...sim.credentials, ...overrides.credentials },
      settings: { rateLimit: { requestsPerSecond: 0 }, ...overrides.settings },
    },
    new PacerRegistry(),
  ).ctx;
}

const entity = (name: EntityName): EntitySupport => (nuvemshop.entities as Partial<Record<EntityName, EntitySupport>>)[name]!;

/** Reads an entity to the end, batch by batch, as a flow would. */
async function readAll(ctx: ConnectionContext, name: EntityName, options: { since?: string | null; batchSize?: number } = {}) {
  const records: SyncRecord[] = [];
  const batches: number[] = [];
  let cursor: string | null = null;
  do {
    const batch: ReadResult = await entity(name).read!.read(ctx, { cursor, since: options.since ?? null, batchSize: options.batchSize ?? 500 });
    records.push(...batch.records);
    batches.push(batch.records.length);
    cursor = batch.nextCursor;
  } while (cursor);
  return { records, batches };
}

/** A raw call, to check what the simulator itself enforces. */
async function raw(sim: NuvemshopSimulator, path: string, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`${sim.baseUrl}/${sim.credentials.storeId}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers as Record<string, string>, body: text ? JSON.parse(text) : undefined };
}

const goodHeaders = (sim: NuvemshopSimulator) => ({ authentication: `bearer ${sim.credentials.accessToken}`, 'user-agent': 'Test (test@example.com)' });
const sinceYesterday = () => new Date(Date.now() - 86_400_000).toISOString();

describe('the Nuvemshop API as the simulator enforces it', () => {
  let sim: NuvemshopSimulator;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedProducts(3);
  });
  afterAll(() => sim?.close());

  it('tests the connection with the Authentication header and a User-Agent, and shows a refused token as 401', async () => {
    const ok = await nuvemshop.test(connect(sim));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: Number(sim.credentials.storeId) });
    const refused = await nuvemshop.test(connect(sim, { credentials: { accessToken: 'revoked' } }));
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Invalid access token');
  });

  it('refuses Authorization: Bearer, a request without User-Agent, and a body without Content-Type', async () => {
    const { authentication, ...noAuth } = goodHeaders(sim);
    expect((await raw(sim, '/products', { headers: { ...noAuth, authorization: authentication.replace('bearer', 'Bearer') } })).status).toBe(401);
    expect((await raw(sim, '/products', { headers: { authentication } })).status).toBe(400);
    expect((await raw(sim, '/products', { method: 'POST', headers: goodHeaders(sim), body: '{"name":"x"}' })).status).toBe(415);
    const badJson = await raw(sim, '/products', { method: 'POST', headers: { ...goodHeaders(sim), 'content-type': 'application/json' }, body: '{"name":' });
    expect(badJson).toMatchObject({ status: 400, body: { error: 'Problems parsing JSON' } });
  });

  it('works with the base URL written with the store id, as the docs write it, and asks for a missing store id', async () => {
    const withStore = openConnection(
      { id: 'ns-with-store', provider: 'nuvemshop', baseUrl: `${sim.baseUrl}/${sim.credentials.storeId}`, credentials: sim.credentials, settings: { rateLimit: { requestsPerSecond: 0 } } },
      new PacerRegistry(),
    ).ctx;
    expect((await readAll(withStore, 'products')).records).toHaveLength(3);
    await expect(readAll(connect(sim, { credentials: { storeId: '' } }), 'products')).rejects.toThrow(ConfigError);
  });

  it('refuses a page size over 200', async () => {
    expect((await raw(sim, '/products?per_page=201', { headers: goodHeaders(sim) })).status).toBe(422);
    expect((await raw(sim, '/products?per_page=200', { headers: goodHeaders(sim) })).status).toBe(200);
  });

  it('reports an unpaid store (402) as a problem a person must solve, not a bad record', async () => {
    sim.suspend(true);
    try {
      await expect(readAll(connect(sim), 'products')).rejects.toThrow(AuthError);
      await expect(readAll(connect(sim), 'products')).rejects.toThrow(/Payment Required/);
    } finally {
      sim.suspend(false);
    }
  });
});

describe('the leaky bucket of 40 requests', () => {
  it('answers 429 with the bucket headers once full, and the client waits about one drain interval', async () => {
    const sim = await startNuvemshopSimulator();
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => raw(sim, '/store', { headers: goodHeaders(sim) })));
      const throttled = answers.filter((a) => a.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(sim.stats.overLimit).toBe(throttled.length);
      expect(throttled[0].headers).toMatchObject({ 'x-rate-limit-limit': '40', 'x-rate-limit-remaining': '0' });
      expect(Number(throttled[0].headers['x-rate-limit-reset'])).toBeGreaterThan(0);
      const accepted = answers.find((a) => a.status === 200)!;
      expect(accepted.headers['x-rate-limit-limit']).toBe('40');
      const error = classify({ status: 429, headers: throttled[0].headers, body: throttled[0].body, text: '', latencyMs: 0 } as HttpResponse);
      expect(error).toBeInstanceOf(RateLimited);
      // A full bucket of 40 drains one request every 500 ms.
      expect((error as RateLimited).retryAfterMs).toBeGreaterThan(400);
      expect((error as RateLimited).retryAfterMs).toBeLessThanOrEqual(500);
    } finally {
      await sim.close();
    }
  });
});

describe('products', () => {
  let sim: NuvemshopSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedProducts(450);
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('reads every product across pages, with the SKU of its variant', async () => {
    const before = sim.stats.requests;
    const { records } = await readAll(ctx, 'products');
    expect(records).toHaveLength(450);
    expect(new Set(records.map((r) => r.key)).size).toBe(450);
    // 200 per page: three provider pages.
    expect(sim.stats.requests - before).toBe(3);
    const first = sim.products.values().next().value!;
    expect(records.find((r) => r.key === String(first.id))).toMatchObject({ sku: first.variants[0].sku, data: { name: first.name } });
  });

  it('hands out batches that resume exactly where the last one ended', async () => {
    const { records, batches } = await readAll(ctx, 'products', { batchSize: 150 });
    expect(batches).toEqual([200, 200, 50]);
    expect(new Set(records.map((r) => r.key)).size).toBe(450);
  });

  it('reads only the products changed since the last run', async () => {
    const since = sinceYesterday();
    const ids = [...sim.products.keys()].slice(10, 13);
    for (const id of ids) sim.updateVariant(id, { price: '1.00' });
    const { records } = await readAll(ctx, 'products', { since });
    expect(records.map((r) => r.key).sort()).toEqual(ids.map(String).sort());
  });

  it('creates a product with its price, stock and SKU on the variant, and finds it again by SKU', async () => {
    const { externalId } = await entity('products').write!.create(ctx, { data: { name: 'Camiseta básica', price: 49.9, stock: 7, published: true }, sku: 'CAM-001' });
    const created = sim.products.get(Number(externalId))!;
    expect(created.name).toEqual({ pt: 'Camiseta básica' });
    expect(created.variants).toHaveLength(1);
    expect(created.variants[0]).toMatchObject({ sku: 'CAM-001', price: '49.90', stock: 7, stock_management: true });
    expect(await entity('products').write!.findBySku!(ctx, 'CAM-001')).toBe(externalId);
    expect(await entity('products').write!.findBySku!(ctx, 'NO-SUCH-SKU')).toBeNull();
    expect(await entity('products').get!(ctx, externalId)).toMatchObject({ key: externalId, sku: 'CAM-001' });
    expect(await entity('products').get!(ctx, '1')).toBeNull();
  });

  it('updates name, price and stock of an existing product without creating another', async () => {
    const { externalId } = await entity('products').write!.create(ctx, { data: { name: 'Caneca', price: 20, stock: 1 }, sku: 'CAN-001' });
    const creates = sim.stats.productsCreated;
    await entity('products').write!.update(ctx, externalId, { data: { name: 'Caneca grande', price: 25.5, stock: 3 }, sku: 'CAN-001' });
    const p = sim.products.get(Number(externalId))!;
    expect(p.name).toEqual({ pt: 'Caneca grande' });
    expect(p.variants[0]).toMatchObject({ price: '25.50', stock: 3, sku: 'CAN-001' });
    expect(sim.stats.productsCreated).toBe(creates);
    expect(sim.productsBySku('CAN-001')).toHaveLength(1);
  });

  it('updates the variants named in a product with several, leaving the others as they were', async () => {
    const { externalId } = await entity('products').write!.create(ctx, {
      data: {
        name: 'Tênis',
        attributes: ['Tamanho'],
        variants: [
          { values: ['38'], sku: 'TEN-38', price: 200, stock: 2 },
          { values: ['39'], sku: 'TEN-39', price: 200, stock: 4 },
          { values: ['40'], sku: 'TEN-40', price: 200, stock: 6 },
        ],
      },
      sku: 'TEN-38',
    });
    await entity('products').write!.update(ctx, externalId, {
      data: {
        variants: [
          { sku: 'TEN-39', price: 180 },
          { sku: 'TEN-40', stock: 0 },
          { values: ['41'], sku: 'TEN-41', price: 210, stock: 1 },
        ],
      },
      sku: 'TEN-38',
    });
    const bySku = Object.fromEntries(sim.products.get(Number(externalId))!.variants.map((v) => [v.sku, v]));
    expect(Object.keys(bySku).sort()).toEqual(['TEN-38', 'TEN-39', 'TEN-40', 'TEN-41']);
    expect(bySku['TEN-38']).toMatchObject({ price: '200.00', stock: 2 });
    expect(bySku['TEN-39']).toMatchObject({ price: '180.00', stock: 4 });
    expect(bySku['TEN-40']).toMatchObject({ price: '200.00', stock: 0 });
    expect(bySku['TEN-41']).toMatchObject({ price: '210.00', stock: 1, values: [{ pt: '41' }] });
  });

  it("fails a product Nuvemshop refuses, with Nuvemshop's own message", async () => {
    const write = entity('products').write!;
    const noName = write.create(ctx, { data: { price: 10 }, sku: 'X-1' });
    await expect(noName).rejects.toThrow(ValidationError);
    await expect(noName).rejects.toThrow("name: can't be blank");
    await expect(write.create(ctx, { data: { name: 'Meia', stock: 1.5 }, sku: 'X-2' })).rejects.toThrow('stock: The stock must be an integer.');
  });
});

describe('stock and prices', () => {
  let sim: NuvemshopSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedProducts(250);
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('reads the stock of every variant across pages, keyed product:variant', async () => {
    const { records } = await readAll(ctx, 'stock');
    expect(records).toHaveLength(250);
    const p = [...sim.products.values()][7];
    expect(records.find((r) => r.key === `${p.id}:${p.variants[0].id}`)).toMatchObject({ sku: p.variants[0].sku, data: { stock: p.variants[0].stock } });
  });

  it('reads only the stock changed since the last run', async () => {
    const since = sinceYesterday();
    const [a, b] = [...sim.products.keys()].slice(3, 5);
    sim.updateVariant(a, { stock: 11 });
    sim.updateVariant(b, { stock: 12 });
    const { records } = await readAll(ctx, 'stock', { since });
    expect(records.map((r) => r.data.stock).sort()).toEqual([11, 12]);
  });

  it("writes stock to the variant with the record's SKU, then updates and reads it back", async () => {
    const p = [...sim.products.values()][20];
    const stock = entity('stock');
    const { externalId } = await stock.write!.create(ctx, { data: { stock: 42 }, sku: p.variants[0].sku! });
    expect(externalId).toBe(`${p.id}:${p.variants[0].id}`);
    expect(p.variants[0].stock).toBe(42);
    await stock.write!.update(ctx, externalId, { data: { stock: 0 }, sku: p.variants[0].sku! });
    expect((await stock.get!(ctx, externalId))?.data.stock).toBe(0);
    expect(await stock.write!.findBySku!(ctx, p.variants[0].sku!)).toBe(externalId);
    expect(await stock.get!(ctx, `${p.id}:1`)).toBeNull();
  });

  it('fails the record when no variant has its SKU', async () => {
    await expect(entity('stock').write!.create(ctx, { data: { stock: 1 }, sku: 'NOT-THERE' })).rejects.toThrow(NotFound);
  });

  it('writes price and promotional price, and fails a negative price with the reason', async () => {
    const p = [...sim.products.values()][30];
    const prices = entity('prices');
    const { externalId } = await prices.write!.create(ctx, { data: { price: 99.9, promotional_price: '89.90' }, sku: p.variants[0].sku! });
    expect(p.variants[0]).toMatchObject({ price: '99.90', promotional_price: '89.90' });
    expect((await prices.get!(ctx, externalId))?.data).toMatchObject({ price: '99.90' });
    await expect(prices.write!.update(ctx, externalId, { data: { price: -1 } })).rejects.toThrow('price: The price must be at least 0.');
  });
});

describe('orders', () => {
  let sim: NuvemshopSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedOrders(250);
    sim.seedProducts(2);
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('reads every order across pages', async () => {
    const { records } = await readAll(ctx, 'orders');
    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.key)).size).toBe(250);
  });

  it('gets one order, and nothing for an order that does not exist', async () => {
    const id = [...sim.orders.keys()][5];
    expect(await entity('orders').get!(ctx, String(id))).toMatchObject({ key: String(id), data: { id, status: 'open' } });
    expect(await entity('orders').get!(ctx, '42')).toBeNull();
  });

  it('ships an order with its tracking code and closes it; the same update again changes nothing', async () => {
    const since = sinceYesterday();
    const id = [...sim.orders.keys()][0];
    const change = { data: { shipping_tracking_number: 'BR123456789', shipping_tracking_url: 'https://rastreio.example/BR123456789', status: 'closed' } };
    await entity('orders').write!.update(ctx, String(id), change);
    expect(sim.orders.get(id)).toMatchObject({ status: 'closed', shipping_status: 'shipped', shipping_tracking_number: 'BR123456789' });
    const actions = sim.stats.orderActions;
    expect(actions).toBe(2);
    await entity('orders').write!.update(ctx, String(id), change);
    expect(sim.stats.orderActions).toBe(actions);
    const { records } = await readAll(ctx, 'orders', { since });
    expect(records.map((r) => r.key)).toEqual([String(id)]);
  });

  it('cancels an order with a reason', async () => {
    const id = [...sim.orders.keys()][1];
    await entity('orders').write!.update(ctx, String(id), { data: { status: 'cancelled', cancel_reason: 'inventory' } });
    expect(sim.orders.get(id)).toMatchObject({ status: 'cancelled', cancel_reason: 'inventory' });
    await expect(entity('orders').write!.update(ctx, String(id), { data: { status: 'shipped' } })).rejects.toThrow(ValidationError);
  });

  it('imports an order, and refuses one without the fields Nuvemshop requires', async () => {
    const variant = [...sim.products.values()][0].variants[0];
    const address = { first_name: 'Ana', last_name: 'Souza', address: 'Rua A', number: '10', city: 'São Paulo', province: 'SP', zipcode: '01000-000', country: 'BR' };
    const { externalId } = await entity('orders').write!.create(ctx, {
      data: {
        gateway: 'offline',
        payment_status: 'paid',
        status: 'open',
        products: [{ variant_id: variant.id, quantity: 2 }],
        customer: { name: 'Ana Souza', email: 'ana@example.com' },
        billing_address: address,
        shipping_address: address,
        shipping_pickup_type: 'ship',
        shipping: 'correios',
        shipping_option: 'Correios - PAC',
        shipping_cost_customer: 15,
      },
    });
    expect(sim.orders.get(Number(externalId))).toMatchObject({ payment_status: 'paid', products: [{ variant_id: variant.id, quantity: 2, sku: variant.sku }] });
    await expect(entity('orders').write!.create(ctx, { data: { status: 'open' } })).rejects.toThrow("gateway: can't be blank");
  });
});

describe('customers', () => {
  let sim: NuvemshopSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedCustomers(230);
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('reads every customer across pages, and only the changed ones since the last run', async () => {
    const since = sinceYesterday();
    expect((await readAll(ctx, 'customers')).records).toHaveLength(230);
    const id = [...sim.customers.keys()][100];
    await entity('customers').write!.update(ctx, String(id), { data: { phone: '11 99999-0000' } });
    const { records } = await readAll(ctx, 'customers', { since });
    expect(records).toEqual([expect.objectContaining({ key: String(id), data: expect.objectContaining({ phone: '11 99999-0000' }) })]);
  });

  it('creates and updates a customer, and refuses a second one with the same e-mail', async () => {
    const customers = entity('customers');
    const { externalId } = await customers.write!.create(ctx, { data: { name: 'Bruno Lima', email: 'bruno@example.com', identification: '12345678909' } });
    await customers.write!.update(ctx, externalId, { data: { name: 'Bruno C. Lima' } });
    expect(await customers.get!(ctx, externalId)).toMatchObject({ data: { name: 'Bruno C. Lima', email: 'bruno@example.com' } });
    await expect(customers.write!.create(ctx, { data: { name: 'Outro', email: 'bruno@example.com' } })).rejects.toThrow('email: has already been taken');
  });
});

describe('webhooks', () => {
  let sim: NuvemshopSimulator;
  beforeAll(async () => {
    sim = await startNuvemshopSimulator({ leakPerSecond: 0 });
    sim.seedOrders(3);
  });
  afterAll(() => sim?.close());
  const delivery = (rawBody: string, signature?: string): IncomingWebhook => ({ headers: signature ? { 'x-linkedstore-hmac-sha256': signature } : {}, rawBody, query: {} });

  it('accepts a delivery signed with the app secret and names the order to fetch', async () => {
    const id = [...sim.orders.keys()][2];
    const body = sim.webhookBody('order/paid', id);
    const req = delivery(body, sim.signWebhook(body));
    expect(nuvemshop.webhooks.verify(req, sim.credentials, {})).toBe('valid');
    const [event] = nuvemshop.webhooks.parse(req);
    expect(event).toEqual({ eventId: expect.stringMatching(new RegExp(`^${sim.credentials.storeId}:order/paid:${id}:\\d+$`)), topic: 'order/paid', entity: 'orders', action: 'updated', resourceId: String(id) });
    expect(await entity('orders').get!(connect(sim), event.resourceId)).toMatchObject({ key: String(id) });
    expect(nuvemshop.webhooks.parse(delivery(sim.webhookBody('product/created', 7)))).toMatchObject([{ entity: 'products', action: 'created', resourceId: '7' }]);
  });

  it('rejects a delivery with a bad or missing signature, or meant for another store', () => {
    const body = sim.webhookBody('order/created', 1);
    expect(nuvemshop.webhooks.verify(delivery(body, sim.signWebhook(body).replace(/^./, (c) => (c === '0' ? '1' : '0'))), sim.credentials, {})).toBe('invalid');
    expect(nuvemshop.webhooks.verify(delivery(body), sim.credentials, {})).toBe('invalid');
    expect(nuvemshop.webhooks.verify(delivery(`${body} `, sim.signWebhook(body)), sim.credentials, {})).toBe('invalid');
    const otherStore = JSON.stringify({ store_id: 999, event: 'order/created', id: 1 });
    expect(nuvemshop.webhooks.verify(delivery(otherStore, sim.signWebhook(otherStore)), sim.credentials, {})).toBe('invalid');
  });

  it('turns events about things Ponte does not sync into nothing', () => {
    expect(nuvemshop.webhooks.parse(delivery(sim.webhookBody('app/uninstalled', 1)))).toEqual([]);
    expect(nuvemshop.webhooks.parse(delivery(sim.webhookBody('category/created', 1)))).toEqual([]);
  });
});

describe('flows between Bling and Nuvemshop', () => {
  let h: Harness;
  const sims: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  async function world(products: number, nuvemshopOptions: Parameters<typeof startNuvemshopSimulator>[0], nuvemshopRateLimit: Record<string, number>) {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ns = await startNuvemshopSimulator(nuvemshopOptions);
    sims.push(bling, ns);
    bling.seedProducts(products);
    const { flowId } = await setUpFlow(h, {
      source: {
        connection: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } },
        entity: 'products',
      },
      target: {
        connection: { name: 'Nuvemshop', provider: 'nuvemshop', baseUrl: ns.baseUrl, credentials: ns.credentials, settings: { rateLimit: nuvemshopRateLimit } },
        entity: 'products',
      },
      fields: { name: 'nome', price: 'preco', stock: '$floor(estoque.saldoVirtualTotal)', published: "situacao = 'A'" },
    });
    return { bling, ns, flowId };
  }

  /** Every Bling product is in Nuvemshop exactly once, with its price and stock on the variant. */
  function expectMirrored(bling: BlingSimulator, ns: NuvemshopSimulator) {
    expect(ns.products.size).toBe(bling.products.size);
    for (const p of bling.products.values()) {
      const found = ns.productsBySku(p.codigo);
      expect(found, p.codigo).toHaveLength(1);
      expect(found[0].variants[0]).toMatchObject({ price: p.preco.toFixed(2), stock: Math.floor(p.estoque.saldoVirtualTotal) });
    }
  }

  it('moves 5,000 products from Bling into Nuvemshop once, then sends only what changed', async () => {
    const { bling, ns, flowId } = await world(5000, { leakPerSecond: 0 }, { requestsPerSecond: 0 });
    const first = await runFlow(h, flowId);
    expect(first.status).toBe('success');
    expect(first.counters).toEqual({ processed: 5000, created: 5000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expect(ns.stats.productsCreated).toBe(5000);
    expectMirrored(bling, ns);

    const [a, b] = [...bling.products.keys()];
    bling.updateProduct(a, { preco: 1234.5 });
    bling.updateProduct(b, { estoque: { saldoVirtualTotal: 3 } });
    const second = await runFlow(h, flowId);
    expect(second.counters).toMatchObject({ processed: 5000, created: 0, updated: 2, skipped: 4998, failed: 0 });
    expect(ns.stats.productsCreated).toBe(5000);
    expectMirrored(bling, ns);
  });

  it('slows down when the store answers 429 to a burst, without losing or repeating a product', async () => {
    // Pacing lets bursts of 40 through, but this store's bucket holds 10: the first requests of
    // each page overflow it and are answered 429 with the bucket headers.
    const { bling, ns, flowId } = await world(400, { bucketSize: 10, leakPerSecond: 100 }, { requestsPerSecond: 100, burst: 40 });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 400, created: 400, failed: 0, conflict: 0 });
    expect(ns.stats.overLimit).toBeGreaterThan(0);
    expect(ns.stats.productsCreated).toBe(400);
    expectMirrored(bling, ns);
    console.log(`Nuvemshop's bucket answered 429 ${ns.stats.overLimit} times`);
  });

  it('retries a burst of injected 429s and 503s without losing or repeating a product', async () => {
    const { bling, ns, flowId } = await world(300, { leakPerSecond: 0 }, { requestsPerSecond: 0 });
    // 30 answers 429, then 5 answer 503.
    ns.faults.throttleNext(30);
    ns.faults.failNext(5);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 300, created: 300, failed: 0, conflict: 0 });
    expect(ns.faults.throttled).toBe(30);
    expect(ns.stats.productsCreated).toBe(300);
    expectMirrored(bling, ns);
    console.log(`Nuvemshop answered ${ns.faults.throttled} injected 429s and 5 injected 503s`);
  });
});
