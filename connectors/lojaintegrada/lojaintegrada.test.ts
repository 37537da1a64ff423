import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntitySupport, IncomingWebhook, SyncRecord } from '../types';
import { lojaintegrada } from './index';
import { type LojaIntegradaSimulator, startLojaIntegradaSimulator } from './simulator';

const { products, stock, prices, orders, customers } = lojaintegrada.entities;
const WEBHOOK_TOKEN = 'segredo-do-webhook';

function connect(li: LojaIntegradaSimulator, credentials: Record<string, string> = {}): ConnectionContext {
  const { ctx } = openConnection(
    {
      id: `li-${Math.random().toString(36).slice(2, 8)}`,
      provider: 'lojaintegrada',
      baseUrl: `${li.url}/v1`,
      credentials: { ...li.credentials, webhookToken: WEBHOOK_TOKEN, ...credentials },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    },
    new PacerRegistry(),
  );
  return ctx;
}

/** Reads an entity batch after batch, as a flow does, until the cursor runs out. */
async function readAll(entity: EntitySupport, ctx: ConnectionContext, since: string | null = null, batchSize = 60): Promise<{ records: SyncRecord[]; batches: number }> {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let batches = 0;
  do {
    const batch = await entity.read!.read(ctx, { cursor, since, batchSize });
    records.push(...batch.records);
    cursor = batch.nextCursor;
    batches++;
  } while (cursor !== null);
  return { records, batches };
}

const keysOf = (records: SyncRecord[]) => records.map((r) => r.key);
const justBefore = () => new Date(Date.now() - 1000).toISOString();

describe('Loja Integrada connector against its simulator', () => {
  let li: LojaIntegradaSimulator;
  let ctx: ConnectionContext;

  beforeAll(async () => {
    li = await startLojaIntegradaSimulator({ throttle: false });
    li.seedProducts(130);
    li.seedProductFamily('CAMISETA', 3);
    li.seedCustomers(120);
    li.seedOrders(120);
    ctx = connect(li);
  });
  afterAll(async () => {
    await li?.close();
  });

  describe('products', () => {
    it('reads every product across pages, variations included, each once with its SKU', async () => {
      const before = li.stats.requests;
      const { records, batches } = await readAll(products, ctx);
      expect(records).toHaveLength(li.products.size);
      expect(new Set(keysOf(records)).size).toBe(li.products.size);
      expect(batches).toBeGreaterThan(1);
      expect(li.stats.requests - before).toBeGreaterThanOrEqual(3);
      const parent = li.productsBySku('CAMISETA')[0];
      const children = records.filter((r) => r.data.pai === `/api/v1/produto/${parent.id}`);
      expect(children.map((r) => r.sku).sort()).toEqual(['CAMISETA-1', 'CAMISETA-2', 'CAMISETA-3']);
      expect(records.find((r) => r.sku === 'LI-000007')?.data.descricao_completa).toContain('produto 7');
    });

    it('reads only the products changed since the last run', async () => {
      const since = justBefore();
      const changed = [...li.products.values()].slice(10, 13).map((p) => p.id);
      for (const id of changed) li.touchProduct(id, { nome: `Alterado ${id}` });
      const { records } = await readAll(products, ctx, since);
      expect(keysOf(records).sort()).toEqual(changed.map(String).sort());
    });

    it('creates a product stamped with its SKU, finds it again by SKU and gets it', async () => {
      const { externalId } = await products.write!.create(ctx, { sku: 'NOVO-1', data: { nome: 'Caneca', descricao_completa: '<p>Caneca de louça</p>', peso: 0.3 } });
      expect(await products.write!.findBySku!(ctx, 'NOVO-1')).toBe(externalId);
      const got = await products.get!(ctx, externalId);
      expect(got).toMatchObject({ key: externalId, sku: 'NOVO-1', data: { nome: 'Caneca', tipo: 'normal', descricao_completa: '<p>Caneca de louça</p>' } });
      expect(await products.write!.findBySku!(ctx, 'NAO-EXISTE')).toBeNull();
      expect(await products.get!(ctx, '999')).toBeNull();
    });

    it('updates a product without losing the fields the update did not carry', async () => {
      const { externalId } = await products.write!.create(ctx, { sku: 'NOVO-2', data: { nome: 'Prato', descricao_completa: '<p>Prato fundo</p>', peso: 0.5, altura: 3 } });
      await products.write!.update(ctx, externalId, { sku: 'NOVO-2', data: { nome: 'Prato raso' } });
      const p = li.products.get(Number(externalId))!;
      expect(p).toMatchObject({ nome: 'Prato raso', descricao_completa: '<p>Prato fundo</p>', peso: 0.5, altura: 3, sku: 'NOVO-2' });
      expect(li.stats.productUpdates).toBeGreaterThanOrEqual(1);
    });

    it('writes a product with variations as a parent and one child product per variation', async () => {
      const grade = '/api/v1/grades/8945';
      const { externalId } = await products.write!.create(ctx, {
        sku: 'BOTA',
        data: { nome: 'Bota', grades: [grade], filhos: [{ sku: 'BOTA-38', variacoes: ['/api/v1/grade/8945/variacao/1'] }, { sku: 'BOTA-39', variacoes: ['/api/v1/grade/8945/variacao/2'] }] },
      });
      expect(li.products.get(Number(externalId))).toMatchObject({ tipo: 'atributo', sku: 'BOTA' });
      // The next sync adds a size and renames one: found by SKU, nothing duplicated.
      await products.write!.update(ctx, externalId, {
        sku: 'BOTA',
        data: { nome: 'Bota de couro', filhos: [{ sku: 'BOTA-38', nome: 'Bota 38' }, { sku: 'BOTA-39' }, { sku: 'BOTA-40', variacoes: ['/api/v1/grade/8945/variacao/3'] }] },
      });
      const family = [...li.products.values()].filter((p) => p.paiId === Number(externalId));
      expect(family.map((p) => p.sku).sort()).toEqual(['BOTA-38', 'BOTA-39', 'BOTA-40']);
      expect(family.every((p) => p.tipo === 'atributo_opcao')).toBe(true);
      expect(family.find((p) => p.sku === 'BOTA-38')?.nome).toBe('Bota 38');
      expect(li.products.get(Number(externalId))?.nome).toBe('Bota de couro');
    });

    it("fails a product Loja Integrada refuses with its own message, and a duplicate SKU as a conflict", async () => {
      await expect(products.write!.create(ctx, { sku: 'SEM-NOME', data: {} })).rejects.toMatchObject({ kind: 'ValidationError', message: expect.stringContaining('nome: Este campo é obrigatório.') });
      await expect(products.write!.create(ctx, { sku: 'LI-000001', data: { nome: 'Cópia' } })).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringContaining('duplicados') });
    });
  });

  describe('stock and prices', () => {
    it('reads the stock of every product across pages, keyed by product id', async () => {
      const { records, batches } = await readAll(stock, ctx);
      expect(records).toHaveLength(li.products.size);
      expect(new Set(keysOf(records)).size).toBe(li.products.size);
      expect(batches).toBeGreaterThan(1);
      const p = li.productsBySku('LI-000005')[0];
      expect(records.find((r) => r.key === String(p.id))?.data).toMatchObject({ quantidade: p.stock.quantidade, gerenciado: true });
    });

    it('sets stock on the product found by SKU, then updates it by product id', async () => {
      const p = li.productsBySku('LI-000020')[0];
      const { externalId } = await stock.write!.create(ctx, { sku: 'LI-000020', data: { quantidade: 7 } });
      expect(externalId).toBe(String(p.id));
      expect(p.stock).toMatchObject({ quantidade: 7, gerenciado: true });
      await stock.write!.update(ctx, externalId, { data: { quantidade: -2 } });
      expect((await stock.get!(ctx, externalId))?.data).toMatchObject({ quantidade: -2, produto: `/api/v1/produto/${p.id}` });
      await expect(stock.write!.create(ctx, { sku: 'NAO-EXISTE', data: { quantidade: 1 } })).rejects.toMatchObject({ kind: 'NotFound' });
      await expect(stock.write!.update(ctx, externalId, { data: { quantidade: 1.5 } })).rejects.toMatchObject({ kind: 'ValidationError', message: expect.stringContaining('quantidade') });
    });

    it('reads every price and writes a price by SKU, refusing a negative one with the reason', async () => {
      const { records } = await readAll(prices, ctx);
      expect(records).toHaveLength(li.products.size);
      const { externalId } = await prices.write!.create(ctx, { sku: 'LI-000021', data: { cheio: 99.9, promocional: 79.9 } });
      expect((await prices.get!(ctx, externalId))?.data).toMatchObject({ cheio: '99.90', promocional: '79.90' });
      expect(await prices.write!.findBySku!(ctx, 'LI-000021')).toBe(externalId);
      await expect(prices.write!.update(ctx, externalId, { data: { cheio: -1 } })).rejects.toMatchObject({ kind: 'ValidationError', message: expect.stringContaining('cheio') });
    });
  });

  describe('orders', () => {
    it('reads every order in full, in pages of at most 50', async () => {
      const { records } = await readAll(orders, ctx, null, 500);
      expect(records).toHaveLength(120);
      expect(new Set(keysOf(records)).size).toBe(120);
      expect(records[0].data).toMatchObject({ numero: 1, itens: [expect.objectContaining({ sku: expect.any(String) })], envios: [expect.objectContaining({ id: expect.any(Number) })] });
      // The simulator caps pedido/search at 50 like LI: asking for more returns 50.
      const res = await ctx.http.send<{ meta: { limit: number } }>({ method: 'GET', path: '/pedido/search', query: { limit: 100 } });
      expect(res.body.meta.limit).toBe(50);
    });

    it('reads only the orders updated since the last run', async () => {
      const since = justBefore();
      li.changeOrderStatus(7, 'pedido_em_separacao');
      li.changeOrderStatus(70, 'pedido_cancelado');
      const { records } = await readAll(orders, ctx, since);
      expect(keysOf(records).sort()).toEqual(['7', '70']);
    });

    it('puts the tracking code on the shipment and the new status on the order', async () => {
      const numero = '12';
      await orders.write!.update(ctx, numero, { data: { objeto: 'BR123456789BR', situacao: 'pedido_enviado' } });
      const got = await orders.get!(ctx, numero);
      expect(got?.data).toMatchObject({ situacao: { codigo: 'pedido_enviado' }, envios: [expect.objectContaining({ objeto: 'BR123456789BR' })] });
      // Sending the same again changes nothing at LI (no second e-mail to the buyer).
      const changes = li.stats.statusChanges + li.stats.trackingChanges;
      await orders.write!.update(ctx, numero, { data: { objeto: 'BR123456789BR', situacao: { codigo: 'pedido_enviado' } } });
      expect(li.stats.statusChanges + li.stats.trackingChanges).toBe(changes);
    });

    it('finds an order by its number, refuses an unknown status and never creates orders', async () => {
      expect(await orders.write!.findBySku!(ctx, '30')).toBe('30');
      expect(await orders.write!.findBySku!(ctx, '99999')).toBeNull();
      expect(await orders.get!(ctx, '99999')).toBeNull();
      await expect(orders.write!.update(ctx, '30', { data: { situacao: 'voando' } })).rejects.toMatchObject({ kind: 'ValidationError', message: expect.stringContaining('voando') });
      await expect(orders.write!.create(ctx, { data: { numero: 1 } })).rejects.toMatchObject({ kind: 'ValidationError' });
    });
  });

  describe('customers', () => {
    it('reads every customer across pages, with the e-mail as SKU, and only the changed ones incrementally', async () => {
      const { records, batches } = await readAll(customers, ctx, null, 40);
      expect(records).toHaveLength(li.customers.size);
      expect(batches).toBeGreaterThan(1);
      expect(records[0].sku).toMatch(/@example\.com$/);
      const since = justBefore();
      const [a, b] = [...li.customers.keys()].slice(3, 5);
      li.touchCustomer(a, { telefone_celular: '11999990000' });
      li.touchCustomer(b);
      expect(keysOf((await readAll(customers, ctx, since)).records).sort()).toEqual([String(a), String(b)].sort());
    });

    it('creates a customer, finds it by e-mail and changes its group, refusing other changes', async () => {
      const { externalId } = await customers.write!.create(ctx, { sku: 'maria@example.com', data: { nome: 'Maria Souza', tipo: 'PF' } });
      expect(await customers.write!.findBySku!(ctx, 'maria@example.com')).toBe(externalId);
      await customers.write!.update(ctx, externalId, { sku: 'maria@example.com', data: { nome: 'Maria Souza', grupo: 'VIPS' } });
      expect((await customers.get!(ctx, externalId))?.data).toMatchObject({ grupo: 'VIPS', email: 'maria@example.com' });
      await expect(customers.write!.update(ctx, externalId, { data: { nome: 'Maria S.' } })).rejects.toMatchObject({ kind: 'ValidationError' });
      await expect(customers.write!.create(ctx, { sku: 'maria@example.com', data: { nome: 'Outra Maria' } })).rejects.toMatchObject({ kind: 'ValidationError', message: expect.stringContaining('e-mail') });
    });
  });

  describe('authentication and limits', () => {
    it('tests the connection with one cheap call and shows a refusal as it came', async () => {
      expect((await lojaintegrada.test(ctx)).status).toBe(200);
      const wrong = connect(li, { chaveApi: 'chave-errada' });
      expect((await lojaintegrada.test(wrong)).status).toBe(401);
      await expect(products.get!(wrong, '1')).rejects.toMatchObject({ kind: 'AuthError', status: 401, message: expect.stringContaining('chave de API') });
    });

    it("answers over LI's per-store budget with 429 and code 633, which the connector waits out", async () => {
      const small = await startLojaIntegradaSimulator({ limits: { store: 3 } });
      try {
        small.seedProducts(1);
        const c = connect(small);
        for (let i = 0; i < 3; i++) expect((await lojaintegrada.test(c)).status).toBe(200);
        const refused = await lojaintegrada.test(c);
        expect(refused.status).toBe(429);
        expect(refused.headers['retry-after']).toBeUndefined();
        await expect(products.get!(c, '1')).rejects.toMatchObject({ kind: 'RateLimited', retryAfterMs: 5000, message: expect.stringContaining('633') });
        expect(small.stats.overLimit).toBe(2);
      } finally {
        await small.close();
      }
    });
  });

  describe('webhooks', () => {
    let receiver: Server;
    let receiverUrl: string;
    const arrivals: IncomingWebhook[] = [];
    let waiting: ((w: IncomingWebhook) => void) | undefined;
    const nextDelivery = () => new Promise<IncomingWebhook>((resolve) => (waiting = resolve));

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const w: IncomingWebhook = { headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks).toString('utf8'), query: {} };
          arrivals.push(w);
          res.end();
          waiting?.(w);
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/li`;
      // What the seller (or Ponte) does once: register the URL and the token LI will send back.
      for (const kind of ['pedido', 'produto']) {
        const res = await fetch(`${li.url}/webhooks/v1/${kind}`, {
          method: 'PUT',
          headers: { authorization: `chave_api ${li.credentials.chaveApi} aplicacao ${li.credentials.chaveAplicacao}`, 'content-type': 'application/json' },
          body: JSON.stringify({ notifyUrl: receiverUrl, token: WEBHOOK_TOKEN }),
        });
        expect(await res.json()).toEqual({ message: 'Registros afetados: 1' });
      }
    });
    afterAll(async () => {
      await li.webhooksSettled();
      await new Promise((r) => receiver?.close(r));
    });

    it('accepts an order webhook carrying the registered token and points at the order to fetch', async () => {
      const delivered = nextDelivery();
      li.changeOrderStatus(40, 'pedido_pago');
      const hook = await delivered;
      expect(lojaintegrada.webhooks.verify(hook, { webhookToken: WEBHOOK_TOKEN }, {})).toBe('valid');
      const [event, ...more] = lojaintegrada.webhooks.parse(hook);
      expect(more).toHaveLength(0);
      expect(event).toMatchObject({ entity: 'orders', topic: 'pedido', action: 'updated', resourceId: '40' });
      expect(event.eventId).toContain('pedido:40:pedido_pago');
      expect((await orders.get!(ctx, event.resourceId))?.data).toMatchObject({ numero: 40, situacao: { codigo: 'pedido_pago' } });
    });

    it('rejects a delivery with a wrong, missing or unconfigured token', async () => {
      const delivered = nextDelivery();
      li.changeOrderStatus(41, 'pedido_em_separacao');
      const hook = await delivered;
      expect(lojaintegrada.webhooks.verify(hook, { webhookToken: 'outro-token' }, {})).toBe('invalid');
      expect(lojaintegrada.webhooks.verify({ ...hook, headers: { ...hook.headers, authorization: '' } }, { webhookToken: WEBHOOK_TOKEN }, {})).toBe('invalid');
      expect(lojaintegrada.webhooks.verify(hook, {}, {})).toBe('invalid');
    });

    it('turns a product webhook (an array of products) into one event per product', async () => {
      const delivered = nextDelivery();
      const { externalId } = await products.write!.create(ctx, { sku: 'WEBHOOK-1', data: { nome: 'Avisado' } });
      const hook = await delivered;
      expect(lojaintegrada.webhooks.verify(hook, { webhookToken: WEBHOOK_TOKEN }, {})).toBe('valid');
      expect(lojaintegrada.webhooks.parse(hook)).toEqual([expect.objectContaining({ entity: 'products', topic: 'produto', action: 'created', resourceId: externalId })]);
    });
  });
});

describe('flows between Bling and Loja Integrada', () => {
  let h: Harness;
  const sims: Array<{ close(): Promise<void> }> = [];
  const fields = { nome: 'nome', descricao_completa: 'descricaoCurta', ativo: "situacao = 'A'", tipo: "'normal'" };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  async function world(count: number): Promise<{ bling: BlingSimulator; li: LojaIntegradaSimulator }> {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const li = await startLojaIntegradaSimulator({ throttle: false });
    sims.push(bling, li);
    bling.seedProducts(count);
    return { bling, li };
  }

  const connections = (bling: BlingSimulator, li: LojaIntegradaSimulator) => ({
    bling: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } },
    li: { name: 'Loja Integrada', provider: 'lojaintegrada', baseUrl: `${li.url}/v1`, credentials: li.credentials, settings: { rateLimit: { requestsPerSecond: 0 } } },
  });

  /** Every Bling product is at Loja Integrada exactly once, under its SKU. */
  function expectEachOnce(bling: BlingSimulator, li: LojaIntegradaSimulator) {
    expect(li.products.size).toBe(bling.products.size);
    for (const p of bling.products.values()) {
      const found = li.productsBySku(p.codigo);
      expect(found, p.codigo).toHaveLength(1);
      expect(found[0].nome).toBe(p.nome);
    }
  }

  it('moves 5,000 products from Bling to Loja Integrada, each created once', async () => {
    const { bling, li } = await world(5000);
    const c = connections(bling, li);
    const { flowId } = await setUpFlow(h, { source: { connection: c.bling, entity: 'products' }, target: { connection: c.li, entity: 'products' }, fields });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 5000, created: 5000, failed: 0, conflict: 0 });
    expect(li.stats.productCreates).toBe(5000);
    expectEachOnce(bling, li);
  });

  it('rides out a burst of 429s from Loja Integrada without losing or repeating a product, then sets their stock by SKU', async () => {
    const { bling, li } = await world(300);
    const c = connections(bling, li);
    const productFlow = await setUpFlow(h, { source: { connection: c.bling, entity: 'products' }, target: { connection: c.li, entity: 'products' }, fields });
    li.faults.throttleNext(24);
    const run = await runFlow(h, productFlow.flowId);
    expect(run.status).toBe('success');
    expect(li.faults.throttled).toBe(24);
    expect(run.counters).toMatchObject({ processed: 300, created: 300, failed: 0, conflict: 0 });
    expect(li.stats.productCreates).toBe(300);
    expectEachOnce(bling, li);
    console.log(`Loja Integrada answered ${li.faults.throttled} requests with 429 during the product flow`);

    const stockFlow = await setUpFlow(h, {
      source: { connection: c.bling, entity: 'products' },
      target: { connection: c.li, entity: 'stock', matchBy: 'sku' },
      fields: { quantidade: 'estoque.saldoVirtualTotal' },
    });
    const stockRun = await runFlow(h, stockFlow.flowId);
    expect(stockRun.counters).toMatchObject({ processed: 300, failed: 0 });
    for (const p of bling.products.values()) expect(li.productsBySku(p.codigo)[0].stock.quantidade, p.codigo).toBe(p.estoque.saldoVirtualTotal);
  });
});
