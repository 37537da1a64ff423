import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { AuthError, ConfigError, Conflict, NotFound, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntityName, IncomingWebhook, SyncRecord } from '../types';
import { woocommerce } from './index';
import { startWooCommerceSimulator, type WooCommerceSimulator, type WooCommerceSimulatorOptions } from './simulator';

type Sim = WooCommerceSimulator;
const sims: Array<{ close(): Promise<void> }> = [];

async function simulator(options: WooCommerceSimulatorOptions = {}): Promise<Sim> {
  const sim = await startWooCommerceSimulator(options);
  sims.push(sim);
  return sim;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

let connections = 0;
function connect(sim: Sim, overrides: { credentials?: Record<string, string>; settings?: Record<string, unknown>; baseUrl?: string } = {}): ConnectionContext {
  return openConnection(
    {
      id: `woo-test-${++connections}`,
      provider: 'woocommerce',
      baseUrl: overrides.baseUrl ?? `${sim.url}/wp-json/wc/v3`,
      credentials: overrides.credentials ?? sim.credentials,
      settings: { rateLimit: { requestsPerSecond: 0 }, ...overrides.settings },
    },
    new PacerRegistry(),
  ).ctx;
}

/** Reads an entity to the end, batch by batch, as the fetch node does. */
async function readAll(ctx: ConnectionContext, entity: EntityName, options: { since?: string | null; batchSize?: number } = {}) {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let batches = 0;
  do {
    const res = await woocommerce.entities[entity as 'products']!.read!.read(ctx, { cursor, since: options.since ?? null, batchSize: options.batchSize ?? 500 });
    records.push(...res.records);
    cursor = res.nextCursor;
    batches++;
  } while (cursor !== null);
  return { records, batches };
}

const entity = (name: 'products' | 'stock' | 'prices' | 'orders' | 'customers') => woocommerce.entities[name];
const writer = (name: 'products' | 'stock' | 'prices' | 'orders' | 'customers') => entity(name).write!;
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

describe('products', () => {
  let sim: Sim;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(230);
    sim.seedVariableProduct({ sku: 'CAM-01', colors: ['Azul', 'Verde', 'Preto'] });
    ctx = connect(sim);
  });

  it('reads every product across pages, with the variations of a variable product', async () => {
    const before = sim.stats.requests;
    const { records, batches } = await readAll(ctx, 'products', { batchSize: 120 });
    expect(records).toHaveLength(231);
    expect(new Set(records.map((r) => r.key)).size).toBe(231);
    expect(batches).toBeGreaterThan(1);
    // 3 pages of 100 and one variations list.
    expect(sim.stats.requests - before).toBe(4);
    const shirt = records.find((r) => r.sku === 'CAM-01')!;
    const variations = shirt.data.variations as Array<{ sku: string; regular_price: string; attributes: unknown[] }>;
    expect(variations.map((v) => v.sku)).toEqual(['CAM-01-AZUL', 'CAM-01-VERDE', 'CAM-01-PRETO']);
    expect(variations[0].regular_price).toBe('49.90');
    expect(records.find((r) => r.sku === 'WOO-000007')!.data).toMatchObject({ name: 'Produto 7', regular_price: '18.75', stock_quantity: 21 });
  });

  it('reads only products changed since the cursor, including one edited two hours ago in a store on UTC-3', async () => {
    const [a, b] = sim.catalog.products();
    sim.editProduct(a.id, { name: 'Produto alterado' });
    sim.catalog.get(b.id)!.modified = Date.now() - 2 * 3600_000;
    const { records } = await readAll(ctx, 'products', { since: minutesAgo(180) });
    expect(records.map((r) => r.key).sort()).toEqual([String(a.id), String(b.id)].sort());
    expect((await readAll(ctx, 'products', { since: minutesAgo(60) })).records.map((r) => r.key)).toEqual([String(a.id)]);
  });

  it('finds a change made in the same second as the cursor (WordPress keeps whole seconds)', async () => {
    const second = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    const c = sim.catalog.products()[2];
    c.modified = second + 800;
    const { records } = await readAll(ctx, 'products', { since: new Date(second + 500).toISOString() });
    expect(records.map((r) => r.key)).toContain(String(c.id));
  });

  it('creates a product with its SKU, the price as a string and whole stock that is managed', async () => {
    const { externalId } = await writer('products').create(ctx, { sku: 'NOVO-1', data: { name: 'Caneca', regular_price: 19.9, stock_quantity: 7.8 } });
    expect(sim.product(Number(externalId))).toMatchObject({ sku: 'NOVO-1', name: 'Caneca', regular_price: '19.90', manage_stock: true, stock_quantity: 7, stock_status: 'instock' });
    await writer('products').update(ctx, externalId, { sku: 'NOVO-1', data: { name: 'Caneca grande', regular_price: 24.5, sale_price: 21 } });
    expect(sim.product(Number(externalId))).toMatchObject({ name: 'Caneca grande', regular_price: '24.50', sale_price: '21.00', price: '21.00', stock_quantity: 7 });
    expect(await writer('products').findBySku!(ctx, 'NOVO-1')).toBe(externalId);
  });

  it('gets one product with its variations, and null for one that does not exist', async () => {
    const parent = sim.catalog.bySku('CAM-01')!;
    const got = await entity('products').get!(ctx, String(parent.id));
    expect(got).toMatchObject({ key: String(parent.id), sku: 'CAM-01' });
    expect((got!.data.variations as unknown[]).length).toBe(3);
    expect(await entity('products').get!(ctx, '999999')).toBeNull();
    // A variation is not a product of its own, even though /products/{id} answers it.
    expect(await entity('products').get!(ctx, String(parent.variationIds[0]))).toBeNull();
  });

  it('finds a product by SKU but not a variation that has that SKU', async () => {
    expect(await writer('products').findBySku!(ctx, 'CAM-01')).toBe(String(sim.catalog.bySku('CAM-01')!.id));
    expect(await writer('products').findBySku!(ctx, 'CAM-01-AZUL')).toBeNull();
    expect(await writer('products').findBySku!(ctx, 'NAO-EXISTE')).toBeNull();
  });

  it('creates a variable product whose variations keep their attributes, declared on the parent', async () => {
    const variations = ['P', 'M'].map((size, i) => ({ sku: `VEST-${size}`, regular_price: 99 + i, stock_quantity: 2 + i, attributes: [{ name: 'Tamanho', option: size }] }));
    const { externalId } = await writer('products').create(ctx, { sku: 'VEST', data: { name: 'Vestido', variations } });
    const parent = sim.product(Number(externalId))!;
    expect(parent).toMatchObject({ type: 'variable', sku: 'VEST', attributes: [expect.objectContaining({ name: 'Tamanho', options: ['P', 'M'], variation: true })] });
    const created = (parent.variations as number[]).map((id) => sim.variation(id)!);
    expect(created.map((v) => [v.sku, v.regular_price, v.stock_quantity, v.attributes])).toEqual([
      ['VEST-P', '99.00', 2, [{ id: 0, name: 'Tamanho', option: 'P' }]],
      ['VEST-M', '100.00', 3, [{ id: 0, name: 'Tamanho', option: 'M' }]],
    ]);

    // Update: the existing variation by SKU, a new one created, the parent's attributes widened.
    await writer('products').update(ctx, externalId, {
      sku: 'VEST',
      data: { name: 'Vestido longo', variations: [{ ...variations[1], regular_price: 120 }, { sku: 'VEST-G', regular_price: 130, attributes: [{ name: 'Tamanho', option: 'G' }] }] },
    });
    const after = sim.product(Number(externalId))!;
    expect(after.name).toBe('Vestido longo');
    expect((after.attributes as Array<{ options: string[] }>)[0].options).toEqual(['P', 'M', 'G']);
    expect((after.variations as number[]).map((id) => [sim.variation(id)!.sku, sim.variation(id)!.regular_price])).toEqual([
      ['VEST-P', '99.00'],
      ['VEST-M', '120.00'],
      ['VEST-G', '130.00'],
    ]);
  });

  it('leaves no half-made product behind when WooCommerce refuses a variation', async () => {
    const variations = [
      { sku: 'SAIA-P', regular_price: 50, attributes: [{ name: 'Tamanho', option: 'P' }] },
      { sku: 'WOO-000001', regular_price: 50, attributes: [{ name: 'Tamanho', option: 'M' }] },
    ];
    const attempt = writer('products').create(ctx, { sku: 'SAIA', data: { name: 'Saia', variations } });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/WOO-000001.*product_invalid_sku/);
    expect(sim.catalog.bySku('SAIA')).toBeUndefined();
    expect(sim.catalog.bySku('SAIA-P')).toBeUndefined();
  });

  it('sends writes that start together as one batch request, and a refused item fails alone', async () => {
    const batches = sim.stats.batches;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => writer('products').create(ctx, { sku: i === 4 ? 'WOO-000002' : `LOTE-${i}`, data: { name: `Lote ${i}`, regular_price: '10.00' } })),
    );
    expect(sim.stats.batches - batches).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    const refused = results[4] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(Conflict);
    expect(refused.reason.message).toContain('Invalid or duplicated SKU');
    expect(sim.catalog.bySku('LOTE-9')).toBeDefined();
  });
});

describe('stock and prices', () => {
  let sim: Sim;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(150);
    sim.seedVariableProduct({ sku: 'TEN-01', colors: ['Branco', 'Preto'] });
    ctx = connect(sim);
  });

  it('reads the stock of every simple product and of each variation, across pages', async () => {
    const { records } = await readAll(ctx, 'stock', { batchSize: 60 });
    expect(records).toHaveLength(152);
    const parent = sim.catalog.bySku('TEN-01')!;
    const white = records.find((r) => r.sku === 'TEN-01-BRANCO')!;
    expect(white.key).toBe(`${parent.id}:${parent.variationIds[0]}`);
    expect(white.data).toMatchObject({ stock_quantity: 5, manage_stock: true, parent_id: parent.id });
    expect(records.some((r) => r.sku === 'TEN-01')).toBe(false);
  });

  it('reads only what changed since the cursor, including a variation whose parent did not change', async () => {
    const parent = sim.catalog.bySku('TEN-01')!;
    const variation = sim.catalog.get(parent.variationIds[1])!;
    Object.assign(variation, { stockQuantity: 1, modified: Date.now() });
    const simple = sim.catalog.bySku('WOO-000010')!;
    sim.editProduct(simple.id, { stockQuantity: 33 });
    const { records } = await readAll(ctx, 'prices', { since: minutesAgo(5) });
    expect(records.map((r) => r.sku).sort()).toEqual(['TEN-01-PRETO', 'WOO-000010']);
  });

  it('sets stock on the variation that has the SKU, and binds to it', async () => {
    const parent = sim.catalog.bySku('TEN-01')!;
    const { externalId } = await writer('stock').create(ctx, { sku: 'TEN-01-BRANCO', data: { stock_quantity: 12, name: 'ignored' } });
    expect(externalId).toBe(`${parent.id}:${parent.variationIds[0]}`);
    expect(sim.variation(parent.variationIds[0])).toMatchObject({ stock_quantity: 12, manage_stock: true, regular_price: '49.90' });
    expect(await writer('stock').findBySku!(ctx, 'TEN-01-BRANCO')).toBe(externalId);
    const got = await entity('stock').get!(ctx, externalId);
    expect(got).toMatchObject({ key: externalId, sku: 'TEN-01-BRANCO', data: { stock_quantity: 12 } });
  });

  it('updates stock and prices of a simple product without touching anything else', async () => {
    const p = sim.catalog.bySku('WOO-000020')!;
    await writer('stock').update(ctx, String(p.id), { data: { stock_quantity: 0, regular_price: 1 } });
    await writer('prices').update(ctx, String(p.id), { data: { regular_price: 35, sale_price: 29.9, stock_quantity: 99 } });
    expect(sim.product(p.id)).toMatchObject({ name: 'Produto 20', stock_quantity: 0, stock_status: 'outofstock', regular_price: '35.00', sale_price: '29.90' });
  });

  it('reports a SKU the store does not have as not found, for that record only', async () => {
    await expect(writer('stock').create(ctx, { sku: 'FANTASMA', data: { stock_quantity: 3 } })).rejects.toBeInstanceOf(NotFound);
    await expect(writer('stock').update(ctx, '99999', { data: { stock_quantity: 3 } })).rejects.toBeInstanceOf(NotFound);
    expect(await entity('stock').get!(ctx, '99999:1')).toBeNull();
  });
});

describe('orders', () => {
  let sim: Sim;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(5);
    sim.seedOrders(230);
    ctx = connect(sim);
  });

  it('reads every order across pages, and only those changed since the cursor', async () => {
    const all = await readAll(ctx, 'orders', { batchSize: 100 });
    expect(all.records).toHaveLength(230);
    expect(new Set(all.records.map((r) => r.key)).size).toBe(230);
    expect(all.records[0].data).toMatchObject({ status: 'processing', currency: 'BRL', line_items: [expect.objectContaining({ sku: expect.stringMatching(/^WOO-/) })] });
    const [first, second] = sim.sales.orders.keys();
    sim.editOrder(first, { status: 'on-hold' });
    sim.editOrder(second, { status: 'cancelled' });
    const changed = await readAll(ctx, 'orders', { since: minutesAgo(5) });
    expect(changed.records.map((r) => r.key)).toEqual([String(first), String(second)]);
  });

  it('gets one order, and null for one that does not exist', async () => {
    const [id] = sim.sales.orders.keys();
    expect(await entity('orders').get!(ctx, String(id))).toMatchObject({ key: String(id), sku: String(id) });
    expect(await entity('orders').get!(ctx, '424242')).toBeNull();
  });

  it('updates the status and tracking once: meta for the Correios plugin and one note to the customer', async () => {
    const id = String([...sim.sales.orders.keys()][5]);
    const update = { data: { status: 'completed', tracking: { code: 'BR123456789BR', carrier: 'Correios' } } };
    await writer('orders').update(ctx, id, update);
    await writer('orders').update(ctx, id, update); // a retried update
    const order = sim.order(Number(id))!;
    expect(order.status).toBe('completed');
    expect(order.meta_data).toEqual([expect.objectContaining({ key: '_correios_tracking_code', value: 'BR123456789BR' })]);
    expect(sim.notes(Number(id))).toEqual([expect.objectContaining({ customer_note: true, note: expect.stringContaining('BR123456789BR') })]);

    await writer('orders').update(ctx, id, { data: { tracking: 'BR000000002BR' } });
    expect(sim.order(Number(id))!.meta_data).toEqual([expect.objectContaining({ value: 'BR123456789BR,BR000000002BR' })]);
    expect(sim.notes(Number(id))).toHaveLength(2);
  });

  it("refuses a status WooCommerce does not know, with WooCommerce's message", async () => {
    const id = String([...sim.sales.orders.keys()][6]);
    await expect(writer('orders').update(ctx, id, { data: { status: 'shipped' } })).rejects.toThrow(/status is not one of pending/);
    await expect(writer('orders').update(ctx, '424242', { data: { status: 'completed' } })).rejects.toBeInstanceOf(NotFound);
  });

  it('creates an order from another channel, stamped with its code', async () => {
    const product = sim.catalog.products()[0];
    const { externalId } = await writer('orders').create(ctx, { sku: 'MLB-2000001', data: { status: 'processing', line_items: [{ product_id: product.id, quantity: 2 }] } });
    expect(sim.order(Number(externalId))).toMatchObject({ status: 'processing', meta_data: [expect.objectContaining({ key: '_ponte_source_code', value: 'MLB-2000001' })] });
  });
});

describe('customers', () => {
  let sim: Sim;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedCustomers(140);
    ctx = connect(sim);
  });

  it('reads every customer across pages, and only those changed since the cursor', async () => {
    const all = await readAll(ctx, 'customers', { batchSize: 50 });
    expect(all.records).toHaveLength(140);
    expect(all.records[0]).toMatchObject({ sku: 'cliente00001@exemplo.com.br', data: { first_name: 'Cliente' } });
    const [id] = sim.sales.customers.keys();
    sim.editCustomer(id, { firstName: 'Maria' });
    expect((await readAll(ctx, 'customers', { since: minutesAgo(5) })).records.map((r) => r.key)).toEqual([String(id)]);
  });

  it('creates a customer by e-mail, finds it again, and updates it without touching the username', async () => {
    const { externalId } = await writer('customers').create(ctx, { sku: 'joao@exemplo.com.br', data: { first_name: 'João', billing: { city: 'Curitiba' } } });
    expect(sim.customer(Number(externalId))).toMatchObject({ email: 'joao@exemplo.com.br', username: 'joao', billing: expect.objectContaining({ city: 'Curitiba' }) });
    expect(await writer('customers').findBySku!(ctx, 'JOAO@exemplo.com.br')).toBe(externalId);
    await writer('customers').update(ctx, externalId, { sku: 'joao@exemplo.com.br', data: { first_name: 'João Pedro', username: 'outro' } });
    expect(sim.customer(Number(externalId))).toMatchObject({ first_name: 'João Pedro', username: 'joao' });
    expect(await entity('customers').get!(ctx, externalId)).toMatchObject({ key: externalId, sku: 'joao@exemplo.com.br' });
  });

  it('reports a second account with the same e-mail as a conflict', async () => {
    await expect(writer('customers').create(ctx, { sku: 'cliente00002@exemplo.com.br', data: {} })).rejects.toBeInstanceOf(Conflict);
  });
});

describe('authentication, errors and limits', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(3);
  });

  it("stops on a wrong consumer secret with WooCommerce's message", async () => {
    const ctx = connect(sim, { credentials: { ...sim.credentials, consumerSecret: 'cs_wrong' } });
    const read = readAll(ctx, 'products');
    await expect(read).rejects.toBeInstanceOf(AuthError);
    await expect(read).rejects.toThrow('Consumer secret is invalid');
  });

  it('stops when a read-only key is used to write', async () => {
    const readOnly = await simulator({ permissions: 'read' });
    const ctx = connect(readOnly);
    await expect(writer('products').create(ctx, { sku: 'X', data: { name: 'X' } })).rejects.toThrow(/does not have write permissions/);
    expect((await readAll(ctx, 'products')).records).toHaveLength(0);
  });

  it('authenticates through the query string on a host that strips the Authorization header', async () => {
    const stripping = await simulator({ stripsAuthorization: true });
    stripping.seedProducts(2);
    await expect(readAll(connect(stripping), 'products')).rejects.toThrow(/woocommerce_rest_cannot_view/);
    expect((await readAll(connect(stripping, { settings: { authInQuery: true } }), 'products')).records).toHaveLength(2);
  });

  it("treats a base URL that lands on the store's home page as a configuration error, not an empty catalogue", async () => {
    const ctx = connect(sim, { baseUrl: sim.url });
    await expect(readAll(ctx, 'products')).rejects.toBeInstanceOf(ConfigError);
  });

  it('tests the connection with one cheap authenticated call, answered as it came', async () => {
    const ok = await woocommerce.test(connect(sim));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([{ id: expect.any(Number) }]);
    const refused = await woocommerce.test(connect(sim, { credentials: { ...sim.credentials, consumerKey: 'ck_nope' } }));
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Consumer key is invalid');
  });

  it('is refused by the store when it asks for more than 100 records per page', async () => {
    const ctx = connect(sim);
    const res = await ctx.http.send({ method: 'GET', path: '/products', query: { per_page: 101 }, raw: true });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'rest_invalid_param', data: { params: { per_page: expect.stringContaining('between 1 (inclusive) and 100') } } });
  });

  it("keeps under the host's limit with pacing on; without it the host answers 429 and the read still completes", async () => {
    const host = await simulator({ requestsPerSecond: 3 });
    host.seedProducts(500);
    const paced = await readAll(connect(host, { settings: { rateLimit: { requestsPerSecond: 2.5, burst: 1 } } }), 'products');
    expect(paced.records).toHaveLength(500);
    expect(host.stats.overLimit).toBe(0);
    const unpaced = await readAll(connect(host), 'products');
    expect(unpaced.records).toHaveLength(500);
    expect(host.stats.overLimit).toBeGreaterThan(0);
  });

  it('waits out 429s from the host in the middle of a read and loses no page', async () => {
    const host = await simulator();
    host.seedProducts(250);
    const ctx = connect(host);
    host.faults.throttleNext(2);
    const { records } = await readAll(ctx, 'products', { batchSize: 250 });
    expect(host.stats.throttled).toBe(2);
    expect(new Set(records.map((r) => r.key)).size).toBe(250);
  });
});

describe('webhooks', () => {
  let sim: Sim;
  const hooks = woocommerce.webhooks;
  const incoming = (d: { headers: Record<string, string>; rawBody: string }): IncomingWebhook => ({ headers: d.headers, rawBody: d.rawBody, query: {} });
  beforeAll(async () => {
    sim = await simulator();
    sim.seedProducts(2);
    sim.seedVariableProduct({ sku: 'BON-01', colors: ['Azul'] });
    sim.seedOrders(1);
  });

  it('accepts a delivery signed with the webhook secret and reads the order it carries', () => {
    const [orderId] = sim.sales.orders.keys();
    const delivery = incoming(sim.webhookDelivery('order.updated', orderId));
    expect(hooks.verify(delivery, sim.credentials, {})).toBe('valid');
    const [event] = hooks.parse(delivery);
    expect(event).toMatchObject({ topic: 'order.updated', entity: 'orders', action: 'updated', resourceId: String(orderId), record: { key: String(orderId), data: { status: 'processing' } } });
  });

  it('rejects a delivery whose signature does not match, and any delivery when no secret is set', () => {
    const [product] = sim.catalog.products();
    const delivery = sim.webhookDelivery('product.updated', product.id);
    expect(hooks.verify(incoming({ ...delivery, rawBody: delivery.rawBody.replace('Produto', 'Produtos') }), sim.credentials, {})).toBe('invalid');
    expect(hooks.verify(incoming({ ...delivery, headers: { ...delivery.headers, 'x-wc-webhook-signature': 'bm9wZQ==' } }), sim.credentials, {})).toBe('invalid');
    expect(hooks.verify(incoming(delivery), { ...sim.credentials, webhookSecret: '' }, {})).toBe('invalid');
    // The signature covers the bytes as sent (WordPress escapes slashes); re-serialising breaks it.
    expect(hooks.verify(incoming({ ...delivery, rawBody: JSON.stringify(JSON.parse(delivery.rawBody)) }), sim.credentials, {})).toBe('invalid');
  });

  it('acknowledges the unsigned ping WooCommerce sends when a webhook is saved', () => {
    expect(hooks.verify(incoming(sim.webhookPing(12)), sim.credentials, {})).toBe('ping');
    expect(hooks.verify(incoming({ headers: {}, rawBody: 'webhook_id=12&x=1' }), sim.credentials, {})).toBe('invalid');
  });

  it('points a variation change to its parent product, and a deletion carries no record', () => {
    const parent = sim.catalog.bySku('BON-01')!;
    const variationEvent = hooks.parse(incoming(sim.webhookDelivery('product.updated', parent.variationIds[0])));
    expect(variationEvent).toEqual([expect.objectContaining({ entity: 'products', resourceId: String(parent.id), action: 'updated' })]);
    expect(variationEvent[0].record).toBeUndefined();
    const deleted = hooks.parse(incoming(sim.webhookDelivery('product.deleted', 555)));
    expect(deleted).toEqual([expect.objectContaining({ action: 'deleted', resourceId: '555' })]);
    expect(deleted[0].record).toBeUndefined();
    expect(hooks.parse(incoming({ headers: { 'x-wc-webhook-topic': 'coupon.updated', 'x-wc-webhook-resource': 'coupon' }, rawBody: '{"id":1}' }))).toEqual([]);
  });

  it('gives two deliveries in the same second different event ids', () => {
    const [a, b] = sim.catalog.products();
    const first = sim.webhookDelivery('product.updated', a.id);
    const second = sim.webhookDelivery('product.updated', b.id);
    second.headers['x-wc-webhook-delivery-id'] = first.headers['x-wc-webhook-delivery-id'];
    expect(hooks.parse(incoming(first))[0].eventId).not.toBe(hooks.parse(incoming(second))[0].eventId);
  });
});

describe('flows between Bling and WooCommerce', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function blingToWoo(bling: BlingSimulator, woo: Sim, wooRateLimit: Record<string, number> = { requestsPerSecond: 0 }) {
    return setUpFlow(h, {
      source: {
        connection: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } },
        entity: 'products',
      },
      target: {
        connection: { name: 'WooCommerce', provider: 'woocommerce', baseUrl: `${woo.url}/wp-json/wc/v3`, credentials: woo.credentials, settings: { rateLimit: wooRateLimit } },
        entity: 'products',
      },
      fields: { name: 'nome', type: '"simple"', regular_price: 'preco', stock_quantity: 'estoque.saldoVirtualTotal', short_description: 'descricaoCurta' },
    });
  }

  /** Every Bling product is in WooCommerce exactly once, with its price (a string) and stock. */
  function expectMirrored(bling: BlingSimulator, woo: Sim) {
    const bySku = new Map<string, number>();
    for (const p of woo.catalog.products()) bySku.set(p.sku, (bySku.get(p.sku) ?? 0) + 1);
    expect(woo.catalog.products()).toHaveLength(bling.products.size);
    for (const b of bling.products.values()) {
      expect(bySku.get(b.codigo), b.codigo).toBe(1);
      const p = woo.catalog.bySku(b.codigo)!;
      expect(p.regularPrice).toBe(b.preco.toFixed(2));
      expect(p.stockQuantity).toBe(Math.floor(b.estoque.saldoVirtualTotal));
    }
  }

  it('moves 5,000 products from Bling into WooCommerce, each once, a batch of them per request', async () => {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    sims.push(bling);
    const woo = await simulator();
    bling.seedProducts(5000);
    const { flowId } = await blingToWoo(bling, woo);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 5000, created: 5000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expectMirrored(bling, woo);
    expect(woo.stats.productCreates).toBe(5000);
    expect(woo.stats.batchItems).toBe(5000);
    expect(woo.stats.batches).toBeLessThan(5000 / 10);
  });

  it('slows down for a burst of 429s from the host and loses or repeats no product', async () => {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    sims.push(bling);
    const woo = await simulator({ retryAfterSeconds: 1 });
    bling.seedProducts(1000);
    const { flowId } = await blingToWoo(bling, woo);
    woo.faults.throttleNext(6);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(woo.stats.throttled).toBe(6);
    expect(run.counters).toMatchObject({ processed: 1000, created: 1000, failed: 0, conflict: 0 });
    expectMirrored(bling, woo);
    expect(woo.stats.productCreates).toBe(1000);
    console.info(`WooCommerce simulator answered ${woo.stats.throttled} requests with 429 during the burst test`);
  });
});
