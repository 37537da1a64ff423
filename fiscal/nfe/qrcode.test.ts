import { beforeAll, describe, expect, it } from 'vitest';
import { FiscalDataError } from '../errors';
import { createTestCa } from '../testing/certificates';
import { nfce, simplesNacionalNfe } from '../testing/samples';
import type { A1Certificate } from '../types';
import { buildNfe } from './build';
import { readA1 } from './certificate';
import { addNfceSupplement, nfceQrCode, nfceQrCodeOf } from './qrcode';
import { digestValueOf, signNfe, verifyNfeSignature } from './sign';
import { thrownBy } from '../testing/thrown';

/**
 * The examples of the Manual de Especificações Técnicas do DANFE NFC-e e QR Code v5.0 (QR code
 * version 2), as wmixvideo/nfe's tests quote them ("EXEMPLO DO MANUAL DA RECEITA",
 * NFGeraQRCodeEmissaoNormal20Test and NFGeraQRCodeContingenciaOffline20Test, with the CSC and CSC id
 * of NFGeraQRCode20Test). The manual's keys are illustrative: their check digits do not add up
 * (they would be 8 and 3), which is why the QR code checks only a key's shape.
 */
const MANUAL_CSC = 'SEU-CODIGO-CSC-CONTRIBUINTE-36-CARACTERES';
const MANUAL_ONLINE_KEY = '28170800156225000131650110000151341562040824';
const MANUAL_ONLINE = '?p=28170800156225000131650110000151341562040824|2|1|1|DC6AE2C2B9A992BE59679AC365E29922DE6B7511';
const MANUAL_OFFLINE_KEY = '28170800156225000131650110000151349562040824';
const MANUAL_OFFLINE =
  '?p=28170800156225000131650110000151349562040824|2|1|02|60.90|797a4759685578312f5859597a6b7357422b6650523351633530633d|1|4615A93BB0D7C4E780F8D30EE77EDD5BA55C7D66';
/** Sergipe's production QR-code address (the manual's keys are of UF 28). */
const SE_QR = 'http://www.nfce.se.gov.br/portal/qrcode.jsp';
const SP_QR = 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode';
const SP_URL_CHAVE = 'https://www.homologacao.nfce.fazenda.sp.gov.br/consulta';

let cert: A1Certificate;

beforeAll(() => {
  cert = readA1(createTestCa().issueA1({ cnpj: '58716523000119', name: 'LOJA EXEMPLO LTDA', password: 'p' }).pfxBase64, 'p');
});

const errorOf = (fn: () => unknown) => thrownBy(fn, FiscalDataError);

describe('nfceQrCode (version 2)', () => {
  it("reproduces the manual's online example, dropping the CSC id's leading zeros", () => {
    expect(nfceQrCode({ url: SE_QR, accessKey: MANUAL_ONLINE_KEY, environment: 1, cscId: '000001', csc: MANUAL_CSC })).toBe(SE_QR + MANUAL_ONLINE);
  });

  it("reproduces the manual's offline example: day, vNF and the hex of DigestValue's text", () => {
    const code = nfceQrCode({
      url: SE_QR,
      accessKey: MANUAL_OFFLINE_KEY,
      environment: 1,
      cscId: 1,
      csc: MANUAL_CSC,
      offline: { issuedAt: '2017-08-02T10:55:33-03:00', total: 60.9, digestValue: 'yzGYhUx1/XYYzksWB+fPR3Qc50c=' },
    });
    expect(code).toBe(SE_QR + MANUAL_OFFLINE);
  });

  it('keeps a URL that already ends in ?p=', () => {
    expect(nfceQrCode({ url: `${SE_QR}?p=`, accessKey: MANUAL_ONLINE_KEY, environment: 1, cscId: '1', csc: MANUAL_CSC })).toBe(SE_QR + MANUAL_ONLINE);
  });

  it('asks for what is missing, by field', () => {
    const base = { url: SE_QR, accessKey: MANUAL_ONLINE_KEY, environment: 1 as const, cscId: '000001', csc: MANUAL_CSC };
    expect(errorOf(() => nfceQrCode({ ...base, csc: '' })).field).toBe('csc');
    expect(errorOf(() => nfceQrCode({ ...base, cscId: '' })).field).toBe('cscId');
    expect(errorOf(() => nfceQrCode({ ...base, url: 'www.nfce.se.gov.br' })).field).toBe('url');
    expect(errorOf(() => nfceQrCode({ ...base, accessKey: '123' })).field).toBe('accessKey');
    expect(errorOf(() => nfceQrCode({ ...base, accessKey: MANUAL_OFFLINE_KEY })).field).toBe('offline');
  });

  it('reads the key, environment and, offline, dhEmi, vNF and DigestValue from a signed NFC-e', () => {
    const signed = signNfe(buildNfe(nfce()).xml, cert);
    const built = buildNfe(nfce());
    expect(nfceQrCodeOf(signed, { url: SP_QR, cscId: '000002', csc: 'CSC' })).toBe(
      nfceQrCode({ url: SP_QR, accessKey: built.accessKey, environment: 2, cscId: 2, csc: 'CSC' }),
    );
    const offlineInput = nfce();
    offlineInput.emissionType = 9;
    offlineInput.contingency = { enteredAt: '2026-11-24T12:00:00-03:00', reason: 'Sem conexao com a SEFAZ' };
    const offline = signNfe(buildNfe(offlineInput).xml, cert);
    const hex = Buffer.from(digestValueOf(offline) as string).toString('hex');
    expect(nfceQrCodeOf(offline, { url: SP_QR, cscId: '2', csc: 'CSC' })).toMatch(new RegExp(`\\|2\\|2\\|24\\|41\\.77\\|${hex}\\|2\\|[0-9A-F]{40}$`));
  });

  it('refuses an NF-e (model 55) and an unsigned NFC-e', () => {
    const signed55 = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    expect(() => nfceQrCodeOf(signed55, { url: SP_QR, cscId: '1', csc: 'X' })).toThrow(/model 65/);
    expect(() => nfceQrCodeOf(buildNfe(nfce()).xml, { url: SP_QR, cscId: '1', csc: 'X' })).toThrow(/sign the NFC-e/);
  });
});

describe('addNfceSupplement', () => {
  it('puts infNFeSupl between infNFe and Signature without breaking the signature', () => {
    const signed = signNfe(buildNfe(nfce()).xml, cert);
    const qrCode = nfceQrCodeOf(signed, { url: SP_QR, cscId: '000001', csc: 'CSC' });
    const full = addNfceSupplement(signed, { qrCode, urlChave: SP_URL_CHAVE });
    expect(full).toContain(`</infNFe><infNFeSupl><qrCode>${qrCode}</qrCode><urlChave>${SP_URL_CHAVE}</urlChave></infNFeSupl><Signature`);
    expect(full.replace(/<infNFeSupl>.*<\/infNFeSupl>/, '')).toBe(signed);
    expect(verifyNfeSignature(full).valid).toBe(true);
  });

  it('refuses an unsigned document, a second supplement and a URL too short to be one', () => {
    const unsigned = buildNfe(nfce()).xml;
    expect(() => addNfceSupplement(unsigned, { qrCode: 'x'.repeat(120), urlChave: SP_URL_CHAVE })).toThrow(/sign the NFC-e first/);
    const signed = signNfe(unsigned, cert);
    const qrCode = nfceQrCodeOf(signed, { url: SP_QR, cscId: '1', csc: 'CSC' });
    const full = addNfceSupplement(signed, { qrCode, urlChave: SP_URL_CHAVE });
    expect(() => addNfceSupplement(full, { qrCode, urlChave: SP_URL_CHAVE })).toThrow(/already has infNFeSupl/);
    expect(errorOf(() => addNfceSupplement(signed, { qrCode: 'https://x', urlChave: SP_URL_CHAVE })).field).toBe('qrCode');
  });
});
