/**
 * The operations a user performs in the browser, all through the REST API, driven in Debian's
 * Chromium against an in-process Ponte serving the built UI (ui/dist), with the Bling and Mercado
 * Livre simulators and real runs. What a user notices: on a partial run's page, exporting it (no
 * secret in the file), opening a ticket, marking a picked failure resolved, reprocessing the rest
 * on the fixed version and seeing the new run succeed, the "Ver no Temporal" link; in the sync log,
 * filters and reprocessing several runs at once; on a connection's page, copying and renewing the
 * webhook URL (the old one is refused), authorising through OAuth2, deleting (refused while flows
 * use it, naming them), each refused field marked with its reason; in the flows list, status, last
 * run and schedule, exporting a flow and importing it back, an invalid file's problems.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { type RunningSimulator, startSimServer } from '../../connectors/simulator-kit/server';
import { closeAll, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import { runFlow, setUpBlingToMl } from '../support/fixtures';
import type { Harness } from '../support/harness';

const TEMPORAL_UI = 'http://temporal-ui.test:8233';
/** Where the harness says Ponte is (webhook URLs, OAuth2 callback); the browser is sent to the real port instead. */
const PUBLIC_URL = 'http://ponte.test';

describe.skipIf(!hasChromium)('browser UI: operations (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let ticketServer: RunningSimulator;
  let browser: UiBrowser;
  let page: Page;
  let base: string;
  let flowId: string;
  let document: any;
  let blingId: string;
  let mlId: string;
  let partial: any;
  /** The three products without a price: Mercado Livre refuses them. */
  let broken: number[];
  let secrets: string[];
  const tickets: any[] = [];
  const dialogs: string[] = [];

  const rows = (testId: string) => page.getByTestId(testId).locator('tbody tr');
  const local = (url: string) => url.replace(PUBLIC_URL, base);
  const day = (offset: number) => {
    const d = new Date(Date.now() + offset * 86_400_000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  const spareConnection = async (name: string) => {
    const res = await h.api('POST', '/api/connections', { name, provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    ticketServer = await startSimServer({ routes: [{ method: 'POST', path: '/tickets', handler: (req) => (tickets.push(req.body), { status: 201, body: {} }) }] });
    ({ h, base } = await serveUi({ ticketUrl: `${ticketServer.url}/tickets`, temporalUiUrl: TEMPORAL_UI }));
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(20);
    ({ flowId, document, blingConnectionId: blingId, mlConnectionId: mlId } = await setUpBlingToMl(h, bling, ml));
    broken = [...bling.products.keys()].slice(3, 6);
    for (const id of broken) bling.updateProduct(id, { preco: 0 });
    partial = await runFlow(h, flowId);
    expect(partial).toMatchObject({ status: 'partial', counters: { created: 17, failed: 3 } });
    secrets = [bling.credentials.accessToken, ml.credentials.accessToken];

    browser = await openBrowser(base, h.admin);
    page = browser.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    // The browser reaches Ponte at its real port whatever address the harness gave providers.
    await browser.context.route(`${PUBLIC_URL}/**`, async (route) => route.fulfill({ response: await route.fetch({ url: local(route.request().url()) }) }));
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });

  afterAll(() => closeAll(browser, h, bling, ml, ticketServer));

  it('exports a partial run as JSON with its records and no secret, and links it to Temporal', async () => {
    await browser.visit(`#/runs/${partial.id}`);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Parcial');
    expect(await page.getByTestId('temporal-link').getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/${partial.workflowId}`);
    expect(partial.workflowId).toBe(`ponte-run-${partial.id}`);
    await expect.poll(() => rows('run-records').count()).toBe(3);
    await browser.shot('ops-run-partial');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('act-export').click()]);
    expect(download.suggestedFilename()).toBe(`ponte-run-${partial.id}.json`);
    const text = readFileSync((await download.path())!, 'utf8');
    const exported = JSON.parse(text);
    expect(exported.run).toMatchObject({ id: partial.id, status: 'partial' });
    expect(exported.records).toHaveLength(20);
    const failed = exported.records.filter((r: any) => r.outcome === 'failed');
    expect(failed.map((r: any) => r.recordKey).sort()).toEqual(broken.map(String).sort());
    expect(failed[0].payload).toMatchObject({ price: 0, currency_id: 'BRL' });
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('opens a ticket for the run\'s failures and says where it was sent', async () => {
    await browser.visit(`#/runs/${partial.id}`);
    await page.getByTestId('act-ticket').click();
    const form = page.getByTestId('act-form-ticket');
    expect(await form.getByTestId('act-scope').textContent()).toContain('todas as falhas');
    await form.locator('input[name="title"]').fill('Produtos sem preço');
    await form.locator('textarea[name="message"]').fill('Três produtos do Bling estão sem preço');
    await form.getByTestId('act-confirm').click();
    const result = page.getByTestId('ticket-result');
    await expect.poll(() => result.textContent()).toContain(`enviado para ${ticketServer.url}/tickets`);
    expect(tickets).toHaveLength(1);
    expect(tickets[0].ticket).toMatchObject({ title: 'Produtos sem preço', message: 'Três produtos do Bling estão sem preço' });
    expect(tickets[0].failures).toHaveLength(3);
    expect(await result.textContent()).toContain(tickets[0].ticket.id);
  });

  it('marks a picked failure resolved, then reprocesses the others on the fixed version and shows the new run succeed', async () => {
    const [dropped, ...fixable] = broken.map(String);
    await browser.visit(`#/runs/${partial.id}`);
    const row = (key: string) => page.locator(`[data-testid="run-records"] tr[data-key="${key}"]`);
    await row(dropped).getByTestId('record-select').check();
    await page.getByTestId('act-resolve').click();
    const form = page.getByTestId('act-form-resolve');
    expect(await form.getByTestId('act-scope').textContent()).toContain('1 registro(s) marcado(s)');
    await form.locator('input[name="resolution"]').fill('Produto descontinuado');
    await form.getByTestId('act-confirm').click();
    await expect.poll(() => page.getByTestId('resolve-result').textContent()).toContain('1 registro(s) marcado(s) como resolvido(s)');
    await expect.poll(() => row(dropped).getByTestId('record-resolved').textContent()).toContain('Produto descontinuado');
    expect(await row(dropped).getByTestId('record-select').count()).toBe(0);
    expect(await row(fixable[0]).getByTestId('record-select').count()).toBe(1);
    await browser.shot('ops-run-resolved');

    // The fix: a new version that lists price-less products at a floor price.
    const fixed = structuredClone(document);
    fixed.nodes.find((n: { id: string }) => n.id === 'to-listing').params.fields.price = 'preco > 0 ? preco : 9.9';
    expect((await h.api('PUT', `/api/flows/${flowId}`, { document: fixed })).status).toBe(200);
    expect((await h.api('POST', `/api/flows/${flowId}/publish`)).body.version).toBe(2);
    document = fixed;

    await page.getByTestId('act-reprocess').click();
    const again = page.getByTestId('act-form-reprocess');
    expect(await again.textContent()).toContain('Versão fixada desta execução (v1)');
    await again.locator('input[name="version"][value="latest"]').check();
    await again.getByTestId('act-confirm').click();
    const result = page.getByTestId('reprocess-result');
    await expect.poll(() => result.textContent()).toContain('2 registro(s) na v2');
    await page.getByTestId('reprocess-run').click();
    await page.waitForURL((u) => u.hash.startsWith('#/runs/') && u.hash !== `#/runs/${partial.id}`);
    const newId = decodeURIComponent(page.url().split('#/runs/')[1]);
    expect(newId).not.toBe(partial.id);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('Sucesso');
    expect(await page.locator('[data-counter="created"] b').textContent()).toBe('2');
    expect(await page.getByTestId('run-reprocess-of').getAttribute('href')).toBe(`#/runs/${partial.id}`);
    await browser.shot('ops-run-reprocessed');
    for (const id of broken.slice(1)) expect(ml.itemsBySku(bling.products.get(id)!.codigo)[0].price).toBe(9.9);
    expect(ml.itemsBySku(bling.products.get(broken[0])!.codigo)).toHaveLength(0);

    // Back on the first run, every failure is closed: one by hand, two by the new run.
    await browser.visit(`#/runs/${partial.id}`);
    await expect.poll(() => page.getByTestId('record-resolved').count()).toBe(3);
    expect(await row(fixable[0]).getByTestId('record-resolved').textContent()).toContain(`Reprocessed in run ${newId}`);
    expect(await page.getByTestId('record-select').count()).toBe(0);
  });

  it('filters the sync log by flow, connection, status, trigger and dates, and reprocesses several runs at once', async () => {
    const product = [...bling.products.keys()][0];
    bling.updateProduct(product, { estoque: { saldoVirtualTotal: -5 } });
    const [r1, r2] = [await runFlow(h, flowId), await runFlow(h, flowId)];
    for (const r of [r1, r2]) expect(r).toMatchObject({ status: 'partial', counters: { failed: 1 } });
    bling.updateProduct(product, { estoque: { saldoVirtualTotal: 5 } });
    const unused = await spareConnection('Bling reserva');

    await browser.visit('#/runs');
    const list = page.getByTestId('runs');
    const listed = () => countSettled(list, rows('runs-table'));
    await page.getByTestId('filter-status').selectOption('partial');
    await expect.poll(listed).toBe(3);
    await page.getByTestId('filter-flow').selectOption(flowId);
    await expect.poll(listed).toBe(3);
    await page.getByTestId('filter-trigger').selectOption('webhook');
    await expect.poll(listed).toBe(0);
    expect(await list.textContent()).toContain('Nenhuma execução');
    await page.getByTestId('filter-trigger').selectOption('manual');
    await expect.poll(listed).toBe(3);
    await page.getByTestId('filter-connection').selectOption(unused);
    await expect.poll(listed).toBe(0);
    await page.getByTestId('filter-connection').selectOption(mlId);
    await expect.poll(listed).toBe(3);
    await page.getByTestId('filter-from').fill(day(1));
    await expect.poll(listed).toBe(0);
    await page.getByTestId('filter-from').fill(day(0));
    await page.getByTestId('filter-to').fill(day(0));
    await expect.poll(listed).toBe(3);

    // All three partial runs: two start a reprocessing, the first has nothing left (every failure is resolved).
    await page.getByTestId('runs-select-all').check();
    expect(await page.getByTestId('runs-selected').textContent()).toBe('3 execução(ões) selecionada(s)');
    await browser.shot('ops-runs-bulk');
    await page.getByTestId('bulk-reprocess').click();
    const result = page.getByTestId('bulk-result');
    await expect.poll(() => result.textContent()).toContain('2 reprocessamento(s) iniciado(s)');
    expect(await result.locator(`li[data-of="${partial.id}"]`).textContent()).toContain('Nada a reprocessar');
    const started = await result.getByTestId('bulk-new-run').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('#/runs/')[1]));
    expect(started).toHaveLength(2);
    for (const id of started) expect(await h.waitForRun(id, 30_000)).toMatchObject({ status: 'success', version: 2, counters: { processed: 1, failed: 0 } });
    const of = await Promise.all(started.map(async (id) => (await h.api('GET', `/api/runs/${id}`)).body.reprocessOf));
    expect(of.sort()).toEqual([r1.id, r2.id].sort());
    expect(browser.pageErrors).toEqual([]);
  });

  it('copies the webhook URL and renews it: the old URL is refused afterwards', async () => {
    await browser.visit(`#/connections/${mlId}`);
    const input = page.getByTestId('webhook-url');
    await expect.poll(() => input.inputValue()).toMatch(/^http:\/\/ponte\.test\/webhooks\//);
    const old = await input.inputValue();
    await page.getByTestId('copy-webhook').click();
    await expect.poll(() => page.getByTestId('copy-webhook').textContent()).toBe('Copiado!');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(old);

    const deliver = async (url: string) => {
      const res = await fetch(local(url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: res.status, message: ((await res.json()) as { message: string }).message };
    };
    // Right token, junk notification: refused for the signature, not the token.
    expect(await deliver(old)).toEqual({ status: 401, message: 'Signature does not verify' });

    await page.getByTestId('rotate-webhook').click();
    expect(dialogs.at(-1)).toContain('A URL atual deixa de funcionar');
    await expect.poll(() => page.getByTestId('webhook-rotated').isVisible()).toBe(true);
    const renewed = await input.inputValue();
    expect(renewed).not.toBe(old);
    expect(renewed).toMatch(new RegExp(`^http://ponte\\.test/webhooks/${mlId}/`));
    expect((await h.api('GET', `/api/connections/${mlId}/webhook`)).body.webhookUrl).toBe(renewed);
    // The ingress reads the token again within a second.
    await expect.poll(() => deliver(old), { timeout: 5000 }).toEqual({ status: 401, message: 'Invalid webhook token' });
    expect(await deliver(renewed)).toEqual({ status: 401, message: 'Signature does not verify' });
    await browser.shot('ops-webhook-rotated');
  });

  it('authorises an OAuth2 connection on the provider\'s page and shows it authorised', async () => {
    const created = await h.api('POST', '/api/connections', {
      name: 'Mercado Livre por OAuth',
      provider: 'mercadolivre',
      baseUrl: ml.url,
      credentials: { clientId: ml.credentials.clientId, clientSecret: ml.credentials.clientSecret, accessToken: 'pending' },
      settings: { authorizeUrl: `${ml.url}/authorization`, rateLimit: { requestsPerSecond: 0 } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await browser.visit(`#/connections/${id}`);
    const state = page.getByTestId('oauth-state');
    await expect.poll(() => state.textContent()).toContain('Sem autorização OAuth2');

    const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.getByTestId('oauth-authorize').click()]);
    await popup.waitForLoadState();
    await expect.poll(() => popup.textContent('body')).toContain('Conexão autorizada');
    expect(popup.url()).toContain(`${PUBLIC_URL}/api/oauth/callback?`);
    await popup.close();
    await expect.poll(() => page.getByTestId('oauth-done').textContent(), { timeout: 8000 }).toBe('Conexão autorizada.');
    expect(await state.getAttribute('data-authorized')).toBe('true');
    expect(await state.textContent()).toContain('Autorizada');
    await browser.shot('ops-oauth-authorized');
    expect((await h.api('POST', `/api/connections/${id}/test`)).body).toMatchObject({ ok: true, status: 200 });
  });

  it('marks every field the API refuses next to it, and saves nothing', async () => {
    const id = await spareConnection('Bling campos');
    await browser.visit(`#/connections/${id}`);
    const form = page.getByTestId('connection-form');
    await expect.poll(() => form.locator('input[name="name"]').inputValue()).toBe('Bling campos');
    await form.locator('input[name="name"]').fill('Nome novo');
    await form.locator('input[name="baseUrl"]').fill('ftp://bling.test/Api/v3');
    await form.locator('select[name="frequency"]').selectOption('cron');
    await form.locator('input[name="cron"]').fill('todo dia');
    await page.getByTestId('save-connection').click();
    const problem = (field: string) => form.locator(`[data-problem="${field}"]`);
    // The reason in the reader's language (Portuguese by default); the API keeps the English beside it.
    await expect.poll(() => problem('baseUrl').textContent()).toContain('O endereço da API deve ser uma URL http(s)');
    expect(await problem('cron').textContent()).toContain('A expressão cron precisa de cinco campos');
    expect(await problem('cron').textContent()).not.toContain('must');
    expect(await form.locator('input[name="baseUrl"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('form-problems').textContent()).toContain('Nada foi salvo');
    expect(await problem('name').count()).toBe(0);
    await browser.shot('ops-connection-problems');
    expect((await h.api('GET', `/api/connections/${id}`)).body).toMatchObject({ name: 'Bling campos', frequency: 'manual', baseUrl: `${bling.url}/Api/v3` });

    // A refusal of the request's shape (too long a name) lands next to its field too; the others are cleared.
    await form.locator('input[name="name"]').fill('x'.repeat(201));
    await form.locator('input[name="baseUrl"]').fill('');
    await form.locator('input[name="cron"]').fill('*/10 * * * *');
    await page.getByTestId('save-connection').click();
    await expect.poll(() => problem('name').textContent()).toContain('no máximo 200 caracteres');
    expect(await problem('baseUrl').count()).toBe(0);
    expect(await problem('cron').count()).toBe(0);

    await form.locator('input[name="name"]').fill('Nome novo');
    await page.getByTestId('save-connection').click();
    await expect.poll(() => page.getByTestId('saved').textContent()).toContain('Alterações salvas');
    expect(await page.getByTestId('form-problems').count()).toBe(0);
    expect((await h.api('GET', `/api/connections/${id}`)).body).toMatchObject({ name: 'Nome novo', frequency: 'cron', cron: '*/10 * * * *' });
  });

  it('refuses to delete a connection flows use, naming them, and deletes an unused one', async () => {
    await browser.visit(`#/connections/${mlId}`);
    await page.getByTestId('delete-connection').click();
    const blocked = page.getByTestId('delete-blocked');
    await expect.poll(() => blocked.isVisible()).toBe(true);
    const flow = (await h.api('GET', `/api/flows/${flowId}`)).body;
    expect(await blocked.locator(`a[data-flow="${flowId}"]`).textContent()).toBe(flow.name);
    expect(await blocked.locator(`a[data-flow="${flowId}"]`).getAttribute('href')).toBe(`#/flows/${flowId}`);
    expect((await h.api('GET', `/api/connections/${mlId}`)).status).toBe(200);
    await browser.shot('ops-delete-blocked');

    const id = await spareConnection('Bling para excluir');
    await browser.visit(`#/connections/${id}`);
    await page.getByTestId('delete-connection').click();
    expect(dialogs.at(-1)).toContain('Bling para excluir');
    await page.waitForURL(/#\/connections$/);
    expect((await h.api('GET', `/api/connections/${id}`)).status).toBe(404);
  });

  it('lists flows with status, last run and schedule, exports one and imports it back as an equal flow', async () => {
    const scheduledDoc = structuredClone(document);
    scheduledDoc.nodes[0] = { id: 'start', type: 'trigger.schedule', typeVersion: 1, params: { every: 'daily', at: '03:00' } };
    const scheduled = (await h.api('POST', '/api/flows', { name: 'Bling → ML de madrugada', document: scheduledDoc })).body;
    expect((await h.api('POST', `/api/flows/${scheduled.id}/publish`)).status).toBe(201);
    // Edited after publishing: the draft differs from what runs.
    scheduledDoc.nodes.find((n: { id: string }) => n.id === 'to-listing').params.fields.condition = "'used'";
    expect((await h.api('PUT', `/api/flows/${scheduled.id}`, { document: scheduledDoc })).status).toBe(200);
    const draft = (await h.api('POST', '/api/flows', { name: 'Só rascunho', description: 'Ainda em teste', document })).body;
    const lastRun = (await h.api('GET', `/api/runs?flowId=${flowId}&limit=1`)).body.runs[0];

    try {
      await browser.visit('#/flows');
      const row = (id: string) => page.locator(`[data-testid="flows-table"] tr[data-flow="${id}"]`);
      await expect.poll(() => row(flowId).getByTestId('flow-state').getAttribute('data-state')).toBe('published');
      expect(await row(flowId).getByTestId('flow-state').textContent()).toContain('v2');
      expect(await row(flowId).getByTestId('flow-schedule').textContent()).toBe('Manual');
      expect(await row(flowId).getByTestId('flow-last-run').locator('a').getAttribute('href')).toBe(`#/runs/${lastRun.id}`);
      expect(await row(flowId).getByTestId('flow-last-run').textContent()).toContain('Sucesso');
      expect(await row(scheduled.id).getByTestId('flow-state').getAttribute('data-state')).toBe('changed');
      expect(await row(scheduled.id).getByTestId('flow-state').textContent()).toContain('Rascunho alterado');
      expect(await row(scheduled.id).getByTestId('flow-schedule').textContent()).toBe('Diariamente às 03:00');
      expect(await row(scheduled.id).getByTestId('flow-last-run').textContent()).toBe('—');
      expect(await row(draft.id).getByTestId('flow-state').getAttribute('data-state')).toBe('draft');
      expect(await row(draft.id).getByTestId('flow-schedule').textContent()).toBe('—');
      await browser.shot('ops-flows');

      // A stopped connection holds the schedule: the list says which one and why.
      const mlConnection = (await h.api('GET', `/api/connections/${mlId}`)).body;
      await h.api('POST', `/api/connections/${mlId}/pause`);
      try {
        await page.reload();
        await expect.poll(() => row(scheduled.id).getByTestId('flow-schedule-held').textContent()).toBe(`Parado enquanto a conexão não funciona: ${mlConnection.name} (pausada)`);
        expect(await row(flowId).getByTestId('flow-schedule-held').count()).toBe(0);
      } finally {
        await h.api('POST', `/api/connections/${mlId}/resume`);
      }
      await page.reload();
      await expect.poll(() => row(scheduled.id).getByTestId('flow-schedule').textContent()).toBe('Diariamente às 03:00');

      const [download] = await Promise.all([page.waitForEvent('download'), row(draft.id).getByTestId('export-flow').click()]);
      expect(download.suggestedFilename()).toBe('so-rascunho.json');
      const file = (await download.path())!;
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ name: 'Só rascunho', description: 'Ainda em teste', document: draft.document });
      const before = (await h.api('GET', '/api/flows')).body.flows.length;
      await page.getByTestId('import-file').setInputFiles(file);
      await expect.poll(() => page.getByTestId('flows-notice').textContent()).toContain('Fluxo importado');
      const importedId = decodeURIComponent((await page.getByTestId('imported-flow').getAttribute('href'))!.split('#/flows/')[1]);
      expect(importedId).not.toBe(draft.id);
      const imported = (await h.api('GET', `/api/flows/${importedId}`)).body;
      expect({ name: imported.name, description: imported.description, document: imported.document }).toEqual({ name: draft.name, description: draft.description, document: draft.document });
      await expect.poll(() => row(importedId).isVisible()).toBe(true);

      // A file whose flow is invalid creates nothing and lists why.
      const invalid = { name: 'Quebrado', document: { schemaVersion: 1, nodes: [{ id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} }, { id: 'x', type: 'no-such-block', typeVersion: 1, params: {} }], edges: [{ from: 'start', to: 'x' }] } };
      await page.getByTestId('import-file').setInputFiles({ name: 'quebrado.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(invalid)) });
      await expect.poll(() => page.getByTestId('flows-notice').textContent()).toContain('Fluxo não importado');
      const problems = await page.getByTestId('import-problems').locator('li').allTextContents();
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.some((p) => p.startsWith('x:') && p.includes('Tipo de bloco desconhecido "no-such-block"'))).toBe(true);
      await browser.shot('ops-import-invalid');
      expect((await h.api('GET', '/api/flows')).body.flows.length).toBe(before + 1);
      expect(browser.pageErrors).toEqual([]);
    } finally {
      // Its Temporal Schedule lives on the shared dev server: remove it with the flow.
      await h.api('DELETE', `/api/flows/${scheduled.id}`);
    }
  });
});
