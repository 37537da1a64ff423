import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { AuthError, Conflict, NotFound, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../mercadolivre/simulator';
import { openConnection } from '../runtime';
import { type RunningSimulator, startSimServer } from '../simulator-kit/server';
import type { ConnectionContext, ConnectorDefinition, EntityName, IncomingWebhook, ReadRequest, ReadResult, SyncRecord } from '../types';
import { tiny } from './index';
import { startTinySimulator, type TinySimulator } from './simulator';

function connect(sim: TinySimulator, settings: Record<string, unknown> = {}, token = sim.credentials.token): ConnectionContext {
  const conn = { id: `tiny-${Math.random().toString(36).slice(2, 8)}`, provider: 'tiny', baseUrl: sim.baseUrl, credentials: { token, webhookSecret: sim.credentials.webhookSecret }, settings: { rateLimit: { requestsPerSecond: 0 }, ...settings } };
  return openConnection(conn, new PacerRegistry()).ctx;
}

const entities: ConnectorDefinition['entities'] = tiny.entities;

/** Reads an entity to the end, batch after batch, as the fetch node does. */
async function readAll(ctx: ConnectionContext, entity: EntityName, req: Partial<ReadRequest> = {}): Promise<SyncRecord[]> {
  const reader = entities[entity]!.read!;
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  do {
    const batch: ReadResult = await reader.read(ctx, { cursor, since: req.since ?? null, batchSize: req.batchSize ?? 150 });
    records.push(...batch.records);
    cursor = batch.nextCursor;
  } while (cursor !== null);
  return records;
}

const writer = (entity: EntityName) => entities[entity]!.write!;
const get = (entity: EntityName) => entities[entity]!.get!;
const newProduct = (nome: string, preco = 10) => ({ nome, unidade: 'UN', preco, origem: '0', situacao: 'A' });

describe('Tiny connector against the simulator', () => {
  let sim: TinySimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startTinySimulator({ requestsPerMinute: 0 });
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  describe('products', () => {
    it('reads every product across pages, each variation as a record with its own SKU', async () => {
      sim.seedProducts(250);
      const { parent, variations } = sim.seedProductWithVariations('CAMISA', [{ Tamanho: 'P' }, { Tamanho: 'M' }]);
      const before = sim.stats.calls['produtos.pesquisa.php'] ?? 0;
      const records = await readAll(ctx, 'products', { batchSize: 120 });
      expect(records).toHaveLength(253);
      expect(new Set(records.map((r) => r.key)).size).toBe(253);
      expect(sim.stats.calls['produtos.pesquisa.php'] - before).toBe(3);
      const variation = records.find((r) => r.key === String(variations[1].id))!;
      expect(variation).toMatchObject({ sku: 'CAMISA-M', data: { tipoVariacao: 'V', codigo: 'CAMISA-M' } });
      expect(records.find((r) => r.key === String(parent.id))?.data.tipoVariacao).toBe('P');
    });

    it('gets one product with its variations, and nothing for an id Tiny does not know', async () => {
      const { parent } = sim.seedProductWithVariations('BONE', [{ Cor: 'Azul' }, { Cor: 'Preto' }]);
      const record = await get('products')(ctx, String(parent.id));
      expect(record?.sku).toBe('BONE');
      expect((record?.data.variacoes as Array<{ variacao: { codigo: string } }>).map((v) => v.variacao.codigo)).toEqual(['BONE-Azul', 'BONE-Preto']);
      expect(await get('products')(ctx, '1')).toBeNull();
    });

    it('reads only the products changed since the cursor from the change queue, each change once', async () => {
      const queued = connect(sim, { useChangeQueue: true });
      const since = new Date(Date.now() - 1000).toISOString();
      const changed = sim.seedProducts(150, { startAt: 1000 });
      for (const p of changed) sim.updateProduct(p.id, { preco: 77 });
      // 150 changes are more than one page: read at page 1 each time, since Tiny drops what it answered.
      const first = await readAll(queued, 'products', { since, batchSize: 500 });
      expect(first.map((r) => r.key).sort()).toEqual(changed.map((p) => String(p.id)).sort());
      expect(first.every((r) => r.data.preco === 77)).toBe(true);
      expect(await readAll(queued, 'products', { since })).toEqual([]);
    });

    it('reads everything when the change queue is off, since the product search has no change filter', async () => {
      const records = await readAll(ctx, 'products', { since: new Date().toISOString(), batchSize: 1000 });
      expect(records).toHaveLength([...sim.products.values()].filter((p) => p.situacao !== 'E').length);
    });

    it('creates a product with the SKU stamped as its code, finds it by that SKU and updates it', async () => {
      const { externalId } = await writer('products').create(ctx, { data: newProduct('Caneca Ponte', 29.9), sku: 'PONTE-CANECA' });
      expect(sim.productByCode('PONTE-CANECA')?.id).toBe(Number(externalId));
      expect(await writer('products').findBySku!(ctx, 'PONTE-CANECA')).toBe(externalId);
      expect(await writer('products').findBySku!(ctx, 'PONTE-CANEC')).toBeNull();
      await writer('products').update(ctx, externalId, { data: newProduct('Caneca Ponte 300ml', 31.5), sku: 'PONTE-CANECA' });
      expect(sim.products.get(Number(externalId))).toMatchObject({ nome: 'Caneca Ponte 300ml', preco: 31.5, codigo: 'PONTE-CANECA' });
    });

    it('creates a product with variations, each variation findable by its own SKU', async () => {
      const data = { ...newProduct('Meia Ponte', 15), variacoes: [{ variacao: { codigo: 'MEIA-P', preco: 15, grade: { Tamanho: 'P' } } }, { codigo: 'MEIA-G', preco: 17, grade: { Tamanho: 'G' } }] };
      const { externalId } = await writer('products').create(ctx, { data, sku: 'MEIA' });
      const idG = await writer('products').findBySku!(ctx, 'MEIA-G');
      expect(sim.products.get(Number(idG))).toMatchObject({ idProdutoPai: Number(externalId), preco: 17, grade: { Tamanho: 'G' } });
      expect(sim.products.get(Number(externalId))?.tipoVariacao).toBe('P');
    });

    it("refuses a product Tiny would refuse with Tiny's own message, and a second product with the same code as a conflict", async () => {
      const refused = await writer('products').create(ctx, { data: { nome: 'Sem unidade', preco: 'dez', origem: '0' }, sku: 'X-1' }).catch((e) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused.message).toContain('A unidade do produto deve ser informada');
      expect(refused.message).toContain('preço de venda');
      await writer('products').create(ctx, { data: newProduct('Original'), sku: 'DUP-1' });
      await expect(writer('products').create(ctx, { data: newProduct('Cópia'), sku: 'DUP-1' })).rejects.toBeInstanceOf(Conflict);
    });
  });

  describe('stock', () => {
    it("reads each product's balance across product pages", async () => {
      const fresh = await startTinySimulator({ requestsPerMinute: 0 });
      try {
        const seeded = fresh.seedProducts(130);
        const records = await readAll(connect(fresh), 'stock', { batchSize: 500 });
        expect(records).toHaveLength(130);
        expect(records.map((r) => [r.sku, r.data.saldo])).toEqual(seeded.map((p) => [p.codigo, p.saldo]));
        expect(fresh.stats.calls['produto.obter.estoque.php']).toBe(130);
        expect(fresh.stats.calls['produtos.pesquisa.php']).toBe(2);
      } finally {
        await fresh.close();
      }
    });

    it('reads only the balances that moved since the cursor from the stock queue', async () => {
      const queued = connect(sim, { useChangeQueue: true });
      const since = new Date(Date.now() - 1000).toISOString();
      const [a, b] = sim.seedProducts(2, { startAt: 3000 });
      sim.setStock(a.id, 12);
      sim.setStock(b.id, 0);
      const records = await readAll(queued, 'stock', { since });
      expect(records.map((r) => [r.key, r.data.saldo])).toEqual([
        [String(a.id), 12],
        [String(b.id), 0],
      ]);
    });

    it('writes stock as a balance on the product found by SKU, so writing it twice leaves the same balance', async () => {
      const [p] = sim.seedProducts(1, { startAt: 4000 });
      const { externalId } = await writer('stock').create(ctx, { data: { quantidade: 8 }, sku: p.codigo });
      expect(externalId).toBe(String(p.id));
      await writer('stock').update(ctx, externalId, { data: { quantidade: 8 }, sku: p.codigo });
      expect(sim.products.get(p.id)?.saldo).toBe(8);
      expect((await get('stock')(ctx, externalId))?.data.saldo).toBe(8);
      await expect(writer('stock').update(ctx, externalId, { data: { quantidade: 1, tipo: 'E' } })).rejects.toBeInstanceOf(ValidationError);
      await expect(writer('stock').create(ctx, { data: { quantidade: 1 }, sku: 'NO-SUCH-SKU' })).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe('prices', () => {
    it('updates the price of the product found by SKU and reads prices with the products', async () => {
      const [p] = sim.seedProducts(1, { startAt: 5000 });
      const { externalId } = await writer('prices').create(ctx, { data: { preco: 99.9 }, sku: p.codigo });
      expect(externalId).toBe(String(p.id));
      await writer('prices').update(ctx, externalId, { data: { preco: 89.9, preco_promocional: 79.9 } });
      expect(sim.products.get(p.id)).toMatchObject({ preco: 89.9, preco_promocional: 79.9 });
      expect((await get('prices')(ctx, externalId))?.data).toMatchObject({ preco: 89.9, preco_promocional: 79.9 });
      await expect(writer('prices').update(ctx, externalId, { data: { preco: -1 } })).rejects.toBeInstanceOf(ValidationError);
      const records = await readAll(ctx, 'prices', { batchSize: 1000 });
      expect(records.find((r) => r.key === externalId)?.data.preco).toBe(89.9);
    });
  });

  describe('orders', () => {
    it('reads every order across pages, then only those changed since the cursor', async () => {
      const seeded = sim.seedOrders(230);
      expect(await readAll(ctx, 'orders')).toHaveLength(230);
      const since = new Date(Date.now() - 1000).toISOString();
      sim.updateOrder(seeded[7].id, { situacao: 'faturado' });
      sim.updateOrder(seeded[200].id, { codigo_rastreamento: 'BR123' });
      const changed = await readAll(ctx, 'orders', { since });
      expect(changed.map((r) => r.key)).toEqual([String(seeded[7].id), String(seeded[200].id)]);
      expect(changed[0]).toMatchObject({ sku: seeded[7].numero_ecommerce, data: { situacao: 'Faturado (atendido)' } });
    });

    it('creates an order stamped with the channel number, finds it by that number, then changes its status and tracking', async () => {
      const data = {
        data_pedido: '20/11/2026',
        cliente: { nome: 'Maria Souza', cpf_cnpj: '12345678909', tipo_pessoa: 'F' },
        itens: [{ item: { codigo: 'TINY-000001', descricao: 'Produto Tiny 1', unidade: 'UN', quantidade: 2, valor_unitario: 49.9 } }],
      };
      const { externalId } = await writer('orders').create(ctx, { data, sku: 'MLB-999' });
      expect(await writer('orders').findBySku!(ctx, 'MLB-999')).toBe(externalId);
      await writer('orders').update(ctx, externalId, { data: { situacao: 'enviado', codigoRastreamento: 'QB123456789BR', urlRastreamento: 'https://rastreio.example/QB123456789BR' } });
      const order = await get('orders')(ctx, externalId);
      expect(order).toMatchObject({ sku: 'MLB-999', data: { situacao: 'Enviado', codigo_rastreamento: 'QB123456789BR', total_pedido: 99.8 } });
      await expect(writer('orders').update(ctx, externalId, { data: { situacao: 'despachado' } })).rejects.toBeInstanceOf(ValidationError);
      await expect(writer('orders').create(ctx, { data: { cliente: { nome: 'Sem itens' }, itens: [] }, sku: 'MLB-1000' })).rejects.toThrow('ao menos um item');
      expect(await get('orders')(ctx, '42')).toBeNull();
    });
  });

  describe('customers', () => {
    it('reads contacts across pages and only those updated since the cursor; creates, finds and updates one', async () => {
      sim.seedContacts(130);
      expect(await readAll(ctx, 'customers')).toHaveLength(130);
      const since = new Date(Date.now() - 1000).toISOString();
      const { externalId } = await writer('customers').create(ctx, { data: { nome: 'Loja Parceira', tipo_pessoa: 'J', cpf_cnpj: '12.345.678/0001-90', email: 'compras@parceira.example' }, sku: 'CLI-PONTE-1' });
      expect(await writer('customers').findBySku!(ctx, 'CLI-PONTE-1')).toBe(externalId);
      await writer('customers').update(ctx, externalId, { data: { nome: 'Loja Parceira ME', tipo_pessoa: 'J', cpf_cnpj: '12345678000190' }, sku: 'CLI-PONTE-1' });
      expect((await get('customers')(ctx, externalId))?.data).toMatchObject({ nome: 'Loja Parceira ME', codigo: 'CLI-PONTE-1', email: 'compras@parceira.example' });
      expect((await readAll(ctx, 'customers', { since })).map((r) => r.key)).toEqual([externalId]);
      await expect(writer('customers').create(ctx, { data: { nome: 'CPF curto', tipo_pessoa: 'F', cpf_cnpj: '123' }, sku: 'CLI-X' })).rejects.toThrow('O CPF deve ter 11 dígitos');
    });
  });

  describe('errors and limits', () => {
    it('stops with an auth error when Tiny refuses the token, and "Testar conexão" shows its answer', async () => {
      const wrong = connect(sim, {}, 'not-the-token');
      const err = await readAll(wrong, 'products').catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(err.message).toContain('Token inválido');
      const good = await tiny.test(ctx);
      expect(good.body).toMatchObject({ retorno: { status: 'OK' } });
      const bad = await tiny.test(wrong);
      expect(bad.body).toMatchObject({ retorno: { status: 'Erro', codigo_erro: 2 } });
    });

    it('retries an unexpected Tiny error in place without losing the page', async () => {
      const expected = [...sim.products.values()].filter((p) => p.situacao !== 'E').length;
      sim.faults.failNext(2);
      expect(await readAll(ctx, 'products', { batchSize: 1000 })).toHaveLength(expected);
    });

    it('waits and retries when Tiny says too many requests are running at once', async () => {
      const busy = await startTinySimulator({ requestsPerMinute: 0, maxConcurrent: 2, latencyMs: 30 });
      try {
        busy.seedProducts(150);
        const busyCtx = connect(busy);
        // Six reads at once against a limit of two: the refused pages are retried, not lost.
        const reads = await Promise.all(Array.from({ length: 6 }, () => readAll(busyCtx, 'products', { batchSize: 500 })));
        expect(reads.map((r) => r.length)).toEqual([150, 150, 150, 150, 150, 150]);
        expect(busy.stats.tooConcurrent).toBeGreaterThan(0);
      } finally {
        await busy.close();
      }
    });

    it("keeps under the plan's requests per minute when paced, so Tiny never has to block", async () => {
      // The window is shrunk for the test: 10 requests per 500 ms, paced at 15 a second.
      const limited = await startTinySimulator({ requestsPerMinute: 10, windowMs: 500 });
      try {
        limited.seedProducts(2500);
        const paced = connect(limited, { rateLimit: { requestsPerSecond: 15, burst: 1 } });
        expect(await readAll(paced, 'products', { batchSize: 5000 })).toHaveLength(2500);
        expect(limited.stats.requests).toBe(25);
        expect(limited.stats.overLimit).toBe(0);
      } finally {
        await limited.close();
      }
    });
  });

  describe('webhooks', () => {
    let receiver: RunningSimulator;
    const received: IncomingWebhook[] = [];
    beforeAll(async () => {
      receiver = await startSimServer({
        routes: [
          {
            method: 'POST',
            path: '/hook',
            handler(req) {
              const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
              received.push({ headers, rawBody: req.rawBody, query: Object.fromEntries(req.query) });
              return { status: 200 };
            },
          },
        ],
      });
    });
    afterAll(() => receiver?.close());

    async function deliver(body: Record<string, unknown>, secret?: string): Promise<IncomingWebhook> {
      const query = secret === undefined ? '' : `?secret=${encodeURIComponent(secret)}`;
      expect(await sim.deliverWebhook(`${receiver.url}/hook${query}`, body)).toBe(200);
      return received.at(-1)!;
    }

    it('accepts an order notification with the right secret and points at the order to fetch', async () => {
      const [order] = sim.seedOrders(1);
      const delivery = await deliver(sim.webhookBody('atualizacao_pedido', order.id), sim.credentials.webhookSecret);
      expect(tiny.webhooks.verify(delivery, { token: sim.credentials.token, webhookSecret: sim.credentials.webhookSecret }, {})).toBe('valid');
      const [event] = tiny.webhooks.parse(delivery);
      expect(event).toMatchObject({ topic: 'atualizacao_pedido', entity: 'orders', action: 'updated', resourceId: String(order.id) });
      expect((await get('orders')(ctx, event.resourceId))?.sku).toBe(order.numero_ecommerce);
      // Tiny resends the same body until it gets 200: the same delivery has the same event id.
      const again = await deliver(sim.webhookBody('atualizacao_pedido', order.id), sim.credentials.webhookSecret);
      expect(tiny.webhooks.parse(again)[0].eventId).toBe(event.eventId);
    });

    it('rejects a delivery with a wrong secret or none', async () => {
      const [order] = sim.seedOrders(1);
      const creds = { token: sim.credentials.token, webhookSecret: sim.credentials.webhookSecret };
      expect(tiny.webhooks.verify(await deliver(sim.webhookBody('inclusao_pedido', order.id), 'guessed'), creds, {})).toBe('invalid');
      expect(tiny.webhooks.verify(await deliver(sim.webhookBody('inclusao_pedido', order.id)), creds, {})).toBe('invalid');
      expect(tiny.webhooks.verify(await deliver(sim.webhookBody('inclusao_pedido', order.id), sim.credentials.webhookSecret), { token: sim.credentials.token }, {})).toBe('invalid');
    });

    it('turns a stock notification into a stock event for the product, and ignores kinds it does not know', async () => {
      const [p] = sim.seedProducts(1, { startAt: 6000 });
      const delivery = await deliver(sim.webhookBody('estoque', p.id), sim.credentials.webhookSecret);
      expect(tiny.webhooks.parse(delivery)).toMatchObject([{ topic: 'estoque', entity: 'stock', action: 'updated', resourceId: String(p.id) }]);
      expect(tiny.webhooks.parse(await deliver({ versao: '1.0.0', cnpj: '1', tipo: 'nota_fiscal', dados: { id: 1 } }, sim.credentials.webhookSecret))).toEqual([]);
    });
  });
});

describe('flows through Tiny', () => {
  let h: Harness;
  const sims: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  const tinyConnection = (sim: TinySimulator) => ({ name: 'Tiny', provider: 'tiny', baseUrl: sim.baseUrl, credentials: { token: sim.credentials.token }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  const blingConnection = (sim: BlingSimulator) => ({ name: 'Bling', provider: 'bling', baseUrl: `${sim.url}/Api/v3`, credentials: { accessToken: sim.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  // Bling product → Tiny's product layout (codigo is stamped from the SKU by the writer).
  const blingToTiny = { nome: 'nome', unidade: 'unidade', preco: 'preco', origem: '"0"', situacao: 'situacao', tipo: 'tipo' };

  async function blingToTinyWorld(products: number) {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const target = await startTinySimulator({ requestsPerMinute: 0 });
    sims.push(bling, target);
    bling.seedProducts(products);
    const { flowId } = await setUpFlow(h, { source: { connection: blingConnection(bling), entity: 'products' }, target: { connection: tinyConnection(target), entity: 'products' }, fields: blingToTiny });
    return { bling, target, flowId };
  }

  function expectEveryBlingProductOnceInTiny(bling: BlingSimulator, target: TinySimulator) {
    expect(target.products.size).toBe(bling.products.size);
    for (const p of bling.products.values()) expect(target.productByCode(p.codigo)?.preco, p.codigo).toBe(p.preco);
  }

  it('moves 5,000 products from Bling into Tiny, once', async () => {
    const { bling, target, flowId } = await blingToTinyWorld(5000);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 5000, created: 5000, failed: 0, conflict: 0 });
    expect(target.stats.calls['produto.incluir.php']).toBe(5000);
    expectEveryBlingProductOnceInTiny(bling, target);
  });

  it('rides out a burst of "too many requests in the last minute" answers without losing or doubling a product', async () => {
    const { bling, target, flowId } = await blingToTinyWorld(300);
    target.faults.throttleNext(12);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 300, created: 300, failed: 0, conflict: 0 });
    expect(target.throttlingAnswers()).toBe(12);
    expect(target.stats.calls['produto.incluir.php']).toBe(300);
    expectEveryBlingProductOnceInTiny(bling, target);
    console.info(`[tiny] throttling answers sent during the burst test: ${target.throttlingAnswers()}`);
  });

  it('reads Tiny products into a flow that lists them on Mercado Livre', async () => {
    const source = await startTinySimulator({ requestsPerMinute: 0 });
    const ml: MercadoLivreSimulator = await startMercadoLivreSimulator();
    sims.push(source, ml);
    const seeded = source.seedProducts(250);
    const { flowId } = await setUpFlow(h, {
      source: { connection: tinyConnection(source), entity: 'products', batchSize: 100 },
      target: { connection: { name: 'Mercado Livre', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } }, entity: 'products' },
      fields: { title: 'nome', category_id: '"MLB1055"', price: 'preco', currency_id: '"BRL"', available_quantity: '1', buying_mode: '"buy_it_now"', listing_type_id: '"gold_special"', condition: '"new"' },
    });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 250, created: 250, failed: 0 });
    for (const p of seeded) expect(ml.itemsBySku(p.codigo).map((i) => i.price)).toEqual([p.preco]);
  });
});
