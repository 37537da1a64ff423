/**
 * Ponte as it scales out: a standalone server and two standalone worker processes against the
 * Temporal dev server and a real PostgreSQL (this file runs on the PostgreSQL leg only: PGlite
 * belongs to one process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import WebSocket from 'ws';
import { BLING_PRODUCT_TO_ML_LISTING, blingProductChangesToMl } from '../server/templates/catalog';
import { childDatabaseEnv } from './support/database';
import { createConnection, expectMirrored } from './support/fixtures';
import { freePort, type PonteProcess, processAuth, startPonteProcess } from './support/ponte-process';

const onPostgres = !!process.env.DATABASE_URL;

/** trigger -> Bling products -> listing -> Mercado Livre, through the API of a Ponte process. */
async function publishBlingToMl(ponte: PonteProcess, bling: BlingSimulator, ml: MercadoLivreSimulator, mlRateLimit: { requestsPerSecond: number; burst?: number }, mlConnectionId?: string) {
  const conn = (body: object) => createConnection(ponte, body);
  const blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  const mlId = mlConnectionId ?? await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: mlRateLimit } });
  const flow = await ponte.api('POST', '/api/flows', {
    name: `Bling → ML ${blingId}`,
    document: {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
        { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products', batchSize: 500 } },
        { id: 'map', type: 'map', typeVersion: 1, params: { fields: BLING_PRODUCT_TO_ML_LISTING } },
        { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products' } },
      ],
      edges: [
        { from: 'start', fromPort: 'out', to: 'read' },
        { from: 'read', fromPort: 'out', to: 'map' },
        { from: 'map', fromPort: 'out', to: 'write' },
      ],
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  expect((await ponte.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
  return { flowId: flow.body.id as string, mlId };
}

async function finished(ponte: PonteProcess, runId: string, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await ponte.api('GET', `/api/runs/${runId}`)).body;
    if (run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running: ${JSON.stringify(run.counters)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!onPostgres)('scale-out: one server, two workers, PostgreSQL', () => {
  let env: Record<string, string>;
  let dataDir: string;
  let dropDatabase = async () => {};
  const processes: PonteProcess[] = [];
  const start = async (role: 'server' | 'worker', extra: Record<string, string> = {}) => {
    const p = await startPonteProcess({ ...env, ...extra }, { role });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ponte-scale-'));
    const database = await childDatabaseEnv();
    dropDatabase = database.drop;
    env = { ...database.env, PONTE_DATA_DIR: dataDir, TEMPORAL_ADDRESS: inject('temporalAddress'), PONTE_SECRET_KEY: 'scale-out-test-key' };
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes a 20,000-record sync after one of two workers is killed midway, each record written once, both workers having worked', { timeout: 400_000 }, async () => {
    const PRODUCTS = 20_000;
    env.PONTE_TASK_QUEUE = `scale-${Date.now()}`;
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    try {
      bling.seedProducts(PRODUCTS);
      const server = await start('server');
      const workers = await Promise.all([start('worker'), start('worker')]);
      const { flowId } = await publishBlingToMl(server, bling, ml, { requestsPerSecond: 0 });
      const started = await server.api('POST', `/api/flows/${flowId}/runs`);
      expect(started.status).toBe(202);

      // Kill the worker that has been writing (a worker names itself host:pid on the pages it commits).
      let busy: PonteProcess | undefined;
      while (!busy || ml.items.size < PRODUCTS / 3) {
        await new Promise((r) => setTimeout(r, 20));
        const committedBy: string[] = (await server.api('GET', `/api/runs/${started.body.runId}`)).body.workers ?? [];
        busy ??= workers.find((w) => committedBy.some((id) => id.endsWith(`:${w.pid}`)));
      }
      await busy.kill();
      expect(ml.items.size).toBeLessThan(PRODUCTS);

      const run = await finished(server, started.body.runId);
      expect(run.status, processes.map((p) => p.output()).join('\n').slice(-4000)).toBe('success');
      expect(run.counters).toMatchObject({ processed: PRODUCTS, created: PRODUCTS, failed: 0, conflict: 0 });
      expect(ml.stats.creates).toBe(PRODUCTS);
      expectMirrored(bling, ml);
      expect(run.workers.length, `pages committed by ${run.workers.join(', ')}`).toBeGreaterThanOrEqual(2);
    } finally {
      await bling.close();
      await ml.close();
    }
  });

  it('lets a worker stopped with SIGTERM hand its pages back: the run finishes on the other, nothing lost or doubled', { timeout: 300_000 }, async () => {
    const PRODUCTS = 6_000;
    env.PONTE_TASK_QUEUE = `sigterm-${Date.now()}`;
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    try {
      bling.seedProducts(PRODUCTS);
      const server = await start('server');
      const [leaving] = await Promise.all([start('worker'), start('worker')]);
      // Paced, so the run is still going when the worker is asked to stop.
      const { flowId } = await publishBlingToMl(server, bling, ml, { requestsPerSecond: 600, burst: 50 });
      const started = await server.api('POST', `/api/flows/${flowId}/runs`);
      while (ml.items.size < PRODUCTS / 4) await new Promise((r) => setTimeout(r, 20));
      const asked = Date.now();
      await leaving.stop();
      const stoppedIn = Date.now() - asked;
      expect(stoppedIn, 'a worker stops within its grace time').toBeLessThan(30_000);
      expect(ml.items.size).toBeLessThan(PRODUCTS);

      const run = await finished(server, started.body.runId);
      expect(run.status).toBe('success');
      expect(run.counters).toMatchObject({ processed: PRODUCTS, created: PRODUCTS, failed: 0 });
      expect(ml.stats.creates).toBe(PRODUCTS);
      expectMirrored(bling, ml);
    } finally {
      await bling.close();
      await ml.close();
    }
  });

  it('keeps two workers writing to one Mercado Livre account under its limit together', { timeout: 300_000 }, async () => {
    env.PONTE_TASK_QUEUE = `pacing-${Date.now()}`;
    const RATE = 10;
    // The provider allows 10 writes/s with a bucket of 10; each worker alone may send 10/s.
    const ml = await startMercadoLivreSimulator({ writesPerSecond: RATE });
    const blings = [await startBlingSimulator({ requestsPerSecond: 0 }), await startBlingSimulator({ requestsPerSecond: 0 })];
    try {
      blings[0].seedProducts(60);
      blings[1].seedProducts(60, { startAt: 60 });
      const server = await start('server');
      // One activity at a time per worker: the two runs' writes are on different workers at once.
      const metricsPorts = [await freePort(), await freePort()];
      await Promise.all(metricsPorts.map((port) => start('worker', { PONTE_WORKER_ACTIVITIES: '1', PONTE_METRICS_PORT: String(port) })));
      // Both flows write through ONE connection, so they share its bucket.
      const first = await publishBlingToMl(server, blings[0], ml, { requestsPerSecond: RATE, burst: 2 });
      const second = await publishBlingToMl(server, blings[1], ml, { requestsPerSecond: RATE, burst: 2 }, first.mlId);
      const flows = [first.flowId, second.flowId];
      const t0 = Date.now();
      const runIds = await Promise.all(flows.map(async (id) => (await server.api('POST', `/api/flows/${id}/runs`)).body.runId as string));
      const runs = await Promise.all(runIds.map((id) => finished(server, id)));
      const seconds = (Date.now() - t0) / 1000;
      expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
      expect(ml.items.size).toBe(120);
      expect(new Set(runs.flatMap((r) => r.workers)).size).toBe(2);
      const writes = ml.stats.creates;
      console.log(`pacing across two workers: ${writes} creates in ${seconds.toFixed(1)} s = ${(writes / seconds).toFixed(1)} writes/s (limit ${RATE}/s); 429s: ${ml.stats.throttled}`);
      expect(ml.stats.throttled, 'the provider answered 429: the workers paced separately').toBe(0);

      // Each worker counts its own provider calls; together they add up to what the provider saw.
      const scraped = await Promise.all(metricsPorts.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
      const sum = (series: RegExp) => scraped.flatMap((text) => text.split('\n').filter((l) => series.test(l)).map((l) => Number(l.split(' ').pop()))).reduce((a, b) => a + b, 0);
      expect(sum(new RegExp(`^ponte_provider_requests_total\\{provider="mercadolivre",connection="${first.mlId}",code="2xx",role="worker"\\}`))).toBeGreaterThanOrEqual(120);
      expect(sum(/^ponte_provider_throttled_total\{/)).toBe(0);
      expect(scraped.every((text) => /^ponte_provider_requests_total\{provider="mercadolivre"/m.test(text))).toBe(true);
    } finally {
      await ml.close();
      for (const b of blings) await b.close();
    }
  });

  it('shows a webhook received by one server live to a browser connected to the other', { timeout: 180_000 }, async () => {
    env.PONTE_TASK_QUEUE = `live-${Date.now()}`;
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    try {
      bling.seedProducts(3);
      const [receiver, watcher] = await Promise.all([start('server'), start('server'), start('worker')]);
      const conn = async (body: object) => (await receiver.api('POST', '/api/connections', body)).body.id as string;
      const blingId = await conn({
        name: 'Bling',
        provider: 'bling',
        baseUrl: `${bling.url}/Api/v3`,
        credentials: { accessToken: bling.credentials.accessToken, clientId: bling.credentials.clientId, clientSecret: bling.credentials.clientSecret },
        settings: { rateLimit: { requestsPerSecond: 0 } },
      });
      const mlId = await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
      const flow = await receiver.api('POST', '/api/flows', { name: 'Bling changes → ML', document: blingProductChangesToMl(blingId, mlId) });
      expect((await receiver.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);

      const socket = new WebSocket(`${watcher.url.replace('http', 'ws')}/api/live`, { headers: processAuth });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const events: Array<{ type: string; run?: { trigger: { eventIds?: string[] }; status: string } }> = [];
      socket.on('message', (data) => events.push(JSON.parse(data.toString())));

      const path = new URL((await receiver.api('GET', `/api/connections/${blingId}/webhook`)).body.webhookUrl).pathname;
      const delivery = bling.webhook('product.updated', { id: [...bling.products.keys()][0] }, { eventId: 'evt-cross-server' });
      const answer = await fetch(receiver.url + path, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
      expect(answer.status).toBe(202);

      const mine = () => events.filter((e) => e.run?.trigger.eventIds?.includes('evt-cross-server'));
      const deadline = Date.now() + 60_000;
      while (!mine().some((e) => e.type === 'run.finished') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      socket.close();
      const runsNow = (await watcher.api('GET', '/api/runs')).body.runs;
      expect(mine().map((e) => e.type), JSON.stringify({ events: events.slice(0, 5), runsNow })).toContain('run.finished');
      expect(mine().find((e) => e.type === 'run.finished')!.run!.status).toBe('success');
      expect(ml.items.size).toBe(1);
    } finally {
      await bling.close();
      await ml.close();
    }
  });
});
