/**
 * Flow alerts and payments in the browser, driven in Debian's Chromium against an in-process Ponte
 * serving the built UI (ui/dist). What a user notices: in the flow editor, the "Alertas" panel —
 * an alert added through an e-mail connection (only channel connections offered), saved into the
 * flow's document, removed and brought back with undo, and an empty recipient refused by the server
 * with its reason next to the alert; the charge and settle blocks in the palette, the charge's form
 * showing the fields its kind uses; the "Cobranças" screen — each charge with its kind, amount in
 * reais, status and run, filtered by status, the Pix copia e cola copied to the clipboard, a boleto's
 * digitable line and a failure's reason, and under "Baixas" each payment settled at the ERP.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCharge, claimSettlement, markChargePaid, recordCharge, recordSettlement } from '../../server/payments/ledger';
import { closeAll, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

const TENANT = 'default';
const PIX_COPIA_E_COLA = '00020101021226850014br.gov.bcb.pix2563pix.psp.test/qr/v2/cobv/9d36b84f-c70b-478f-b95c-12729b90ca255204000053039865406059.905802BR5909LOJA TESTE6009SAO PAULO62070503***6304ABCD';
const DIGITABLE_LINE = '23790.50400 41990.901030 06012.345607 1 96610000123450';

describe.skipIf(!hasChromium)('browser UI: flow alerts and charges (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let base: string;
  let browser: UiBrowser;
  let page: Page;
  let blingId: string;
  let mlId: string;
  let smtpId: string;
  let flowId: string;

  /** The text as a person reads it: currency formats put a no-break space after "R$". */
  const text = async (loc: Locator) => ((await loc.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
  const savedAlerts = async () => (await h.api('GET', `/api/flows/${flowId}`)).body.document.alerts;
  const alertBox = () => page.getByTestId('alert');
  /** The data-testid of the control holding the focus (a string: the tests compile without the DOM library). */
  const focused = () => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null");

  async function save() {
    await page.getByTestId('save-flow').click();
    await expect.poll(() => page.getByTestId('editor-notice').textContent()).toMatch(/Rascunho salvo\.|problema/);
  }

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    const make = async (body: Record<string, unknown>) => {
      const res = await h.api('POST', '/api/connections', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    blingId = await make({ name: 'Bling da loja', provider: 'bling', credentials: { accessToken: 'secret-token-1234' } });
    mlId = await make({ name: 'Mercado Livre principal', provider: 'mercadolivre', credentials: { accessToken: 'APP_USR-abcdefgh' } });
    smtpId = await make({ name: 'E-mail da loja', provider: 'smtp', baseUrl: 'smtp://127.0.0.1:2525', credentials: { from: 'Loja <a@b.test>' } });
    const flow = await h.api('POST', '/api/flows', {
      name: 'Produtos com alerta',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products' } },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'write' },
        ],
        layout: { start: { x: 0, y: 0 }, read: { x: 320, y: 0 }, write: { x: 640, y: 0 } },
      },
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    flowId = flow.body.id;

    browser = await openBrowser(base, h.admin);
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });

  afterAll(() => closeAll(browser, h));

  it('adds an alert by keyboard through an e-mail connection, only on errors, and saves it in the flow', async () => {
    await browser.visit(`#/flows/${flowId}`);
    const panel = page.getByTestId('alerts-panel');
    await panel.getByTestId('alerts-empty').waitFor();
    expect(await panel.getByTestId('alerts-empty').textContent()).toContain('Nenhum alerta');

    // By keyboard: "Adicionar alerta", then straight into its recipient.
    await panel.getByTestId('alert-add').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => alertBox().count()).toBe(1);
    expect(await focused()).toBe('alert-to');

    // Only channel connections are offered (not the Bling nor the Mercado Livre one), the first already chosen.
    const channel = alertBox().getByTestId('alert-connection');
    expect(await channel.locator('option').allTextContents()).toEqual(['E-mail da loja (E-mail (SMTP))']);
    expect(await channel.inputValue()).toBe(smtpId);
    // Both endings alert unless told otherwise.
    expect(await alertBox().getByTestId('alert-on-error').isChecked()).toBe(true);
    expect(await alertBox().getByTestId('alert-on-partial').isChecked()).toBe(true);
    expect(await alertBox().locator('legend').first().textContent()).toBe('Alerta 1');

    await page.keyboard.type('financeiro@loja.test');
    await alertBox().getByTestId('alert-on-partial').uncheck();
    expect(await page.getByTestId('unsaved').isVisible()).toBe(true);
    await browser.shot('payments-01-alert-added');
    await save();
    expect(await page.getByTestId('editor-notice').textContent()).toContain('Rascunho salvo.');
    expect(await savedAlerts()).toEqual([{ connectionId: smtpId, to: 'financeiro@loja.test', on: ['error'] }]);

    // A fresh load shows the saved alert as it is.
    await browser.visit(`#/flows/${flowId}`);
    await expect.poll(() => alertBox().count()).toBe(1);
    expect(await alertBox().getByTestId('alert-to').inputValue()).toBe('financeiro@loja.test');
    expect(await alertBox().getByTestId('alert-on-error').isChecked()).toBe(true);
    expect(await alertBox().getByTestId('alert-on-partial').isChecked()).toBe(false);
  });

  it('removes the alert, brings it back with undo and saves it again', async () => {
    await browser.visit(`#/flows/${flowId}`);
    await expect.poll(() => alertBox().count()).toBe(1);
    const remove = alertBox().getByTestId('alert-remove');
    expect(await remove.getAttribute('aria-label')).toBe('Remover alerta 1');
    await remove.click();
    await expect.poll(() => alertBox().count()).toBe(0);
    await page.getByTestId('alerts-empty').waitFor();

    await page.getByTestId('undo').click();
    await expect.poll(() => alertBox().count()).toBe(1);
    expect(await alertBox().getByTestId('alert-to').inputValue()).toBe('financeiro@loja.test');
    expect(await alertBox().getByTestId('alert-connection').inputValue()).toBe(smtpId);
    expect(await alertBox().getByTestId('alert-on-partial').isChecked()).toBe(false);
    await save();
    expect(await savedAlerts()).toEqual([{ connectionId: smtpId, to: 'financeiro@loja.test', on: ['error'] }]);

    // Redo removes it again; saving then leaves the flow without alerts.
    await page.getByTestId('redo').click();
    await expect.poll(() => alertBox().count()).toBe(0);
    await save();
    expect(await savedAlerts()).toBeUndefined();
    await page.getByTestId('undo').click();
    await expect.poll(() => alertBox().count()).toBe(1);
    await save();
    expect(await savedAlerts()).toEqual([{ connectionId: smtpId, to: 'financeiro@loja.test', on: ['error'] }]);
  });

  it('shows the server\'s refusal of an empty recipient next to the alert, and saves nothing until fixed', async () => {
    await browser.visit(`#/flows/${flowId}`);
    await expect.poll(() => alertBox().count()).toBe(1);
    await page.getByTestId('alert-add').click();
    await expect.poll(() => alertBox().count()).toBe(2);
    const second = alertBox().nth(1);
    expect(await second.locator('legend').first().textContent()).toBe('Alerta 2');
    await save();

    const notice = page.getByTestId('editor-notice');
    expect(await notice.textContent()).toContain('1 problema(s) impedem salvar');
    const problem = second.getByTestId('alert-problem');
    expect(await problem.textContent()).toContain('alerts[1].to é obrigatório: quem recebe o alerta');
    expect(await second.getByTestId('alert-to').getAttribute('aria-invalid')).toBe('true');
    // The field says where its problem is written, for screen readers.
    expect(await second.getByTestId('alert-to').getAttribute('aria-describedby')).toBe(await problem.getAttribute('id'));
    expect(await alertBox().first().getByTestId('alert-problem').count()).toBe(0);
    expect(await notice.getByTestId('problem-alert-link').textContent()).toBe('Alerta 2');
    await browser.shot('payments-02-alert-refused');
    expect(await savedAlerts()).toHaveLength(1);

    // From the banner, with a block selected, back to the alert.
    await page.locator('.svelte-flow__node[data-id="read"]').click();
    await expect.poll(() => page.getByTestId('alerts-panel').count()).toBe(0);
    await notice.getByTestId('problem-alert-link').click();
    await page.getByTestId('alerts-panel').waitFor();
    expect(await focused()).toBe('alert-to');

    await alertBox().nth(1).getByTestId('alert-to').fill('+55 11 98888-7777');
    await save();
    expect(await notice.textContent()).toContain('Rascunho salvo.');
    expect(await page.getByTestId('alert-problem').count()).toBe(0);
    expect(await savedAlerts()).toEqual([
      { connectionId: smtpId, to: 'financeiro@loja.test', on: ['error'] },
      { connectionId: smtpId, to: '+55 11 98888-7777', on: ['error', 'partial'] },
    ]);
  });

  it('offers the charge and settle blocks, the charge\'s form showing the fields of the kind chosen', async () => {
    await browser.visit('#/flows/new');
    const charge = page.getByTestId('palette-charge');
    expect(await charge.locator('b').textContent()).toBe('Cobrar (Pix / boleto)');
    expect(await page.getByTestId('palette-settle').locator('b').textContent()).toBe('Baixar recebimento');

    await charge.click();
    const form = page.getByTestId('node-panel').getByTestId('params-form');
    const shown = async () => {
      const names = await form.locator(':scope > label.field, :scope > label.check, :scope > div.field').evaluateAll((els) => els.map((el) => el.querySelector('[name]')?.getAttribute('name') ?? ''));
      return names.filter(Boolean);
    };
    const requiredOnes = () => form.locator(':scope > label.field:has(.req) [name]').evaluateAll((els) => els.map((el) => el.getAttribute('name')));
    const kind = form.locator('select[name="kind"]');
    // Written into the draft, not only shown: the server applies no defaults and the kind is required.
    expect(await kind.inputValue()).toBe('pix');
    expect(await kind.locator('option:checked').textContent()).toBe('Pix (imediato)');
    expect(await shown()).toEqual(['kind', 'connectionId', 'amount', 'expiresInHours', 'payerEmail', 'description']);
    expect(await requiredOnes()).toEqual(['kind', 'connectionId', 'amount']);
    // The others stay one click away.
    expect(await form.getByTestId('params-others').locator('summary').textContent()).toBe('Campos não usados com esta escolha (7)');

    await kind.selectOption('boleto');
    await expect.poll(shown).toEqual(['kind', 'connectionId', 'amount', 'dueDate', 'expiresInHours', 'payerName', 'payerDocument', 'payerEmail', 'payerAddress', 'description']);
    expect(await requiredOnes()).toEqual(['kind', 'connectionId', 'amount', 'dueDate', 'payerName', 'payerDocument', 'payerAddress']);
    expect(await form.locator('label.field:has([name="dueDate"]) span').first().textContent()).toContain('Vencimento');

    await kind.selectOption('pix-static');
    await expect.poll(shown).toEqual(['kind', 'amount', 'expiresInHours', 'payerEmail', 'description', 'pixKey', 'merchantName', 'merchantCity']);
    expect(await requiredOnes()).toEqual(['kind', 'amount', 'pixKey', 'merchantName', 'merchantCity']);
    await browser.shot('payments-03-charge-form');

    await page.getByTestId('palette-settle').click();
    const settle = page.getByTestId('node-panel');
    expect(await settle.locator('h3').textContent()).toBe('Baixar recebimento');
    expect(await settle.locator('select[name="connectionId"] option').allTextContents()).toContain('Bling da loja (Bling)');
    expect(browser.pageErrors).toEqual([]);
  });

  it('lists charges with kind, amount in reais, status and run; filters; copies the Pix copia e cola; shows the settlements', async () => {
    await browser.visit('#/charges');
    expect(await page.locator('nav a[href="#/charges"]').textContent()).toBe('Cobranças');
    await page.getByTestId('charges-empty').waitFor();
    expect(await page.getByTestId('charges-empty').textContent()).toBe('Nenhuma cobrança ainda. Um fluxo com o bloco “Cobrar (Pix / boleto)” cria cobranças para os pedidos.');
    await page.getByTestId('tab-settlements').click();
    expect(await page.getByTestId('settlements-empty').textContent()).toContain('Nenhuma baixa ainda.');

    // Straight through the ledger, as the charge and settle blocks would have written.
    const { db } = h.database;
    const scope = (recordKey: string, runId: string) => ({ tenantId: TENANT, flowId, nodeId: 'charge', recordKey, sourceConnectionId: blingId, runId });
    const pix = (await claimCharge(db, scope('1001', 'run-charge-1'), { connectionId: 'psp-sandbox', kind: 'pix', amount: '59.90' })).row;
    await recordCharge(db, pix.id, { status: 'pending', providerId: 'cob-1001', details: { pixCopiaECola: PIX_COPIA_E_COLA, location: 'pix.psp.test/qr/v2/cob/1001' } });
    const boleto = (await claimCharge(db, scope('1002', 'run-charge-1'), { connectionId: 'banco-inter', kind: 'boleto', amount: '1234.50' })).row;
    await recordCharge(db, boleto.id, { status: 'pending', providerId: 'bol-1002', details: { digitableLine: DIGITABLE_LINE, barcode: '23791966100001234503504019909010300601234560', nossoNumero: '00612345' } });
    await markChargePaid(db, boleto.id, '2025-03-01T14:30:00Z');
    const failed = (await claimCharge(db, scope('1003', 'run-charge-2'), { connectionId: 'psp-sandbox', kind: 'pix-due', amount: '10' })).row;
    await recordCharge(db, failed.id, { status: 'failed', error: 'O PSP recusou a cobrança: CPF do pagador inválido' });
    const settled = await claimSettlement(db, { tenantId: TENANT, paymentConnectionId: 'banco-inter', paymentId: 'E00416968202503011430abcdef12345', reference: boleto.reference, chargeId: boleto.id, erpConnectionId: blingId, amount: '1234.50', runId: 'run-settle-1' });
    await recordSettlement(db, settled.row.id, 'run-settle-1', { status: 'settled', orderId: '1002', receivableId: 'cr-9002' });
    const already = await claimSettlement(db, { tenantId: TENANT, paymentConnectionId: 'psp-sandbox', paymentId: 'E18236120202503021000fedcba54321', reference: pix.reference, chargeId: pix.id, erpConnectionId: blingId, amount: '59.90', runId: 'run-settle-2' });
    await recordSettlement(db, already.row.id, 'run-settle-2', { status: 'already', orderId: '1001', receivableId: 'cr-9001' });

    await browser.visit('#/charges');
    const list = page.getByTestId('charges');
    const rows = page.getByTestId('charges-table').locator('tbody tr[data-charge]');
    expect(await countSettled(list, rows)).toBe(3);
    const row = (key: string) => page.locator(`[data-testid="charges-table"] tr[data-key="${key}"]`);
    const cell = (key: string, id: string) => row(key).getByTestId(id);
    expect(await cell('1001', 'charge-kind').textContent()).toBe('Pix');
    expect(await text(cell('1001', 'charge-amount'))).toBe('R$ 59,90');
    expect(await cell('1001', 'charge-status').textContent()).toBe('Aguardando pagamento');
    expect(await cell('1001', 'charge-paid').textContent()).toBe('—');
    expect(await cell('1001', 'charge-run').getAttribute('href')).toBe('#/runs/run-charge-1');
    expect(await row('1001').textContent()).toContain('Produtos com alerta');
    expect(await cell('1002', 'charge-kind').textContent()).toBe('Boleto');
    expect(await text(cell('1002', 'charge-amount'))).toBe('R$ 1.234,50');
    expect(await cell('1002', 'charge-status').textContent()).toBe('Paga');
    expect(await cell('1002', 'charge-paid').textContent()).toMatch(/^\d{2}\/03\/2025, \d{2}:30$/);
    expect(await cell('1003', 'charge-kind').textContent()).toBe('Pix com vencimento');
    expect(await text(cell('1003', 'charge-amount'))).toBe('R$ 10,00');
    expect(await cell('1003', 'charge-status').textContent()).toBe('Falhou');
    expect(await cell('1003', 'charge-run').getAttribute('href')).toBe('#/runs/run-charge-2');

    // The Pix's copia e cola, copied whole.
    const toggle = cell('1001', 'charge-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.getAttribute('aria-label')).toBe('Detalhes da cobrança do pedido 1001');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const pixDetail = page.locator(`tr[data-detail="${pix.id}"]`);
    expect(await pixDetail.getByTestId('charge-copy-paste').inputValue()).toBe(PIX_COPIA_E_COLA);
    expect(await pixDetail.getByTestId('charge-copy-paste').getAttribute('aria-label')).toBe('Pix copia e cola');
    await pixDetail.getByTestId('charge-copy-paste-copy').click();
    await expect.poll(() => pixDetail.getByTestId('charge-copy-paste-copy').textContent()).toBe('Copiado!');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(PIX_COPIA_E_COLA);
    expect(await pixDetail.textContent()).toContain(pix.reference);
    expect(await pixDetail.getByTestId('charge-digitable-line').count()).toBe(0);

    // The boleto's line, and why the third one failed.
    await cell('1002', 'charge-toggle').click();
    const boletoDetail = page.locator(`tr[data-detail="${boleto.id}"]`);
    expect(await boletoDetail.getByTestId('charge-digitable-line').inputValue()).toBe(DIGITABLE_LINE);
    expect(await boletoDetail.textContent()).toContain('00612345');
    await cell('1003', 'charge-toggle').click();
    expect(await page.locator(`tr[data-detail="${failed.id}"]`).getByTestId('charge-error').textContent()).toContain('O PSP recusou a cobrança: CPF do pagador inválido');
    await browser.shot('payments-04-charges');

    // Filtered by status; a filter with nothing says so in its own words.
    const status = page.getByTestId('charges-filter-status');
    await status.selectOption('paid');
    expect(await countSettled(list, rows)).toBe(1);
    expect(await rows.first().getAttribute('data-key')).toBe('1002');
    await status.selectOption('failed');
    expect(await countSettled(list, rows)).toBe(1);
    expect(await rows.first().getAttribute('data-key')).toBe('1003');
    await status.selectOption('cancelled');
    await expect.poll(() => page.getByTestId('charges-empty').textContent()).toBe('Nenhuma cobrança com esses filtros.');
    await status.selectOption('');
    expect(await countSettled(list, rows)).toBe(3);

    // "Baixas", reached with the arrow keys from the charges' tab.
    await page.getByTestId('tab-charges').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('tab-settlements').getAttribute('aria-selected')).toBe('true');
    expect(await focused()).toBe('tab-settlements');
    const sList = page.getByTestId('settlements');
    const sRows = page.getByTestId('settlements-table').locator('tbody tr');
    expect(await countSettled(sList, sRows)).toBe(2);
    const sRow = (paymentId: string) => page.locator(`[data-testid="settlements-table"] tr[data-payment="${paymentId}"]`);
    const first = sRow('E00416968202503011430abcdef12345');
    expect(await first.getByTestId('settlement-reference').textContent()).toBe(boleto.reference);
    expect(await first.getByTestId('settlement-order').textContent()).toBe('1002');
    expect(await first.textContent()).toContain('Bling da loja');
    expect(await text(first.getByTestId('settlement-amount'))).toBe('R$ 1.234,50');
    expect(await text(first.getByTestId('settlement-status'))).toBe('Baixada');
    expect(await first.getByTestId('settlement-receivable').textContent()).toBe('cr-9002');
    expect(await first.getByTestId('settlement-run').getAttribute('href')).toBe('#/runs/run-settle-1');
    const second = sRow('E18236120202503021000fedcba54321');
    expect(await text(second.getByTestId('settlement-status'))).toBe('Já recebida');
    expect(await second.getByTestId('settlement-status').locator('.badge').getAttribute('title')).toBe('O ERP já tinha esta conta como recebida: nada foi alterado.');
    expect(await second.getByTestId('settlement-run').getAttribute('href')).toBe('#/runs/run-settle-2');
    await page.getByTestId('settlements-filter-status').selectOption('already');
    expect(await countSettled(sList, sRows)).toBe(1);
    expect(await sRows.first().getAttribute('data-payment')).toBe('E18236120202503021000fedcba54321');
    await browser.shot('payments-05-settlements');

    // The address opens a tab and its filter; a run link leads to the run.
    await browser.visit('#/charges?tab=settlements&status=settled');
    expect(await countSettled(sList, sRows)).toBe(1);
    expect(await page.getByTestId('settlements-filter-status').inputValue()).toBe('settled');
    await first.getByTestId('settlement-run').click();
    await page.waitForURL((u) => u.hash === '#/runs/run-settle-1');

    // In English, amounts follow the language.
    await browser.visit('#/charges');
    await page.getByTestId('lang').selectOption('en');
    expect(await page.getByTestId('tab-charges').textContent()).toBe('Charges');
    expect(await text(cell('1002', 'charge-amount'))).toBe('R$1,234.50');
    expect(await cell('1002', 'charge-status').textContent()).toBe('Paid');
    await page.getByTestId('lang').selectOption('pt-BR');
    expect(browser.pageErrors).toEqual([]);
  });
});
