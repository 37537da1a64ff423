import { describe, expect, it } from 'vitest';
import { FiscalDataError } from '../errors';
import { accessKeyCheckDigit, buildAccessKey, drawCnf, isValidAccessKey, isValidCnf, parseAccessKey } from './access-key';
import { thrownBy } from '../testing/thrown';

/** nfephp-org/sped-nfe fake/nfe.xml (@3b44ec9): infNFe Id="NFe35210458716523000119550010000000221922299869". */
const SPED_NFE_FAKE = '35210458716523000119550010000000221922299869';
/** nfephp-org/sped-nfe docs/QRCode.md (@3b44ec9): an NFC-e of Paraná, chNFe in its QR code v1 example. */
const SPED_NFE_QRCODE_DOC = '41170410422724000187650010000005101000010235';
/** nfephp-org/sped-nfe tests/fixtures/xml/nfce.xml (@3b44ec9): an NFC-e of Paraná, 2020. */
const SPED_NFE_NFCE_FIXTURE = '41200323285089000185650010000013051817822496';
/**
 * The worked example of the Manual de Orientação do Contribuinte (MOC 7.0 §2.2.6.2, "Cálculo do
 * dígito verificador da chave de acesso"): these 43 digits weigh 644, 644 mod 11 = 6, so the digit is 5.
 * It predates layout 4.00 (its cNF has 9 digits and no tpEmis), so only the digit is checked.
 */
const MOC_FIRST_43 = '5206043300991100250655012000000780026730161';

const errorOf = (fn: () => unknown) => thrownBy(fn, FiscalDataError);

describe('accessKeyCheckDigit', () => {
  it("gives the MOC's worked example its digit 5", () => {
    expect(accessKeyCheckDigit(MOC_FIRST_43)).toBe(5);
  });

  it.each([SPED_NFE_FAKE, SPED_NFE_QRCODE_DOC, SPED_NFE_NFCE_FIXTURE])('matches the last digit of the published key %s', (key) => {
    expect(accessKeyCheckDigit(key.slice(0, 43))).toBe(Number(key[43]));
    expect(isValidAccessKey(key)).toBe(true);
  });

  it('turns 10 and 11 into 0', () => {
    // Sum 0: 11 − 0 = 11 → 0.
    expect(accessKeyCheckDigit('0'.repeat(43))).toBe(0);
    // A final 6 at weight 2 sums 12, remainder 1: 11 − 1 = 10 → 0.
    expect(accessKeyCheckDigit(`${'0'.repeat(42)}6`)).toBe(0);
  });
});

describe('buildAccessKey / parseAccessKey', () => {
  it("rebuilds sped-nfe's fake/nfe.xml key from its fields", () => {
    const key = buildAccessKey({
      uf: 'SP',
      yearMonth: '2104',
      issuerDocument: '58.716.523/0001-19',
      model: 55,
      series: 1,
      number: 22,
      emissionType: 1,
      cnf: '92229986',
    });
    expect(key).toBe(SPED_NFE_FAKE);
  });

  it('reads every field of a key', () => {
    expect(parseAccessKey(`NFe${SPED_NFE_NFCE_FIXTURE}`)).toEqual({
      key: SPED_NFE_NFCE_FIXTURE,
      ufCode: '41',
      uf: 'PR',
      yearMonth: '2003',
      issuerDocument: '23285089000185',
      model: 65,
      series: 1,
      number: 1305,
      emissionType: 1,
      cnf: '81782249',
      checkDigit: 6,
    });
  });

  it('accepts the UF as its IBGE code and pads a CPF issuer to 14 digits', () => {
    const key = buildAccessKey({ uf: '35', yearMonth: '2611', issuerDocument: '52998224725', model: 65, series: 0, number: 1, emissionType: 9, cnf: '40917263' });
    expect(key.slice(6, 20)).toBe('00052998224725');
    expect(key.slice(34, 35)).toBe('9');
    expect(isValidAccessKey(key)).toBe(true);
  });

  it('refuses a key whose check digit is wrong, naming the digit it should be', () => {
    const wrong = `${SPED_NFE_FAKE.slice(0, 43)}0`;
    expect(isValidAccessKey(wrong)).toBe(false);
    expect(errorOf(() => parseAccessKey(wrong)).message).toContain('give 9');
  });

  it('refuses fields out of range with the field named', () => {
    const base = { uf: 'SP', yearMonth: '2611', issuerDocument: '58716523000119', model: 55 as const, series: 1, number: 1, emissionType: 1, cnf: '12345670' };
    expect(errorOf(() => buildAccessKey({ ...base, uf: 'XX' })).field).toBe('uf');
    expect(errorOf(() => buildAccessKey({ ...base, yearMonth: '2613' })).field).toBe('yearMonth');
    expect(errorOf(() => buildAccessKey({ ...base, number: 0 })).field).toBe('number');
    expect(errorOf(() => buildAccessKey({ ...base, series: 1000 })).field).toBe('series');
    expect(errorOf(() => buildAccessKey({ ...base, cnf: '1234567' })).field).toBe('cnf');
  });
});

describe('cNF (NT 2019.001)', () => {
  it('refuses repeated digits, ascending runs and the document number itself', () => {
    for (const cnf of ['00000000', '11111111', '99999999', '12345678', '90123456', '01234567', '67890123']) expect(isValidCnf(cnf)).toBe(false);
    expect(isValidCnf('00000022', 22)).toBe(false);
    expect(isValidCnf('92229986', 22)).toBe(true);
    expect(isValidCnf('9222998')).toBe(false);
  });

  it('draws again until the code is allowed', () => {
    const draws = [12345678, 22, 11111111, 92229986];
    expect(drawCnf(22, () => draws.shift() as number)).toBe('92229986');
    expect(draws).toEqual([]);
  });

  it('draws 8 digits, zero-padded', () => {
    expect(drawCnf(1, () => 4321)).toBe('00004321');
    for (let i = 0; i < 50; i++) expect(drawCnf(1)).toMatch(/^\d{8}$/);
  });
});
