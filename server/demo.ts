/**
 * `npm start -- --demo`: starts the Bling and Mercado Livre simulators, (re)creates their
 * connections, imports examples/bling-to-mercadolivre.json, publishes it and runs it once.
 * The simulators start empty each time, so the demo connections (and their bindings) are
 * recreated with them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { startBlingSimulator } from '../connectors/bling/simulator';
import { startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import type { RunningSimulator } from '../connectors/simulator-kit/server';
import { createConnection } from './connections/store';
import type { Db } from './db/client';
import { connections } from './db/schema';
import { createFlow, getFlow, NotFoundError, publishFlow, updateFlow } from './flows/service';
import { getRun, type RunStarter, startRun } from './runs/service';
import type { SecretBox } from './secrets/crypto';

const examplePath = fileURLToPath(new URL('../examples/bling-to-mercadolivre.json', import.meta.url));

export interface DemoDeps {
  db: Db;
  box: SecretBox;
  tenantId: string;
  starter: RunStarter;
  log: { info(msg: string): void; warn(msg: string): void };
  products?: number;
}

export async function startDemo(deps: DemoDeps): Promise<{ close(): Promise<void> }> {
  const { db, box, tenantId, log } = deps;
  const bling = await startBlingSimulator({ requestsPerSecond: 3 });
  const ml = await startMercadoLivreSimulator({ writesPerSecond: 50 });
  const count = deps.products ?? 250;
  bling.seedProducts(count);
  log.info(`Demo: Bling simulator at ${bling.url}/Api/v3 with ${count} products; Mercado Livre simulator at ${ml.url}`);

  for (const id of ['demo-bling', 'demo-mercadolivre']) await db.delete(connections).where(eq(connections.id, id));
  await createConnection(db, box, tenantId, {
    id: 'demo-bling',
    name: 'Bling (simulador)',
    provider: 'bling',
    baseUrl: `${bling.url}/Api/v3`,
    credentials: { clientId: bling.credentials.clientId, clientSecret: bling.credentials.clientSecret, accessToken: bling.credentials.accessToken, refreshToken: bling.credentials.refreshToken },
    direction: 'export',
    entities: ['products'],
    settings: { authorizeUrl: `${bling.url}/Api/v3/oauth/authorize` },
  });
  await createConnection(db, box, tenantId, {
    id: 'demo-mercadolivre',
    name: 'Mercado Livre (simulador)',
    provider: 'mercadolivre',
    baseUrl: ml.url,
    credentials: { clientId: ml.credentials.clientId, clientSecret: ml.credentials.clientSecret, accessToken: ml.credentials.accessToken, refreshToken: ml.credentials.refreshToken },
    settings: { rateLimit: { requestsPerSecond: 40, burst: 10 }, authorizeUrl: `${ml.url}/authorization` },
  });

  const example = JSON.parse(readFileSync(examplePath, 'utf8')) as { id: string; name: string; description: string; document: unknown };
  try {
    await getFlow(db, tenantId, example.id);
    await updateFlow(db, tenantId, example.id, example);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await createFlow(db, tenantId, example);
  }
  await publishFlow(db, tenantId, example.id);
  const run = await startRun(db, deps.starter, tenantId, example.id, { type: 'manual', by: 'demo' });
  log.info(`Demo: flow "${example.name}" is running (run ${run.runId}); follow it at /api/runs/${run.runId}`);

  void (async () => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const r = await getRun(db, tenantId, run.runId).catch(() => null);
      if (!r || r.status === 'running') continue;
      log.info(
        `Demo: run ${r.id} ended ${r.status} in ${(r.durationMs / 1000).toFixed(1)} s: ${r.counters.created} created, ${r.counters.updated} updated, ` +
          `${r.counters.skipped} skipped, ${r.counters.failed} failed. The Mercado Livre simulator holds ${ml.items.size} listings.`,
      );
      return;
    }
  })();

  const sims: RunningSimulator[] = [bling, ml];
  return { close: async () => void (await Promise.all(sims.map((s) => s.close()))) };
}
