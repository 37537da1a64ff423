import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { createConnection, expectMirrored } from './support/fixtures';
import { BLING_PRODUCT_TO_ML_LISTING } from '../server/templates/catalog';
import { childDatabaseEnv } from './support/database';
import { type PonteProcess, startPonteProcess } from './support/ponte-process';

const PRODUCTS = 3000;

describe('a worker killed in the middle of a run', () => {
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let dataDir: string;
  let env: Record<string, string>;
  let ponte: PonteProcess | undefined;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(PRODUCTS);
    dataDir = mkdtempSync(join(tmpdir(), 'ponte-crash-'));
    env = {
      PONTE_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      PONTE_TASK_QUEUE: `crash-${Date.now()}`,
      PONTE_SECRET_KEY: 'crash-test-key',
    };
    const database = await childDatabaseEnv();
    Object.assign(env, database.env);
    dropDatabase = database.drop;
  });
  afterAll(async () => {
    await ponte?.stop();
    await bling?.close();
    await ml?.close();
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes after a new worker starts, with every record written exactly once', async () => {
    ponte = await startPonteProcess(env);
    const conn = (body: object) => createConnection(ponte!, body);
    const blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    // Paced so the run lasts long enough to be killed in the middle.
    const mlId = await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 250, burst: 20 } } });
    const flow = await ponte.api('POST', '/api/flows', {
      name: 'Crash',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products', batchSize: 500 } },
          {
            id: 'map',
            type: 'map',
            typeVersion: 1,
            params: { fields: BLING_PRODUCT_TO_ML_LISTING },
          },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products', matchBy: 'binding' } },
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
    const started = await ponte.api('POST', `/api/flows/${flow.body.id}/runs`);
    expect(started.status).toBe(202);

    // Kill it (SIGKILL: no goodbye) once a good part of the listings exist.
    while (ml.items.size < PRODUCTS / 3) await new Promise((r) => setTimeout(r, 20));
    await ponte.kill();
    const atKill = ml.items.size;
    expect(atKill).toBeLessThan(PRODUCTS);

    ponte = await startPonteProcess(env);
    let run: any;
    const deadline = Date.now() + 150_000;
    do {
      await new Promise((r) => setTimeout(r, 500));
      run = (await ponte.api('GET', `/api/runs/${started.body.runId}`)).body;
    } while (run.status === 'running' && Date.now() < deadline);

    expect(run.status, ponte.output()).toBe('success');
    expect(run.counters).toMatchObject({ processed: PRODUCTS, created: PRODUCTS, failed: 0, conflict: 0 });
    expect(ml.stats.creates).toBe(PRODUCTS);
    expectMirrored(bling, ml);
  });
});
