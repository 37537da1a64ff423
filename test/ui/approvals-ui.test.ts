/**
 * The "Confirmações" screen and the approval step in the UI, driven in Debian's Chromium against an
 * in-process Ponte serving the built UI (ui/dist), with the Bling and Mercado Livre simulators and
 * real runs. What a user notices: a run "Aguardando confirmação" in the sync log and on its page,
 * the link to its held orders, confirming one and rejecting another with a reason (the ERP gets
 * only the confirmed one), a record someone else decided meanwhile reported as not decided, the run
 * ending in success once everything is decided, the block under "Controle" in the palette with its
 * settings, the English labels.
 */
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator, MlOrder } from '../../connectors/mercadolivre/simulator';
import { closeAll, connectSimulators, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import { mlOrdersToBling } from '../support/fixtures';
import type { Harness } from '../support/harness';

const WHEN = '$sum(itens.(quantidade * valor)) > 100';
const SUMMARY = '"Pedido " & numeroLoja & " de " & contato.nome';

/** Mercado Livre orders → Bling, holding the orders above R$ 100 for confirmation (as in test/approvals.test.ts). */
const orderFlow = (mlId: string, blingId: string) => mlOrdersToBling(mlId, blingId, { trigger: 'manual', approve: { when: WHEN, summary: SUMMARY } });

describe.skipIf(!hasChromium)('browser UI: approvals (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let browser: UiBrowser;
  let page: Page;
  let flowId: string;
  let runId: string;
  /** The orders above R$ 100, which the flow holds; the others go straight to Bling. */
  let big: MlOrder[];
  let small: MlOrder[];
  const FLOW_NAME = 'Pedidos ML → Bling com confirmação';

  const inBling = (order: MlOrder) => [...bling.orders.values()].filter((o) => o.numeroLoja === String(order.id)).length;
  const rows = () => page.getByTestId('approvals-table').locator('tbody tr');
  const rowOf = (order: MlOrder) => page.locator(`[data-testid="approvals-table"] tr[data-key="${order.id}"]`);
  const summaryOf = (order: MlOrder) => `Pedido ${order.id} de ${order.buyer.nickname}`;
  /** How many rows the list shows once it has answered the latest filters. */
  const listed = () => countSettled(page.getByTestId('approvals'), rows());

  beforeAll(async () => {
    let base: string;
    ({ h, base } = await serveUi());
    let blingId: string, mlId: string;
    ({ bling, ml, blingId, mlId } = await connectSimulators(h));
    const flow = await h.api('POST', '/api/flows', { name: FLOW_NAME, document: orderFlow(mlId, blingId) });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    flowId = flow.body.id;
    expect((await h.api('POST', `/api/flows/${flowId}/publish`)).status).toBe(201);

    const orders = ml.seedOrders(6, { status: 'paid' });
    big = orders.filter((o) => o.total_amount > 100);
    small = orders.filter((o) => o.total_amount <= 100);
    expect(big.length).toBe(4);
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    runId = started.body.runId;
    const waiting = await h.waitForRun(runId);
    expect(waiting).toMatchObject({ status: 'waiting', approvals: { pending: 4 } });
    for (const o of small) expect(inBling(o)).toBe(1);

    browser = await openBrowser(base, h.admin);
    page = browser.page;
  });

  afterAll(() => closeAll(browser, h, bling, ml));

  it('shows the approval block under "Controle" in the palette, its settings in the form, and the run waiting', async () => {
    await browser.visit(`#/flows/${flowId}`);
    const palette = page.getByTestId('palette');
    const item = palette.getByTestId('palette-approve');
    await item.waitFor();
    expect(await palette.locator('.cat').allTextContents()).toEqual(['Início', 'Origem', 'Transformação', 'Controle', 'Destino']);
    // The block sits under its category's heading.
    const heading = await item.evaluate((el) => {
      let p = el.previousElementSibling;
      while (p && !p.classList.contains('cat')) p = p.previousElementSibling;
      return p?.textContent;
    });
    expect(heading).toBe('Controle');
    expect(await item.locator('b').textContent()).toBe('Aguardar confirmação');

    const node = page.getByTestId('node-confirm');
    await expect.poll(() => node.textContent()).toContain('Aguardar confirmação');
    expect(await node.textContent()).toContain(`Segurar quando: ${WHEN}`);
    // The flow's last run is waiting: the editor says so.
    await expect.poll(() => page.getByTestId('run-panel').getByTestId('badge').textContent()).toBe('Aguardando confirmação');

    await node.click();
    const form = page.getByTestId('params-form');
    await form.waitFor();
    expect(await form.locator('textarea[name="when"]').inputValue()).toBe(WHEN);
    expect(await form.locator('textarea[name="summary"]').inputValue()).toBe(SUMMARY);
    expect(await form.locator('input[name="expiresAfterHours"]').getAttribute('placeholder')).toBe('72');
    expect(await form.locator('select[name="onExpiry"]').inputValue()).toBe('reject');
    expect(await form.locator('select[name="onExpiry"] option').allTextContents()).toEqual(['Rejeitar (não grava)', 'Confirmar (segue adiante)']);
    const text = (await form.textContent())!;
    for (const label of ['Segurar quando', 'Resumo na lista de confirmações', 'Prazo para decidir (horas)', 'Se ninguém decidir no prazo', 'vazia segura todos']) expect(text).toContain(label);
    await browser.shot('approve-node-form');
  });

  it('shows the run "Aguardando confirmação" in the sync log and, on its page, how many records wait, linked to them', async () => {
    // The hub says how many records wait for a person, and leads to them.
    await browser.visit(`#/`);
    const awaiting = page.getByTestId('stat-awaiting');
    await expect.poll(() => awaiting.locator('.stat').textContent()).toBe('4');
    expect(await awaiting.getAttribute('href')).toBe('#/approvals');
    await browser.visit(`#/runs`);
    expect(await page.locator('header nav').textContent()).toContain('Confirmações');
    const row = page.locator(`[data-testid="runs-table"] tr[data-run="${runId}"]`);
    await expect.poll(() => row.getByTestId('badge').textContent()).toBe('Aguardando confirmação');
    await page.getByTestId('filter-status').selectOption('waiting');
    await expect.poll(() => page.getByTestId('runs-table').locator('tbody tr').count()).toBe(1);
    await browser.shot('runs-waiting');

    await row.locator('a').click();
    await page.waitForURL(new RegExp(`#/runs/${runId}$`));
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Aguardando confirmação');
    const held = page.getByTestId('run-approvals-pending');
    expect(await held.textContent()).toBe('4 aguardando confirmação');
    expect(await held.getAttribute('href')).toBe(`#/approvals?runId=${runId}`);
    // Nothing decided yet: no other counts.
    expect(await page.getByTestId('run-approvals').textContent()).not.toContain('confirmado');
    await held.click();
    await page.waitForURL(/#\/approvals\?runId=/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Confirmações');
    expect(await page.getByTestId('approvals-run-filter').textContent()).toContain(runId);
    expect(await listed()).toBe(4);
  });

  it('confirms one order and rejects another with a reason: Bling gets only the confirmed one, the run page counts both', async () => {
    const [a, b] = big;
    await browser.visit(`#/approvals?runId=${encodeURIComponent(runId)}`);
    expect(await listed()).toBe(4);
    // Oldest first, each with its summary, flow, run and the record's data on demand.
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(big.map((o) => String(o.id)));
    expect(await rowOf(a).getByTestId('appr-summary').textContent()).toBe(summaryOf(a));
    expect(await rowOf(a).textContent()).toContain(FLOW_NAME);
    expect(await rowOf(a).getByTestId('appr-run').getAttribute('href')).toBe(`#/runs/${runId}`);
    expect(await rowOf(a).getByTestId('appr-decision').textContent()).toContain('Aguardando');
    const data = rowOf(a).getByTestId('appr-data');
    expect(await data.locator('pre').isVisible()).toBe(false);
    await data.locator('summary').click();
    await expect.poll(() => data.locator('pre').isVisible()).toBe(true);
    expect(JSON.parse((await data.locator('pre').textContent())!)).toMatchObject({ numeroLoja: String(a.id), contato: { nome: a.buyer.nickname } });

    // Nothing to decide until a record is ticked; the decision goes under the signed-in person's name.
    expect(await page.getByTestId('appr-approve').isDisabled()).toBe(true);
    expect(await page.getByTestId('appr-by').textContent()).toBe(`As decisões ficam registradas em seu nome (${h.admin.email}).`);
    await rowOf(a).getByTestId('appr-select').check();
    expect(await page.getByTestId('appr-selected').textContent()).toBe('1 selecionado(s)');
    await browser.shot('approvals-pending');
    await page.getByTestId('appr-approve').click();
    await expect.poll(() => page.getByTestId('appr-decided').textContent()).toBe('1 confirmado(s): a execução grava agora.');
    await expect.poll(() => rowOf(a).count()).toBe(0);
    expect(await rows().count()).toBe(3);
    await expect.poll(() => inBling(a), { timeout: 20_000 }).toBe(1);

    // Reject, with a reason.
    await rowOf(b).getByTestId('appr-select').check();
    await page.getByTestId('appr-reject').click();
    const form = page.getByTestId('appr-reject-form');
    expect(await form.locator('h3').textContent()).toBe('Rejeitar 1 registro(s)');
    await form.locator('textarea[name="reason"]').fill('cliente pediu cancelamento');
    await browser.shot('approvals-reject');
    await page.getByTestId('appr-reject-confirm').click();
    await expect.poll(() => page.getByTestId('appr-decided').textContent()).toBe('1 rejeitado(s): não serão gravados.');
    await expect.poll(() => rowOf(b).count()).toBe(0);
    expect(await rows().count()).toBe(2);
    expect(await page.getByTestId('appr-reject-form').count()).toBe(0);

    await browser.visit(`#/runs/${runId}`);
    await expect.poll(() => page.getByTestId('run-approvals-approved').textContent()).toBe('1 confirmado(s)');
    expect(await page.getByTestId('run-approvals-rejected').textContent()).toBe('1 rejeitado(s)');
    expect(await page.getByTestId('run-approvals-pending').textContent()).toBe('2 aguardando confirmação');
    expect(await page.getByTestId('run-approvals-expired').count()).toBe(0);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('Aguardando confirmação');
    expect(inBling(a)).toBe(1);
    expect(inBling(b)).toBe(0);
    await browser.shot('run-partly-decided');
  });

  it('reports a record someone else decided meanwhile; once everything is decided the run ends in success', async () => {
    const [a, b, c, d] = big;
    await browser.visit(`#/approvals`);
    expect(await listed()).toBe(2);
    await page.getByTestId('appr-select-all').check();
    expect(await page.getByTestId('appr-selected').textContent()).toBe('2 selecionado(s)');

    // Hold the list's refreshes so the selection stays as it is while someone else confirms c through the API.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      await gate;
      await route.continue().catch(() => {});
    };
    const isList = (url: URL) => url.pathname === '/api/approvals';
    await page.route(isList, hold);
    try {
      const cId = Number(await rowOf(c).getAttribute('data-approval'));
      expect((await h.api('POST', '/api/approvals/decide', { ids: [cId], decision: 'approve' })).body.decided).toEqual([cId]);
      await page.getByTestId('appr-reject').click();
      await page.getByTestId('appr-reject-confirm').click();
      await expect.poll(() => page.getByTestId('appr-result').getAttribute('data-decision')).toBe('reject');
      expect(await page.getByTestId('appr-decided').textContent()).toBe('1 rejeitado(s): não serão gravados.');
      expect(await page.getByTestId('appr-refused').locator('li').allTextContents()).toEqual([`${summaryOf(c)}: já estava confirmado`]);
      await browser.shot('approvals-refused');
    } finally {
      release();
      await page.unroute(isList, hold);
    }
    await expect.poll(() => page.getByTestId('approvals-empty').textContent()).toBe('Nada aguardando confirmação.');

    const done = await h.waitForRunEnd(runId, 30_000);
    expect(done.status).toBe('success');
    expect(done.approvals).toEqual({ pending: 0, approved: 2, rejected: 2, expired: 0 });
    for (const o of [...small, a, c]) expect(inBling(o)).toBe(1);
    for (const o of [b, d]) expect(inBling(o)).toBe(0);

    await browser.visit(`#/runs/${runId}`);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Sucesso');
    expect(await page.getByTestId('run-approvals-pending').count()).toBe(0);
    expect(await page.getByTestId('run-approvals-approved').textContent()).toBe('2 confirmado(s)');
    expect(await page.getByTestId('run-approvals-rejected').textContent()).toBe('2 rejeitado(s)');
    await page.locator('[data-outcome="skipped"]').click();
    const records = page.getByTestId('run-records');
    await expect.poll(() => records.locator(`tr:has-text("${b.id}")`).count()).toBeGreaterThan(0);
    expect(await records.textContent()).toContain(`Rejeitado por ${h.admin.email}`);
    expect(await records.textContent()).toContain('cliente pediu cancelamento');
    await browser.shot('run-decided');

    // The decided ones, by status.
    await browser.visit(`#/approvals`);
    await page.getByTestId('appr-filter-status').selectOption('rejected');
    expect(await listed()).toBe(2);
    const rejected = (await rowOf(b).getByTestId('appr-decision').textContent())!;
    expect(rejected).toContain('Rejeitado');
    expect(rejected).toContain(`por ${h.admin.email}`);
    expect(rejected).toContain('cliente pediu cancelamento');
    expect(await rowOf(b).getByTestId('appr-select').count()).toBe(0);
    expect(await page.getByTestId('appr-approve').count()).toBe(0);
    await page.getByTestId('appr-filter-status').selectOption('approved');
    expect(await listed()).toBe(2);
    // Decided through the API: by the harness's token, named with its person.
    expect(await rowOf(c).getByTestId('appr-decision').textContent()).toContain(`por token test harness (${h.admin.email})`);
    await page.getByTestId('appr-filter-flow').selectOption(flowId);
    expect(await listed()).toBe(2);
  });

  it('shows the approvals in English after the language switch', async () => {
    // A new order above R$ 100 (and one below): the next run holds it.
    const [cheap, dear] = ml.seedOrders(2, { status: 'paid' });
    expect(cheap.total_amount).toBeLessThanOrEqual(100);
    expect(dear.total_amount).toBeGreaterThan(100);
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    const next = started.body.runId as string;
    expect(await h.waitForRun(next)).toMatchObject({ status: 'waiting', approvals: { pending: 1 } });

    await browser.visit(`#/runs`);
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sync log');
    expect(await page.locator('header nav').textContent()).toContain('Approvals');
    await expect.poll(() => page.locator(`tr[data-run="${next}"]`).getByTestId('badge').textContent()).toBe('Waiting for approval');
    await browser.visit(`#/runs/${next}`);
    await expect.poll(() => page.getByTestId('run-approvals-pending').textContent()).toBe('1 waiting for approval');

    await page.getByTestId('run-approvals-pending').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Approvals');
    expect(await listed()).toBe(1);
    const text = (await page.locator('main').textContent())!;
    for (const label of ['Decisions are recorded under your name', 'Approve', 'Reject', 'Record', 'Arrived', 'Deadline', 'Decision', 'Pending', 'Show data', 'Only run']) expect(text).toContain(label);
    await rowOf(dear).getByTestId('appr-select').check();
    await page.getByTestId('appr-reject').click();
    expect(await page.getByTestId('appr-reject-form').locator('h3').textContent()).toBe('Reject 1 record(s)');
    await page.getByTestId('appr-approve').click();
    await expect.poll(() => page.getByTestId('appr-decided').textContent()).toBe('1 approved: the run writes them now.');
    await expect.poll(() => page.getByTestId('approvals-empty').textContent()).toBe('Nothing is waiting for approval.');
    const done = await h.waitForRunEnd(next, 30_000);
    expect(done.status).toBe('success');
    expect(inBling(dear)).toBe(1);
    expect(inBling(cheap)).toBe(1);
    await browser.shot('approvals-en');

    await browser.visit(`#/flows/${flowId}`);
    await page.getByTestId('palette-approve').waitFor();
    expect(await page.getByTestId('palette').locator('.cat').allTextContents()).toContain('Control');
    expect(await page.getByTestId('palette-approve').locator('b').textContent()).toBe('Wait for approval');
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => page.getByTestId('palette-approve').locator('b').textContent()).toBe('Aguardar confirmação');
    expect(browser.pageErrors).toEqual([]);
  });
});
