import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { type RunningSimulator, startSimServer } from '../connectors/simulator-kit/server';
import { runRecords } from '../server/db/schema';
import { pruneOldPayloads } from '../server/runs/retention';
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

  const tickets: any[] = [];
  let ticketServer: RunningSimulator;

  beforeAll(async () => {
    ticketServer = await startSimServer({ routes: [{ method: 'POST', path: '/tickets', handler: (req) => (tickets.push({ body: req.body, key: req.headers['idempotency-key'] }), { status: 201, body: {} }) }] });
    h = await startHarness({ ticketUrl: `${ticketServer.url}/tickets` });
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
    await ticketServer?.close();
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
    const audit = await h.api('GET', `/api/audit?action=run.reprocess&targetId=${partial.id}`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'run.reprocess', details: expect.objectContaining({ version: 'latest', newRunId: res.body.runId }) })]);
    const published = await h.api('GET', `/api/audit?action=flow.publish&targetId=${flowId}`);
    expect(published.body.entries.map((e: { details: { version: number } }) => e.details.version)).toEqual([2, 1]);
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
    const res = await h.app.inject({ method: 'GET', url: `/api/runs/${partial.id}/export`, headers: h.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`ponte-run-${partial.id}.json`);
    const body = res.json();
    expect(body.run).toMatchObject({ id: partial.id, status: 'partial' });
    expect(body.records).toHaveLength(200);
    // Every record carries what was sent (created) or what could not be (failed).
    expect(body.records.every((r: { payload: unknown }) => r.payload)).toBe(true);
    const failed = body.records.filter((r: { outcome: string }) => r.outcome === 'failed');
    expect(failed).toHaveLength(3);
    expect(failed[0].payload).toMatchObject({ price: 0, currency_id: 'BRL' });
    const created = body.records.find((r: { outcome: string }) => r.outcome === 'created');
    expect(created.payload).toMatchObject({ currency_id: 'BRL', title: expect.any(String) });
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

  it('opens a ticket for a run\'s failures and sends it to the configured URL, without payloads', async () => {
    const res = await h.api('POST', `/api/runs/${partial.id}/ticket`, { message: 'Produtos sem preço no Bling' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ runId: partial.id, message: 'Produtos sem preço no Bling', sendError: null });
    expect(res.body.sentAt).toBeTruthy();
    expect(res.body.recordKeys).toHaveLength(3);
    expect(tickets).toHaveLength(1);
    expect(tickets[0].key).toBe(res.body.id);
    expect(tickets[0].body.failures).toHaveLength(3);
    expect(tickets[0].body.failures[0].message).toContain('item.price.invalid');
    expect(JSON.stringify(tickets[0].body)).not.toContain('"payload"');
  });

  it('prunes record payloads after the retention period, keeping outcomes and messages', async () => {
    const before = (await h.database.db.select().from(runRecords)).filter((r) => r.payload);
    expect(before.length).toBeGreaterThan(0);
    expect((await pruneOldPayloads(h.database.db, 30)).payloads).toBe(0);
    const later = new Date(Date.now() + 31 * 24 * 3600_000);
    const pruned = await pruneOldPayloads(h.database.db, 30, later);
    expect(pruned.payloads).toBe(before.length);
    const after = await h.database.db.select().from(runRecords);
    expect(after.filter((r) => r.payload)).toHaveLength(0);
    expect(after.filter((r) => r.outcome === 'failed').every((r) => r.message)).toBe(true);
  });
});
