/**
 * A newcomer's first hour, in one go, in Chromium against an in-process Ponte on embedded defaults
 * with the Bling and Mercado Livre simulators, touching the API only to check what the screens say:
 * both connections made and tested through the form, a de-para for the listing's condition, a flow
 * drawn from scratch on the canvas (palette, ports, forms), published and run with the blocks'
 * counters filling in, the run's page with the records whose unit the de-para does not know,
 * "Adicionar ao de-para", the entry added, the failures reprocessed and the new run a success.
 * Every screen is saved as a screenshot (journey-NN-…) for review.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { closeAll, connectPorts, dropBlock, fillMapFields, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

/** Six products; two sold by the box ("CX"), a unit the de-para will not know at first. */
const PRODUCTS = 6;
const BOXED = 2;

describe.skipIf(!hasChromium)('browser UI: a newcomer from the first connection to a fixed run (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let browser: UiBrowser;
  let page: Page;
  let step = 0;
  const shot = (name: string) => browser.shot(`journey-${String(++step).padStart(2, '0')}-${name}`);

  beforeAll(async () => {
    let base: string;
    ({ h, base } = await serveUi());
    bling = await startBlingSimulator();
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(PRODUCTS);
    for (const id of [...bling.products.keys()].slice(0, BOXED)) bling.updateProduct(id, { unidade: 'CX' });
    browser = await openBrowser(base, h.admin);
    page = browser.page;
  });

  afterAll(() => closeAll(browser, h, bling, ml));

  /** Fills "Nova conexão" for a simulator, saves, and tests it; the new connection's id. */
  async function createConnection(provider: 'bling' | 'mercadolivre', name: string, baseUrl: string, accessToken: string, screen: string): Promise<string> {
    await page.locator('select[name="provider"]').selectOption(provider);
    await page.locator('input[name="name"]').fill(name);
    await page.locator('input[name="baseUrl"]').fill(baseUrl);
    await page.locator('input[name="cred-accessToken"]').fill(accessToken);
    await page.locator('input[name="entity-products"]').check();
    await shot(`${screen}-form`);
    await page.getByTestId('save-connection').click();
    await page.waitForURL(/#\/connections\/(?!new)[^/]+$/);
    expect(await page.getByTestId('saved').textContent()).toContain('Conexão criada');

    await page.getByTestId('test-connection').click();
    await expect.poll(() => page.getByTestId('diagnosis').textContent()).toContain('A conexão funciona');
    expect(await page.getByTestId('test-status').textContent()).toBe('200');
    await shot(`${screen}-tested`);
    return decodeURIComponent(page.url().split('#/connections/')[1]);
  }

  it('connects Bling and Mercado Livre, draws and runs a flow, fixes an unmapped value in the de-para and reprocesses to success', async () => {
    // An empty hub points to the first step.
    await browser.visit('#/');
    await expect.poll(() => page.getByTestId('stat-active').textContent()).toBe('0');
    await shot('hub-empty');
    await page.locator('main a[href="#/connections/new"]').click();
    await page.waitForURL(/#\/connections\/new$/);

    const blingId = await createConnection('bling', 'Bling da loja', `${bling.url}/Api/v3`, bling.credentials.accessToken, 'bling');
    await page.locator('a[href="#/connections"]').first().click();
    await page.getByTestId('new-connection').click();
    const mlId = await createConnection('mercadolivre', 'Mercado Livre principal', ml.url, ml.credentials.accessToken, 'ml');
    expect((await h.api('GET', '/api/connections')).body.connections.map((c: { id: string; status: string }) => [c.id, c.status]).sort()).toEqual([[blingId, 'active'], [mlId, 'active']].sort());

    // The listing's condition comes from the product's unit: a de-para on the Mercado Livre connection.
    await page.locator('header nav a[href="#/value-maps"]').click();
    await page.getByTestId('vm-connection').selectOption(mlId);
    await expect.poll(() => page.getByTestId('vm-empty').isVisible()).toBe(true);
    await page.locator('input[name="vm-name"]').fill('condition');
    await page.locator('input[name="vm-label"]').fill('Condição do anúncio');
    await page.getByTestId('vm-create-save').click();
    const editor = page.getByTestId('vm-editor');
    await expect.poll(() => editor.getAttribute('data-map')).toBe('condition');
    await editor.locator('input[name="vm-new-from"]').fill('UN');
    await editor.locator('input[name="vm-new-to"]').fill('new');
    await page.getByTestId('vm-add-save').click();
    await expect.poll(() => editor.locator('tr[data-from="UN"]').count()).toBe(1);
    await shot('value-map');

    // A flow from scratch: four blocks from the palette, three links, the forms.
    await page.locator('header nav a[href="#/flows"]').click();
    await page.getByTestId('new-flow').click();
    await page.waitForURL(/#\/flows\/new$/);
    const canvas = page.getByTestId('canvas');
    await canvas.locator('.svelte-flow__pane').waitFor();
    await page.getByTestId('flow-name').fill('Catálogo Bling → Mercado Livre');
    await dropBlock(page, 'trigger.manual', 120, 140);
    await dropBlock(page, 'fetch', 420, 140);
    await dropBlock(page, 'map', 120, 380);
    await dropBlock(page, 'upsert', 420, 380);
    await expect.poll(() => canvas.locator('.svelte-flow__node').count()).toBe(4);
    await connectPorts(page, 'start', 'fetch');
    await connectPorts(page, 'fetch', 'map');
    await connectPorts(page, 'map', 'upsert');
    await expect.poll(() => canvas.locator('.svelte-flow__edge').count()).toBe(3);

    const panel = page.getByTestId('node-panel');
    await page.getByTestId('node-fetch').click();
    await panel.locator('select[name="connectionId"]').selectOption(blingId);
    await panel.locator('select[name="entity"]').selectOption('products');
    await page.getByTestId('node-map').click();
    await fillMapFields(panel, {
      title: '$substring(nome, 0, 60)',
      price: 'preco',
      available_quantity: '$floor(estoque.saldoVirtualTotal)',
      currency_id: "'BRL'",
      condition: "$depara('condition', unidade)",
      buying_mode: "'buy_it_now'",
      category_id: "'MLB1000'",
      listing_type_id: "'gold_special'",
    });
    // The preview already tells: the boxed products have no condition yet.
    await expect.poll(() => page.getByTestId('preview').textContent()).toContain('"CX"');
    await page.getByTestId('node-upsert').click();
    await panel.locator('select[name="connectionId"]').selectOption(mlId);
    await panel.locator('select[name="entity"]').selectOption('products');
    await panel.locator('select[name="matchBy"]').selectOption('sku');
    await shot('canvas-drawn');

    await page.getByTestId('save-flow').click();
    await page.waitForURL(/#\/flows\/(?!new)[^/]+$/);
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Rascunho salvo');
    await page.getByTestId('publish-flow').click();
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Versão 1 publicada');

    // Executar: the counters on the blocks fill in until the run ends.
    await page.getByTestId('run-flow').click();
    const runPanel = page.getByTestId('run-panel');
    await expect.poll(() => runPanel.getByTestId('badge').textContent(), { timeout: 60_000 }).toBe('Parcial');
    expect(await runPanel.locator('[data-counter="created"] b').textContent()).toBe(String(PRODUCTS - BOXED));
    expect(await runPanel.locator('[data-counter="failed"] b').textContent()).toBe(String(BOXED));
    // Counted on the block that writes (its stage: read, map, write).
    const counts = await page.getByTestId('node-counts-upsert').textContent();
    for (const part of [`${PRODUCTS} processados`, `${PRODUCTS - BOXED} criados`, `${BOXED} com falha`]) expect(counts).toContain(part);
    await shot('canvas-run');
    expect(ml.items.size).toBe(PRODUCTS - BOXED);

    // The run's page: the failures name the unit the de-para lacks, and link to adding it.
    await page.getByTestId('see-run').click();
    await page.waitForURL(/#\/runs\//);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Parcial');
    const records = page.getByTestId('run-records');
    await expect.poll(() => records.locator('tbody tr').count()).toBe(BOXED);
    expect(await records.textContent()).toContain('O de-para "condition" (conexão Mercado Livre principal) não tem entrada para "CX"');
    await shot('run-failures');
    await records.getByTestId('add-to-depara').first().click();
    await page.waitForURL(/#\/value-maps\?/);

    // The de-para opens on that map with the value typed: its translation, then reprocess.
    await expect.poll(() => editor.getAttribute('data-map')).toBe('condition');
    expect(await page.getByTestId('vm-notice').textContent()).toContain('"CX"');
    expect(await editor.locator('input[name="vm-new-from"]').inputValue()).toBe('CX');
    await editor.locator('input[name="vm-new-to"]').fill('used');
    await page.getByTestId('vm-add-save').click();
    await expect.poll(() => editor.locator('tr[data-from="CX"]').count()).toBe(1);
    await page.getByTestId('vm-reprocess').click();
    const newRun = page.getByTestId('vm-reprocess-run');
    await expect.poll(() => newRun.getAttribute('href')).toMatch(/^#\/runs\/.+/);
    await shot('value-map-fixed');

    await newRun.click();
    await page.waitForURL(/#\/runs\//);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('Sucesso');
    expect(await page.locator('[data-counter="processed"] b').textContent()).toBe(String(BOXED));
    expect(await page.locator('[data-counter="created"] b').textContent()).toBe(String(BOXED));
    expect(await page.locator('[data-counter="failed"] b').textContent()).toBe('0');
    expect(await page.getByTestId('run-reprocess-of').count()).toBe(1);
    await shot('run-reprocessed');
    expect(ml.items.size).toBe(PRODUCTS);
    expect([...ml.items.values()].map((item) => item.condition).sort()).toEqual([...Array(BOXED).fill('used'), ...Array(PRODUCTS - BOXED).fill('new')].sort());

    // The sync log: the fixed run on top, the partial one under it; the hub counts every record.
    await page.locator('header nav a[href="#/runs"]').click();
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Sucesso');
    expect(await rows.nth(1).textContent()).toContain('Parcial');
    await shot('runs');
    await page.locator('header a.brand').click();
    await expect.poll(() => page.getByTestId('stat-records').textContent()).toBe(String(PRODUCTS));
    expect(await page.getByTestId('stat-active').textContent()).toBe('2');
    await shot('hub');
    expect(browser.pageErrors).toEqual([]);
  });
});
