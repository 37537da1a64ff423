/**
 * `npm run bench:ui [-- nodes]`: how the flow editor's canvas copes with a large flow (default 100
 * blocks: a start, a fetch and branches of transforms ending in writes), created through the API
 * of a Ponte process serving the built UI, opened in Debian's Chromium (/usr/bin/chromium) with
 * playwright-core. It prints:
 *
 * - time to first render: from navigation start to the first frame with every block and link
 *   drawn and measured (cold load, then the median of warm reloads);
 * - per-frame cost while panning and zooming: requestAnimationFrame intervals over a scripted drag
 *   and wheel zoom (p50/p95/max, frames over 20 ms), and the main thread's busy time per frame
 *   from Chromium's own counters (script, style, layout).
 *
 * Needs ui/dist (`npm run build:ui`). Ponte embeds Temporal and PGlite, as `npm start` does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startPonteProcess } from '../test/support/ponte-process';

const CHROMIUM = '/usr/bin/chromium';
const blocks = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100);
const WARM_LOADS = 5;

/** start → fetch → branches of (pure blocks… → upsert); `total` blocks in all. */
function largeFlow(total: number, sourceId: string, targetId: string) {
  const nodes: Array<Record<string, unknown>> = [
    { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
    { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: sourceId, entity: 'products' } },
  ];
  const edges: Array<Record<string, unknown>> = [{ from: 'start', fromPort: 'out', to: 'read' }];
  const perBranch = 7;
  const branches = Math.max(1, Math.floor((total - 2) / perBranch));
  let left = total - 2;
  for (let b = 0; b < branches; b++) {
    const size = b === branches - 1 ? left : perBranch;
    left -= size;
    let previous = 'read';
    for (let i = 0; i < size; i++) {
      const id = `b${b}-${i}`;
      const last = i === size - 1;
      nodes.push(
        last
          ? { id, type: 'upsert', typeVersion: 1, params: { connectionId: targetId, entity: 'products', matchBy: 'sku' } }
          : i % 2 === 0
            ? { id, type: 'map', typeVersion: 1, params: { fields: { title: `$substring(nome, 0, ${40 + i})`, price: `preco * ${1 + b / 100}` }, keepUnmapped: true } }
            : { id, type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: `preco > ${i}` } },
      );
      edges.push({ from: previous, fromPort: 'out', to: id });
      previous = id;
    }
  }
  return { schemaVersion: 1, nodes, edges };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** ms from navigation start to the first frame where every block and link is on screen. */
async function timeToCanvas(page: Page, url: string, nodeCount: number, edgeCount: number): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url);
  // Page-side code as text: it runs in the browser (no DOM types here, no tsx helpers there).
  const handle = await page.waitForFunction(
    `(() => {
      const nodes = document.querySelectorAll('.svelte-flow__node');
      if (nodes.length !== ${nodeCount} || document.querySelectorAll('.svelte-flow__edge path').length < ${edgeCount}) return false;
      for (const el of nodes) if (getComputedStyle(el).visibility !== 'visible') return false;
      return performance.now();
    })()`,
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

interface FrameFigures {
  frames: number;
  /** Frames in which the view had moved: the gesture really panned or zoomed. */
  moved: number;
  p50: number;
  p95: number;
  max: number;
  over20: number;
  busyPerFrame: number;
  scriptPerFrame: number;
  layoutPerFrame: number;
  stylePerFrame: number;
}

/** Runs `gesture` while recording rAF timestamps and Chromium's main-thread counters. */
async function measureFrames(page: Page, gesture: () => Promise<void>): Promise<FrameFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__moved = 0;
    // A generation per recording: the previous loop's last callback must not start a second loop.
    const generation = (window.__generation = (window.__generation ?? 0) + 1);
    window.__recording = true;
    const viewport = document.querySelector('.svelte-flow__viewport');
    let last = viewport.style.transform;
    const tick = (t) => {
      if (window.__generation !== generation) return;
      window.__frames.push(t);
      if (viewport.style.transform !== last) window.__moved++;
      last = viewport.style.transform;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const before = await metrics();
  await gesture();
  const after = await metrics();
  const { stamps, moved } = (await page.evaluate('window.__recording = false, { stamps: window.__frames, moved: window.__moved }')) as { stamps: number[]; moved: number };
  await cdp.detach();
  const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
  const sorted = [...intervals].sort((a, b) => a - b);
  const frames = intervals.length;
  const per = (name: string) => ((after[name] - before[name]) * 1000) / frames;
  return {
    frames,
    moved,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
    over20: intervals.filter((d) => d > 20).length,
    busyPerFrame: per('TaskDuration'),
    scriptPerFrame: per('ScriptDuration'),
    layoutPerFrame: per('LayoutDuration'),
    stylePerFrame: per('RecalcStyleDuration'),
  };
}

const pause = (t: number) => new Promise((r) => setTimeout(r, t));

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  if (!existsSync(fileURLToPath(new URL('../ui/dist/index.html', import.meta.url)))) throw new Error('ui/dist is missing: run `npm run build:ui`');
  const dataDir = mkdtempSync(join(tmpdir(), 'ponte-bench-ui-'));
  const profile = mkdtempSync(join(tmpdir(), 'ponte-bench-chromium-'));
  const ponte = await startPonteProcess({ PONTE_DATA_DIR: dataDir, PONTE_SECRET_KEY: 'bench', PONTE_TASK_QUEUE: `bench-ui-${Date.now()}` });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const conn = async (body: object) => {
      const res = await ponte.api('POST', '/api/connections', body);
      if (res.status !== 201) throw new Error(`connection: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    // The canvas only draws the flow: nothing here calls the providers.
    const sourceId = await conn({ name: 'Bling', provider: 'bling', credentials: { accessToken: 'bench-token' } });
    const targetId = await conn({ name: 'Mercado Livre', provider: 'mercadolivre', credentials: { accessToken: 'APP_USR-bench' } });
    const document = largeFlow(blocks, sourceId, targetId);
    const created = await ponte.api('POST', '/api/flows', { name: `Bench ${blocks} blocos`, document });
    if (created.status !== 201) throw new Error(`flow: ${JSON.stringify(created.body).slice(0, 2000)}`);
    const url = `${ponte.url}/#/flows/${created.body.id}`;
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    console.log(`Flow of ${document.nodes.length} blocks and ${document.edges.length} links, Chromium ${context.browser()?.version() ?? ''} headless, viewport 1400×900`);
    const cold = await timeToCanvas(page, url, document.nodes.length, document.edges.length);
    const warm: number[] = [];
    for (let i = 0; i < WARM_LOADS; i++) warm.push(await timeToCanvas(page, url, document.nodes.length, document.edges.length));
    warm.sort((a, b) => a - b);
    console.log(`First render of the canvas: cold ${ms(cold)}, warm median ${ms(percentile(warm, 50))} (min ${ms(warm[0])}, max ${ms(warm[warm.length - 1])}, ${WARM_LOADS} loads)`);

    await pause(500); // the editor fits the view 50 ms after loading
    const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
    const cx = pane.x + pane.width / 2;
    const cy = pane.y + pane.height / 2;

    // Pan: a 2-second drag across the pane, mouse events sent as fast as the browser takes them
    // (Chromium coalesces them to one per frame, as it does a real mouse's).
    const pan = await measureFrames(page, async () => {
      await page.mouse.move(cx - 250, cy);
      await page.mouse.down();
      const started = Date.now();
      while (Date.now() - started < 2000) {
        const f = (Date.now() - started) / 2000;
        await page.mouse.move(cx - 250 + 500 * Math.sin(f * Math.PI), cy + 150 * Math.sin(f * 2 * Math.PI));
      }
      await page.mouse.up();
    });

    // Zoom: small wheel steps in, then out, over the pane's centre (about ×2.3 each way: the
    // zoom limits are never reached, so every step redraws).
    const zoom = await measureFrames(page, async () => {
      await page.mouse.move(cx, cy);
      for (let i = 0; i < 120; i++) await page.mouse.wheel(0, i < 60 ? -10 : 10);
    });

    for (const [name, f] of [['Pan', pan], ['Zoom', zoom]] as const) {
      console.log(
        `${name}: ${f.frames} frames (view moved in ${f.moved}), interval p50 ${ms(f.p50)}, p95 ${ms(f.p95)}, max ${ms(f.max)}, ${f.over20} over 20 ms; main thread per frame ${ms(f.busyPerFrame)} (script ${ms(f.scriptPerFrame)}, style ${ms(f.stylePerFrame)}, layout ${ms(f.layoutPerFrame)})`,
      );
    }
    if (errors.length) console.log(`Page errors: ${errors.join('; ')}`);
  } finally {
    await context.close();
    await ponte.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
