import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

describe('acting on the sync log', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let flowId: string;
  let document: any;
  let partial: any;
  const broken: number[] = [];

  beforeAll(async () => {
    h = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(200);
    ({ flowId, document } = await setUpBlingToMl(h, bling, ml));
    // Three products without a price: Mercado Livre refuses them.
    for (const id of [...bling.products.keys()].slice(10, 13)) {
      bling.updateProduct(id, { preco: 0 });
      broken.push(id);
    }
    partial = await runFlow(h, flowId);
  });
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await ml?.close();
  });

  it('reprocesses only the failed records, on the latest version, once the cause is fixed', async () => {
    expect(partial.status).toBe('partial');
    expect(partial.counters).toMatchObject({ created: 197, failed: 3 });
    const before = { creates: ml.stats.creates, updates: ml.stats.updates };

    // The fix: a new version that lists price-less products at a floor price.
    const fixed = structuredClone(document);
    fixed.nodes.find((n: { id: string }) => n.id === 'to-listing').params.fields.price = 'preco > 0 ? preco : 9.9';
    expect((await h.api('PUT', `/api/flows/${flowId}`, { document: fixed })).status).toBe(200);
    expect((await h.api('POST', `/api/flows/${flowId}/publish`)).body.version).toBe(2);

    const res = await h.api('POST', `/api/runs/${partial.id}/reprocess`, { version: 'latest' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ of: partial.id, records: 3, version: 2 });
    const again = await h.waitForRun(res.body.runId);
    expect(again).toMatchObject({ status: 'success', reprocessOf: partial.id, version: 2 });
    expect(again.counters).toEqual({ processed: 3, created: 3, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    // Nothing else was touched.
    expect(ml.stats.creates - before.creates).toBe(3);
    expect(ml.stats.updates - before.updates).toBe(0);
    for (const id of broken) expect(ml.itemsBySku(bling.products.get(id)!.codigo)[0].price).toBe(9.9);

    // The original failures are closed, saying where.
    const failed = await h.api('GET', `/api/runs/${partial.id}/records?outcome=failed`);
    expect(failed.body.records.map((r: { resolution: string }) => r.resolution)).toEqual(Array(3).fill(`Reprocessed in run ${again.id}`));
    const nothing = await h.api('POST', `/api/runs/${partial.id}/reprocess`);
    expect(nothing.body.records).toBe(0);
  });

  it('exports the run with every record and its payload, and no secret', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/runs/${partial.id}/export` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`ponte-run-${partial.id}.json`);
    const body = res.json();
    expect(body.run).toMatchObject({ id: partial.id, status: 'partial' });
    expect(body.records).toHaveLength(200);
    const withPayload = body.records.filter((r: { payload: unknown }) => r.payload);
    expect(withPayload).toHaveLength(3);
    expect(withPayload[0].payload).toMatchObject({ price: 0, currency_id: 'BRL' });
    for (const secret of [bling.credentials.accessToken, ml.credentials.accessToken]) expect(res.body).not.toContain(secret);
  });

  it('marks failures resolved by hand and shows the hub figures', async () => {
    bling.updateProduct([...bling.products.keys()][50], { estoque: { saldoVirtualTotal: -5 } });
    const run = await runFlow(h, flowId);
    expect(run.counters.failed).toBe(1);
    const resolved = await h.api('POST', `/api/runs/${run.id}/records/resolve`, { resolution: 'Produto descontinuado' });
    expect(resolved.body).toEqual({ resolved: 1 });
    const failed = await h.api('GET', `/api/runs/${run.id}/records?outcome=failed`);
    expect(failed.body.records[0]).toMatchObject({ resolution: 'Produto descontinuado' });
    expect(failed.body.records[0].resolvedAt).toBeTruthy();

    const hub = await h.api('GET', '/api/hub');
    expect(hub.body.overall).toMatchObject({ activeIntegrations: 2, errorsLast24h: 2, recordsThisMonth: 200 });
    expect(hub.body.overall.lastSuccessfulSync).toBeTruthy();
    const perMl = hub.body.connections.find((c: { provider: string }) => c.provider === 'mercadolivre');
    expect(perMl).toMatchObject({ status: 'active', errorsLast24h: 2, recordsThisMonth: 200 });
  });
});
