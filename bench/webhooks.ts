/**
 * `npm run bench:webhooks [-- events] [--ack-only]`: accepted webhooks/s, p50/p99 acknowledgement latency and
 * the time until the last event's run finished, for N signed Bling `product.updated` deliveries
 * (default 10,000) sent at concurrency 50 to a Ponte process (API + worker, PGlite unless
 * DATABASE_URL), each starting one run of a webhook-triggered flow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Agent, request } from 'undici';
import { startBlingSimulator } from '../connectors/bling/simulator';
import { startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { blingProductChangesToMl } from '../server/templates/catalog';
import { ensureTemporalCli } from '../server/temporal/locate-cli';
import { startPonteProcess } from '../test/support/ponte-process';

const total = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10_000);
/** `--ack-only`: no flow listens, so the figure is the acknowledgement path alone (events stored, then ignored). */
const ackOnly = process.argv.includes('--ack-only');
const concurrency = 50;

async function main() {
  const cli = ensureTemporalCli(process.env.TEMPORAL_CLI, console.log);
  if (!cli) throw new Error('Temporal CLI not found');
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cli }, log: { format: 'pretty', level: 'error' } } });
  const bling = await startBlingSimulator({ requestsPerSecond: 0 });
  const ml = await startMercadoLivreSimulator();
  bling.seedProducts(total);
  const dataDir = mkdtempSync(join(tmpdir(), 'ponte-bench-wh-'));
  const ponte = await startPonteProcess({ PONTE_DATA_DIR: dataDir, TEMPORAL_ADDRESS: env.address, PONTE_TASK_QUEUE: `bench-wh-${Date.now()}`, PONTE_SECRET_KEY: 'bench' });
  try {
    const conn = async (body: object) => (await ponte.api('POST', '/api/connections', body)).body.id as string;
    const blingId = await conn({
      name: 'Bling',
      provider: 'bling',
      baseUrl: `${bling.url}/Api/v3`,
      credentials: { clientId: bling.credentials.clientId, clientSecret: bling.credentials.clientSecret, accessToken: bling.credentials.accessToken },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    });
    const mlId = await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    const flow = await ponte.api('POST', '/api/flows', {
      name: 'bench webhooks',
      document: blingProductChangesToMl(blingId, mlId),
    });
    if (!ackOnly) await ponte.api('POST', `/api/flows/${flow.body.id}/publish`);
    const url = (await ponte.api('GET', `/api/connections/${blingId}/webhook`)).body.webhookUrl.replace('http://127.0.0.1:3000', ponte.url);
    const target = new URL(url);
    target.host = new URL(ponte.url).host;

    const deliveries = [...bling.products.keys()].map((id, i) => bling.webhook('product.updated', { id }, { eventId: `bench-${i}` }));
    const agent = new Agent({ connections: concurrency });
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++];
          const t0 = performance.now();
          const res = await request(target.toString(), { method: 'POST', headers: d.headers, body: d.rawBody, dispatcher: agent });
          await res.body.dump();
          latencies.push(performance.now() - t0);
          if (res.statusCode !== 202) failures++;
        }
      }),
    );
    const ackSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
    console.log(`${total} webhooks at concurrency ${concurrency}: ${Math.round(total / ackSeconds)} acknowledged/s, p50 ${pct(50)} ms, p99 ${pct(99)} ms, ${failures} not 202`);

    if (ackOnly) return;
    for (;;) {
      const running = (await ponte.api('GET', `/api/runs?status=running&limit=1`)).body.runs.length;
      if (!running && ml.items.size >= total) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainSeconds = (performance.now() - started) / 1000;
    console.log(`last run finished ${drainSeconds.toFixed(1)} s after the first delivery (${(total / drainSeconds).toFixed(0)} events/s); Mercado Livre simulator holds ${ml.items.size} listings, ${ml.stats.creates} creates`);
  } finally {
    await ponte.stop();
    await bling.close();
    await ml.close();
    await env.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
