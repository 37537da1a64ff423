import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { FiscalDataError } from '../errors';
import { nfce, regimeNormalNfe, SAMPLE_ISSUER_CNPJ, simplesNacionalNfe } from '../testing/samples';
import type { NfeInput } from '../types';
import { isValidAccessKey, parseAccessKey } from './access-key';
import { buildNfe, HOMOLOGATION_ITEM_DESCRIPTION, HOMOLOGATION_RECIPIENT_NAME, NFE_NAMESPACE } from './build';
import { thrownBy } from '../testing/thrown';

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** The element children of the first `parent`, by local name, in document order. */
function childNames(xml: string, parent: string): string[] {
  const node = parse(xml).getElementsByTagNameNS(NFE_NAMESPACE, parent)[0];
  return Array.from(node.childNodes)
    .filter((n) => n.nodeType === 1)
    .map((n) => (n as Element).localName);
}

function texts(xml: string, name: string): string[] {
  return Array.from(parse(xml).getElementsByTagNameNS(NFE_NAMESPACE, name)).map((n) => n.textContent ?? '');
}

const errorOf = (fn: () => unknown) => thrownBy(fn, FiscalDataError);

function withInput(change: (input: NfeInput) => void, base: () => NfeInput = simplesNacionalNfe): NfeInput {
  const input = base();
  change(input);
  return input;
}

describe('buildNfe: the document', () => {
  it('writes minified UTF-8 XML rooted at NFe/infNFe with the key as Id and version 4.00', () => {
    const built = buildNfe(simplesNacionalNfe());
    expect(built.xml.startsWith(`<NFe xmlns="${NFE_NAMESPACE}"><infNFe Id="NFe${built.accessKey}" versao="4.00"><ide><cUF>35</cUF>`)).toBe(true);
    expect(built.xml).not.toMatch(/>\s+</);
    expect(built.xml.endsWith('</infNFe></NFe>')).toBe(true);
    expect(built.accessKey).toBe('35261158716523000119550010000010421204816321');
    expect(isValidAccessKey(built.accessKey)).toBe(true);
    expect(built.cnf).toBe('20481632');
  });

  it('puts the groups of infNFe, ide and prod in the order of leiauteNFe_v4.00.xsd', () => {
    const xml = buildNfe(regimeNormalNfe()).xml;
    expect(childNames(xml, 'infNFe')).toEqual(['ide', 'emit', 'dest', 'det', 'det', 'det', 'det', 'total', 'transp', 'pag', 'infIntermed', 'infRespTec']);
    expect(childNames(xml, 'ide')).toEqual([
      'cUF', 'cNF', 'natOp', 'mod', 'serie', 'nNF', 'dhEmi', 'tpNF', 'idDest', 'cMunFG', 'tpImp', 'tpEmis', 'cDV', 'tpAmb', 'finNFe', 'indFinal', 'indPres', 'indIntermed', 'procEmi', 'verProc',
    ]);
    expect(childNames(xml, 'emit')).toEqual(['CNPJ', 'xNome', 'xFant', 'enderEmit', 'IE', 'CRT']);
    expect(childNames(xml, 'dest')).toEqual(['CNPJ', 'xNome', 'enderDest', 'indIEDest', 'IE']);
    expect(childNames(xml, 'prod')).toEqual(['cProd', 'cEAN', 'xProd', 'NCM', 'CFOP', 'uCom', 'qCom', 'vUnCom', 'vProd', 'cEANTrib', 'uTrib', 'qTrib', 'vUnTrib', 'indTot']);
    expect(childNames(xml, 'imposto')).toEqual(['ICMS', 'PIS', 'COFINS']);
    expect(childNames(xml, 'ICMSTot')).toEqual([
      'vBC', 'vICMS', 'vICMSDeson', 'vFCP', 'vBCST', 'vST', 'vFCPST', 'vFCPSTRet', 'vProd', 'vFrete', 'vSeg', 'vDesc', 'vII', 'vIPI', 'vIPIDevol', 'vPIS', 'vCOFINS', 'vOutro', 'vNF',
    ]);
  });

  it('numbers the items from 1 and keeps the cDV equal to the key', () => {
    const built = buildNfe(regimeNormalNfe());
    const items = Array.from(parse(built.xml).getElementsByTagNameNS(NFE_NAMESPACE, 'det')).map((n) => (n as Element).getAttribute('nItem'));
    expect(items).toEqual(['1', '2', '3', '4']);
    expect(texts(built.xml, 'cDV')).toEqual([built.accessKey.slice(-1)]);
    expect(texts(built.xml, 'cNF')).toEqual([parseAccessKey(built.accessKey).cnf]);
  });

  it('writes values with 2 decimals, quantities with 4 and unit prices with up to 10', () => {
    const xml = buildNfe(simplesNacionalNfe()).xml;
    expect(texts(xml, 'qCom')).toEqual(['3.0000', '1.5000']);
    expect(texts(xml, 'vUnCom')).toEqual(['19.90', '33.3333333333']);
    // 1.5 × 33.3333333333 = 49.99999999995: rounded half-up to cents, as SEFAZ does (629).
    expect(texts(xml, 'vProd')).toEqual(['59.70', '50.00', '109.70']);
    expect(texts(xml, 'vFrete')).toEqual(['5.00', '5.00']);
    expect(texts(xml, 'vDesc')).toEqual(['2.70', '2.70']);
  });

  it('escapes the XML specials in text and keeps accents', () => {
    const xml = buildNfe(withInput((input) => (input.environment = 1))).xml;
    expect(xml).toContain('<xNome>Cliente Atacado &amp; Filhos Ltda</xNome>');
    expect(xml).toContain('<xProd>Caneca de cerâmica 300 ml</xProd>');
    expect(xml).toContain('<xProd>Prato raso "Linha Clássica" &lt;27 cm&gt;</xProd>');
    expect(texts(xml, 'xProd')[1]).toBe('Prato raso "Linha Clássica" <27 cm>');
  });

  it('strips masks from CNPJ, CPF, CEP, NCM, CEST and phone numbers', () => {
    const xml = buildNfe(withInput((input) => (input.environment = 1))).xml;
    expect(texts(xml, 'CNPJ').slice(0, 2)).toEqual([SAMPLE_ISSUER_CNPJ, '33009911002506']);
    expect(texts(xml, 'CEP')).toEqual(['01310100', '13010000']);
    expect(texts(xml, 'NCM')).toEqual(['69120000', '69111010']);
    expect(texts(xml, 'CEST')).toEqual(['1400100']);
    expect(texts(xml, 'fone')).toEqual(['1130001000', '11999990000']);
  });
});

describe('buildNfe: homologation', () => {
  it('replaces the first item description and the recipient name with the mandatory texts (373, 598)', () => {
    const xml = buildNfe(simplesNacionalNfe()).xml;
    expect(texts(xml, 'tpAmb')).toEqual(['2']);
    expect(texts(xml, 'xProd')).toEqual([HOMOLOGATION_ITEM_DESCRIPTION, 'Prato raso "Linha Clássica" <27 cm>']);
    expect(HOMOLOGATION_ITEM_DESCRIPTION).toBe('NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL');
    const dest = parse(xml).getElementsByTagNameNS(NFE_NAMESPACE, 'dest')[0];
    expect(dest.getElementsByTagNameNS(NFE_NAMESPACE, 'xNome')[0].textContent).toBe(HOMOLOGATION_RECIPIENT_NAME);
    expect(HOMOLOGATION_RECIPIENT_NAME).toBe('NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL');
  });

  it('keeps the real texts in production', () => {
    const xml = buildNfe(withInput((input) => (input.environment = 1))).xml;
    expect(texts(xml, 'tpAmb')).toEqual(['1']);
    expect(xml).not.toContain('HOMOLOGACAO');
  });
});

describe('buildNfe: totals from the items', () => {
  it('sums a Simples Nacional note: no ICMS or PIS/COFINS, vNF = vProd − vDesc + vFrete', () => {
    const built = buildNfe(simplesNacionalNfe());
    expect(built.totals).toEqual({ products: 109.7, discount: 2.7, freight: 5, icmsBase: 0, icms: 0, pis: 0, cofins: 0, total: 112 });
    expect(texts(built.xml, 'vNF')).toEqual(['112.00']);
    // CSOSN 101: credit of 1.25% over the item's operation value 59.70 − 2.70 + 5.00 = 62.00.
    expect(texts(built.xml, 'pCredSN')).toEqual(['1.25']);
    expect(texts(built.xml, 'vCredICMSSN')).toEqual(['0.78']);
  });

  it('computes ICMS (CST 00, 20 with base reduction), PIS and COFINS per item and sums them', () => {
    const built = buildNfe(regimeNormalNfe());
    // Item bases: 259.80 (00); 89.90 − 9.90 + 12.35 = 92.35 reduced 33.33% → 61.57 (20); none for 40 and 60.
    expect(texts(built.xml, 'vBC').slice(0, 2)).toEqual(['259.80', '259.80']);
    expect(texts(built.xml, 'pRedBC')).toEqual(['33.33']);
    expect(texts(built.xml, 'vICMS')).toEqual(['31.18', '7.39', '38.57']);
    // PIS 1.65% over 259.80, 92.35 and 29.00; COFINS 7.6%; CST 07 items are exempt (PISNT).
    expect(texts(built.xml, 'vPIS')).toEqual(['4.29', '1.52', '0.48', '6.29']);
    expect(texts(built.xml, 'vCOFINS')).toEqual(['19.74', '7.02', '2.20', '28.96']);
    expect(built.totals).toEqual({ products: 423.7, discount: 9.9, freight: 12.35, icmsBase: 321.37, icms: 38.57, pis: 6.29, cofins: 28.96, total: 426.15 });
    const tot = parse(built.xml).getElementsByTagNameNS(NFE_NAMESPACE, 'ICMSTot')[0];
    const value = (name: string) => Number(tot.getElementsByTagNameNS(NFE_NAMESPACE, name)[0].textContent);
    expect(value('vNF')).toBeCloseTo(value('vProd') - value('vDesc') + value('vFrete'), 10);
  });

  it('uses the tax groups the CST / CSOSN call for', () => {
    const normal = buildNfe(regimeNormalNfe()).xml;
    expect(childNames(normal, 'ICMS')).toEqual(['ICMS00']);
    expect(normal).toContain('<ICMS20><orig>1</orig><CST>20</CST><modBC>3</modBC><pRedBC>33.33</pRedBC><vBC>61.57</vBC><pICMS>12.00</pICMS><vICMS>7.39</vICMS></ICMS20>');
    expect(normal).toContain('<ICMS40><orig>0</orig><CST>40</CST></ICMS40>');
    expect(normal).toContain('<ICMS60><orig>0</orig><CST>60</CST></ICMS60>');
    expect(normal).toContain('<PISAliq><CST>01</CST><vBC>259.80</vBC><pPIS>1.65</pPIS><vPIS>4.29</vPIS></PISAliq>');
    expect(normal).toContain('<COFINSNT><CST>07</CST></COFINSNT>');
    const simples = buildNfe(simplesNacionalNfe()).xml;
    expect(simples).toContain('<ICMSSN101><orig>0</orig><CSOSN>101</CSOSN><pCredSN>1.25</pCredSN><vCredICMSSN>0.78</vCredICMSSN></ICMSSN101>');
    expect(simples).toContain('<ICMSSN102><orig>0</orig><CSOSN>102</CSOSN></ICMSSN102>');
    expect(simples).toContain('<PISOutr><CST>49</CST><vBC>62.00</vBC><pPIS>0.00</pPIS><vPIS>0.00</vPIS></PISOutr>');
  });

  it('writes CSOSN 103/300/400 as ICMSSN102, 500 as ICMSSN500, and 900 with its own ICMS in the totals', () => {
    const input = simplesNacionalNfe();
    const [first] = input.items;
    input.items = ['103', '300', '400', '500', '900'].map((csosn, i) => ({
      ...first,
      code: `X${i}`,
      discount: undefined,
      freight: undefined,
      taxes: { origin: 0, csosn, pisCst: '99', cofinsCst: '99', ...(csosn === '900' ? { icmsRate: 18, icmsBaseReduction: 10 } : {}) },
    }));
    input.payments = [{ method: '01', amount: 5 * 59.7 }];
    const built = buildNfe(input);
    expect(childNames(built.xml, 'ICMS')).toEqual(['ICMSSN102']);
    const groups = Array.from(parse(built.xml).getElementsByTagNameNS(NFE_NAMESPACE, 'ICMS')).map((n) => (n.firstChild as Element).localName);
    expect(groups).toEqual(['ICMSSN102', 'ICMSSN102', 'ICMSSN102', 'ICMSSN500', 'ICMSSN900']);
    // 59.70 reduced 10% = 53.73; 18% = 9.6714 → 9.67. pRedBC comes after vBC in ICMSSN900.
    expect(built.xml).toContain('<ICMSSN900><orig>0</orig><CSOSN>900</CSOSN><modBC>3</modBC><vBC>53.73</vBC><pRedBC>10.00</pRedBC><pICMS>18.00</pICMS><vICMS>9.67</vICMS></ICMSSN900>');
    expect(built.totals.icmsBase).toBe(53.73);
    expect(built.totals.icms).toBe(9.67);
  });

  it('writes the change (vTroco) when the payments exceed the total, and the card group for cards', () => {
    const consumer = buildNfe(nfce()).xml;
    expect(consumer).toContain('<pag><detPag><tPag>01</tPag><vPag>50.00</vPag></detPag><vTroco>8.23</vTroco></pag>');
    const normal = buildNfe(regimeNormalNfe()).xml;
    expect(normal).toContain('<detPag><tPag>03</tPag><vPag>300.00</vPag><card><tpIntegra>2</tpIntegra></card></detPag>');
    expect(normal).not.toContain('vTroco');
  });
});

describe('buildNfe: NF-e and NFC-e specifics', () => {
  it('makes an NFC-e: model 65, tpImp 4, indFinal 1, recipient without address, no IE', () => {
    const xml = buildNfe(nfce()).xml;
    expect(texts(xml, 'mod')).toEqual(['65']);
    expect(texts(xml, 'tpImp')).toEqual(['4']);
    expect(texts(xml, 'indFinal')).toEqual(['1']);
    expect(texts(xml, 'indPres')).toEqual(['1']);
    expect(texts(xml, 'idDest')).toEqual(['1']);
    expect(childNames(xml, 'dest')).toEqual(['CPF', 'xNome', 'indIEDest']);
  });

  it('makes an NFC-e without recipient', () => {
    const xml = buildNfe(withInput((input) => delete input.recipient, nfce)).xml;
    expect(childNames(xml, 'infNFe')).toEqual(['ide', 'emit', 'det', 'det', 'total', 'transp', 'pag', 'infRespTec']);
  });

  it('refuses an NFC-e sale that is not in person (1) or delivered (4)', () => {
    expect(errorOf(() => buildNfe(withInput((input) => (input.presence = 2), nfce))).field).toBe('presence');
    expect(() => buildNfe(withInput((input) => (input.presence = 4), nfce))).not.toThrow();
  });

  it('refuses an NFC-e recipient that is not a final consumer, and an NF-e without recipient', () => {
    expect(errorOf(() => buildNfe(withInput((input) => ((input.recipient as { ieIndicator: number }).ieIndicator = 1), nfce))).field).toBe('recipient.ieIndicator');
    expect(errorOf(() => buildNfe(withInput((input) => delete input.recipient))).field).toBe('recipient');
  });

  it('marks interstate sales idDest 2 and indIntermed 1 with the marketplace', () => {
    const xml = buildNfe(regimeNormalNfe()).xml;
    expect(texts(xml, 'idDest')).toEqual(['2']);
    expect(texts(xml, 'indIntermed')).toEqual(['1']);
    expect(xml).toContain('<infIntermed><CNPJ>06157250000116</CNPJ><idCadIntTran>loja-exemplo</idCadIntTran></infIntermed>');
  });

  it('checks the CFOP against the destination (SEFAZ 732/733) and the NFC-e', () => {
    const internalWith6 = withInput((input) => (input.items[0].cfop = '6102'));
    expect(errorOf(() => buildNfe(internalWith6)).message).toContain('must start with 5');
    const interstateWith5 = withInput((input) => (input.items[1].cfop = '5102'), regimeNormalNfe);
    const error = errorOf(() => buildNfe(interstateWith5));
    expect(error.field).toBe('items[1].cfop');
    expect(error.message).toContain('must start with 6');
  });

  it('writes dhCont and xJust for a contingency emission', () => {
    const input = withInput((i) => {
      i.emissionType = 9;
      i.contingency = { enteredAt: '2026-11-24T12:00:00-03:00', reason: 'SEFAZ fora do ar, emissao offline' };
    }, nfce);
    const built = buildNfe(input);
    expect(built.accessKey[34]).toBe('9');
    expect(built.xml).toContain('<verProc>Ponte 0.1</verProc><dhCont>2026-11-24T12:00:00-03:00</dhCont><xJust>SEFAZ fora do ar, emissao offline</xJust></ide>');
    expect(errorOf(() => buildNfe(withInput((i) => (i.emissionType = 9), nfce))).field).toBe('contingency');
    expect(errorOf(() => buildNfe(withInput((i) => (i.emissionType = 9)))).field).toBe('emissionType');
  });

  it('draws a cNF when none is given and keeps it out of the forbidden sequences', () => {
    const draws = [12345678, 12345679];
    const built = buildNfe(withInput((input) => delete input.cnf), { random: () => draws.shift() as number });
    expect(built.cnf).toBe('12345679');
    expect(parseAccessKey(built.accessKey).cnf).toBe('12345679');
  });
});

describe('buildNfe: bad input names the field', () => {
  const cases: Array<[string, (input: NfeInput) => void, string]> = [
    ['a CFOP of 3 digits', (i) => (i.items[0].cfop = '510'), 'items[0].cfop'],
    ['an NCM of 6 digits', (i) => (i.items[1].ncm = '691110'), 'items[1].ncm'],
    ['no items', (i) => (i.items = []), 'items'],
    ['a quantity with 5 decimals', (i) => (i.items[0].quantity = 1.23456), 'items[0].quantity'],
    ['a unit price with 11 decimals', (i) => (i.items[0].unitPrice = 1.12345678901), 'items[0].unitPrice'],
    ['a zero quantity', (i) => (i.items[0].quantity = 0), 'items[0].quantity'],
    ['a discount above the item value', (i) => (i.items[0].discount = 100), 'items[0].discount'],
    ['a GTIN with a wrong check digit', (i) => (i.items[1].gtin = '7891000315508'), 'items[1].gtin'],
    ['a CST for a Simples Nacional issuer', (i) => (i.items[0].taxes = { origin: 0, cst: '00', icmsRate: 18, pisCst: '49', cofinsCst: '49' }), 'items[0].taxes.csosn'],
    ['CSOSN 101 without its credit rate', (i) => delete i.items[0].taxes.simplesCreditRate, 'items[0].taxes.simplesCreditRate'],
    ['an unknown PIS CST', (i) => (i.items[0].taxes.pisCst = '03'), 'items[0].taxes.pisCst'],
    ['a recipient CNPJ with a wrong check digit', (i) => ((i.recipient as { document: string }).document = '33009911002507'), 'recipient.document'],
    ['an issuer without IE', (i) => (i.issuer.ie = ''), 'issuer.ie'],
    ['a city code of 6 digits', (i) => (i.issuer.address.cityCode = '355030'), 'issuer.address.cityCode'],
    ['a description with a character outside the layout', (i) => (i.items[1].description = 'Prato 🍽'), 'items[1].description'],
    ['a name over 60 characters', (i) => (i.issuer.name = 'x'.repeat(61)), 'issuer.name'],
    ['payments below the total', (i) => (i.payments = [{ method: '15', amount: 100 }]), 'payments'],
    ['tPag 99 without description', (i) => (i.payments = [{ method: '99', amount: 112 }]), 'payments[0].description'],
    ['dhEmi without UTC offset', (i) => (i.issuedAt = '2026-11-24T10:15:00'), 'issuedAt'],
    ['a cNF that is a forbidden sequence', (i) => (i.cnf = '12345678'), 'cnf'],
    ['a cNF equal to the number', (i) => (i.cnf = '00001042'), 'cnf'],
  ];

  it.each(cases)('%s', (_label, change, field) => {
    const error = errorOf(() => buildNfe(withInput(change)));
    expect(error.field).toBe(field);
    expect(error.facts).toEqual({ field });
    expect(error.message).toContain(field.replace(/\.csosn$/, ''));
  });

  it('is a ValidationError: a per-record failure that retrying cannot fix', () => {
    const error = errorOf(() => buildNfe(withInput((i) => (i.items[0].cfop = '510'))));
    expect(error.kind).toBe('ValidationError');
    expect(error.failsRun).toBe(false);
  });

  it('turns typographic quotes, dashes and line breaks into layout characters', () => {
    const xml = buildNfe(withInput((i) => (i.additionalInfo = 'Pedido “A–1”\n  entregue  ao porteiro'))).xml;
    expect(xml).toContain('<infCpl>Pedido "A-1" entregue ao porteiro</infCpl>');
  });
});
