/**
 * What the browser tests (test/ui) share: Debian's Chromium driven by playwright-core, an
 * in-process Ponte serving the built UI on a real port, and the Bling and Mercado Livre
 * simulators with their connections.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { type Harness, type HarnessOptions, startHarness } from './harness';

const CHROMIUM = '/usr/bin/chromium';
/** Without it the UI files skip (describe.skipIf) rather than fail: the rest of the suite needs no browser. */
/** PONTE_BROWSER_TESTS=off skips them on purpose (CI's PostgreSQL leg: the UI does not change with the database). */
const browserTestsOff = process.env.PONTE_BROWSER_TESTS === 'off';
export const hasChromium = existsSync(CHROMIUM) && !browserTestsOff;
const uiIndex = fileURLToPath(new URL('../../ui/dist/index.html', import.meta.url));
const SHOTS = process.env.PONTE_UI_SHOTS ?? join(tmpdir(), 'ponte-ui-shots');

if (browserTestsOff) console.warn('UI tests skipped: PONTE_BROWSER_TESTS=off');
else if (!hasChromium) console.warn(`UI tests skipped: ${CHROMIUM} is missing (install it with: apt-get update && apt-get install -y chromium)`);

/** A Ponte serving the built UI and the API on a real port (the browser cannot go through inject). */
export async function serveUi(options: HarnessOptions = {}): Promise<{ h: Harness; base: string }> {
  // Checked first: without the build Ponte serves a placeholder page, and every test would fail far from the cause.
  if (!existsSync(uiIndex)) throw new Error('ui/dist is missing: run `npm run build:ui` (npm install does it)');
  const h = await startHarness(options);
  try {
    return { h, base: await h.app.listen({ port: 0, host: '127.0.0.1' }) };
  } catch (e) {
    await h.close();
    throw e;
  }
}

export interface Simulators {
  bling: BlingSimulator;
  ml: MercadoLivreSimulator;
  blingId: string;
  mlId: string;
}

/**
 * A Bling and a Mercado Livre simulator, each with a connection in Ponte (unpaced, so runs are not
 * slowed down). The caller closes the simulators; they are closed here only if a connection fails.
 */
export async function connectSimulators(h: Harness, names = { bling: 'Bling da loja', ml: 'Mercado Livre principal' }): Promise<Simulators> {
  const bling = await startBlingSimulator({ requestsPerSecond: 0 });
  const ml = await startMercadoLivreSimulator().catch(async (e) => {
    await bling.close();
    throw e;
  });
  const make = async (body: Record<string, unknown>) => {
    const res = await h.api('POST', '/api/connections', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  try {
    const blingId = await make({ name: names.bling, provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    const mlId = await make({ name: names.ml, provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    return { bling, ml, blingId, mlId };
  } catch (e) {
    await bling.close();
    await ml.close();
    throw e;
  }
}

/** Who signs a browser in: the harness admin (`h.admin`), or a person a test made. */
export interface Credentials {
  email: string;
  password: string;
}

export interface UiBrowser {
  context: BrowserContext;
  page: Page;
  /**
   * Signs this browser in through the API (POST /api/auth/login from the browser's own request
   * context, which shares its cookies with the page). Returns the session (csrfToken included).
   */
  signIn(who: Credentials): Promise<any>;
  /** A request with this browser's cookies (no page involved): what the API answers this browser. */
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Uncaught errors in the page, in order: a file expects none once its screens have run. */
  pageErrors: string[];
  /** A screenshot in $PONTE_UI_SHOTS (default: ponte-ui-shots in the temp dir), for a look by eye. */
  shot(name: string): Promise<Buffer>;
  /** A fresh load of a screen of the served UI (the same address twice would keep the screen's state). */
  visit(hash: string): Promise<void>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * A browser on the UI served at `base` (from serveUi), signed in as `signIn` (usually `h.admin`)
 * before any page loads; without it the browser starts signed out, on the sign-in screen.
 */
export async function openBrowser(base: string, signIn?: Credentials): Promise<UiBrowser> {
  // A fresh profile per file: language choice and other local storage must not leak between files.
  const profile = mkdtempSync(join(tmpdir(), 'ponte-chromium-'));
  let context: BrowserContext | undefined;
  let page: Page;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      // Nothing but the page under test on the network, and no sandbox (tests may run as root in a container).
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  } catch (e) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const opened = context;
  const request: UiBrowser['request'] = async (method, path, body, headers = {}) => {
    const res = await opened.request.fetch(`${base}${path}`, { method, data: body, headers, failOnStatusCode: false, maxRedirects: 0 });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : undefined };
  };
  const signInAs = async (who: Credentials) => {
    const res = await request('POST', '/api/auth/login', { email: who.email, password: who.password });
    if (res.status !== 200) throw new Error(`Signing the browser in as ${who.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  if (signIn) {
    try {
      await signInAs(signIn);
    } catch (e) {
      await opened.close();
      rmSync(profile, { recursive: true, force: true });
      throw e;
    }
  }
  return {
    context: opened,
    page,
    pageErrors,
    signIn: signInAs,
    request,
    shot: (name) => page.screenshot({ path: join(SHOTS, `${name}.png`) }),
    async visit(hash) {
      await page.goto('about:blank');
      await page.goto(`${base}/${hash}`);
    },
    async close() {
      await opened.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * How many rows a list screen shows once it has answered its latest filters: the screen marks the
 * list aria-busy while a request is out, and counting before then reads the previous answer.
 */
export async function countSettled(list: Locator, rows: Locator): Promise<number> {
  await expect.poll(() => list.getAttribute('aria-busy')).toBe('false');
  return rows.count();
}

/** Drags a block from the editor's palette onto the canvas, at (x, y) inside it. */
export async function dropBlock(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Draws a link with the mouse from a block's output port to another block's input port. */
export async function connectPorts(page: Page, from: string, to: string): Promise<void> {
  const handle = (node: string, kind: 'source' | 'target') => page.locator(`[data-testid="node-${node}"] .svelte-flow__handle.${kind}`).first();
  const a = (await handle(from, 'source').boundingBox())!;
  const b = (await handle(to, 'target').boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Adds one row per field to the open "Mapear campos" form: the target field and its expression. */
export async function fillMapFields(panel: Locator, fields: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(fields)) {
    await panel.getByTestId('kv-add-fields').click();
    await panel.locator('[data-kv="key"]').last().fill(key);
    await panel.locator('[data-kv="value"]').last().fill(value);
  }
}

/**
 * For afterAll: closes in order (the browser before the server it talks to, the server before the
 * simulators its runs call), skipping what a failed beforeAll never opened.
 */
export async function closeAll(...things: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  for (const thing of things) await thing?.close();
}
