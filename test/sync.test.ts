import { beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { expectMirrored, runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import { type Harness, startHarness } from './support/harness';

describe('syncing products from Bling to Mercado Livre', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let flowId: string;

  useBlingAndMl({ products: 1000 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    ({ flowId } = await setUpBlingToMl(h, bling, ml));
  });

  it('creates every product once on the first run', async () => {
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 1000, created: 1000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expect(run.trigger.type).toBe('manual');
    expect(run.version).toBe(1);
    expect(run.nodes['ml-items'].created).toBe(1000);
    expectMirrored(bling, ml);
    expect(ml.stats.creates).toBe(1000);
  });

  it('creates nothing on a second run and reports every product skipped', async () => {
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 1000, created: 0, updated: 0, skipped: 1000, failed: 0, conflict: 0 });
    expect(ml.stats.creates).toBe(1000);
    expect(ml.stats.updates).toBe(0);
  });

  it('updates only the products that changed in Bling', async () => {
    const [first, second] = [...bling.products.keys()];
    bling.updateProduct(first, { preco: 1234.5 });
    bling.updateProduct(second, { estoque: { saldoVirtualTotal: 3 } });
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ processed: 1000, created: 0, updated: 2, skipped: 998 });
    expectMirrored(bling, ml);
  });

  it('logs a product the marketplace refuses as failed, with the reason and what to do in Portuguese and English, and the run ends partial', async () => {
    const [id] = [...bling.products.keys()].slice(-1);
    bling.updateProduct(id, { preco: 0 });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('partial');
    expect(run.counters).toMatchObject({ failed: 1, updated: 0, created: 0, skipped: 999 });
    const failed = await h.api('GET', `/api/runs/${run.id}/records?outcome=failed`);
    expect(failed.body.records).toHaveLength(1);
    expect(failed.body.records[0]).toMatchObject({ recordKey: String(id), errorKind: 'ValidationError' });
    expect(failed.body.records[0].message).toContain('item.price.invalid');
    expect(failed.body.records[0].hint).toMatch(/reprocess/i);
    // The screens show what to do in the reader's language; `hint` stays English for logs and exports.
    expect(failed.body.records[0]).toMatchObject({
      hintCode: 'ValidationError',
      hintText: {
        'pt-BR': 'O sistema recusou o registro. Corrija os campos citados na mensagem e reprocesse.',
        en: 'The provider refused the record. Fix the fields named in the message, then reprocess.',
      },
    });
    expect(failed.body.records[0].payload).toMatchObject({ price: 0 });
  });
});

describe('two runs writing the same records at once', () => {
  it('creates each listing once, whichever run gets there first', async () => {
    const h = await startHarness();
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    try {
      bling.seedProducts(1000);
      const first = await setUpBlingToMl(h, bling, ml);
      // A second flow over the same Bling products into the same Mercado Livre connection.
      const second = await h.api('POST', '/api/flows', { name: 'Same target', document: first.document });
      await h.api('POST', `/api/flows/${second.body.id}/publish`);
      const [a, b] = await Promise.all([h.api('POST', `/api/flows/${first.flowId}/runs`), h.api('POST', `/api/flows/${second.body.id}/runs`)]);
      const [runA, runB] = await Promise.all([h.waitForRun(a.body.runId), h.waitForRun(b.body.runId)]);
      expect(ml.stats.creates).toBe(1000);
      expectMirrored(bling, ml);
      expect(runA.counters.created + runB.counters.created).toBe(1000);
      expect(runA.counters.failed + runB.counters.failed).toBe(0);
    } finally {
      await h.close();
      await bling.close();
      await ml.close();
    }
  });
});
