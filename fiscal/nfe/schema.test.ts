import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../testing/certificates';
import { nfce, regimeNormalNfe, simplesNacionalNfe } from '../testing/samples';
import type { A1Certificate } from '../types';
import { buildNfe, NFE_NAMESPACE } from './build';
import { readA1 } from './certificate';
import { addNfceSupplement, nfceQrCodeOf } from './qrcode';
import { validateNfe } from './schema';
import { signNfe } from './sign';

let cert: A1Certificate;

beforeAll(() => {
  const a1 = createTestCa().issueA1({ cnpj: '58716523000119', name: 'LOJA EXEMPLO LTDA', password: 'senha' });
  cert = readA1(a1.pfxBase64, 'senha');
});

const SP_HOMOLOGATION_QR = 'https://www.homologacao.nfce.fazenda.sp.gov.br/qrcode';
const SP_HOMOLOGATION_URL_CHAVE = 'https://www.homologacao.nfce.fazenda.sp.gov.br/consulta';

describe('validateNfe against the PL_009_V4 schemas', () => {
  it.each([
    ['a Simples Nacional NF-e', simplesNacionalNfe],
    ['a regime-normal interstate NF-e', regimeNormalNfe],
    ['an NFC-e', nfce],
  ])('passes %s before signing (unsigned) and after signing', async (_label, sample) => {
    const built = buildNfe(sample());
    expect(await validateNfe(built.xml, 'nfe', { unsigned: true })).toEqual([]);
    let signed = signNfe(built.xml, cert);
    if (sample === nfce) {
      const qrCode = nfceQrCodeOf(signed, { url: SP_HOMOLOGATION_QR, cscId: '000001', csc: 'CSC-DE-TESTE' });
      signed = addNfceSupplement(signed, { qrCode, urlChave: SP_HOMOLOGATION_URL_CHAVE });
    }
    expect(await validateNfe(signed)).toEqual([]);
  });

  it('says an unsigned document lacks its Signature unless told it is unsigned', async () => {
    const problems = await validateNfe(buildNfe(simplesNacionalNfe()).xml);
    expect(problems).toEqual([{ path: 'NFe', message: 'a required element is missing: infNFeSupl, Signature' }]);
  });

  it('names the element and gives libxml2\'s reason for a value out of pattern', async () => {
    const xml = buildNfe(regimeNormalNfe()).xml.replace('<CFOP>6405</CFOP>', '<CFOP>640</CFOP>');
    expect(await validateNfe(xml, 'nfe', { unsigned: true })).toEqual([
      { path: 'NFe/infNFe/det[4]/prod/CFOP', message: "the value '640' does not match the pattern [1,2,3,5,6,7]{1}[0-9]{3}" },
    ]);
  });

  it('reports elements out of order, missing, too long and outside an enumeration, each with its path', async () => {
    const xml = buildNfe(simplesNacionalNfe())
      .xml.replace('<CEP>01310100</CEP><cPais>1058</cPais>', '<cPais>1058</cPais><CEP>01310100</CEP>')
      .replace('<natOp>VENDA DE MERCADORIA</natOp>', `<natOp>${'V'.repeat(61)}</natOp>`)
      .replace('<tpAmb>2</tpAmb>', '<tpAmb>3</tpAmb>')
      .replace(/<indTot>1<\/indTot><\/prod><imposto>/, '</prod><imposto>');
    const problems = await validateNfe(xml, 'nfe', { unsigned: true });
    expect(problems).toEqual([
      { path: 'NFe/infNFe/ide/natOp', message: 'the value has 61 characters; at most 60 allowed' },
      { path: 'NFe/infNFe/ide/tpAmb', message: "the value '3' is not one of 1, 2" },
      { path: 'NFe/infNFe/emit/enderEmit/cPais', message: 'this element is not expected here; expected: CEP' },
      { path: 'NFe/infNFe/det[1]/prod', message: 'a required element is missing: vOutro, indTot' },
    ]);
  });

  it('validates a lote (enviNFe) and refuses a document of another root', async () => {
    const signed = signNfe(buildNfe(simplesNacionalNfe()).xml, cert);
    const lote = `<enviNFe xmlns="${NFE_NAMESPACE}" versao="4.00"><idLote>1</idLote><indSinc>1</indSinc>${signed}</enviNFe>`;
    expect(await validateNfe(lote, 'enviNFe')).toEqual([]);
    expect(await validateNfe(signed, 'enviNFe')).toEqual([{ path: 'NFe', message: 'the root element is not the one this schema validates' }]);
  });

  it('reports a document that is not well-formed as a whole', async () => {
    const problems = await validateNfe(`<NFe xmlns="${NFE_NAMESPACE}"><infNFe Id="x">`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(/parser error|Premature end/);
  });

  it('keeps text, CDATA and attributes as they are while locating elements', async () => {
    // The QR code in CDATA (as some emitters write it) must still match its pattern after the
    // elements are spread over lines: nothing is inserted inside text.
    const signed = signNfe(buildNfe(nfce()).xml, cert);
    const qrCode = nfceQrCodeOf(signed, { url: SP_HOMOLOGATION_QR, cscId: '1', csc: 'X' });
    const withCdata = signed.replace('</infNFe>', `</infNFe><infNFeSupl><qrCode><![CDATA[${qrCode}]]></qrCode><urlChave>${SP_HOMOLOGATION_URL_CHAVE}</urlChave></infNFeSupl>`);
    expect(await validateNfe(withCdata)).toEqual([]);
  });
});
