/**
 * The browser UI, driven in Debian's Chromium (/usr/bin/chromium) against an in-process Ponte
 * serving the built UI (ui/dist) and the API on a real port, with the Bling and Mercado Livre
 * simulators. What a user notices: the hub, creating and testing a connection, building a flow on
 * the canvas (palette drag, ports, forms, a validation problem on its node), publishing, running,
 * the sync log, the language switch.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { closeAll, connectPorts, connectSimulators, dropBlock, fillMapFields, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

describe.skipIf(!hasChromium)('browser UI (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let browser: UiBrowser;
  let page: Page;
  let base: string;
  let blingId: string;
  let mlId: string;

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    ({ bling, ml, blingId, mlId } = await connectSimulators(h));
    bling.seedProducts(20);
    browser = await openBrowser(base, h.admin);
    page = browser.page;
  });

  afterAll(() => closeAll(browser, h, bling, ml));

  it('shows the connections and the numbers on the hub', async () => {
    await page.goto(`${base}/#/`);
    const table = page.getByTestId('hub-connections');
    await expect.poll(() => table.textContent()).toContain('Bling da loja');
    expect(await table.textContent()).toContain('Mercado Livre principal');
    expect(await page.getByTestId('stat-active').textContent()).toBe('2');
    expect(await page.locator('h1').textContent()).toBe('Painel');
    await browser.shot('hub');
  });

  it('creates a connection through the form and "Testar conexão" shows the diagnosis', async () => {
    await page.goto(`${base}/#/connections`);
    await page.getByTestId('new-connection').click();
    await page.locator('select[name="provider"]').selectOption('bling');
    await page.locator('input[name="name"]').fill('Bling filial');
    await page.locator('input[name="baseUrl"]').fill(`${bling.url}/Api/v3`);
    await page.locator('input[name="cred-accessToken"]').fill(bling.credentials.accessToken);
    await page.locator('input[name="entity-products"]').check();
    await page.locator('select[name="frequency"]').selectOption('15m');
    await browser.shot('connection-new');
    await page.getByTestId('save-connection').click();
    await page.waitForURL(/#\/connections\/[^/]+$/);
    expect(await page.getByTestId('saved').textContent()).toContain('Conexão criada');
    const saved = (await h.api('GET', '/api/connections')).body.connections.find((c: any) => c.name === 'Bling filial');
    expect(saved).toMatchObject({ provider: 'bling', entities: ['products'], frequency: '15m', status: 'active' });

    await page.getByTestId('test-connection').click();
    const diagnosis = page.getByTestId('diagnosis');
    await expect.poll(() => diagnosis.textContent()).toContain('A conexão funciona');
    expect(await page.getByTestId('test-status').textContent()).toBe('200');
    expect(await page.getByTestId('webhook-url').inputValue()).toMatch(/^http:\/\/ponte\.test\/webhooks\//);
    await browser.shot('connection-tested');
  });

  it('builds a flow on the canvas, shows a problem on its node, publishes, runs it and shows the run in the sync log', async () => {
    await page.goto(`${base}/#/flows/new`);
    const canvas = page.getByTestId('canvas');
    await canvas.locator('.svelte-flow__pane').waitFor();
    await page.getByTestId('flow-name').fill('Bling → ML pelo editor');

    // Drag four blocks from the palette onto the canvas.
    await dropBlock(page, 'trigger.manual', 150, 120);
    await dropBlock(page, 'fetch', 480, 120);
    await dropBlock(page, 'map', 150, 360);
    await dropBlock(page, 'upsert', 480, 360);
    await expect.poll(() => canvas.locator('.svelte-flow__node').count()).toBe(4);
    const connect = (from: string, to: string) => connectPorts(page, from, to);

    // A start output into a records input is refused, and the canvas says why.
    await connect('start', 'map');
    expect(await page.getByTestId('connect-refusal').textContent()).toContain('Não dá para ligar');
    expect(await canvas.locator('.svelte-flow__edge').count()).toBe(0);
    await browser.shot('canvas-refused');

    await connect('start', 'fetch');
    await connect('fetch', 'map');
    await connect('map', 'upsert');
    await expect.poll(() => canvas.locator('.svelte-flow__edge').count()).toBe(3);

    // Forms from the node schemas.
    await page.getByTestId('node-fetch').click();
    const panel = page.getByTestId('node-panel');
    await panel.locator('select[name="connectionId"]').selectOption(blingId);
    await panel.locator('select[name="entity"]').selectOption('products');

    await page.getByTestId('node-map').click();
    const fields: Record<string, string> = {
      title: '$substring(nome, 0, 60)',
      price: 'preco',
      available_quantity: '$floor(estoque.saldoVirtualTotal)',
      currency_id: "'BRL'",
      condition: "'new'",
      buying_mode: "'buy_it_now'",
      category_id: "'MLB1000'",
      listing_type_id: "'gold_special'",
    };
    await fillMapFields(panel, fields);

    // The target is left without a connection: saving shows the problem on that node.
    await page.getByTestId('node-upsert').click();
    await panel.locator('select[name="entity"]').selectOption('products');
    await page.getByTestId('save-flow').click();
    const problems = page.getByTestId('node-problems-upsert');
    await expect.poll(() => problems.isVisible()).toBe(true);
    // The reason in the reader's language: Portuguese by default, English after the switch.
    expect(await problems.textContent()).toContain('params.connectionId é obrigatório');
    expect(await page.getByTestId('editor-notice').textContent()).toContain('problema');
    await browser.shot('canvas-problem');
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => problems.textContent()).toContain('params.connectionId is required');
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => problems.textContent()).toContain('params.connectionId é obrigatório');

    await panel.locator('select[name="connectionId"]').selectOption(mlId);
    await panel.locator('select[name="matchBy"]').selectOption('sku');
    await page.getByTestId('save-flow').click();
    await page.waitForURL(/#\/flows\/(?!new)[^/]+$/);
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Rascunho salvo');
    const flowId = decodeURIComponent(page.url().split('#/flows/')[1]);
    const flow = (await h.api('GET', `/api/flows/${flowId}`)).body;
    expect(flow.document.nodes.map((n: any) => n.type).sort()).toEqual(['fetch', 'map', 'trigger.manual', 'upsert']);
    expect(flow.document.nodes.find((n: any) => n.type === 'map').params.fields).toEqual(fields);
    expect(Object.keys(flow.document.layout).sort()).toEqual(['fetch', 'map', 'start', 'upsert']);
    await expect.poll(() => page.locator('[data-testid^="node-problems-"]').count()).toBe(0);

    await page.getByTestId('publish-flow').click();
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Versão 1 publicada');
    expect(await page.getByTestId('versions').textContent()).toContain('v1');

    await page.getByTestId('run-flow').click();
    const runPanel = page.getByTestId('run-panel');
    await expect.poll(() => runPanel.getByTestId('badge').textContent(), { timeout: 60_000 }).toBe('Sucesso');
    expect(await runPanel.locator('[data-counter="created"] b').textContent()).toBe('20');
    expect(await page.getByTestId('node-counts-upsert').textContent()).toContain('20');
    await browser.shot('canvas-run');
    expect(ml.items.size).toBe(20);

    await page.getByTestId('see-run').click();
    await page.waitForURL(/#\/runs\//);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Sucesso');
    expect(await page.locator('[data-counter="processed"] b').textContent()).toBe('20');
    expect(await page.getByTestId('run-nodes').textContent()).toContain('upsert');
    await page.locator('[data-outcome="created"]').click();
    await expect.poll(() => page.getByTestId('run-records').locator('tbody tr').count()).toBe(20);
    await browser.shot('run-detail');

    await page.goto(`${base}/#/runs`);
    const row = page.getByTestId('runs-table').locator('tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('Bling → ML pelo editor');
    expect(await row.textContent()).toContain('Sucesso');
    await browser.shot('runs');
  });

  it('switches the language to English and keeps it', async () => {
    await page.goto(`${base}/#/`);
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    expect(await page.locator('header nav').textContent()).toContain('Connections');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    await browser.shot('hub-en');
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Painel');
    expect(browser.pageErrors).toEqual([]);
  });
});
