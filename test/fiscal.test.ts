/**
 * Orders become authorised NF-e through a real Ponte and the SEFAZ simulator (SOAP 4.00 over
 * mutual TLS with the seller's A1 certificate): one invoice per order, a timeout that hid an
 * authorisation resolved by consulting the key (never by numbering again), a rejection shown with
 * its cStat and fix, and a wrong certificate password said in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type SefazSimulator, startSefazSimulator } from '../connectors/sefaz/simulator';
import { parseAccessKey, validateNfe, verifyNfeSignature } from '../fiscal';
import { invoiceFlow, ISSUER_CNPJ, sefazConnection } from './support/fiscal';
import { createConnection } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';
import { startSmtpSink } from './support/smtp-sink';


describe('emit-nf: orders to authorised NF-e', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let sefaz: SefazSimulator;
  let blingId: string;
  let sefazId: string;
  let flowId: string;

  const conn = (body: object) => createConnection(h, body);
  const flowWith = async (name: string, connectionId: string) => {
    const flow = await h.api('POST', '/api/flows', { name, document: invoiceFlow(blingId, connectionId, { additionalInfo: '"Pedido " & $string(numero)' }) });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return flow.body.id as string;
  };
  const runNow = async (id: string) => h.waitForRunEnd((await h.api('POST', `/api/flows/${id}/runs`)).body.runId, 120_000);
  const documents = async () => (await h.api('GET', '/api/fiscal/documents')).body.documents as Array<{ id: number; recordKey: string; number: number; status: string; cStat: string; protocol: string; accessKey: string; attempts: number }>;

  beforeAll(async () => {
    h = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(3);
    bling.seedContacts(2);
    bling.seedOrders(2);
    sefaz = await startSefazSimulator();
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 }, orderDetails: true } });
    sefazId = await conn(sefazConnection(sefaz, 'SEFAZ-SP (homologação)'));
    flowId = await flowWith('Notas dos pedidos', sefazId);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await sefaz?.close();
  });

  it('issues one authorised, signed, schema-valid NF-e per order, and none twice', async () => {
    const run = await runNow(flowId);
    expect(run.status, JSON.stringify(run)).toBe('success');
    expect(run.counters).toMatchObject({ processed: 2, created: 2, failed: 0 });
    const docs = await documents();
    expect(docs.map((d) => [d.status, d.cStat, d.number]).sort()).toEqual([
      ['authorized', '100', 1],
      ['authorized', '100', 2],
    ]);
    expect(sefaz.authorized.size).toBe(2);

    for (const doc of docs) {
      const res = await h.app.inject({ method: 'GET', url: `/api/fiscal/documents/${doc.id}/xml`, headers: h.auth });
      const proc = res.body;
      // Checked here with the official XSDs and the certificate in the XML, apart from what the node checked.
      expect(await validateNfe(proc, 'nfeProc')).toEqual([]);
      const nfe = proc.slice(proc.indexOf('<NFe'), proc.indexOf('</NFe>') + '</NFe>'.length);
      expect(verifyNfeSignature(nfe)).toMatchObject({ valid: true });
      expect(proc).toContain(`<nProt>${doc.protocol}</nProt>`);
      expect(proc).toContain('NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL');
      const key = parseAccessKey(doc.accessKey);
      expect(key).toMatchObject({ issuerDocument: ISSUER_CNPJ, model: 55, series: 1, number: doc.number });
      expect(sefaz.authorized.get(doc.accessKey)?.protocol).toBe(doc.protocol);
      const danfe = await h.app.inject({ method: 'GET', url: `/api/fiscal/documents/${doc.id}/danfe.pdf`, headers: h.auth });
      expect(danfe.headers['content-type']).toBe('application/pdf');
      expect(danfe.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    }
    // What the node passed on, for a notify node: the key, the protocol and the links.
    const records = (await h.api('GET', `/api/runs/${run.id}/records`)).body.records;
    expect(records.every((r: { outcome: string }) => r.outcome === 'created')).toBe(true);
    // The run links each invoice's XML and DANFE.
    for (const r of records) expect(r.payload).toMatchObject({ xmlUrl: expect.stringMatching(/^\/api\/fiscal\/documents\/\d+\/xml$/), danfeUrl: expect.stringMatching(/danfe\.pdf$/) });

    const again = await runNow(flowId);
    expect(again.counters).toMatchObject({ processed: 2, created: 0, skipped: 2 });
    expect(sefaz.authorized.size).toBe(2);
    expect(sefaz.requests.NFeAutorizacao4).toBe(2);
  });

  it('resolves a send whose answer was lost by consulting the key: one invoice, one number', async () => {
    bling.seedOrders(1, { startAt: 2 });
    sefaz.authorizeThenDrop();
    const run = await runNow(flowId);
    expect(run.status, JSON.stringify(run)).toBe('success');
    const docs = await documents();
    const third = docs.find((d) => d.number === 3)!;
    expect(third).toMatchObject({ status: 'authorized', cStat: '100', attempts: 1 });
    expect(docs.map((d) => d.number).sort()).toEqual([1, 2, 3]);
    // SEFAZ holds exactly one note for that order, the one the lost answer was about.
    expect(sefaz.authorized.size).toBe(3);
    expect([...sefaz.authorized.values()].filter((n) => n.number === 3)).toHaveLength(1);
    expect(sefaz.requests.NFeConsultaProtocolo4).toBeGreaterThanOrEqual(1);
    const records = (await h.api('GET', `/api/runs/${run.id}/records`)).body.records as Array<{ recordKey: string; outcome: string; message: string }>;
    expect(records.find((r) => r.recordKey === third.recordKey)).toMatchObject({ outcome: 'created', message: expect.stringMatching(/after consulting SEFAZ/) });
  });

  it('shows a rejection with its cStat and fix, keeps its number, and authorises it on reprocess', async () => {
    bling.seedOrders(1, { startAt: 3 });
    sefaz.rejectNext('778', 'Rejeição: Informado NCM inexistente');
    const run = await runNow(flowId);
    expect(run.status).toBe('partial');
    const failed = (await h.api('GET', `/api/runs/${run.id}/records?outcome=failed`)).body.records;
    expect(failed).toEqual([expect.objectContaining({ message: expect.stringMatching(/rejected invoice 4 \(series 1\): 778 Rejeição: Informado NCM inexistente/), hint: expect.stringMatching(/NCM/i), hintCode: 'sefaz.778', hintText: { 'pt-BR': 'O NCM de um item não existe: corrija o NCM do produto.', en: "An item's NCM does not exist: fix the product's NCM." } })]);
    expect((await h.api('GET', '/api/fiscal/unused-numbers')).body.numbers).toEqual([expect.objectContaining({ number: 4, cStat: '778' })]);

    const reprocess = await h.api('POST', `/api/runs/${run.id}/reprocess`);
    expect(reprocess.status).toBe(202);
    const fixed = await h.waitForRunEnd(reprocess.body.runId, 120_000);
    expect(fixed.status).toBe('success');
    const doc = (await documents()).find((d) => d.number === 4)!;
    expect(doc.status).toBe('authorized');
    expect((await documents()).map((d) => d.number).sort()).toEqual([1, 2, 3, 4]);
    expect((await h.api('GET', '/api/fiscal/unused-numbers')).body.numbers).toEqual([]);
  });

  it("shows whose certificate it is and until when, and warns 30 days before it expires", async () => {
    const shown = (await h.api('GET', `/api/connections/${sefazId}`)).body.certificate;
    expect(shown).toMatchObject({ subject: expect.stringContaining(ISSUER_CNPJ), expired: false, expiresSoon: false });
    expect(shown.daysLeft).toBeGreaterThan(30);
    expect(JSON.stringify((await h.api('GET', '/api/hub')).body.certificatesExpiring)).not.toContain(sefazId);

    const soon = await conn(sefazConnection(sefaz, 'SEFAZ (certificado vencendo)', { notAfter: new Date(Date.now() + 10 * 86_400_000) }));
    expect((await h.api('GET', `/api/connections/${soon}`)).body.certificate).toMatchObject({ expiresSoon: true, expired: false, daysLeft: 9 });
    expect((await h.api('GET', '/api/hub')).body.certificatesExpiring).toEqual([expect.objectContaining({ connectionId: soon, daysLeft: 9 })]);
    await h.api('DELETE', `/api/connections/${soon}`);
  });

  it('fails with a clear message when the certificate password is wrong, sending nothing', async () => {
    const wrong = await conn(sefazConnection(sefaz, 'SEFAZ com senha errada', { password: 'nao-e-essa' }));
    const before = sefaz.requests.NFeAutorizacao4;
    const tested = await h.api('POST', `/api/connections/${wrong}/test`);
    expect(JSON.stringify(tested.body)).toMatch(/certificate password is wrong/);
    const run = await runNow(await flowWith('Notas com senha errada', wrong));
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/certificate password is wrong/);
    expect(sefaz.requests.NFeAutorizacao4).toBe(before);
  });

  it('reports the invoices an interrupted page had authorised as created when Temporal retries it, numbering none twice', async () => {
    bling.seedOrders(2, { startAt: 20 });
    const before = sefaz.authorized.size;
    // The first new order is authorised; SEFAZ is down for the second, and the page goes back to Temporal.
    sefaz.unavailableNext('108', { afterAuthorisations: 1 });
    const run = await runNow(flowId);
    expect(run.status, JSON.stringify(run)).toBe('success');
    expect(run.counters).toMatchObject({ created: 2, failed: 0 });
    expect(sefaz.authorized.size).toBe(before + 2);
    const numbers = (await documents()).map((d) => d.number).sort((a, b) => a - b);
    expect(numbers).toEqual([...new Set(numbers)]);
  });
  it('e-mails each buyer the DANFE and the XML of their invoice from a second flow, which invoices nothing again', async () => {
    const smtp = await startSmtpSink();
    const notesAtSefaz = sefaz.authorized.size;
    const notesHere = (await documents()).length;
    try {
      const mailId = await conn({ name: 'E-mail da loja', provider: 'smtp', baseUrl: smtp.url, credentials: { from: 'Loja Exemplo <notas@loja.test>' } });
      const document = invoiceFlow(blingId, sefazId);
      document.nodes.push({
        id: 'mail',
        type: 'notify',
        typeVersion: 1,
        params: { connectionId: mailId, to: '"cliente@loja.test"', subject: '"Sua NF-e " & $string(nfe.number)', text: '"Chave de acesso: " & nfe.accessKey', attachInvoice: true } as never,
      });
      document.edges.push({ from: 'nfe', fromPort: 'out', to: 'mail' });
      const flow = await h.api('POST', '/api/flows', { name: 'Notas por e-mail', document });
      expect(flow.status, JSON.stringify(flow.body)).toBe(201);
      expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);

      const run = await runNow(flow.body.id);
      expect(run.status, JSON.stringify(run)).toBe('success');
      // The orders were invoiced by the first flow: this one finds their notes (one note per order, whichever flow asks).
      expect(sefaz.authorized.size).toBe(notesAtSefaz);
      expect((await documents()).length).toBe(notesHere);
      const authorised = (await documents()).filter((d) => d.status === 'authorized');
      expect(smtp.messages).toHaveLength(authorised.length);
      for (const mail of smtp.messages) {
        const key = /Chave de acesso: (\d{44})/.exec(mail.text ?? '')?.[1];
        expect(authorised.map((d) => d.accessKey)).toContain(key);
        expect(mail.attachments.map((a) => a.filename).sort()).toEqual([`${key}-danfe.pdf`, `${key}-procNFe.xml`]);
        const pdf = mail.attachments.find((a) => a.filename?.endsWith('.pdf'))!;
        expect(pdf.contentType).toBe('application/pdf');
        expect(pdf.content.subarray(0, 4).toString()).toBe('%PDF');
        const xml = mail.attachments.find((a) => a.filename?.endsWith('.xml'))!.content.toString();
        expect(xml).toContain(`<chNFe>${key}</chNFe>`);
        expect(xml).toContain('<nProt>');
      }
      // A second run renders the DANFEs again but sends nothing again.
      expect((await runNow(flow.body.id)).status).toBe('success');
      expect(smtp.messages).toHaveLength(authorised.length);
    } finally {
      await smtp.close();
    }
  });
});
