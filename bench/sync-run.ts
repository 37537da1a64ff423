/**
 * One measured sync in a fresh process (so its peak RSS is its own): Bling simulator ->
 * fetch -> filter -> map -> upsert -> Mercado Livre simulator, pacing off.
 * Prints one JSON line: records, seconds, records/s, peak RSS.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { PacerRegistry } from '../connectors/http/pacing';
import { createConnection } from '../server/connections/store';
import { DEFAULT_TENANT, openDatabase } from '../server/db/client';
import { runs } from '../server/db/schema';
import { createFlow, publishFlow } from '../server/flows/service';
import { startRun } from '../server/runs/service';
import { SecretBox } from '../server/secrets/crypto';
import { createWorker, installTemporalRuntime } from '../server/temporal/worker';

const [, , countArg, blingUrl, blingToken, mlUrl, mlToken, address, bundlePath, dbDir] = process.argv;
const count = Number(countArg);

async function main() {
  const databaseOptions = process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { pgliteDir: dbDir };
  if (countArg === 'init') {
    // PGlite's initdb costs ~500 MB once, on a brand-new data folder; keep it out of the measure.
    await (await openDatabase(databaseOptions)).close();
    return;
  }
  installTemporalRuntime();
  const database = await openDatabase(databaseOptions);
  const db = database.db;
  const box = SecretBox.fromKeyMaterial('bench');
  const taskQueue = `bench-${Date.now()}`;
  const native = await NativeConnection.connect({ address });
  const worker = await createWorker({ connection: native, namespace: 'default', taskQueue, deps: { db, box, pacers: new PacerRegistry() }, workflowBundle: { codePath: bundlePath } });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  const off = { rateLimit: { requestsPerSecond: 0 } };
  const blingConn = await createConnection(db, box, DEFAULT_TENANT, { name: 'Bling', provider: 'bling', baseUrl: `${blingUrl}/Api/v3`, credentials: { accessToken: blingToken }, settings: off });
  const mlConn = await createConnection(db, box, DEFAULT_TENANT, { name: 'ML', provider: 'mercadolivre', baseUrl: mlUrl, credentials: { accessToken: mlToken }, settings: off });
  const example = JSON.parse(readFileSync(new URL('../examples/bling-to-mercadolivre.json', import.meta.url), 'utf8'));
  for (const node of example.document.nodes) {
    if (node.params.connectionId === 'demo-bling') node.params.connectionId = blingConn.id;
    if (node.params.connectionId === 'demo-mercadolivre') Object.assign(node.params, { connectionId: mlConn.id, matchBy: 'binding' });
  }
  const flow = await createFlow(db, DEFAULT_TENANT, { name: 'bench', document: example.document });
  await publishFlow(db, DEFAULT_TENANT, flow.id);

  // RSS sampled while the sync runs: the process-lifetime peak also holds PGlite's one-time initdb.
  let syncPeakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (syncPeakRss = Math.max(syncPeakRss, process.memoryUsage().rss)), 50);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { runId } = await startRun(db, { client, taskQueue }, DEFAULT_TENANT, flow.id, { type: 'manual', by: 'bench' });
  let run;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    [run] = await db.select().from(runs).where(eq(runs.id, runId));
    if (run.status !== 'running') break;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuBefore);
  const ponteCpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  const processPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const syncPeakRssMb = Math.round(syncPeakRss / 1024 / 1024);
  console.log(JSON.stringify({ records: count, status: run.status, created: run.created, failed: run.failed, seconds: Number(seconds.toFixed(2)), recordsPerSecond: Math.round(count / seconds), syncPeakRssMb, processPeakRssMb, ponteCpuSeconds, database: database.kind }));

  worker.shutdown();
  await running;
  await native.close();
  await connection.close();
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
