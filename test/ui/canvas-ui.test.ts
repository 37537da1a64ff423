/**
 * The flow editor's tools, in Chromium: the live preview of expressions over sample records read
 * from the Bling simulator, undo/redo, auto-layout, keyboard shortcuts, and the versions panel's
 * diff and restore.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { closeAll, connectSimulators, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

describe.skipIf(!hasChromium)('canvas editor tools (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let browser: UiBrowser;
  let page: Page;
  let base: string;
  let flowId: string;
  let sample: Array<{ key: string; data: { nome: string; preco: number } }>;

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    let blingId: string;
    let mlId: string;
    ({ bling, ml, blingId, mlId } = await connectSimulators(h));
    bling.seedProducts(5);
    // Positions out of order on purpose: auto-layout has something to do.
    const created = await h.api('POST', '/api/flows', {
      name: 'Catálogo Bling → ML',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products' } },
          { id: 'map', type: 'map', typeVersion: 1, params: { fields: { title: 'nome', price: 'preco' } } },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products', matchBy: 'sku' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'map' },
          { from: 'map', fromPort: 'out', to: 'write' },
        ],
        layout: { start: { x: 640, y: 260 }, read: { x: 0, y: 0 }, map: { x: 960, y: -180 }, write: { x: 320, y: 200 } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flowId = created.body.id;
    // What the preview will read: the same first page the editor asks for.
    sample = (await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'products', limit: 3 })).body.records;
    browser = await openBrowser(base, h.admin);
    page = browser.page;
    await browser.visit(`#/flows/${flowId}`);
    await page.getByTestId('node-map').waitFor();
  });

  afterAll(() => closeAll(browser, h, bling, ml));

  const canvas = () => page.getByTestId('canvas');
  const saved = async () => (await h.api('GET', `/api/flows/${flowId}`)).body.document;

  it('previews mapped values for sample records as you type, and where a broken expression breaks', async () => {
    await page.getByTestId('node-map').click();
    const preview = page.getByTestId('preview');
    const first = preview.getByTestId('preview-record-0');
    await expect.poll(() => first.getByTestId('preview-value-title').textContent()).toContain(JSON.stringify(sample[0].data.nome));
    expect(await preview.locator('[data-testid^="preview-record-"]').count()).toBe(3);
    expect(await preview.getByTestId('preview-record-2').getByTestId('preview-value-title').textContent()).toContain(sample[2].data.nome);

    // The field rows as the form lists them: the value next to the key "price".
    const panel = page.getByTestId('node-panel');
    const keys = await panel.locator('[data-kv="key"]').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
    const price = panel.locator('[data-kv="value"]').nth(keys.indexOf('price'));
    await price.fill('preco * 2');
    await expect.poll(() => first.getByTestId('preview-value-price').textContent()).toContain(String(sample[0].data.preco * 2));
    await browser.shot('canvas-preview');

    await price.fill('preco *');
    const error = preview.getByTestId('preview-error');
    await expect.poll(() => error.textContent()).toContain('Campo price');
    expect(await error.textContent()).toContain('no caractere 7');
    expect(await error.locator('pre').textContent()).toBe('preco *\n      ^');
    await browser.shot('canvas-preview-error');

    await price.fill('preco');
    await expect.poll(() => error.count()).toBe(0);
    await expect.poll(() => first.getByTestId('preview-value-price').textContent()).toContain(String(sample[0].data.preco));
  });

  it('undoes the deletion of a block and redoes it', async () => {
    await page.getByTestId('node-map').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-map').count()).toBe(0);
    expect(await canvas().locator('.svelte-flow__edge').count()).toBe(1);

    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('node-map').count()).toBe(1);
    await expect.poll(() => canvas().locator('.svelte-flow__edge').count()).toBe(3);

    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('node-map').count()).toBe(0);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('node-map').count()).toBe(1);
    await expect.poll(() => canvas().locator('.svelte-flow__edge').count()).toBe(3);

    // A setting too: the form shows the value it goes back to.
    await page.getByTestId('node-write').click();
    const matchBy = page.getByTestId('node-panel').locator('select[name="matchBy"]');
    await matchBy.selectOption('id');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('node-panel').locator('select[name="matchBy"]').inputValue()).toBe('sku');
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.getByTestId('node-panel').locator('select[name="matchBy"]').inputValue()).toBe('id');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('node-panel').locator('select[name="matchBy"]').inputValue()).toBe('sku');
  });

  it('lists the keyboard shortcuts behind "?"', async () => {
    await page.getByTestId('shortcuts-help').click();
    const help = page.getByTestId('shortcuts');
    expect(await help.textContent()).toContain('Ctrl+S');
    expect(await help.textContent()).toContain('Ctrl+Shift+Z');
    await browser.shot('canvas-shortcuts');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('arranges the blocks left to right by level, and Ctrl+S saves the draft', async () => {
    await page.getByTestId('auto-layout').click();
    await expect.poll(() => page.getByTestId('unsaved').count()).toBe(1);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Rascunho salvo');
    await expect.poll(() => page.getByTestId('unsaved').count()).toBe(0);

    const { layout, nodes } = await saved();
    const x = (id: string) => layout[id].x;
    expect(x('start')).toBeLessThan(x('read'));
    expect(x('read')).toBeLessThan(x('map'));
    expect(x('map')).toBeLessThan(x('write'));
    expect(new Set(['start', 'read', 'map', 'write'].map((id) => layout[id].y)).size).toBe(1);
    // The undone deletion and the preview edits left the map as it was.
    expect(nodes.find((n: any) => n.id === 'map').params.fields).toEqual({ title: 'nome', price: 'preco' });

    // On screen too: each block starts right of the one before it.
    const left = async (id: string) => (await page.getByTestId(`node-${id}`).boundingBox())!.x;
    expect(await left('start')).toBeLessThan(await left('read'));
    expect(await left('read')).toBeLessThan(await left('map'));
    expect(await left('map')).toBeLessThan(await left('write'));
    await browser.shot('canvas-auto-layout');

    // Arrow keys nudge the selected block (10 px, in flow coordinates).
    await page.getByTestId('node-start').click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+s');
    await expect.poll(async () => (await saved()).layout.start.y).toBe(layout.start.y + 20);
    expect((await saved()).layout.start.x).toBe(layout.start.x);
  });

  it('shows how the draft differs from a published version and restores it', async () => {
    await page.getByTestId('publish-flow').click();
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Versão 1 publicada');

    await page.getByTestId('node-write').click();
    await page.getByTestId('node-panel').locator('select[name="matchBy"]').selectOption('binding');
    await page.keyboard.press('Control+s');
    await expect.poll(async () => (await saved()).nodes.find((n: any) => n.id === 'write').params.matchBy).toBe('binding');

    await page.getByTestId('version-1').click();
    const diff = page.getByTestId('version-diff');
    await expect.poll(() => diff.textContent()).toContain('params.matchBy');
    const entries = diff.getByTestId('diff-entry');
    expect(await entries.count()).toBe(1);
    expect(await entries.first().textContent()).toMatch(/bloco write .*params\.matchBy: sku → binding/s);
    await diff.scrollIntoViewIfNeeded();
    await browser.shot('canvas-version-diff');

    await page.getByTestId('restore-version').click();
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toContain('Versão 1 restaurada');
    expect((await saved()).nodes.find((n: any) => n.id === 'write').params.matchBy).toBe('sku');
    expect(await page.getByTestId('node-panel').locator('select[name="matchBy"]').inputValue()).toBe('sku');
    await expect.poll(() => diff.getByTestId('diff-same').count()).toBe(1);
    expect(browser.pageErrors).toEqual([]);
  });
});
