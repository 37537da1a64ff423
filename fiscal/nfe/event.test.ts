import { beforeAll, describe, expect, it } from 'vitest';
import { FiscalDataError } from '../errors';
import { createTestCa } from '../testing/certificates';
import { SAMPLE_ISSUER_CNPJ } from '../testing/samples';
import type { A1Certificate } from '../types';
import { buildAccessKey } from './access-key';
import { readA1 } from './certificate';
import { buildCancellation } from './event';
import { buildInutilization } from './inutilization';
import { validateNfe } from './schema';
import { signNfe, verifyNfeSignature } from './sign';

let cert: A1Certificate;

beforeAll(() => {
  cert = readA1(createTestCa().issueA1({ cnpj: SAMPLE_ISSUER_CNPJ, name: 'LOJA EXEMPLO LTDA', password: 'senha' }).pfxBase64, 'senha');
});

const key = buildAccessKey({ uf: 'SP', yearMonth: '2611', issuerDocument: SAMPLE_ISSUER_CNPJ, model: 55, series: 1, number: 1042, emissionType: 1, cnf: '31415926' });
const voiding = { environment: 2 as const, uf: 'SP', cnpj: SAMPLE_ISSUER_CNPJ, model: 55 as const, series: 1, from: 1042, to: 1044, reason: 'Pedidos cancelados antes do faturamento', year: 2026 };
const cancellation = { environment: 2 as const, accessKey: key, cnpj: SAMPLE_ISSUER_CNPJ, protocol: '135260000000101', reason: 'Cliente desistiu da compra', at: '2026-11-24T10:15:00-03:00' };

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FiscalDataError) return err.field;
    throw err;
  }
  return undefined;
};

describe('buildInutilization (inutNFe 4.00)', () => {
  it('writes the request in the layout\'s order with Id = ID + cUF + AA + CNPJ + mod + serie(3) + nNFIni(9) + nNFFin(9)', () => {
    const built = buildInutilization(voiding);
    expect(built.id).toBe(`ID3526${SAMPLE_ISSUER_CNPJ}55001000001042000001044`);
    expect(built.xml).toBe(
      `<inutNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><infInut Id="${built.id}"><tpAmb>2</tpAmb><xServ>INUTILIZAR</xServ><cUF>35</cUF><ano>26</ano>` +
        `<CNPJ>${SAMPLE_ISSUER_CNPJ}</CNPJ><mod>55</mod><serie>1</serie><nNFIni>1042</nNFIni><nNFFin>1044</nNFFin><xJust>Pedidos cancelados antes do faturamento</xJust></infInut></inutNFe>`,
    );
  });

  it('validates against inutNFe_v4.00.xsd unsigned and signed on infInut', async () => {
    const built = buildInutilization(voiding);
    expect(await validateNfe(built.xml, 'inutNFe', { unsigned: true })).toEqual([]);
    expect(await validateNfe(built.xml, 'inutNFe')).toEqual([{ path: 'inutNFe', message: 'a required element is missing: Signature' }]);
    const signed = signNfe(built.xml, cert, 'infInut');
    expect(await validateNfe(signed, 'inutNFe')).toEqual([]);
    expect(verifyNfeSignature(signed, 'infInut')).toMatchObject({ valid: true });
  });

  it('refuses, naming the field, a reversed range, a reason under 15 characters, a bad CNPJ and a series over 999', () => {
    expect(fieldOf(() => buildInutilization({ ...voiding, from: 5, to: 4 }))).toBe('to');
    expect(fieldOf(() => buildInutilization({ ...voiding, reason: '  curta   demais ' }))).toBe('reason');
    expect(fieldOf(() => buildInutilization({ ...voiding, cnpj: '58716523000118' }))).toBe('cnpj');
    expect(fieldOf(() => buildInutilization({ ...voiding, series: 1000 }))).toBe('series');
    expect(fieldOf(() => buildInutilization({ ...voiding, uf: 'XX' }))).toBe('uf');
  });
});

describe('buildCancellation (event 110111, envEvento 1.00)', () => {
  it('writes the event with Id = ID110111 + key + nSeqEvento(2), cOrgao from the key, and its own namespace', () => {
    const built = buildCancellation({ ...cancellation, batchId: '42' });
    expect(built).toMatchObject({ id: `ID110111${key}01`, type: '110111', sequence: 1 });
    expect(built.xml).toBe(
      '<envEvento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00"><idLote>42</idLote><evento xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00">' +
        `<infEvento Id="ID110111${key}01"><cOrgao>35</cOrgao><tpAmb>2</tpAmb><CNPJ>${SAMPLE_ISSUER_CNPJ}</CNPJ><chNFe>${key}</chNFe><dhEvento>2026-11-24T10:15:00-03:00</dhEvento>` +
        '<tpEvento>110111</tpEvento><nSeqEvento>1</nSeqEvento><verEvento>1.00</verEvento><detEvento versao="1.00"><descEvento>Cancelamento</descEvento>' +
        '<nProt>135260000000101</nProt><xJust>Cliente desistiu da compra</xJust></detEvento></infEvento></evento></envEvento>',
    );
  });

  it('validates against envEventoCancNFe_v1.00.xsd unsigned and signed on infEvento', async () => {
    const built = buildCancellation(cancellation);
    expect(await validateNfe(built.xml, 'envEventoCancNFe', { unsigned: true })).toEqual([]);
    const signed = signNfe(built.xml, cert, 'infEvento');
    expect(await validateNfe(signed, 'envEventoCancNFe')).toEqual([]);
    expect(verifyNfeSignature(signed, 'infEvento')).toMatchObject({ valid: true });
    // The schema knows the event's own rules: descEvento is the literal "Cancelamento".
    expect(await validateNfe(built.xml.replace('>Cancelamento<', '>Cancelar<'), 'envEventoCancNFe', { unsigned: true })).toEqual([
      { path: 'envEvento/evento/infEvento/detEvento/descEvento', message: "the value 'Cancelar' is not one of Cancelamento" },
    ]);
  });

  it('refuses another company\'s note, a protocol that is not 15 digits, a short reason and a time without offset', () => {
    expect(fieldOf(() => buildCancellation({ ...cancellation, cnpj: '11222333000181' }))).toBe('cnpj');
    expect(fieldOf(() => buildCancellation({ ...cancellation, protocol: '1352600001' }))).toBe('protocol');
    expect(fieldOf(() => buildCancellation({ ...cancellation, reason: 'erro' }))).toBe('reason');
    expect(fieldOf(() => buildCancellation({ ...cancellation, at: '2026-11-24T10:15:00' }))).toBe('at');
    expect(fieldOf(() => buildCancellation({ ...cancellation, accessKey: key.slice(0, 43) + ((Number(key[43]) + 1) % 10) }))).toBe('accessKey');
  });
});
