/**
 * What a person asks SEFAZ about invoices already issued, through a real Ponte and the SEFAZ
 * simulator: the number of a rejected invoice voided ("inutilização": the invoice becomes
 * voided, leaves the numbers to void, is not issued again, and the request is audited); numbers
 * that were used, voided already or not reached yet refused before anything is sent; an
 * authorised invoice cancelled (event 110111, its procEventoNFe kept) and a second cancellation
 * refused with SEFAZ's own message; a cancellation whose answer was lost recovered by consulting
 * the key; SEFAZ's deadline refusal shown with its cStat; viewers refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { PacerRegistry } from '../connectors/http/pacing';
import { openConnection } from '../connectors/runtime';
import { sendEvent } from '../connectors/sefaz/client';
import { type SefazSimulator, startSefazSimulator } from '../connectors/sefaz/simulator';
import { buildCancellation, readA1, signNfe, validateNfe } from '../fiscal';
import { createApiToken, createUser } from '../server/auth/store';
import { A1_PASSWORD, invoiceFlow, ISSUER_CNPJ, sefazConnection, TEST_ISSUER } from './support/fiscal';
import { createConnection } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

const VOID_REASON = 'Pedido cancelado pelo cliente antes do faturamento';
const CANCEL_REASON = 'Cliente desistiu da compra antes do envio';

interface Doc {
  id: number;
  recordKey: string;
  number: number;
  status: string;
  cStat: string;
  reason: string;
  protocol: string;
  accessKey: string;
  cancellation: null | { id: number; protocol: string; status: string; cStat: string; justification: string; requestedBy: string; xmlUrl: string };
}

describe('inutilização and cancellation through the API', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let sefaz: SefazSimulator;
  let blingId: string;
  let sefazId: string;
  let flowId: string;
  let viewer: string;
  let certificate: string;

  const conn = (body: object) => createConnection(h, body);
  const runNow = async (id: string) => h.waitForRunEnd((await h.api('POST', `/api/flows/${id}/runs`)).body.runId, 120_000);
  const documents = async () => (await h.api('GET', '/api/fiscal/documents')).body.documents as Doc[];
  const byNumber = async (n: number) => (await documents()).find((d) => d.number === n)!;
  const voidNumbers = (from: number, to: number, reason = VOID_REASON) => h.api('POST', '/api/fiscal/voids', { connectionId: sefazId, model: 55, series: 1, from, to, reason });
  const cancel = (id: number, reason = CANCEL_REASON) => h.api('POST', `/api/fiscal/documents/${id}/cancel`, { reason });
  const auditOf = async (action: string) => (await h.api('GET', `/api/audit?action=${action}`)).body.entries as Array<{ actorName: string; targetType: string; targetId: string; details: Record<string, unknown> }>;
  const asViewer = (method: 'GET' | 'POST', url: string, payload?: object) => h.app.inject({ method, url, payload, headers: { authorization: `Bearer ${viewer}` } });

  beforeAll(async () => {
    h = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(3);
    bling.seedContacts(2);
    bling.seedOrders(3);
    sefaz = await startSefazSimulator();
    certificate = sefaz.issueCertificate({ cnpj: ISSUER_CNPJ, name: TEST_ISSUER.name, password: A1_PASSWORD });
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 }, orderDetails: true } });
    sefazId = await conn({ ...sefazConnection(sefaz, 'SEFAZ-SP (homologação)', { certificate }) });
    const flow = await h.api('POST', '/api/flows', { name: 'Notas dos pedidos', document: invoiceFlow(blingId, sefazId) });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    flowId = flow.body.id;
    expect((await h.api('POST', `/api/flows/${flowId}/publish`)).status).toBe(201);
    const person = await createUser(h.database.db, { tenantId: 'default', email: 'contador@loja.test', role: 'viewer' });
    viewer = (await createApiToken(h.database.db, { tenantId: 'default', userId: person.id, name: 'contador', role: 'viewer' })).token;

    // Three orders: the first invoice SEFAZ sees is rejected, the other two authorised.
    sefaz.rejectNext('778', 'Rejeição: Informado NCM inexistente [nItem:1]');
    const run = await runNow(flowId);
    expect(run.counters, JSON.stringify(run)).toMatchObject({ processed: 3, created: 2, failed: 1 });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await sefaz?.close();
  });

  it('voids the number of a rejected invoice: SEFAZ homologates it, the invoice is voided, leaves the numbers to void and is not issued again', async () => {
    const rejected = (await documents()).find((d) => d.status === 'rejected')!;
    expect(rejected).toMatchObject({ cStat: '778' });
    expect((await h.api('GET', '/api/fiscal/unused-numbers')).body.numbers).toEqual([expect.objectContaining({ number: rejected.number, documentId: rejected.id, connectionId: sefazId })]);

    const res = await voidNumbers(rejected.number, rejected.number);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.void).toMatchObject({
      connectionId: sefazId,
      issuerCnpj: ISSUER_CNPJ,
      model: 55,
      environment: 2,
      series: 1,
      fromNumber: rejected.number,
      toNumber: rejected.number,
      justification: VOID_REASON,
      status: 'voided',
      cStat: '102',
      reason: 'Inutilização de número homologado',
      hasProc: true,
    });
    expect(res.body.void.protocol).toMatch(/^\d{15}$/);
    expect(res.body.void.procXml).toBeUndefined();
    expect(sefaz.voided).toEqual([expect.objectContaining({ cnpj: ISSUER_CNPJ, model: 55, series: 1, from: rejected.number, to: rejected.number, protocol: res.body.void.protocol })]);

    expect(await byNumber(rejected.number)).toMatchObject({ status: 'voided', cStat: '778' });
    expect((await h.api('GET', '/api/fiscal/unused-numbers')).body.numbers).toEqual([]);
    expect((await h.api('GET', '/api/fiscal/documents?status=voided')).body.documents.map((d: Doc) => d.number)).toEqual([rejected.number]);

    const listed = (await h.api('GET', '/api/fiscal/voids')).body.voids;
    expect(listed).toEqual([expect.objectContaining({ id: res.body.void.id, status: 'voided', requestedBy: expect.any(String), xmlUrl: `/api/fiscal/voids/${res.body.void.id}/xml` })]);
    const xml = await h.app.inject({ method: 'GET', url: listed[0].xmlUrl, headers: h.auth });
    expect(xml.headers['content-disposition']).toMatch(/procInutNFe\.xml"$/);
    expect(await validateNfe(xml.body, 'procInutNFe')).toEqual([]);
    expect(xml.body).toContain(`<nProt>${res.body.void.protocol}</nProt>`);

    const [entry] = await auditOf('fiscal.void');
    expect(entry).toMatchObject({ targetType: 'fiscal_void', targetId: String(res.body.void.id), details: { connectionId: sefazId, series: 1, from: rejected.number, to: rejected.number, status: 'voided', cStat: '102', documents: [rejected.id] } });

    // The next run leaves the order alone: its number is void at SEFAZ.
    const sends = sefaz.requests.NFeAutorizacao4;
    const again = await runNow(flowId);
    expect(again.counters).toMatchObject({ processed: 3, skipped: 3, failed: 0 });
    expect(sefaz.requests.NFeAutorizacao4).toBe(sends);
    const records = (await h.api('GET', `/api/runs/${again.id}/records`)).body.records as Array<{ recordKey: string; message: string }>;
    expect(records.find((r) => r.recordKey === rejected.recordKey)?.message).toMatch(/had its number voided at SEFAZ/);
  });

  it('refuses, before asking SEFAZ, to void a number an invoice used, one voided already or one the series has not reached', async () => {
    const voided = (await documents()).find((d) => d.status === 'voided')!;
    const authorised = (await documents()).find((d) => d.status === 'authorized')!;
    const asked = sefaz.requests.NFeInutilizacao4;

    const used = await voidNumbers(authorised.number, authorised.number);
    expect(used.status).toBe(409);
    expect(used.body.message).toBe(
      `Cannot void number ${authorised.number} of NF-e series 1: invoice ${authorised.number} (order ${authorised.recordKey}) is authorised (protocol ${authorised.protocol}): an authorised invoice is cancelled, not voided. Only numbers never used can be voided.`,
    );
    const twice = await voidNumbers(voided.number, voided.number);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(new RegExp(`invoice ${voided.number} \\(order ${voided.recordKey}\\) is voided already`));
    const ahead = await voidNumbers(4, 6);
    expect(ahead.status).toBe(409);
    expect(ahead.body.message).toBe('Cannot void numbers 4-6 of NF-e series 1: number 4 has not been used yet — Ponte issues number 4 next. Only numbers up to 3 can be voided.');
    const short = await voidNumbers(1, 1, 'curto demais');
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/reason must NOT have fewer than 15 characters/);
    const reversed = await voidNumbers(3, 2);
    expect(reversed.status).toBe(400);
    expect((await h.api('POST', '/api/fiscal/voids', { connectionId: blingId, model: 55, series: 1, from: 1, to: 1, reason: VOID_REASON })).body.message).toMatch(/does not talk to SEFAZ/);
    expect((await h.api('POST', '/api/fiscal/voids', { connectionId: 'no-such-connection', model: 55, series: 1, from: 1, to: 1, reason: VOID_REASON })).status).toBe(404);
    expect(sefaz.requests.NFeInutilizacao4).toBe(asked);
  });

  it('cancels an authorised invoice at SEFAZ, keeps the procEventoNFe, and refuses a second cancellation with SEFAZ\'s message', async () => {
    const doc = (await documents()).find((d) => d.status === 'authorized')!;
    const res = await cancel(doc.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.document).toMatchObject({ id: doc.id, status: 'cancelled', protocol: doc.protocol });
    expect(res.body.event).toMatchObject({ documentId: doc.id, accessKey: doc.accessKey, type: '110111', sequence: 1, status: 'registered', cStat: '135', justification: CANCEL_REASON, hasProc: true });
    expect(res.body.event.protocol).toMatch(/^\d{15}$/);
    expect(res.body.event.protocol).not.toBe(doc.protocol);
    expect(sefaz.authorized.get(doc.accessKey)?.cancellation?.protocol).toBe(res.body.event.protocol);

    const listed = await byNumber(doc.number);
    expect(listed).toMatchObject({ status: 'cancelled', cancellation: { protocol: res.body.event.protocol, status: 'registered', cStat: '135' } });
    const xml = await h.app.inject({ method: 'GET', url: listed.cancellation!.xmlUrl, headers: h.auth });
    expect(xml.headers['content-disposition']).toBe(`attachment; filename="${doc.accessKey}-110111-01-procEventoNFe.xml"`);
    expect(await validateNfe(xml.body, 'procEventoCancNFe')).toEqual([]);
    // A cancelled note has no DANFE any more.
    expect((await h.api('GET', `/api/fiscal/documents/${doc.id}/danfe.pdf`)).status).toBe(409);
    const [entry] = await auditOf('fiscal.cancel');
    expect(entry).toMatchObject({ targetType: 'fiscal_document', targetId: String(doc.id), details: { accessKey: doc.accessKey, status: 'registered', cStat: '135', protocol: res.body.event.protocol } });

    const again = await cancel(doc.id);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`SEFAZ refused to cancel invoice ${doc.number} (series 1): 573 Rejeição: Duplicidade de Evento [nProt:${res.body.event.protocol}]`);
    expect(again.body.details).toMatchObject({ cStat: '573', hint: expect.stringMatching(/already registered/), event: { status: 'rejected', cStat: '573' } });
    expect(await byNumber(doc.number)).toMatchObject({ status: 'cancelled', cancellation: { protocol: res.body.event.protocol } });

    // The order is not issued again by the flow.
    const run = await runNow(flowId);
    const records = (await h.api('GET', `/api/runs/${run.id}/records`)).body.records as Array<{ recordKey: string; outcome: string; message: string }>;
    expect(records.find((r) => r.recordKey === doc.recordKey)).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/was cancelled at SEFAZ/) });
  });

  it('refuses to cancel what is not authorised, or with a reason under 15 characters, before asking SEFAZ', async () => {
    const sent = sefaz.requests.NFeRecepcaoEvento4;
    const voided = (await documents()).find((d) => d.status === 'voided')!;
    const notAuthorised = await cancel(voided.id);
    expect(notAuthorised.status).toBe(409);
    expect(notAuthorised.body.message).toBe(`Cannot cancel invoice ${voided.number} (series 1): it is voided, and only an authorised invoice can be cancelled`);
    const authorised = (await documents()).find((d) => d.status === 'authorized')!;
    const short = await cancel(authorised.id, 'desisti');
    expect(short.status).toBe(400);
    expect((await cancel(999_999)).status).toBe(404);
    expect(sefaz.requests.NFeRecepcaoEvento4).toBe(sent);
  });

  it('shows SEFAZ\'s deadline refusal (501) and leaves the invoice authorised', async () => {
    const doc = (await documents()).find((d) => d.status === 'authorized')!;
    const note = sefaz.authorized.get(doc.accessKey)!;
    const receivedAt = note.receivedAt;
    note.receivedAt = new Date(Date.now() - 8 * 24 * 3_600_000).toISOString();
    try {
      const res = await cancel(doc.id);
      expect(res.status).toBe(409);
      expect(res.body.message).toBe(`SEFAZ refused to cancel invoice ${doc.number} (series 1): 501 Rejeição: Pedido de Cancelamento intempestivo (NF-e autorizada a mais de 7 dias)`);
      expect(res.body.details.hint).toMatch(/deadline has passed/);
      expect(res.body.details.hintText).toEqual({ en: res.body.details.hint, 'pt-BR': expect.stringMatching(/^O prazo de cancelamento passou .*Fale com o contador/) });
      expect(await byNumber(doc.number)).toMatchObject({ status: 'authorized', cancellation: null });
    } finally {
      note.receivedAt = receivedAt;
    }
  });

  it('recovers a cancellation SEFAZ registered but Ponte never heard of, by consulting the key', async () => {
    const doc = (await documents()).find((d) => d.status === 'authorized')!;
    // Registered straight at SEFAZ, as if Ponte's answer had been lost on the way back.
    const { ctx } = openConnection(
      { id: 'direct', provider: 'sefaz', baseUrl: sefaz.url, credentials: { certificate, certificatePassword: A1_PASSWORD, caCertificate: sefaz.caCertificate }, settings: { uf: 'SP', environment: 2 } },
      new PacerRegistry(),
    );
    const event = buildCancellation({ environment: 2, accessKey: doc.accessKey, cnpj: ISSUER_CNPJ, protocol: doc.protocol, reason: CANCEL_REASON });
    const direct = await sendEvent(ctx, signNfe(event.xml, readA1(certificate, A1_PASSWORD), 'infEvento'), 55);
    expect(direct).toMatchObject({ kind: 'registered', cStat: '135' });

    const consultations = sefaz.requests.NFeConsultaProtocolo4;
    const res = await cancel(doc.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.document.status).toBe('cancelled');
    expect(res.body.event).toMatchObject({ status: 'registered', cStat: '135', protocol: direct.protocol, hasProc: true });
    expect(sefaz.requests.NFeConsultaProtocolo4).toBe(consultations + 1);
  });

  it('lets a viewer read the voidings but neither void nor cancel (403)', async () => {
    const doc = (await documents()).find((d) => d.status === 'cancelled')!;
    expect((await asViewer('POST', '/api/fiscal/voids', { connectionId: sefazId, model: 55, series: 1, from: 1, to: 1, reason: VOID_REASON })).statusCode).toBe(403);
    expect((await asViewer('POST', `/api/fiscal/documents/${doc.id}/cancel`, { reason: CANCEL_REASON })).statusCode).toBe(403);
    const list = await asViewer('GET', '/api/fiscal/voids');
    expect(list.statusCode).toBe(200);
    expect(list.json().voids).toHaveLength(1);
  });
});
