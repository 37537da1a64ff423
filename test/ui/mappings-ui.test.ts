/**
 * The "Mapeamentos" and "De-para" screens, driven in Debian's Chromium against an in-process Ponte
 * serving the built UI (ui/dist), with Bling and Mercado Livre simulators and real runs. What a
 * user notices: a conflict side by side resolved by "ERP vence", search, mapping by hand, re-sync,
 * deleting a mapping, the orphan check and its delete guard, discovery by SKU confirmed, a failed
 * record's "Adicionar ao de-para" leading to a fix and a successful reprocess, a failure's message
 * and what to do about it in the reader's language, the English labels.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { closeAll, connectSimulators, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import { runFlow } from '../support/fixtures';
import type { Harness } from '../support/harness';

const example = JSON.parse(readFileSync(fileURLToPath(new URL('../../examples/bling-to-mercadolivre.json', import.meta.url)), 'utf8'));

describe.skipIf(!hasChromium)('browser UI: mappings and de-para (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let browser: UiBrowser;
  let page: Page;
  const simulators: Array<{ close(): Promise<void> }> = [];

  /** A Bling account synced to a Mercado Livre account by the example flow. */
  interface World {
    bling: BlingSimulator;
    ml: MercadoLivreSimulator;
    blingId: string;
    mlId: string;
    flowId?: string;
  }
  let sync: World; // conflicts, search, by hand, re-sync, orphans
  let found: World; // discovery: the same catalogue on both sides, never synced
  let depara: World; // a flow whose $depara has no entry for the value

  async function world(label: string, products: number, fields?: Record<string, string>): Promise<World> {
    const { bling, ml, blingId, mlId } = await connectSimulators(h, { bling: `Bling ${label}`, ml: `Mercado Livre ${label}` });
    simulators.push(bling, ml);
    bling.seedProducts(products);
    if (!fields) return { bling, ml, blingId, mlId };
    const document = structuredClone(example.document);
    for (const node of document.nodes) {
      if (node.params.connectionId === 'demo-bling') node.params.connectionId = blingId;
      if (node.params.connectionId === 'demo-mercadolivre') Object.assign(node.params, { connectionId: mlId, matchBy: 'binding' });
      if (node.type === 'map') Object.assign(node.params.fields, fields);
    }
    const flow = await h.api('POST', '/api/flows', { name: `Bling → ML ${label}`, document });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return { bling, ml, blingId, mlId, flowId: flow.body.id };
  }

  const productIds = (w: World) => [...w.bling.products.keys()];
  const listingOf = (w: World, productId: number) => w.ml.itemsBySku(w.bling.products.get(productId)!.codigo)[0];
  const bindingsOf = async (connectionId: string, extra = '') => (await h.api('GET', `/api/bindings?connectionId=${connectionId}${extra}`)).body.bindings as Array<Record<string, any>>;
  const rowsOf = () => page.getByTestId('bindings-table').locator('tbody tr');
  /** How many mappings the list shows once it has answered the latest filters. */
  const listed = () => countSettled(page.getByTestId('bindings'), rowsOf());

  beforeAll(async () => {
    let base: string;
    ({ h, base } = await serveUi());

    sync = await world('matriz', 6, {});
    found = await world('filial', 5);
    // The same catalogue listed on Mercado Livre before Ponte: SKU-000000 twice, SKU-000004 missing.
    found.ml.seedItems(4, { skuPrefix: 'SKU-' });
    found.ml.seedItems(1, { skuPrefix: 'SKU-' });
    depara = await world('outlet', 3, { condition: "$depara('condition', unidade)" });
    const condition = await h.api('POST', `/api/connections/${depara.mlId}/value-maps`, { name: 'condition', label: 'Condição do anúncio' });
    expect(condition.status, JSON.stringify(condition.body)).toBe(201);

    const [first, failing] = await Promise.all([runFlow(h, sync.flowId!), runFlow(h, depara.flowId!)]);
    expect(first.counters).toMatchObject({ created: 6, failed: 0 });
    expect(failing.counters).toMatchObject({ failed: 3, created: 0 });

    browser = await openBrowser(base, h.admin);
    page = browser.page;
  });

  afterAll(() => closeAll(browser, h, ...simulators));

  it('shows a conflict side by side; "ERP vence" writes the ERP value to the listing and makes the mapping active', async () => {
    const [a] = productIds(sync);
    sync.bling.updateProduct(a, { nome: 'Camiseta nova no Bling' });
    Object.assign(listingOf(sync, a), { title: 'Camiseta editada no ML' });
    expect((await runFlow(h, sync.flowId!)).counters).toMatchObject({ conflict: 1 });

    await browser.visit(`#/mappings`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mapeamentos');
    await page.getByTestId('filter-connection').selectOption(sync.mlId);
    await page.getByTestId('filter-status').selectOption('conflict');
    expect(await listed()).toBe(1);
    const row = rowsOf().first();
    expect(await row.getAttribute('data-internal')).toBe(String(a));
    expect(await row.textContent()).toContain('Em conflito');
    await row.getByTestId('open-conflict').click();
    await page.waitForURL(/#\/mappings\/\d+$/);

    const title = page.getByTestId('conflict-table').locator('tr[data-field="title"]');
    await expect.poll(() => title.locator('[data-side="source"]').textContent()).toBe('Camiseta nova no Bling');
    expect(await title.locator('[data-side="base"]').textContent()).toBe('Produto 0');
    expect(await title.locator('[data-side="target"]').textContent()).toBe('Camiseta editada no ML');
    const head = await page.getByTestId('conflict-table').locator('thead').textContent();
    expect(head).toContain('Bling matriz');
    expect(head).toContain('Mercado Livre matriz');
    expect(await page.getByTestId('binding-status').textContent()).toBe('Em conflito');
    // A merge waits for a side per field.
    expect(await page.getByTestId('resolve-merge').isDisabled()).toBe(true);
    await browser.shot('mapping-conflict');

    await page.getByTestId('resolve-source').click();
    await expect.poll(() => page.getByTestId('binding-status').textContent()).toBe('Ativo');
    expect(await page.getByTestId('resolved').textContent()).toContain('ERP venceu');
    expect(await page.getByTestId('conflict').count()).toBe(0);
    expect(listingOf(sync, a).title).toBe('Camiseta nova no Bling');
    expect((await bindingsOf(sync.mlId, `&q=${a}`)).find((b) => b.internalId === String(a))).toMatchObject({ status: 'active', conflict: null });
    await browser.shot('mapping-resolved');
  });

  it('searches, maps by hand (refusing an id already mapped), re-syncs a record and deletes a mapping', async () => {
    const [, b, c] = productIds(sync);
    await browser.visit(`#/mappings`);
    await page.getByTestId('filter-connection').selectOption(sync.mlId);
    expect(await listed()).toBe(6);
    await page.getByTestId('filter-q').fill(sync.bling.products.get(b)!.codigo);
    expect(await listed()).toBe(1);
    expect(await rowsOf().first().getAttribute('data-internal')).toBe(String(b));
    // The external id, in part, finds it too.
    await page.getByTestId('filter-q').fill(listingOf(sync, c).id);
    expect(await listed()).toBe(1);
    expect(await rowsOf().first().getAttribute('data-internal')).toBe(String(c));

    // By hand: an external id already mapped is refused with the server's reason.
    await page.getByTestId('open-manual').click();
    const form = page.getByTestId('manual-form');
    await form.locator('select[name="sourceConnectionId"]').selectOption(sync.blingId);
    await form.locator('select[name="connectionId"]').selectOption(sync.mlId);
    await form.locator('input[name="internalId"]').fill('legacy-1');
    await form.locator('input[name="externalId"]').fill(listingOf(sync, c).id);
    await page.getByTestId('manual-save').click();
    await expect.poll(() => page.getByTestId('manual-error').textContent()).toContain('Already mapped');
    await form.locator('input[name="externalId"]').fill('MLB-legacy-1');
    await form.locator('input[name="sku"]').fill('LEGADO-1');
    await page.getByTestId('manual-save').click();
    await expect.poll(() => page.getByTestId('manual-created').textContent()).toContain('legacy-1 ↔ MLB-legacy-1');
    await page.getByTestId('filter-q').fill('legacy');
    expect(await listed()).toBe(1);
    expect(await rowsOf().first().textContent()).toContain('Ativo');
    expect(await rowsOf().first().textContent()).toContain('LEGADO-1');
    await browser.shot('mappings-manual');

    // Re-sync now: push starts a run (linked); pull has no flow going the other way.
    await page.getByTestId('filter-q').fill(sync.bling.products.get(b)!.codigo);
    expect(await listed()).toBe(1);
    expect(await rowsOf().first().getAttribute('data-internal')).toBe(String(b));
    Object.assign(listingOf(sync, b), { price: 1 });
    await rowsOf().first().getByTestId('resync-push').click();
    const link = rowsOf().first().getByTestId('resync-run');
    await expect.poll(() => link.getAttribute('href')).toMatch(/^#\/runs\/.+/);
    const runId = (await link.getAttribute('href'))!.slice('#/runs/'.length);
    expect(await rowsOf().first().getByTestId('binding-action-result').textContent()).toContain('Reenvio iniciado');
    expect((await h.waitForRun(runId)).counters).toMatchObject({ processed: 1, updated: 1 });
    expect(listingOf(sync, b).price).toBe(sync.bling.products.get(b)!.preco);
    await rowsOf().first().getByTestId('resync-pull').click();
    await expect.poll(() => rowsOf().first().getByTestId('binding-action-result').textContent()).toContain('No published flow brings products from Mercado Livre matriz into Bling matriz');

    // Delete, after a confirmation: the row goes, the records stay.
    await page.getByTestId('filter-q').fill('legacy');
    expect(await listed()).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await rowsOf().first().getByTestId('delete-binding').click();
    await expect.poll(() => rowsOf().count()).toBe(0);
    expect(await bindingsOf(sync.mlId, '&q=legacy')).toEqual([]);
    expect(sync.ml.items.size).toBe(6);
  });

  it('checks for orphans: the delete guard blocks a large share, a raised limit marks the gone listing orphan', async () => {
    const [, , , , , f] = productIds(sync);
    // Synced an hour ago: outside the grace window. Then the listing of f is deleted on Mercado Livre.
    await h.database.db.execute(sql`update bindings set last_synced_at = now() - interval '1 hour' where connection_id = ${sync.mlId} and flow_id is not null`);
    sync.ml.items.delete(listingOf(sync, f).id);

    await browser.visit(`#/mappings`);
    await page.getByTestId('open-reconcile').click();
    const panel = page.getByTestId('reconcile');
    await panel.locator('select[name="rec-connection"]').selectOption(sync.mlId);
    await panel.locator('select[name="rec-entity"]').selectOption('products');
    await page.getByTestId('rec-start').click();
    const result = page.getByTestId('rec-result');
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('blocked');
    expect(await result.textContent()).toContain('Bloqueada pela proteção contra exclusão em massa');
    expect(await page.getByTestId('rec-message').textContent()).toContain('nothing marked');
    expect(await bindingsOf(sync.mlId, '&status=orphan')).toEqual([]);
    await browser.shot('reconcile-blocked');

    await panel.locator('input[name="rec-max-share"]').fill('50');
    await page.getByTestId('rec-start').click();
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await result.textContent()).toContain('1 marcado(s) como órfão(s)');
    await page.getByTestId('filter-connection').selectOption(sync.mlId);
    await page.getByTestId('filter-status').selectOption('orphan');
    expect(await listed()).toBe(1);
    expect(await rowsOf().first().getAttribute('data-internal')).toBe(String(f));
    expect(await rowsOf().first().textContent()).toContain('Deleted at Mercado Livre');
  });

  it('discovers pairs by SKU, shows the report, writes nothing until "Confirmar", then binds the pairs', async () => {
    await browser.visit(`#/mappings`);
    await page.getByTestId('open-discovery').click();
    const panel = page.getByTestId('discovery');
    await panel.locator('select[name="disc-source"]').selectOption(found.blingId);
    await panel.locator('select[name="disc-target"]').selectOption(found.mlId);
    await panel.locator('select[name="disc-entity"]').selectOption('products');
    await page.getByTestId('disc-start').click();
    await expect.poll(() => page.getByTestId('disc-status').textContent(), { timeout: 30_000 }).toBe('Pronta para confirmar');

    const count = (list: string) => panel.locator(`[data-count="${list}"] b`).textContent();
    expect(await count('matched')).toBe('3');
    expect(await count('ambiguous')).toBe('1');
    expect(await count('unmatchedSource')).toBe('1');
    expect(await count('unmatchedTarget')).toBe('0');
    expect(await count('withoutSkuSource')).toBe('0');
    expect(await page.getByTestId('disc-list').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('disc-list').textContent()).toContain('SKU-000001');
    await panel.locator('[data-count="ambiguous"]').click();
    await expect.poll(() => page.getByTestId('disc-list').textContent()).toContain('SKU-000000');
    await panel.locator('[data-count="unmatchedSource"]').click();
    await expect.poll(() => page.getByTestId('disc-list').textContent()).toContain('SKU-000004');
    expect(await bindingsOf(found.mlId)).toEqual([]);
    await browser.shot('discovery-report');

    await page.getByTestId('disc-confirm').click();
    await expect.poll(() => page.getByTestId('disc-confirmed').textContent()).toContain('3 mapeamentos criados');
    expect(await page.getByTestId('disc-status').textContent()).toBe('Confirmada');
    const made = await bindingsOf(found.mlId);
    expect(made.map((b) => b.sku).sort()).toEqual(['SKU-000001', 'SKU-000002', 'SKU-000003']);
    for (const b of made) expect(b).toMatchObject({ status: 'active', sourceConnectionId: found.blingId, entity: 'products' });
    await page.getByTestId('filter-connection').selectOption(found.mlId);
    expect(await listed()).toBe(3);
  });

  it('links a record failed for an unmapped value to the de-para with the value ready; adding it and reprocessing writes the records', async () => {
    const runs = (await h.api('GET', `/api/runs?flowId=${depara.flowId}`)).body.runs;
    const failedRun = runs[runs.length - 1];
    await browser.visit(`#/runs/${failedRun.id}`);
    const records = page.getByTestId('run-records');
    await expect.poll(() => records.locator('tbody tr').count()).toBe(3);
    // Ponte's message in the reader's language too: Portuguese by default, English after the switch.
    const message = records.getByTestId('record-message').first();
    expect(await message.textContent()).toBe('Mensagem do sistema: O de-para "condition" (conexão Mercado Livre outlet) não tem entrada para "UN" nem valor padrão: adicione a entrada e depois reprocesse');
    const add = records.getByTestId('add-to-depara').first();
    await expect.poll(() => add.getAttribute('href')).toContain(`connection=${encodeURIComponent(depara.mlId)}`);
    expect(await add.textContent()).toBe('Adicionar ao de-para');
    // What to do, in the reader's language: Portuguese by default, English after the switch.
    const hint = records.getByTestId('record-hint').first();
    expect(await hint.textContent()).toBe('O que fazer: Um valor não tem tradução no de-para. Adicione a entrada citada na mensagem (ou dê um valor padrão ao de-para) e reprocesse.');
    await browser.shot('run-unmapped-value');
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => hint.textContent()).toBe('What to do: A value has no translation in a de-para (value map). Add the entry named in the message (or give the map a default), then reprocess.');
    expect(await message.textContent()).toMatch(/: De-para "condition" \(connection Mercado Livre outlet\) has no entry for "UN" and no default: add it, then reprocess$/);
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => add.textContent()).toBe('Adicionar ao de-para');
    await add.click();
    await page.waitForURL(/#\/value-maps\?/);

    const editor = page.getByTestId('vm-editor');
    await expect.poll(() => editor.getAttribute('data-map')).toBe('condition');
    expect(await page.getByTestId('vm-connection').inputValue()).toBe(depara.mlId);
    expect(await page.getByTestId('vm-notice').textContent()).toContain('"UN"');
    expect(await editor.locator('input[name="vm-new-from"]').inputValue()).toBe('UN');
    await editor.locator('input[name="vm-new-to"]').fill('new');
    await page.getByTestId('vm-add-save').click();
    await expect.poll(() => editor.locator('tr[data-from="UN"]').count()).toBe(1);
    const map = (await h.api('GET', `/api/connections/${depara.mlId}/value-maps`)).body.valueMaps[0];
    expect((await h.api('GET', `/api/value-maps/${map.id}`)).body.entries).toEqual([{ from: 'UN', to: 'new' }]);

    await page.getByTestId('vm-reprocess').click();
    const runLink = page.getByTestId('vm-reprocess-run');
    await expect.poll(() => runLink.getAttribute('href')).toMatch(/^#\/runs\/.+/);
    const again = await h.waitForRun((await runLink.getAttribute('href'))!.slice('#/runs/'.length));
    expect(again).toMatchObject({ status: 'success', counters: { processed: 3, created: 3, failed: 0 } });
    expect(depara.ml.items.size).toBe(3);
    for (const item of depara.ml.items.values()) expect(item.condition).toBe('new');
    await browser.shot('value-map-fixed');
  });

  it('manages de-para maps: creates one (refusing a bad name), edits an entry inline, removes it, deletes the map', async () => {
    await browser.visit(`#/value-maps`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('De-para');
    await page.getByTestId('vm-connection').selectOption(depara.blingId);
    await expect.poll(() => page.getByTestId('vm-empty').isVisible()).toBe(true);
    const create = page.getByTestId('vm-create');
    await create.locator('input[name="vm-name"]').fill('Forma Pagamento');
    await page.getByTestId('vm-create-save').click();
    await expect.poll(() => page.getByTestId('vm-create-error').textContent()).toContain('lowercase');
    await create.locator('input[name="vm-name"]').fill('carrier');
    await create.locator('input[name="vm-label"]').fill('Transportadoras');
    await page.getByTestId('vm-create-save').click();
    const editor = page.getByTestId('vm-editor');
    await expect.poll(() => editor.getAttribute('data-map')).toBe('carrier');

    await editor.locator('input[name="vm-new-from"]').fill('Correios / SEDEX 10');
    await editor.locator('input[name="vm-new-to"]').fill('ECT');
    await page.getByTestId('vm-add-save').click();
    const entry = editor.locator('tr[data-from="Correios / SEDEX 10"]');
    await expect.poll(() => entry.count()).toBe(1);
    await entry.getByTestId('vm-entry-to').fill('ECT 10');
    await entry.getByTestId('vm-entry-save').click();
    const mapId = (await h.api('GET', `/api/connections/${depara.blingId}/value-maps`)).body.valueMaps[0].id;
    await expect.poll(async () => (await h.api('GET', `/api/value-maps/${mapId}`)).body.entries).toEqual([{ from: 'Correios / SEDEX 10', to: 'ECT 10' }]);
    expect(await page.getByTestId('vm-maps').locator('tr[data-map="carrier"]').textContent()).toContain('Transportadoras');

    await editor.locator('input[name="vm-edit-default"]').fill('A combinar');
    await page.getByTestId('vm-save').click();
    await expect.poll(async () => (await h.api('GET', `/api/value-maps/${mapId}`)).body.defaultValue).toBe('A combinar');
    await browser.shot('value-map-editor');

    await entry.getByTestId('vm-entry-remove').click();
    await expect.poll(() => entry.count()).toBe(0);
    expect((await h.api('GET', `/api/value-maps/${mapId}`)).body.entries).toEqual([]);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('vm-delete').click();
    await expect.poll(() => page.getByTestId('vm-empty').isVisible()).toBe(true);
    expect((await h.api('GET', `/api/value-maps/${mapId}`)).status).toBe(404);
  });

  it('shows the new screens in English after the language switch', async () => {
    await browser.visit(`#/mappings`);
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mappings');
    const nav = await page.locator('header nav').textContent();
    expect(nav).toContain('Mappings');
    expect(nav).toContain('Value maps');
    await page.getByTestId('filter-connection').selectOption(sync.mlId);
    expect(await listed()).toBeGreaterThan(0);
    const text = (await page.locator('main').textContent())!;
    for (const label of ['Target connection', 'Source connection', 'Internal id', 'External id', 'Last sync', 'Push now', 'Map by hand', 'Discovery by SKU', 'Check for orphans', 'Active'])
      expect(text).toContain(label);
    await page.getByTestId('open-discovery').click();
    expect(await page.getByTestId('discovery').textContent()).toContain('Nothing is written until you confirm');

    // A conflict in English.
    const [, , c] = productIds(sync);
    sync.bling.updateProduct(c, { nome: 'Bling C' });
    Object.assign(listingOf(sync, c), { title: 'ML C' });
    expect((await runFlow(h, sync.flowId!)).counters.conflict).toBeGreaterThanOrEqual(1);
    const conflict = (await bindingsOf(sync.mlId, '&status=conflict'))[0];
    await browser.visit(`#/mappings/${conflict.id}`);
    await expect.poll(() => page.getByTestId('resolve-source').textContent()).toBe('ERP wins');
    expect(await page.getByTestId('resolve-target').textContent()).toBe('Channel wins');
    expect(await page.getByTestId('binding-status').textContent()).toBe('In conflict');
    expect(await page.getByTestId('conflict-table').locator('thead').textContent()).toContain('Base (last synced)');
    // Channel wins, merging by hand: pick the channel's title.
    await page.getByTestId('pick-title-target').check();
    await page.getByTestId('resolve-merge').click();
    await expect.poll(() => page.getByTestId('binding-status').textContent()).toBe('Active');
    expect(listingOf(sync, c).title).toBe('ML C');
    await browser.shot('mapping-en');

    await browser.visit(`#/value-maps?connection=${encodeURIComponent(depara.mlId)}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Value maps (de-para)');
    const vm = (await page.locator('main').textContent())!;
    for (const label of ['New value map', 'Default value', "This connection's maps"]) expect(vm).toContain(label);
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => page.locator('h1').textContent()).toBe('De-para');
    expect(browser.pageErrors).toEqual([]);
  });
});
