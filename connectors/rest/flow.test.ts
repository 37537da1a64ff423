import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { type RestSimulator, startRestSimulator } from './simulator';

const COUNT = 5000;

describe('a flow from Bling into a system with a plain REST API', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let api: RestSimulator;
  let flowId: string;

  beforeAll(async () => {
    h = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(COUNT);
    api = await startRestSimulator({ auth: { type: 'bearer', token: 'erp-token-123' }, requiredFields: ['title', 'price'], uniqueFields: ['sku'], retryAfterSeconds: 0.2 });
    ({ flowId } = await setUpFlow(h, {
      source: {
        connection: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } },
        entity: 'products',
        batchSize: 1000,
      },
      target: {
        connection: {
          name: 'ERP via REST',
          provider: 'rest',
          baseUrl: api.baseUrl,
          credentials: { authType: 'bearer', token: 'erp-token-123' },
          // Paced high enough not to slow the test; a 429 still pauses every request of the connection.
          settings: { rateLimit: { requestsPerSecond: 2000, burst: 50 }, entities: { products: { listPath: '/products', itemsPath: 'data', skuPath: 'sku', skuQueryParam: 'sku', updateMethod: 'PATCH' } } },
        },
        entity: 'products',
      },
      fields: { title: 'nome', price: 'preco', stock: '$floor(estoque.saldoVirtualTotal)' },
    }));
  });
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await api?.close();
  });

  it(`creates all ${COUNT} products once, through a burst of 429s mid-run`, async () => {
    api.scheduleBurst(2000, 40);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: COUNT, created: COUNT, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expect(api.stats.throttled).toBe(40);
    const records = [...api.collection('products').values()];
    expect(records).toHaveLength(COUNT);
    const bySku = new Map(records.map((r) => [r.sku, r]));
    expect(bySku.size).toBe(COUNT);
    for (const p of bling.products.values()) expect(bySku.get(p.codigo), p.codigo).toMatchObject({ title: p.nome, price: p.preco, stock: Math.floor(p.estoque.saldoVirtualTotal) });
    expect(api.log.every((l) => l.authorization === 'Bearer erp-token-123')).toBe(true);
  });

  it('sends only the changed products on the next run, as updates', async () => {
    const [first] = [...bling.products.keys()];
    bling.updateProduct(first, { preco: 99.9 });
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ processed: COUNT, created: 0, updated: 1, skipped: COUNT - 1, failed: 0 });
    expect(api.stats.updates).toBe(1);
    expect([...api.collection('products').values()].find((r) => r.sku === bling.products.get(first)!.codigo)).toMatchObject({ price: 99.9 });
    expect(api.collection('products').size).toBe(COUNT);
  });
});
