/**
 * `npm run bench:sync [-- 10000 100000]`: records/s and peak RSS of a full sync from the Bling
 * simulator to the Mercado Livre simulator, pacing off. Each size runs in a fresh Ponte process;
 * the simulators and the Temporal dev server live outside it, as the real providers would.
 * Uses PGlite unless DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBlingSimulator } from '../connectors/bling/simulator';
import { startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { ensureTemporalCli } from '../server/temporal/locate-cli';
import { bundleWorkflows } from '../server/temporal/worker';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (!sizes.length) sizes.push(10_000, 100_000);

async function main() {
  const cli = ensureTemporalCli(process.env.TEMPORAL_CLI, console.log);
  if (!cli) throw new Error('Temporal CLI not found');
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cli }, log: { format: 'pretty', level: 'error' } } });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'ponte-bench-bundle-')), 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const script = fileURLToPath(new URL('./sync-run.ts', import.meta.url));

  console.log(`Ponte sync benchmark: Bling simulator -> filter -> map -> upsert -> Mercado Livre simulator, pacing off, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);
  for (const size of sizes) {
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    const ml = await startMercadoLivreSimulator();
    bling.seedProducts(size);
    const dbDir = mkdtempSync(join(tmpdir(), 'ponte-bench-db-'));
    const runScript = (first: string) =>
      new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF && first !== 'init' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', script, first, bling.url, bling.credentials.accessToken, ml.url, ml.credentials.accessToken, env.address, bundlePath, dbDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop()!) : reject(new Error(`bench run exited ${code}: ${out}`))));
      });
    await runScript('init');
    const line = await runScript(String(size));
    rmSync(dbDir, { recursive: true, force: true });
    const r = JSON.parse(line);
    console.log(
      `${String(size).padStart(7)} records: ${r.status}, ${String(r.recordsPerSecond).padStart(5)} records/s, ${r.seconds} s, peak RSS during the sync ${r.syncPeakRssMb} MB (process lifetime ${r.processPeakRssMb} MB), Ponte CPU ${r.ponteCpuSeconds} s` +
        `  (Mercado Livre simulator holds ${ml.items.size}, creates ${ml.stats.creates})`,
    );
    await bling.close();
    await ml.close();
  }
  await env.teardown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
