/**
 * The "Notas fiscais" screen in the browser, driven in Debian's Chromium against an in-process
 * Ponte serving the built UI (ui/dist). The invoices are written straight through the fiscal
 * ledger, as the emit-nf block would have left them: an NF-e and an NFC-e authorised (real
 * signed documents with a protocol merged into their nfeProc), an NF-e SEFAZ rejected with
 * cStat 778 and one still being sent. What a user notices: each invoice's number and series,
 * model, order, status badge, SEFAZ's answer, protocol, total in reais and run; the status
 * filter; the detail with the access key in blocks of four copied whole, the XML downloaded and
 * the DANFE served as a PDF to this browser's session; the rejection's reason; the rejected
 * number listed under "Números a inutilizar" with what inutilização is; and, against the SEFAZ
 * simulator, an editor cancelling an authorised invoice (and reading SEFAZ's refusal of another)
 * and voiding the rejected number, while a viewer sees neither button.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorisedProc } from '../../fiscal/danfe/testing';
import { buildNfe } from '../../fiscal/nfe/build';
import { readA1 } from '../../fiscal/nfe/certificate';
import { signNfe } from '../../fiscal/nfe/sign';
import { createTestCa } from '../../fiscal/testing/certificates';
import { nfce, SAMPLE_ISSUER_CNPJ, simplesNacionalNfe } from '../../fiscal/testing/samples';
import type { NfeInput } from '../../fiscal/types';
import { type SefazSimulator, startSefazSimulator } from '../../connectors/sefaz/simulator';
import { hashPassword } from '../../server/auth/passwords';
import { createUser, setPassword } from '../../server/auth/store';
import { allocateNumber, storeSigned, updateDocument } from '../../server/fiscal/ledger';
import { closeAll, countSettled, hasChromium, openBrowser, serveUi, type UiBrowser } from '../support/browser';
import type { Harness } from '../support/harness';

const TENANT = 'default';
const FLOW = 'flow-notas';
const REJECTION = 'Rejeição: Informado NCM inexistente [nItem:1]';

describe.skipIf(!hasChromium)('browser UI: invoices (needs Chromium at /usr/bin/chromium)', () => {
  let h: Harness;
  let base: string;
  let browser: UiBrowser;
  let page: Page;
  const ids: Record<string, number> = {};
  const keys: Record<string, string> = {};
  let rejectedNumber: number;
  let authorisedNumber: number;
  let sefaz: SefazSimulator;
  let sefazId: string;

  const text = async (loc: Locator) => ((await loc.textContent()) ?? '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
  const row = (recordKey: string) => page.locator(`[data-testid="invoices-table"] tr[data-key="${recordKey}"]`);
  const rows = () => page.getByTestId('invoices-table').locator('tbody tr[data-doc]');

  beforeAll(async () => {
    ({ h, base } = await serveUi());
    const { db } = h.database;
    // The connection the invoices were issued through: what a cancellation or a voiding is sent with.
    sefaz = await startSefazSimulator();
    const connection = await h.api('POST', '/api/connections', {
      name: 'SEFAZ-SP (homologação)',
      provider: 'sefaz',
      baseUrl: sefaz.url,
      credentials: { certificate: sefaz.issueCertificate({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'p' }), certificatePassword: 'p', caCertificate: sefaz.caCertificate },
      settings: { uf: 'SP', environment: 2, issuer: simplesNacionalNfe().issuer, rateLimit: { requestsPerSecond: 0 } },
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    sefazId = connection.body.id;
    const cert = readA1(createTestCa().issueA1({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'p' }).pfxBase64, 'p');

    /** Numbers a document the way emit-nf does, and stores it signed. */
    async function signed(recordKey: string, input: NfeInput, runId: string, xml?: (numbered: NfeInput) => { xml: string; accessKey: string; total: string }) {
      const number = await allocateNumber(db, { tenantId: TENANT, issuerCnpj: SAMPLE_ISSUER_CNPJ, model: input.model, environment: input.environment, series: input.series });
      const numbered = { ...input, number };
      const made = xml
        ? xml(numbered)
        : (() => {
            const built = buildNfe(numbered);
            return { xml: signNfe(built.xml, cert), accessKey: built.accessKey, total: built.totals.total.toFixed(2) };
          })();
      const { row: doc } = await storeSigned(db, {
        tenantId: TENANT, status: 'signed', connectionId: sefazId, flowId: FLOW, nodeId: 'nota', recordKey, issuerCnpj: SAMPLE_ISSUER_CNPJ,
        model: input.model, environment: input.environment, series: input.series, number, accessKey: made.accessKey, xml: made.xml, total: made.total, runId,
      });
      ids[recordKey] = doc.id;
      keys[recordKey] = made.accessKey;
      return { id: doc.id, number };
    }

    // An NF-e authorised: the nfeProc is the signed note and SEFAZ's protocol side by side.
    let proc!: ReturnType<typeof authorisedProc>;
    const nfe = await signed('5001', simplesNacionalNfe(), 'run-nfe-1', (numbered) => {
      proc = authorisedProc(numbered, cert, { protocol: '135260000000101', receivedAt: '2026-11-24T10:16:02-03:00' });
      return { xml: proc.signedXml, accessKey: proc.accessKey, total: proc.total };
    });
    authorisedNumber = nfe.number;
    await updateDocument(db, nfe.id, { status: 'authorized', cStat: '100', reason: 'Autorizado o uso da NF-e', protocol: proc.protocol, procXml: proc.procXml, authorizedAt: new Date('2026-11-24T13:16:02Z'), attempt: true });

    // An NF-e SEFAZ rejected: its number is held until it is fixed or voided.
    const rejected = await signed('5002', simplesNacionalNfe(), 'run-nfe-1');
    rejectedNumber = rejected.number;
    await updateDocument(db, rejected.id, { status: 'rejected', cStat: '778', reason: REJECTION, attempt: true });

    // An NFC-e authorised, and an NF-e sent without an answer yet.
    let receipt!: ReturnType<typeof authorisedProc>;
    const nfceDoc = await signed('5003', nfce(), 'run-nfe-2', (numbered) => {
      receipt = authorisedProc(numbered, cert);
      return { xml: receipt.signedXml, accessKey: receipt.accessKey, total: receipt.total };
    });
    await updateDocument(db, nfceDoc.id, { status: 'authorized', cStat: '100', reason: 'Autorizado o uso da NF-e', protocol: receipt.protocol, procXml: receipt.procXml, authorizedAt: new Date('2026-11-24T15:04:00Z'), attempt: true });
    const sending = await signed('5004', simplesNacionalNfe(), 'run-nfe-2');
    await updateDocument(db, sending.id, { status: 'sending', attempt: true });

    browser = await openBrowser(base, h.admin);
    page = browser.page;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });

  afterAll(() => closeAll(browser, h, sefaz));

  it('lists each invoice with number and series, model, order, status, SEFAZ\'s answer, protocol, total in reais and run', async () => {
    await browser.visit('#/invoices');
    expect(await page.locator('nav a[href="#/invoices"]').textContent()).toBe('Notas fiscais');
    expect(await page.locator('h1').textContent()).toBe('Notas fiscais');
    expect(await countSettled(page.getByTestId('invoices'), rows())).toBe(4);
    // Newest first.
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(['5004', '5003', '5002', '5001']);

    const nfe = row('5001');
    expect((await nfe.getByTestId('invoice-number').innerText()).replace(/\s+/g, ' ')).toBe(`nº ${authorisedNumber} série 1`);
    expect(await text(nfe.getByTestId('invoice-model'))).toBe('NF-e');
    expect(await text(nfe.getByTestId('invoice-order'))).toBe('5001');
    expect(await text(nfe.getByTestId('invoice-status'))).toBe('Autorizada');
    expect(await nfe.getByTestId('invoice-status').locator('.badge').getAttribute('class')).toContain('success');
    expect(await text(nfe.getByTestId('invoice-sefaz'))).toBe('100 Autorizado o uso da NF-e');
    expect(await text(nfe.getByTestId('invoice-protocol'))).toBe('135260000000101');
    expect(await text(nfe.getByTestId('invoice-total'))).toBe('R$ 112,00');
    expect(await text(nfe.getByTestId('invoice-authorized'))).toMatch(/^\d{2}\/\d{2}\/\d{4},? \d{2}:\d{2}$/);
    expect(await nfe.getByTestId('invoice-run').getAttribute('href')).toBe('#/runs/run-nfe-1');

    const rejected = row('5002');
    expect(await text(rejected.getByTestId('invoice-status'))).toBe('Rejeitada');
    expect(await rejected.getByTestId('invoice-status').locator('.badge').getAttribute('class')).toContain('error');
    expect(await text(rejected.getByTestId('invoice-cstat'))).toBe('778');
    expect(await text(rejected.getByTestId('invoice-reason'))).toBe(REJECTION);
    expect(await text(rejected.getByTestId('invoice-protocol'))).toBe('—');
    expect(await text(rejected.getByTestId('invoice-authorized'))).toBe('—');

    expect(await text(row('5003').getByTestId('invoice-model'))).toBe('NFC-e');
    expect(await text(row('5003').getByTestId('invoice-total'))).toBe('R$ 41,77');
    expect(await text(row('5004').getByTestId('invoice-status'))).toBe('Em envio');
    expect(await text(row('5004').getByTestId('invoice-sefaz'))).toBe('—');
    await browser.shot('invoices-01-list');

    // The run link leads to the run.
    await nfe.getByTestId('invoice-run').click();
    await page.waitForURL((u) => u.hash === '#/runs/run-nfe-1');
  });

  it('filters by status, from the select and from the address', async () => {
    await browser.visit('#/invoices');
    const list = page.getByTestId('invoices');
    expect(await countSettled(list, rows())).toBe(4);
    const status = page.getByTestId('invoices-filter-status');
    expect(await status.locator('option').allTextContents()).toEqual(['Todos', 'Autorizada', 'Rejeitada', 'Denegada', 'Em envio', 'Assinada', 'Cancelada', 'Inutilizada']);
    await status.selectOption('authorized');
    expect(await countSettled(list, rows())).toBe(2);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(['5003', '5001']);
    await status.selectOption('rejected');
    expect(await countSettled(list, rows())).toBe(1);
    expect(await rows().first().getAttribute('data-key')).toBe('5002');
    await status.selectOption('denied');
    await expect.poll(() => page.getByTestId('invoices-empty').textContent()).toBe('Nenhuma nota fiscal com esses filtros.');
    await status.selectOption('');
    expect(await countSettled(list, rows())).toBe(4);

    await browser.visit('#/invoices?status=sending');
    expect(await countSettled(list, rows())).toBe(1);
    expect(await rows().first().getAttribute('data-key')).toBe('5004');
    expect(await page.getByTestId('invoices-filter-status').inputValue()).toBe('sending');
  });

  it('shows an authorised invoice\'s key in blocks of four, copies it, downloads the XML and serves the DANFE as a PDF', async () => {
    await browser.visit('#/invoices');
    await countSettled(page.getByTestId('invoices'), rows());
    const toggle = row('5001').getByTestId('invoice-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await toggle.getAttribute('aria-label')).toBe(`Detalhes da nota ${authorisedNumber} (série 1) do pedido 5001`);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const detail = page.locator(`tr[data-detail="${ids['5001']}"]`);

    const grouped = keys['5001'].match(/.{4}/g)!.join(' ');
    const key = detail.getByTestId('invoice-key');
    expect(await key.inputValue()).toBe(grouped);
    expect(await key.inputValue()).toMatch(/^(\d{4} ){10}\d{4}$/);
    expect(await key.getAttribute('aria-label')).toBe('Chave de acesso');
    await detail.getByTestId('invoice-key-copy').click();
    await expect.poll(() => detail.getByTestId('invoice-key-copy').textContent()).toBe('Copiado!');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(grouped);
    expect(await detail.getByTestId('invoice-rejection').count()).toBe(0);
    expect(await detail.textContent()).toContain('Homologação (sem valor fiscal)');

    // "Baixar XML": the nfeProc, named after the key.
    const xmlLink = detail.getByTestId('invoice-xml');
    expect(await text(xmlLink)).toBe('Baixar XML');
    const [download] = await Promise.all([page.waitForEvent('download'), xmlLink.click()]);
    expect(download.suggestedFilename()).toBe(`${keys['5001']}-procNFe.xml`);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(xml).toMatch(/^<\?xml[^>]*\?><nfeProc /);
    expect(xml).toContain('<nProt>135260000000101</nProt>');

    // "DANFE (PDF)": opens in a new tab; the browser's own session gets a PDF.
    const danfe = detail.getByTestId('invoice-danfe');
    expect(await text(danfe)).toBe('DANFE (PDF)');
    expect(await danfe.getAttribute('target')).toBe('_blank');
    const href = (await danfe.getAttribute('href'))!;
    expect(href).toBe(`/api/fiscal/documents/${ids['5001']}/danfe.pdf`);
    const res = await browser.context.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect(res.headers()['content-disposition']).toBe(`inline; filename="${keys['5001']}-danfe.pdf"`);
    const pdf = await res.body();
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(5_000);
    // The NFC-e's DANFE too (the receipt layout).
    const receipt = await browser.context.request.get(`${base}/api/fiscal/documents/${ids['5003']}/danfe.pdf`);
    expect(receipt.headers()['content-type']).toBe('application/pdf');
    expect((await receipt.body()).subarray(0, 4).toString()).toBe('%PDF');
    // Without a session there is nothing.
    expect((await h.app.inject({ method: 'GET', url: href })).statusCode).toBe(401);
    await browser.shot('invoices-02-detail');
  });

  it('shows why SEFAZ rejected an invoice, its signed XML, and no DANFE (the API refuses it with 409)', async () => {
    await browser.visit('#/invoices');
    await countSettled(page.getByTestId('invoices'), rows());
    await row('5002').getByTestId('invoice-toggle').click();
    const detail = page.locator(`tr[data-detail="${ids['5002']}"]`);
    expect(await text(detail.getByTestId('invoice-rejection'))).toBe(`Por que a SEFAZ recusou: 778 ${REJECTION}`);
    expect(await detail.getByTestId('invoice-key').inputValue()).toBe(keys['5002'].match(/.{4}/g)!.join(' '));
    expect(await detail.getByTestId('invoice-danfe').count()).toBe(0);
    expect(await text(detail.getByTestId('invoice-no-danfe'))).toBe('O DANFE só existe para nota autorizada.');
    expect(await text(detail.getByTestId('invoice-xml-signed'))).toContain('Sem protocolo ainda');
    const [download] = await Promise.all([page.waitForEvent('download'), detail.getByTestId('invoice-xml').click()]);
    expect(download.suggestedFilename()).toBe(`${keys['5002']}-NFe.xml`);

    const refused = await h.api('GET', `/api/fiscal/documents/${ids['5002']}/danfe.pdf`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`Invoice ${rejectedNumber} (series 1) has no authorisation protocol (status rejected, cStat 778): a DANFE exists only for an authorised invoice`);
    expect((await h.api('GET', '/api/fiscal/documents/999999/danfe.pdf')).status).toBe(404);
    await browser.shot('invoices-03-rejected');
  });

  it('lists the rejected invoice\'s number under "Números a inutilizar", saying what inutilização is', async () => {
    await browser.visit('#/invoices');
    const section = page.getByTestId('unused-numbers');
    expect(await section.locator('h2').textContent()).toBe('Números a inutilizar');
    expect(await section.getByTestId('unused-intro').textContent()).toContain('peça à SEFAZ a inutilização do número');
    const unusedRows = section.getByTestId('unused-table').locator('tbody tr');
    await expect.poll(() => unusedRows.count()).toBe(1);
    const only = unusedRows.first();
    expect(await only.getAttribute('data-key')).toBe('5002');
    expect(await text(only.getByTestId('unused-series'))).toBe('1');
    expect(await text(only.getByTestId('unused-number'))).toBe(String(rejectedNumber));
    expect(await text(only.getByTestId('unused-order'))).toBe('5002');
    expect(await text(only.getByTestId('unused-reason'))).toBe(`778 ${REJECTION}`);
    await browser.shot('invoices-04-unused');

    // In English, the same screen follows the language.
    await page.getByTestId('lang').selectOption('en');
    expect(await page.locator('nav a[href="#/invoices"]').textContent()).toBe('Invoices');
    expect(await text(row('5001').getByTestId('invoice-status'))).toBe('Authorised');
    expect(await text(row('5001').getByTestId('invoice-total'))).toBe('R$112.00');
    expect(await section.locator('h2').textContent()).toBe('Numbers to void');
    await page.getByTestId('lang').selectOption('pt-BR');
    expect(browser.pageErrors).toEqual([]);
  });

  it('hides "Cancelar" and "Inutilizar" from a viewer', async () => {
    const viewer = await createUser(h.database.db, { tenantId: TENANT, email: 'contador@loja.test', name: 'Contador', role: 'viewer' });
    await setPassword(h.database.db, viewer.id, await hashPassword('senha-do-contador'));
    const reader = await openBrowser(base, { email: 'contador@loja.test', password: 'senha-do-contador' });
    try {
      await reader.visit('#/invoices');
      const rp = reader.page;
      await countSettled(rp.getByTestId('invoices'), rp.getByTestId('invoices-table').locator('tbody tr[data-doc]'));
      await rp.locator('[data-testid="invoices-table"] tr[data-key="5001"]').getByTestId('invoice-toggle').click();
      await rp.locator(`tr[data-detail="${ids['5001']}"]`).getByTestId('invoice-danfe').waitFor();
      expect(await rp.getByTestId('invoice-cancel').count()).toBe(0);
      await expect.poll(() => rp.getByTestId('unused-table').locator('tbody tr').count()).toBe(1);
      expect(await rp.getByTestId('unused-void').count()).toBe(0);
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  });

  it('cancels an authorised NF-e at SEFAZ after a reason and a confirmation, and shows SEFAZ\'s refusal of another', async () => {
    // SEFAZ knows the NF-e 5001 by the protocol the ledger holds, authorised a moment ago.
    sefaz.authorized.set(keys['5001'], {
      accessKey: keys['5001'], protocol: '135260000000101', receivedAt: new Date().toISOString(), digestValue: '', cnpj: SAMPLE_ISSUER_CNPJ,
      model: 55, series: 1, number: authorisedNumber, nfeXml: '', protNFeXml: '',
    });
    await browser.visit('#/invoices');
    await countSettled(page.getByTestId('invoices'), rows());
    await row('5001').getByTestId('invoice-toggle').click();
    const detail = page.locator(`tr[data-detail="${ids['5001']}"]`);
    const open = detail.getByTestId('invoice-cancel');
    expect(await text(open)).toBe('Cancelar NF-e');
    expect(await open.getAttribute('aria-label')).toBe(`Cancelar a nota ${authorisedNumber} (série 1) na SEFAZ`);
    await open.click();
    const form = detail.getByTestId('cancel-form');
    expect(await text(form.locator('h3'))).toBe(`Cancelar a NF-e nº ${authorisedNumber} (série 1)`);
    expect(await text(form)).toContain('não pode ser desfeito');
    const confirm = form.getByTestId('cancel-form-confirm');
    expect(await text(confirm)).toBe('Confirmar cancelamento');
    expect(await confirm.isDisabled()).toBe(true);
    // Fewer than 15 characters once spaces are joined: still not allowed.
    await form.getByTestId('cancel-form-reason').fill('  pedido    errado ');
    expect(await text(form.getByTestId('cancel-form-count'))).toContain('(13/255)');
    expect(await confirm.isDisabled()).toBe(true);
    await form.getByTestId('cancel-form-reason').fill('Cliente desistiu da compra antes do envio');
    expect(await confirm.isEnabled()).toBe(true);
    await browser.shot('invoices-05-cancel-form');
    await confirm.click();

    const done = detail.getByTestId('invoice-cancel-answer');
    await expect.poll(() => text(done)).toMatch(/^Cancelamento registrado pela SEFAZ \(135\): protocolo \d{15}\.$/);
    const protocol = sefaz.authorized.get(keys['5001'])!.cancellation!.protocol;
    expect(await text(done)).toContain(protocol);
    await expect.poll(() => text(row('5001').getByTestId('invoice-status'))).toBe('Cancelada');
    expect(await text(row('5001').getByTestId('invoice-sefaz'))).toBe('135 Evento registrado e vinculado a NF-e');
    expect(await text(detail.getByTestId('invoice-cancellation'))).toContain(`protocolo ${protocol}`);
    expect(await text(detail.getByTestId('invoice-cancellation'))).toContain('Justificativa: Cliente desistiu da compra antes do envio');
    expect(await detail.getByTestId('invoice-cancel-xml').getAttribute('href')).toMatch(/^\/api\/fiscal\/events\/\d+\/xml$/);
    expect(await detail.getByTestId('invoice-danfe').count()).toBe(0);
    expect(await detail.getByTestId('invoice-cancel').count()).toBe(0);
    await browser.shot('invoices-06-cancelled');

    // The NFC-e 5003 SEFAZ never heard of: its refusal, in its words, with what it means.
    await row('5003').getByTestId('invoice-toggle').click();
    const other = page.locator(`tr[data-detail="${ids['5003']}"]`);
    expect(await text(other.getByTestId('invoice-cancel'))).toBe('Cancelar NFC-e');
    await other.getByTestId('invoice-cancel').click();
    await other.getByTestId('cancel-form-reason').fill('Venda registrada em duplicidade no caixa');
    await other.getByTestId('cancel-form-confirm').click();
    const refused = other.getByTestId('invoice-cancel-answer');
    await expect.poll(() => text(refused)).toContain('A SEFAZ recusou: 494 Rejeição: Chave de Acesso inexistente');
    expect(await refused.getAttribute('role')).toBe('alert');
    expect(await text(other.getByTestId('invoice-cancel-answer-hint'))).toBe('A SEFAZ não tem NF-e com esta chave de acesso: um evento precisa de uma nota autorizada.');
    await page.getByTestId('lang').selectOption('en');
    await expect.poll(() => text(other.getByTestId('invoice-cancel-answer-hint'))).toBe('SEFAZ has no NF-e with this access key: an event needs an authorised note.');
    await page.getByTestId('lang').selectOption('pt-BR');
    await expect.poll(() => text(row('5003').getByTestId('invoice-status'))).toBe('Autorizada');
    await browser.shot('invoices-07-cancel-refused');
  });

  it('voids the rejected number at SEFAZ: it leaves "Números a inutilizar", the invoice shows "Inutilizada" and the request is listed', async () => {
    await browser.visit('#/invoices');
    const section = page.getByTestId('unused-numbers');
    const only = section.getByTestId('unused-table').locator('tbody tr');
    await expect.poll(() => only.count()).toBe(1);
    const button = only.first().getByTestId('unused-void');
    expect(await text(button)).toBe('Inutilizar');
    expect(await button.getAttribute('aria-label')).toBe(`Inutilizar o número ${rejectedNumber} da série 1`);
    await button.click();
    const form = section.getByTestId('void-form');
    expect(await text(form.locator('h3'))).toBe(`Inutilizar o nº ${rejectedNumber} da série 1 (NF-e)`);
    expect(await text(form)).toContain('o pedido 5002 não recebe mais nota com este número');
    await form.getByTestId('void-form-reason').fill('Pedido cancelado pelo cliente antes do faturamento');
    await form.getByTestId('void-form-confirm').click();

    const done = section.getByTestId('void-answer');
    await expect.poll(() => text(done)).toMatch(new RegExp(`^Número ${rejectedNumber} inutilizado pela SEFAZ \\(102\\): protocolo \\d{15}\\.$`));
    await expect.poll(() => section.getByTestId('unused-empty').isVisible()).toBe(true);
    expect(await section.getByTestId('void-form').count()).toBe(0);
    await expect.poll(() => text(row('5002').getByTestId('invoice-status'))).toBe('Inutilizada');
    expect(sefaz.voided).toEqual([expect.objectContaining({ from: rejectedNumber, to: rejectedNumber })]);

    const voids = page.getByTestId('voids-table').locator('tbody tr');
    await expect.poll(() => voids.count()).toBe(1);
    expect(await text(voids.first().getByTestId('void-range'))).toBe(String(rejectedNumber));
    expect(await text(voids.first().getByTestId('void-status'))).toBe('Inutilizada');
    expect(await text(voids.first().getByTestId('void-sefaz'))).toBe('102 Inutilização de número homologado');
    expect(await text(voids.first().getByTestId('void-protocol'))).toBe(sefaz.voided[0].protocol);
    const xml = await browser.context.request.get(`${base}${await voids.first().getByTestId('void-xml').getAttribute('href')}`);
    expect(xml.status()).toBe(200);
    expect(await xml.text()).toContain('<ProcInutNFe');

    await row('5002').getByTestId('invoice-toggle').click();
    expect(await text(page.locator(`tr[data-detail="${ids['5002']}"]`).getByTestId('invoice-voided'))).toContain('foi inutilizado na SEFAZ');
    await browser.shot('invoices-08-voided');
    expect(browser.pageErrors).toEqual([]);
  });
  it('warns on the hub, linking to the connection, when a certificate stops working within 30 days', async () => {
    await browser.visit('#/');
    await expect.poll(() => page.getByTestId('hub-stats').count()).toBe(1);
    expect(await page.getByTestId('certificate-expiring').count()).toBe(0);
    const soon = await h.api('POST', '/api/connections', {
      name: 'SEFAZ-MG (certificado vencendo)',
      provider: 'sefaz',
      baseUrl: sefaz.url,
      credentials: { certificate: sefaz.issueCertificate({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'p', notAfter: new Date(Date.now() + 10 * 86_400_000) }), certificatePassword: 'p', caCertificate: sefaz.caCertificate },
      settings: { uf: 'MG', environment: 2, issuer: simplesNacionalNfe().issuer, rateLimit: { requestsPerSecond: 0 } },
    });
    expect(soon.status, JSON.stringify(soon.body)).toBe(201);
    try {
      await page.reload();
      const warning = page.getByTestId('certificate-expiring');
      await expect.poll(() => warning.count()).toBe(1);
      expect(await text(warning)).toMatch(/O certificado da conexão “SEFAZ-MG \(certificado vencendo\)” vence em 9 dia\(s\), em \d{2}\/\d{2}\/\d{4}/);
      expect(await warning.getByRole('link').getAttribute('href')).toBe(`#/connections/${soon.body.id}`);
      await browser.shot('hub-certificate-expiring');
    } finally {
      await h.api('DELETE', `/api/connections/${soon.body.id}`);
    }
  });
});
