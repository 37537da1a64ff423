import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNfe, HOMOLOGATION_ITEM_DESCRIPTION, HOMOLOGATION_RECIPIENT_NAME } from '../../fiscal/nfe/build';
import { buildCancellation } from '../../fiscal/nfe/event';
import { buildInutilization } from '../../fiscal/nfe/inutilization';
import { readA1 } from '../../fiscal/nfe/certificate';
import { validateNfe } from '../../fiscal/nfe/schema';
import { addNfceSupplement, nfceQrCodeOf } from '../../fiscal/nfe/qrcode';
import { signNfe, verifyNfeSignature } from '../../fiscal/nfe/sign';
import { createTestCa } from '../../fiscal/testing/certificates';
import { nfce, SAMPLE_ISSUER_CNPJ, simplesNacionalNfe } from '../../fiscal/testing/samples';
import type { A1Certificate, NfeInput } from '../../fiscal/types';
import { AuthError, ConfigError, NON_RETRYABLE_KINDS, Transient } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import { authorize, consult, inutilize, sendEvent, status } from './client';
import { authoriserFor, serviceUrl } from './endpoints';
import { cstatHint, mergeProtocol } from './protocol';
import { rawElements, soapContentType, soapEnvelope } from './soap';
import { type SefazSimulator, startSefazSimulator } from './simulator';

const PASSWORD = 'senha-do-a1';
let sim: SefazSimulator;
let issuerPfx: string;
let issuerCert: A1Certificate;

beforeAll(async () => {
  sim = await startSefazSimulator({ environment: 2, averageSeconds: 1 });
  issuerPfx = sim.issueCertificate({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO COMERCIO DE UTILIDADES LTDA', password: PASSWORD });
  issuerCert = readA1(issuerPfx, PASSWORD);
}, 60_000);

afterAll(() => sim?.close());

let connections = 0;
function connect(credentials: Record<string, string> = {}, settings: Record<string, unknown> = {}) {
  return openConnection(
    {
      id: `sefaz-test-${++connections}`,
      provider: 'sefaz',
      baseUrl: sim.url,
      credentials: { certificate: issuerPfx, certificatePassword: PASSWORD, caCertificate: sim.caCertificate, ...credentials },
      settings: { uf: 'SP', environment: 2, ...settings },
    },
    new PacerRegistry(),
  );
}

/** A Simples Nacional NF-e of the sample issuer, numbered `number`, signed with `cert`. */
function signedNote(number: number, change: (input: NfeInput) => void = () => {}, cert: A1Certificate = issuerCert) {
  const input = simplesNacionalNfe();
  input.number = number;
  change(input);
  const built = buildNfe(input);
  return { accessKey: built.accessKey, xml: signNfe(built.xml, cert) };
}

/** A signed request to void numbers `from`–`to` of the sample issuer's series 1. */
function signedVoiding(from: number, to: number, cert: A1Certificate = issuerCert) {
  const built = buildInutilization({ environment: 2, uf: 'SP', cnpj: SAMPLE_ISSUER_CNPJ, model: 55, series: 1, from, to, reason: 'Pedidos cancelados antes do faturamento' });
  return signNfe(built.xml, cert, 'infInut');
}

/** The signed cancellation of an authorised note. */
function signedCancellation(accessKey: string, protocol: string, cert: A1Certificate = issuerCert) {
  const built = buildCancellation({ environment: 2, accessKey, cnpj: SAMPLE_ISSUER_CNPJ, protocol, reason: 'Cliente desistiu da compra antes do envio' });
  return signNfe(built.xml, cert, 'infEvento');
}

const digestOf = (xml: string) => /<DigestValue>([^<]+)<\/DigestValue>/.exec(xml)?.[1];

describe('SEFAZ transport against the simulator (HTTPS, mutual TLS)', () => {
  it('authorises an NF-e synchronously: 100, a protocol, and an nfeProc that keeps the signature and validates', async () => {
    const { ctx } = connect();
    const note = signedNote(2001);
    const outcome = await authorize(ctx, note.xml, { model: 55, idLote: '2001', sync: true });
    expect(outcome).toMatchObject({ kind: 'authorized', cStat: '100', accessKey: note.accessKey });
    expect(outcome.protocol).toMatch(/^\d{15}$/);
    expect(outcome.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
    expect(outcome.protNFeXml).toContain(`<digVal>${digestOf(note.xml)}</digVal>`);

    const nfeProc = mergeProtocol(note.xml, outcome.protNFeXml!);
    expect(nfeProc).toContain(note.xml.replace(/^<\?xml[^>]*\?>/, ''));
    expect(verifyNfeSignature(nfeProc)).toMatchObject({ valid: true });
    expect(await validateNfe(nfeProc, 'nfeProc')).toEqual([]);
    expect(sim.authorized.get(note.accessKey)?.protocol).toBe(outcome.protocol);
  });

  it('answers a second send with 204 naming the first protocol, and consult returns that protocol', async () => {
    const { ctx } = connect();
    const note = signedNote(2002);
    const first = await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true });
    const again = await authorize(ctx, note.xml, { model: 55, idLote: '2', sync: true });
    expect(again).toMatchObject({ kind: 'duplicate', cStat: '204', accessKey: note.accessKey, protocol: first.protocol });

    const consulted = await consult(ctx, note.accessKey, 55);
    expect(consulted).toMatchObject({ kind: 'authorized', cStat: '100', protocol: first.protocol });
    expect(mergeProtocol(note.xml, consulted.protNFeXml!)).toContain(`<nProt>${first.protocol}</nProt>`);
  });

  it('answers 539 with the authorised key when the same number comes under another key', async () => {
    const { ctx } = connect();
    const first = signedNote(2003);
    await authorize(ctx, first.xml, { model: 55, idLote: '1', sync: true });
    const other = signedNote(2003, (input) => (input.cnf = '31415926'));
    const outcome = await authorize(ctx, other.xml, { model: 55, idLote: '2', sync: true });
    expect(outcome).toMatchObject({ kind: 'duplicate', cStat: '539', accessKey: first.accessKey });
  });

  it('polls the receipt of an async batch after tMed and returns the protocol', async () => {
    const { ctx } = connect();
    const note = signedNote(2004);
    const polls = sim.requests.NFeRetAutorizacao4;
    const started = Date.now();
    const outcome = await authorize(ctx, note.xml, { model: 55, idLote: '2004', sync: false });
    expect(outcome).toMatchObject({ kind: 'authorized', cStat: '100', accessKey: note.accessKey });
    expect(sim.requests.NFeRetAutorizacao4).toBe(polls + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('authorises an NFC-e (model 65) with its QR code at SEFAZ-SP\'s NFC-e paths', async () => {
    const { ctx } = connect();
    const built = buildNfe(nfce());
    const signed = signNfe(built.xml, issuerCert);
    const qrCode = nfceQrCodeOf(signed, { url: 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode', cscId: '000001', csc: 'CSC-DE-TESTE-0123456789' });
    const xml = addNfceSupplement(signed, { qrCode, urlChave: 'https://www.homologacao.nfce.fazenda.sp.gov.br/consulta' });
    const outcome = await authorize(ctx, xml, { model: 65, idLote: '1', sync: true });
    expect(outcome).toMatchObject({ kind: 'authorized', cStat: '100', accessKey: built.accessKey });
    expect(await validateNfe(mergeProtocol(xml, outcome.protNFeXml!), 'nfeProc')).toEqual([]);
  });

  it('applies the homologation texts: 373 for an NFC-e\'s first item, 598 for the recipient\'s name', async () => {
    const { ctx } = connect();
    const item = buildNfe({ ...nfce(), number: 5311 });
    const namedItem = signNfe(item.xml.replace(HOMOLOGATION_ITEM_DESCRIPTION, 'Cafe torrado e moido 500 g'), issuerCert);
    expect(await authorize(ctx, namedItem, { model: 65, idLote: '1', sync: true })).toMatchObject({ kind: 'rejected', cStat: '373' });
    const recipient = buildNfe({ ...simplesNacionalNfe(), number: 2014 });
    const namedRecipient = signNfe(recipient.xml.replace(HOMOLOGATION_RECIPIENT_NAME, 'Cliente Atacado e Filhos Ltda'), issuerCert);
    expect(await authorize(ctx, namedRecipient, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'rejected', cStat: '598' });
  });

  it('rejects a note of the other environment with 252', async () => {
    const { ctx } = connect();
    const production = signedNote(2015, (input) => (input.environment = 1));
    expect(await authorize(ctx, production.xml, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'rejected', cStat: '252' });
  });

  it('rejects an XML changed after signing with 297', async () => {
    const { ctx } = connect();
    const note = signedNote(2005);
    const tampered = note.xml.replace('<natOp>VENDA DE MERCADORIA</natOp>', '<natOp>VENDA DE MERCADORIAS</natOp>');
    expect(tampered).not.toBe(note.xml);
    const outcome = await authorize(ctx, tampered, { model: 55, idLote: '1', sync: true });
    expect(outcome).toMatchObject({ kind: 'rejected', cStat: '297', accessKey: note.accessKey });
    expect(cstatHint('297')).toMatch(/changed after signing/);
    expect(sim.authorized.has(note.accessKey)).toBe(false);
  });

  it('rejects a schema violation with 215 and libxml2\'s reason', async () => {
    const { ctx } = connect();
    const note = signedNote(2006);
    const broken = note.xml.replace(/<CFOP>5102<\/CFOP>/, '<CFOP>510</CFOP>');
    const outcome = await authorize(ctx, broken, { model: 55, idLote: '1', sync: true });
    expect(outcome.kind).toBe('rejected');
    expect(outcome.cStat).toBe('215');
    expect(outcome.reason).toMatch(/CFOP.*510/);
  });

  it('rejects a note signed with a certificate of another CNPJ with 213', async () => {
    const otherPfx = sim.issueCertificate({ cnpj: '11222333000181', name: 'OUTRA EMPRESA LTDA', password: PASSWORD });
    const { ctx } = connect({ certificate: otherPfx });
    const note = signedNote(2007, () => {}, readA1(otherPfx, PASSWORD));
    const outcome = await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true });
    expect(outcome).toMatchObject({ kind: 'rejected', cStat: '213' });
    expect(cstatHint('213')).toMatch(/another company/);
  });

  it('refuses at the handshake a client certificate not from its CA, with an error that names the certificate', async () => {
    const stranger = createTestCa('AC Desconhecida').issueA1({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO', password: PASSWORD });
    const { ctx } = connect({ certificate: stranger.pfxBase64 });
    const refusals = sim.handshakeRefusals;
    const requests = sim.requests.NFeStatusServico4;
    const error = await status(ctx, 55).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/refused this connection's client certificate at the TLS handshake/);
    expect((error as Error).message).toMatch(/issued by AC Desconhecida/);
    expect((error as Error).message).toMatch(/"Certificado A1 \(\.pfx\)"/);
    expect(sim.handshakeRefusals).toBeGreaterThan(refusals);
    expect(sim.requests.NFeStatusServico4).toBe(requests);
  });

  it('reports a transport failure the run retries when the answer is lost, and consult then finds the note authorised', async () => {
    const { ctx } = connect();
    const note = signedNote(2008);
    sim.authorizeThenDrop();
    const error = await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
    expect(NON_RETRYABLE_KINDS).not.toContain((error as Transient).kind);
    expect((error as Transient).facts).toMatchObject({ accessKey: note.accessKey, ambiguous: true });
    expect((error as Error).message).toMatch(/consult its key before sending it again/);
    expect(sim.authorized.has(note.accessKey)).toBe(true);

    const consulted = await consult(ctx, note.accessKey, 55);
    expect(consulted).toMatchObject({ kind: 'authorized', cStat: '100', protocol: sim.authorized.get(note.accessKey)!.protocol });
  });

  it('answers 217 when consulting a key SEFAZ never authorised', async () => {
    const { ctx } = connect();
    const note = signedNote(2009);
    expect(await consult(ctx, note.accessKey, 55)).toMatchObject({ kind: 'rejected', cStat: '217', accessKey: note.accessKey });
  });

  it('maps 108 and 656 to unavailable, and a stopped service in status', async () => {
    const { ctx } = connect();
    sim.unavailableNext();
    expect(await authorize(ctx, signedNote(2010).xml, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'unavailable', cStat: '108' });
    sim.consumoIndevidoNext();
    expect(await authorize(ctx, signedNote(2010).xml, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'unavailable', cStat: '656' });
    sim.unavailableNext('109');
    expect(await status(ctx, 55)).toMatchObject({ cStat: '109', available: false });
    expect(await status(ctx, 55)).toMatchObject({ cStat: '107', available: true, averageSeconds: 1 });
  });

  it('passes an injected rejection through with its reason', async () => {
    const { ctx } = connect();
    sim.rejectNext('778', 'Rejeição: Informado NCM inexistente [nItem:1]');
    const outcome = await authorize(ctx, signedNote(2011).xml, { model: 55, idLote: '1', sync: true });
    expect(outcome).toMatchObject({ kind: 'rejected', cStat: '778', reason: 'Rejeição: Informado NCM inexistente [nItem:1]' });
  });

  it('turns the SOAP fault of a request the service cannot take into a ConfigError', async () => {
    const { ctx } = connect();
    const misrouted = ctx.http.send({
      method: 'POST',
      path: `${sim.url}/ws/nfestatusservico4.asmx`,
      body: soapEnvelope('NFeAutorizacao4', '<enviNFe/>'),
      headers: { 'content-type': soapContentType('NFeAutorizacao4') },
    });
    await expect(misrouted).rejects.toThrow(ConfigError);
    await expect(misrouted).rejects.toThrow(/SOAP fault \(Sender\).*action .*NFeAutorizacao4\/nfeAutorizacaoLote/);
  });

  it('"Testar conexão" answers the raw status (107)', async () => {
    const { connector, ctx } = connect();
    const res = await connector.test(ctx);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<cStat>107</cStat>');
    expect(connector.http?.classify?.(res)).toBeNull();
  });

  it('says "the certificate password is wrong" before sending anything', async () => {
    const { connector, ctx } = connect({ certificatePassword: 'not-the-password' });
    const requests = sim.requests.NFeStatusServico4;
    await expect(connector.test(ctx)).rejects.toThrow(ConfigError);
    await expect(connector.test(ctx)).rejects.toThrow(/the certificate password is wrong/);
    await expect(authorize(ctx, signedNote(2012).xml, { model: 55, idLote: '1', sync: true })).rejects.toThrow(/the certificate password is wrong/);
    expect(sim.requests.NFeStatusServico4).toBe(requests);
  });

  it('refuses an expired certificate with its expiry date', async () => {
    const expired = sim.issueCertificate({
      cnpj: SAMPLE_ISSUER_CNPJ,
      name: 'LOJA EXEMPLO',
      password: PASSWORD,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
    });
    const { connector, ctx } = connect({ certificate: expired });
    await expect(connector.test(ctx)).rejects.toThrow(ConfigError);
    await expect(connector.test(ctx)).rejects.toThrow(/expired on 2025-01-01/);
  });

  it('reads a legacy RC2-40 PKCS#12 and authorises with it', async () => {
    const legacy = sim.issueCertificate({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO', password: PASSWORD, legacyRc2: true });
    const { ctx } = connect({ certificate: legacy });
    const outcome = await authorize(ctx, signedNote(2013, () => {}, readA1(legacy, PASSWORD)).xml, { model: 55, idLote: '1', sync: true });
    expect(outcome).toMatchObject({ kind: 'authorized', cStat: '100' });
  });
});

describe('SEFAZ inutilização (NFeInutilizacao4) and cancellation (NFeRecepcaoEvento4) against the simulator', () => {
  it('voids a range never used: 102, a protocol and a procInutNFe that validates and keeps the signature; a note numbered in it is then refused with 206', async () => {
    const { ctx } = connect();
    const request = signedVoiding(3001, 3002);
    expect(await validateNfe(request, 'inutNFe')).toEqual([]);
    const outcome = await inutilize(ctx, request, 55);
    expect(outcome).toMatchObject({ kind: 'voided', cStat: '102', reason: 'Inutilização de número homologado' });
    expect(outcome.protocol).toMatch(/^\d{15}$/);
    expect(outcome.receivedAt).toMatch(/-03:00$/);
    expect(await validateNfe(outcome.procXml!, 'procInutNFe')).toEqual([]);
    expect(outcome.procXml).toContain(request.replace(/^<\?xml[^>]*\?>/, ''));
    expect(outcome.procXml).toContain(`<nProt>${outcome.protocol}</nProt>`);
    // The proc has two infInut (request and answer): the request's signature is checked on its own element.
    expect(verifyNfeSignature(rawElements(outcome.procXml!, 'inutNFe')[0], 'infInut')).toMatchObject({ valid: true });
    expect(sim.voided).toContainEqual(expect.objectContaining({ cnpj: SAMPLE_ISSUER_CNPJ, model: 55, series: 1, from: 3001, to: 3002, protocol: outcome.protocol }));
    expect(await authorize(ctx, signedNote(3002).xml, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'rejected', cStat: '206' });
    expect(cstatHint('206')).toMatch(/voided/);
  });

  it('refuses a range holding an authorised number with 241, the same range again with 563 and an overlapping one with 256', async () => {
    const { ctx } = connect();
    expect(await authorize(ctx, signedNote(3101).xml, { model: 55, idLote: '1', sync: true })).toMatchObject({ kind: 'authorized' });
    const used = await inutilize(ctx, signedVoiding(3100, 3102), 55);
    expect(used).toMatchObject({ kind: 'rejected', cStat: '241' });
    expect(used.reason).toMatch(/Um número da faixa já foi utilizado/);
    expect(used.procXml).toBeUndefined();
    expect(cstatHint('241')).toMatch(/only numbers never used/);

    expect(await inutilize(ctx, signedVoiding(3103, 3104), 55)).toMatchObject({ kind: 'voided', cStat: '102' });
    const again = await inutilize(ctx, signedVoiding(3103, 3104), 55);
    expect(again).toMatchObject({ kind: 'duplicate', cStat: '563', reason: expect.stringMatching(/mesma faixa/) });
    expect(await inutilize(ctx, signedVoiding(3104, 3105), 55)).toMatchObject({ kind: 'rejected', cStat: '256' });
    expect(sim.voided.filter((r) => r.from >= 3100 && r.from < 3200)).toHaveLength(1);
  });

  it('refuses a voiding changed after signing (297), signed by another company (213) or of the other environment (252)', async () => {
    const { ctx } = connect();
    const tampered = signedVoiding(3201, 3201).replace('Pedidos cancelados', 'Pedidos extraviados');
    expect(await inutilize(ctx, tampered, 55)).toMatchObject({ kind: 'rejected', cStat: '297' });
    const otherPfx = sim.issueCertificate({ cnpj: '11222333000181', name: 'OUTRA EMPRESA LTDA', password: PASSWORD });
    expect(await inutilize(connect({ certificate: otherPfx }).ctx, signedVoiding(3201, 3201, readA1(otherPfx, PASSWORD)), 55)).toMatchObject({ kind: 'rejected', cStat: '213' });
    const production = signNfe(
      buildInutilization({ environment: 1, uf: 'SP', cnpj: SAMPLE_ISSUER_CNPJ, model: 55, series: 1, from: 3201, to: 3201, reason: 'Pedidos cancelados antes do faturamento' }).xml,
      issuerCert,
      'infInut',
    );
    expect(await inutilize(ctx, production, 55)).toMatchObject({ kind: 'rejected', cStat: '252' });
    sim.unavailableNext();
    expect(await inutilize(ctx, signedVoiding(3201, 3201), 55)).toMatchObject({ kind: 'unavailable', cStat: '108' });
    expect(sim.voided.some((r) => r.from === 3201)).toBe(false);
  });

  it('cancels an authorised NF-e: 135, a protocol and a procEventoNFe that validates; consult then answers 101 with the event', async () => {
    const { ctx } = connect();
    const note = signedNote(3301);
    const authorised = await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true });
    const event = signedCancellation(note.accessKey, authorised.protocol!);
    expect(await validateNfe(event, 'envEventoCancNFe')).toEqual([]);
    const outcome = await sendEvent(ctx, event, 55);
    expect(outcome).toMatchObject({ kind: 'registered', cStat: '135', reason: 'Evento registrado e vinculado a NF-e', accessKey: note.accessKey });
    expect(outcome.protocol).toMatch(/^\d{15}$/);
    expect(outcome.protocol).not.toBe(authorised.protocol);
    expect(outcome.registeredAt).toMatch(/-03:00$/);
    expect(await validateNfe(outcome.procXml!, 'procEventoCancNFe')).toEqual([]);
    expect(verifyNfeSignature(rawElements(outcome.procXml!, 'evento')[0], 'infEvento')).toMatchObject({ valid: true });
    expect(outcome.procXml).toContain(`<nProt>${authorised.protocol}</nProt>`);
    expect(sim.authorized.get(note.accessKey)?.cancellation?.protocol).toBe(outcome.protocol);

    const consulted = await consult(ctx, note.accessKey, 55);
    expect(consulted).toMatchObject({ kind: 'rejected', cStat: '101' });
    expect(consulted.eventsXml).toHaveLength(1);
    expect(consulted.eventsXml![0]).toContain(`<nProt>${outcome.protocol}</nProt>`);
  });

  it('rejects a cancellation naming another protocol (222), registers it once, and answers a second one with 573', async () => {
    const { ctx } = connect();
    const note = signedNote(3302);
    const authorised = await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true });
    const wrong = await sendEvent(ctx, signedCancellation(note.accessKey, '135269999999999'), 55);
    expect(wrong).toMatchObject({ kind: 'rejected', cStat: '222', reason: expect.stringMatching(/Protocolo de Autorização de Uso difere/) });
    expect(wrong.procXml).toBeUndefined();
    expect(cstatHint('222')).toMatch(/protocol/);

    expect(await sendEvent(ctx, signedCancellation(note.accessKey, authorised.protocol!), 55)).toMatchObject({ kind: 'registered', cStat: '135' });
    const twice = await sendEvent(ctx, signedCancellation(note.accessKey, authorised.protocol!), 55);
    expect(twice).toMatchObject({ kind: 'duplicate', cStat: '573', reason: expect.stringMatching(/Duplicidade de Evento/) });
    expect(twice.procXml).toBeUndefined();
    // A key SEFAZ never authorised has nothing to cancel.
    expect(await sendEvent(ctx, signedCancellation(signedNote(3303).accessKey, authorised.protocol!), 55)).toMatchObject({ kind: 'rejected', cStat: '494' });
  });

  it('counts the deadline from the authorisation: 155 (late) after 24 hours, 501 after 7 days', async () => {
    const { ctx } = connect();
    const late = signedNote(3304);
    const lateProtocol = (await authorize(ctx, late.xml, { model: 55, idLote: '1', sync: true })).protocol!;
    sim.authorized.get(late.accessKey)!.receivedAt = new Date(Date.now() - 30 * 3_600_000).toISOString();
    expect(await sendEvent(ctx, signedCancellation(late.accessKey, lateProtocol), 55)).toMatchObject({ kind: 'registered', cStat: '155' });

    const expired = signedNote(3305);
    const expiredProtocol = (await authorize(ctx, expired.xml, { model: 55, idLote: '1', sync: true })).protocol!;
    sim.authorized.get(expired.accessKey)!.receivedAt = new Date(Date.now() - 8 * 24 * 3_600_000).toISOString();
    const refused = await sendEvent(ctx, signedCancellation(expired.accessKey, expiredProtocol), 55);
    expect(refused).toMatchObject({ kind: 'rejected', cStat: '501' });
    expect(cstatHint('501')).toMatch(/deadline/);
    expect(sim.authorized.get(expired.accessKey)?.cancellation).toBeUndefined();
  });

  it('refuses a cancellation changed after signing with 297 and one of the batch\'s schema with 215', async () => {
    const { ctx } = connect();
    const note = signedNote(3306);
    const protocol = (await authorize(ctx, note.xml, { model: 55, idLote: '1', sync: true })).protocol!;
    const tampered = signedCancellation(note.accessKey, protocol).replace('Cliente desistiu', 'Cliente desistiram');
    expect(await sendEvent(ctx, tampered, 55)).toMatchObject({ kind: 'rejected', cStat: '297' });
    const unsigned = buildCancellation({ environment: 2, accessKey: note.accessKey, cnpj: SAMPLE_ISSUER_CNPJ, protocol, reason: 'Cliente desistiu da compra antes do envio' }).xml;
    expect(await sendEvent(ctx, unsigned, 55)).toMatchObject({ kind: 'rejected', cStat: '215', reason: expect.stringMatching(/Signature/) });
    expect(sim.authorized.get(note.accessKey)?.cancellation).toBeUndefined();
  });
});

describe('SEFAZ endpoint table (sped-nfe 3b44ec9 storage/wsnfe_4.00_mod55.xml, mod65.xml, autorizadores.json)', () => {
  it('resolves SP / NF-e / homologação to SEFAZ-SP', () => {
    expect(authoriserFor('SP', 55)).toBe('SP');
    expect(serviceUrl({ uf: 'SP', model: 55, environment: 2, service: 'NFeAutorizacao4' })).toBe('https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeautorizacao4.asmx');
    expect(serviceUrl({ uf: 'SP', model: 55, environment: 2, service: 'NFeConsultaProtocolo4' })).toBe('https://homologacao.nfe.fazenda.sp.gov.br/ws/nfeconsultaprotocolo4.asmx');
  });

  it('sends BA NF-e to SEFAZ-BA but BA NFC-e to SVRS, and MA NF-e to SVAN', () => {
    expect(authoriserFor('BA', 55)).toBe('BA');
    expect(serviceUrl({ uf: 'BA', model: 55, environment: 1, service: 'NFeAutorizacao4' })).toBe('https://nfe.sefaz.ba.gov.br/webservices/NFeAutorizacao4/NFeAutorizacao4.asmx');
    expect(authoriserFor('BA', 65)).toBe('SVRS');
    expect(serviceUrl({ uf: 'BA', model: 65, environment: 1, service: 'NFeAutorizacao4' })).toBe('https://nfce.svrs.rs.gov.br/ws/NfeAutorizacao/NFeAutorizacao4.asmx');
    expect(serviceUrl({ uf: 'BA', model: 65, environment: 2, service: 'NFeStatusServico4' })).toBe('https://nfce-homologacao.svrs.rs.gov.br/ws/NfeStatusServico/NfeStatusServico4.asmx');
    expect(authoriserFor('MA', 55)).toBe('SVAN');
    expect(authoriserFor('SP', 55, true)).toBe('SVC-AN');
    expect(authoriserFor('BA', 55, true)).toBe('SVC-RS');
  });

  it('keeps the service path under a connection base URL, and has no SVC for NFC-e', () => {
    expect(serviceUrl({ uf: 'SP', model: 65, environment: 2, service: 'NFeAutorizacao4', baseUrl: 'https://127.0.0.1:8443/' })).toBe('https://127.0.0.1:8443/ws/NFeAutorizacao4.asmx');
    expect(serviceUrl({ uf: 'SP', model: 65, environment: 2, service: 'NFeAutorizacao4', authoriser: 'SVC-AN' })).toBeUndefined();
  });
});
