import { BLING_PRODUCT_TO_ML_LISTING } from '../../server/templates/catalog';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { AuthError, NotFound, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { refreshTokens } from '../oauth2';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntityName, EntitySupport, IncomingWebhook, SyncRecord } from '../types';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { mercadolivre, mercadolivreWebhooks } from '.';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from './simulator';

const pacers = new PacerRegistry();
const entities: Partial<Record<EntityName, EntitySupport>> = mercadolivre.entities;

/** A ready-to-call connection to the simulator, through the same runtime Ponte uses (auth, errors, refresh). */
function connect(sim: MercadoLivreSimulator, over: { settings?: Record<string, unknown>; credentials?: Record<string, string>; refresh?: boolean } = {}): ConnectionContext {
  const conn = {
    id: `ml-${randomBytes(4).toString('hex')}`,
    provider: 'mercadolivre',
    baseUrl: sim.url,
    credentials: { accessToken: sim.credentials.accessToken, refreshToken: sim.credentials.refreshToken, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret, ...over.credentials },
    settings: { rateLimit: { requestsPerSecond: 0 }, ...over.settings },
    refreshTokens: over.refresh
      ? async () => {
          const tokens = await refreshTokens(mercadolivre, sim.url, conn.credentials);
          conn.credentials = { ...conn.credentials, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
          return conn.credentials;
        }
      : undefined,
  };
  return openConnection(conn, pacers).ctx;
}

async function readAll(entity: EntityName, ctx: ConnectionContext, since: string | null, batchSize = 500, between?: (batch: number) => void) {
  const all: SyncRecord[] = [];
  const batches: number[] = [];
  let cursor: string | null = null;
  do {
    const res: { records: SyncRecord[]; nextCursor: string | null } = await entities[entity]!.read!.read(ctx, { cursor, since, batchSize });
    all.push(...res.records);
    batches.push(res.records.length);
    cursor = res.nextCursor;
    between?.(batches.length);
  } while (cursor);
  return { records: all, keys: new Set(all.map((r) => r.key)), batches };
}

const webhook = (body: unknown): IncomingWebhook => ({ headers: { 'content-type': 'application/json' }, rawBody: typeof body === 'string' ? body : JSON.stringify(body), query: {} });

describe('Mercado Livre connector against its simulator', () => {
  let ml: MercadoLivreSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    ml = await startMercadoLivreSimulator();
    ctx = connect(ml);
  });
  afterAll(() => ml?.close());

  describe('products', () => {
    beforeAll(() => {
      ml.seedItems(1250);
    });

    it('reads a catalogue of more than 1,000 listings with scan/scroll, each listing once and whole', async () => {
      const { records, keys, batches } = await readAll('products', ctx, null);
      expect(records).toHaveLength(1250);
      expect(keys.size).toBe(1250);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(ml.stats.scanPages).toBeGreaterThanOrEqual(13);
      const first = records.find((r) => r.sku === 'ML-000000')!;
      expect(first.data).toMatchObject({ id: first.key, title: 'Anúncio 0', currency_id: 'BRL' });
    });

    it('starts an expired scan over and still reads every listing once', async () => {
      const { records, keys } = await readAll('products', ctx, null, 300, (n) => n === 2 && ml.expireScrolls());
      expect(records).toHaveLength(1250);
      expect(keys.size).toBe(1250);
    });

    it('reads incrementally newest first, stopping at the first listing older than the cursor', async () => {
      const since = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      const changed = [...ml.items.values()].slice(10, 13);
      for (const item of changed) await mercadolivre.entities.products!.write!.update(ctx, item.id, { data: { price: 77.7 } });
      const offsetPagesBefore = ml.stats.offsetPages;
      const { records } = await readAll('products', ctx, since);
      expect(records.map((r) => r.key).sort()).toEqual(changed.map((i) => i.id).sort());
      expect(records.every((r) => r.data.price === 77.7)).toBe(true);
      expect(ml.stats.offsetPages - offsetPagesBefore).toBe(1);
    });

    it('goes on with a scan filtered by date when more than 1,000 listings changed', async () => {
      const scansBefore = ml.stats.scanPages;
      const { records, keys } = await readAll('products', ctx, '2000-01-01T00:00:00.000Z');
      // 1,247 listings share one last_updated, across the switch from offset paging to the scan.
      expect(keys.size).toBe(1250);
      expect(records).toHaveLength(1250);
      expect(ml.stats.scanPages).toBeGreaterThan(scansBefore);
    });

    it('gets one listing by id, and null for one that does not exist', async () => {
      const [item] = ml.items.values();
      expect(await mercadolivre.entities.products!.get!(ctx, item.id)).toMatchObject({ key: item.id, sku: 'ML-000000' });
      expect(await mercadolivre.entities.products!.get!(ctx, 'MLB1')).toBeNull();
    });
  });

  describe('variations', () => {
    const listing = {
      title: 'Camiseta básica',
      category_id: 'MLB31447',
      price: 59.9,
      currency_id: 'BRL',
      buying_mode: 'buy_it_now',
      listing_type_id: 'gold_special',
      condition: 'new',
      variations: [
        { sku: 'CAM-AZ', attribute_combinations: [{ id: 'COLOR', value_name: 'Azul' }], available_quantity: 5 },
        { sku: 'CAM-PR', attribute_combinations: [{ id: 'COLOR', value_name: 'Preto' }], available_quantity: 3, attributes: [{ id: 'GTIN', value_name: '7891234567895' }] },
        { sku: 'CAM-BR', attribute_combinations: [{ id: 'COLOR', value_name: 'Branco' }], available_quantity: 8 },
      ],
    };
    let itemId: string;
    const variationSkus = () => ml.items.get(itemId)!.variations.map((v) => v.attributes.find((a) => a.id === 'SELLER_SKU')?.value_name);
    const bySku = (sku: string) => ml.items.get(itemId)!.variations.find((v) => v.attributes.some((a) => a.value_name === sku))!;

    it('creates a listing with its variations, each with its SELLER_SKU', async () => {
      ({ externalId: itemId } = await mercadolivre.entities.products!.write!.create(ctx, { sku: 'CAM', data: listing }));
      expect(variationSkus()).toEqual(['CAM-AZ', 'CAM-PR', 'CAM-BR']);
      expect(ml.items.get(itemId)).toMatchObject({ price: 59.9, available_quantity: 16 });
    });

    it('keeps every variation when an update names only one: the writer sends them all', async () => {
      const ids = ml.items.get(itemId)!.variations.map((v) => v.id);
      await mercadolivre.entities.products!.write!.update(ctx, itemId, { sku: 'CAM', data: { title: 'Camiseta básica algodão', variations: [{ sku: 'CAM-PR', available_quantity: 11 }] } });
      const item = ml.items.get(itemId)!;
      expect(item.variations.map((v) => v.id)).toEqual(ids);
      expect(item.variations.map((v) => v.available_quantity)).toEqual([5, 11, 8]);
      expect(item).toMatchObject({ title: 'Camiseta básica algodão', available_quantity: 24 });
      // Matched by SKU, the variation's other attributes are left alone.
      expect(bySku('CAM-PR').attributes.map((a) => a.id).sort()).toEqual(['GTIN', 'SELLER_SKU']);
      expect(ml.stats.variationsDeleted).toBe(0);
    });

    it('adds a new variation and moves every variation to a new price together', async () => {
      await mercadolivre.entities.products!.write!.update(ctx, itemId, {
        data: { price: 64.9, variations: [{ sku: 'CAM-VD', attribute_combinations: [{ id: 'COLOR', value_name: 'Verde' }], available_quantity: 2 }] },
      });
      expect(variationSkus()).toEqual(['CAM-AZ', 'CAM-PR', 'CAM-BR', 'CAM-VD']);
      expect(new Set(ml.items.get(itemId)!.variations.map((v) => v.price))).toEqual(new Set([64.9]));
      expect(ml.stats.variationsDeleted).toBe(0);
    });

    it('a PUT that leaves variations out deletes them at the simulator, as at Mercado Livre', async () => {
      const keep = bySku('CAM-AZ');
      await ctx.http.send({ method: 'PUT', path: `/items/${itemId}`, json: { variations: [{ id: keep.id, available_quantity: 1 }] } });
      expect(variationSkus()).toEqual(['CAM-AZ']);
      expect(ml.stats.variationsDeleted).toBe(3);
    });
  });

  describe('stock and prices', () => {
    let plain: string;
    let withVariations: string;
    beforeAll(() => {
      plain = ml.seedItems(1, { startAt: 7000 })[0].id;
      withVariations = ml.seedItems(1, { startAt: 7001, variations: 3 })[0].id;
    });

    it('writes the stock of a listing found by its SKU', async () => {
      const { externalId } = await mercadolivre.entities.stock!.write!.create(ctx, { sku: 'ML-007000', data: { available_quantity: 33 } });
      expect(externalId).toBe(plain);
      expect(ml.items.get(plain)!.available_quantity).toBe(33);
      await mercadolivre.entities.stock!.write!.update(ctx, externalId, { sku: 'ML-007000', data: { available_quantity: 0 } });
      expect(ml.items.get(plain)!.available_quantity).toBe(0);
    });

    it('writes the stock of one variation, sending every variation id so none is deleted', async () => {
      const before = ml.items.get(withVariations)!.variations.map((v) => ({ ...v }));
      const externalId = await mercadolivre.entities.stock!.write!.findBySku!(ctx, 'ML-007001-1');
      expect(externalId).toBe(`${withVariations}:${before[1].id}`);
      await mercadolivre.entities.stock!.write!.update(ctx, externalId!, { sku: 'ML-007001-1', data: { available_quantity: 21 } });
      const after = ml.items.get(withVariations)!.variations;
      expect(after.map((v) => v.id)).toEqual(before.map((v) => v.id));
      expect(after.map((v) => v.available_quantity)).toEqual([before[0].available_quantity, 21, before[2].available_quantity]);
    });

    it('writes a price: to the listing, or to every variation of it', async () => {
      await mercadolivre.entities.prices!.write!.create(ctx, { sku: 'ML-007000', data: { price: 199.9 } });
      expect(ml.items.get(plain)!.price).toBe(199.9);
      await mercadolivre.entities.prices!.write!.create(ctx, { sku: 'ML-007001-2', data: { price: 88 } });
      const item = ml.items.get(withVariations)!;
      expect(item.variations.map((v) => v.price)).toEqual([88, 88, 88]);
      expect(item.price).toBe(88);
    });

    it('reaches every listing of a SKU listed twice', async () => {
      const base = { title: 'Caneca', category_id: 'MLB1000', price: 30, currency_id: 'BRL', available_quantity: 1, buying_mode: 'buy_it_now', condition: 'new' };
      const a = await mercadolivre.entities.products!.write!.create(ctx, { sku: 'CANECA-1', data: { ...base, listing_type_id: 'gold_special' } });
      const b = await mercadolivre.entities.products!.write!.create(ctx, { sku: 'CANECA-1', data: { ...base, listing_type_id: 'gold_pro' } });
      const { externalId } = await mercadolivre.entities.stock!.write!.create(ctx, { sku: 'CANECA-1', data: { available_quantity: 12 } });
      expect(externalId.split(',').sort()).toEqual([a.externalId, b.externalId].sort());
      expect([ml.items.get(a.externalId)!.available_quantity, ml.items.get(b.externalId)!.available_quantity]).toEqual([12, 12]);
    });

    it('fails a SKU with no listing as NotFound, and a bad quantity as ValidationError', async () => {
      await expect(mercadolivre.entities.stock!.write!.create(ctx, { sku: 'NOPE', data: { available_quantity: 1 } })).rejects.toBeInstanceOf(NotFound);
      await expect(mercadolivre.entities.stock!.write!.update(ctx, plain, { data: { available_quantity: -2 } })).rejects.toBeInstanceOf(ValidationError);
    });

    it('reports price automation: a price-only change refused, a price ignored beside other fields', async () => {
      ml.setPriceAutomation(plain);
      const refused = await mercadolivre.entities.prices!.write!.update(ctx, plain, { data: { price: 150 } }).catch((e) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused.message).toMatch(/automation/i);
      const ignored = await mercadolivre.entities.products!.write!.update(ctx, plain, { data: { title: 'Novo título', price: 150 } }).catch((e) => e);
      expect(ignored).toBeInstanceOf(ValidationError);
      expect(ignored.message).toMatch(/kept its own price/);
      expect(ml.items.get(plain)).toMatchObject({ title: 'Novo título', price: 199.9 });
      ml.setPriceAutomation(plain, false);
    });
  });

  describe('orders', () => {
    let seeded: number[];
    beforeAll(() => {
      seeded = ml.seedOrders(120).map((o) => o.id);
    });

    it('reads every order in pages, cancelled ones included', async () => {
      const { records, keys, batches } = await readAll('orders', ctx, null, 50);
      expect(keys).toEqual(new Set(seeded.map(String)));
      expect(records).toHaveLength(120);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(records.filter((r) => r.data.status === 'cancelled')).toHaveLength(12);
    });

    it('reads incrementally by date_last_updated, finding a cancellation too', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      ml.updateOrder(seeded[3], { status: 'paid', tags: ['paid', 'delivered'] });
      ml.updateOrder(seeded[4], { status: 'cancelled' });
      const { records } = await readAll('orders', ctx, since, 50);
      expect(records.map((r) => r.key).sort()).toEqual([seeded[3], seeded[4]].map(String).sort());
    });

    it('misses no order when a cancellation shifts the pages under the read', async () => {
      // Cancelling an order already read moves it out of the first pass: every later order moves up one place.
      const { keys } = await readAll('orders', ctx, null, 50, (n) => n === 1 && ml.updateOrder(seeded[5], { status: 'cancelled' }));
      expect(keys).toEqual(new Set(seeded.map(String)));
    });

    it('gets one order by id, and null for one that does not exist', async () => {
      expect(await mercadolivre.entities.orders!.get!(ctx, String(seeded[0]))).toMatchObject({ key: String(seeded[0]), data: { id: seeded[0], status: 'paid' } });
      expect(await mercadolivre.entities.orders!.get!(ctx, '1')).toBeNull();
    });

    it('reports tracking of a custom-shipping order through the v2 seller notifications, once', async () => {
      const [order] = ml.seedOrders(1, { shippingMode: 'custom', status: 'paid' });
      const shipment = ml.shipments.get(order.shipping.id!)!;
      const tracking = { order_id: order.id, tracking_number: 'BR123456789BR', tracking_url: 'https://rastreamento.correios.com.br/?objeto=BR123456789BR' };
      const writer = mercadolivre.entities.orders!.write!;
      const { externalId } = await writer.create(ctx, { data: tracking });
      expect(externalId).toBe(String(order.id));
      expect(shipment).toMatchObject({ status: 'shipped', substatus: null, tracking_number: 'BR123456789BR' });
      expect(shipment.seller_notifications).toHaveLength(1);
      expect(shipment.seller_notifications[0]).toMatchObject({ version: 'v2', status: 'shipped', substatus: null });
      // The same report again (a retried record) is not sent twice; delivery is.
      await writer.update(ctx, externalId, { data: tracking });
      expect(shipment.seller_notifications).toHaveLength(1);
      await writer.update(ctx, externalId, { data: { status: 'delivered' } });
      expect(shipment.status).toBe('delivered');
      const final = await writer.update(ctx, externalId, { data: { status: 'shipped', substatus: 'out_for_delivery' } }).catch((e) => e);
      expect(final).toBeInstanceOf(ValidationError);
      expect(final.message).toMatch(/final status/);
    });

    it('refuses tracking for Mercado Envios, and a tracking number without its URL', async () => {
      const writer = mercadolivre.entities.orders!.write!;
      const me2 = await writer.update(ctx, String(seeded[0]), { data: { tracking_number: 'X1', tracking_url: 'https://t/X1' } }).catch((e) => e);
      expect(me2).toBeInstanceOf(ValidationError);
      expect(me2.message).toMatch(/Mercado Envios/);
      const [order] = ml.seedOrders(1, { shippingMode: 'me1', status: 'paid' });
      const half = await writer.update(ctx, String(order.id), { data: { tracking_number: 'X2' } }).catch((e) => e);
      expect(half).toBeInstanceOf(ValidationError);
      expect(half.message).toMatch(/tracking_url/);
    });
  });

  describe('notifications', () => {
    const credentials = () => ({ clientId: ml.credentials.clientId, accessToken: ml.credentials.accessToken });
    const settings = () => ({ userId: ml.credentials.userId });

    it('accepts an orders_v2 notification for our app and seller, and points Ponte at the order', async () => {
      const [order] = ml.seedOrders(1, { status: 'paid' });
      ml.updateOrder(order.id, { status: 'partially_refunded' });
      const sent = ml.notifications.at(-1)!;
      expect(sent).toMatchObject({ topic: 'orders_v2', resource: `/orders/${order.id}` });
      const req = webhook(sent);
      expect(mercadolivreWebhooks.verify(req, credentials(), settings())).toBe('valid');
      const [event] = mercadolivreWebhooks.parse(req);
      expect(event).toEqual({ eventId: sent._id, topic: 'orders_v2', entity: 'orders', action: 'updated', resourceId: String(order.id) });
      expect(event.record).toBeUndefined();
      const record = await entities[event.entity as EntityName]!.get!(ctx, event.resourceId);
      expect(record?.data.status).toBe('partially_refunded');
    });

    it('maps an items notification to products, and knows the seller from the token when settings do not say', () => {
      const [item] = ml.items.values();
      const req = webhook(ml.notificationFor('items', `/items/${item.id}`));
      expect(mercadolivreWebhooks.verify(req, credentials(), {})).toBe('valid');
      expect(mercadolivreWebhooks.parse(req)).toMatchObject([{ entity: 'products', resourceId: item.id }]);
    });

    it('acknowledges topics Ponte does not act on without an event', () => {
      const req = webhook(ml.notificationFor('questions', '/questions/5036111111'));
      expect(mercadolivreWebhooks.verify(req, credentials(), settings())).toBe('valid');
      expect(mercadolivreWebhooks.parse(req)).toEqual([]);
    });

    it.each([
      ['another app', { application_id: 1234567890 }],
      ['another seller', { user_id: 987654321 }],
      ['a resource outside the whitelist', { resource: '/users/123456789' }],
      ['a path trick', { resource: '/orders/1/../../users/me' }],
      ['an absolute URL', { resource: 'https://evil.example/orders/1' }],
      ['an item id of the wrong form', { resource: '/items/123' }],
    ])('rejects a notification from %s', (_label, over) => {
      const topic = 'resource' in over && String(over.resource).startsWith('/items') ? 'items' : 'orders_v2';
      expect(mercadolivreWebhooks.verify(webhook(ml.notificationFor(topic, '/orders/2000010000000000', over)), credentials(), settings())).toBe('invalid');
    });

    it('rejects a body that is not a notification, and any notification when the connection has no app id', () => {
      expect(mercadolivreWebhooks.verify(webhook('not json'), credentials(), settings())).toBe('invalid');
      expect(mercadolivreWebhooks.verify(webhook([1, 2]), credentials(), settings())).toBe('invalid');
      expect(mercadolivreWebhooks.verify(webhook(ml.notificationFor('orders_v2', '/orders/1')), { accessToken: 'x' }, settings())).toBe('invalid');
    });
  });

  describe('authentication', () => {
    it.each([
      ['legacy', /invalid_token/],
      ['gateway', /unauthorized: invalid access token/],
    ] as const)('classifies the %s 401 body as AuthError with its message', async (shape, message) => {
      ml.useUnauthorizedShape(shape);
      const bad = connect(ml, { credentials: { accessToken: 'APP_USR-revoked-1' } });
      const err = await bad.http.send({ method: 'GET', path: '/users/me' }).catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(err.status).toBe(401);
      expect(err.message).toMatch(message);
      ml.useUnauthorizedShape('legacy');
    });

    it('renews an expired token once, with the single-use refresh token, whatever the 401 shape', async () => {
      ml.useUnauthorizedShape('gateway');
      const live = connect(ml, { refresh: true });
      ml.expireAccessTokens();
      const before = ml.stats.refreshes;
      const [a, b] = await Promise.all([live.http.send<{ id: number }>({ method: 'GET', path: '/users/me' }), live.http.send({ method: 'GET', path: '/users/me' })]);
      expect(a.body.id).toBe(ml.credentials.userId);
      expect(b.status).toBe(200);
      expect(ml.stats.refreshes - before).toBe(1);
      ml.useUnauthorizedShape('legacy');
      ctx = connect(ml);
    });
  });
});

describe('flows from Bling into Mercado Livre', () => {
  let h: Harness;
  const sims: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  async function world(products: number) {
    const bling: BlingSimulator = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    sims.push(bling, ml);
    bling.seedProducts(products);
    const { flowId } = await setUpFlow(h, {
      source: { connection: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } }, entity: 'products' },
      target: { connection: { name: 'Mercado Livre', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } }, entity: 'products', matchBy: 'sku' },
      fields: BLING_PRODUCT_TO_ML_LISTING,
    });
    return { bling, ml, flowId };
  }

  function expectEachOnce(bling: BlingSimulator, ml: MercadoLivreSimulator) {
    expect(ml.items.size).toBe(bling.products.size);
    expect(ml.stats.creates).toBe(bling.products.size);
    for (const p of bling.products.values()) {
      const listings = ml.itemsBySku(p.codigo);
      expect(listings, p.codigo).toHaveLength(1);
      expect(listings[0]).toMatchObject({ price: p.preco, available_quantity: Math.floor(p.estoque.saldoVirtualTotal) });
    }
  }

  it('moves 5,000 products, each listed once with its price and stock', async () => {
    const { bling, ml, flowId } = await world(5000);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 5000, created: 5000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expectEachOnce(bling, ml);
  });

  it('rides out a burst of 429s mid-run without losing or repeating a record', async () => {
    const { bling, ml, flowId } = await world(1000);
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    expect(started.status).toBe(202);
    while (ml.items.size < 200) await new Promise((r) => setTimeout(r, 10));
    ml.faults.throttleNext(60);
    const run = await h.waitForRun(started.body.runId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 1000, created: 1000, failed: 0, conflict: 0 });
    expect(ml.faults.throttled).toBe(60);
    expect(ml.stats.throttled).toBe(60);
    expectEachOnce(bling, ml);
    console.log(`[mercadolivre] 429s sent by the simulator during the burst test: ${ml.stats.throttled}`);
  });
});
