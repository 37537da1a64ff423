/**
 * The unsigned NF-e (model 55) or NFC-e (model 65), layout 4.00, from an `NfeInput`.
 *
 * Output: minified UTF-8 XML, `<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe Id="NFe…"
 * versao="4.00">…</infNFe></NFe>`, every element in the order of leiauteNFe_v4.00.xsd (TNFe):
 * ide, emit, dest, det…, total/ICMSTot, transp, pag, infIntermed, infAdic, infRespTec. The signer
 * appends the Signature; an NFC-e's infNFeSupl (QR code) goes in after signing (qrcode.ts).
 *
 * Totals are computed here from the items and never taken from the caller: SEFAZ recomputes
 * them and rejects any difference (532–535, 564, 610, 629). The item's operation value
 * vProd + vFrete − vDesc is the ICMS base (reduced by pRedBC for CST 20), the Simples credit
 * base and the PIS/COFINS base (ICMS is not excluded from the latter; a seller who applies the
 * STF Tema 69 exclusion needs a base option this builder does not have yet).
 *
 * What it checks is what SEFAZ would reject for reasons the XSD cannot see (CFOP against the
 * destination, model 65 rules, payments below the total, CPF/CNPJ check digits) plus the field
 * shapes, each with the input field named; what it does not check, validateNfe (schema.ts) does.
 */
import { isValidCnpj, isValidCpf } from '../../payments/pix/pix-key';
import { FiscalDataError } from '../errors';
import type { Address, BuiltNfe, Issuer, ItemTaxes, NfeInput, NfeItem, NfePayment, Recipient } from '../types';
import { buildAccessKey, drawCnf, isValidCnf, ufCode } from './access-key';
import { centsToNumber, divideRounded, formatUnits, money, rescale, toUnits } from './decimal';
import { digitsOf, element, layoutText, leaf } from './xml';

export const NFE_NAMESPACE = 'http://www.portalfiscal.inf.br/nfe';
export const NFE_LAYOUT_VERSION = '4.00';
/** xProd of the first item in homologation (tpAmb 2), or SEFAZ answers 373. */
export const HOMOLOGATION_ITEM_DESCRIPTION = 'NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
/** dest/xNome in homologation, or SEFAZ answers 598. */
export const HOMOLOGATION_RECIPIENT_NAME = 'NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL';
/** verProc: the issuing application, shown on SEFAZ's consultation pages. */
export const DEFAULT_SOFTWARE_VERSION = 'Ponte 0.1';

export interface BuildOptions {
  /** verProc, at most 20 characters. */
  softwareVersion?: string;
  /** Source of the cNF when the input has none (tests pin it); a CSPRNG by default. */
  random?: (max: number) => number;
}

const SIMPLES_CSOSN = ['101', '102', '103', '300', '400', '500', '900'];
const NORMAL_CST = ['00', '20', '40', '41', '60'];
const PIS_COFINS_TAXED = ['01', '02'];
const PIS_COFINS_NOT_TAXED = ['04', '05', '06', '07', '08'];
const PIS_COFINS_OTHER = ['49', '50', '51', '52', '53', '54', '55', '56', '60', '61', '62', '63', '64', '65', '66', '67', '70', '71', '72', '73', '74', '75', '98', '99'];
/** tPag values paid by card: SEFAZ wants the card group (391/496); tpIntegra 2 = not integrated with the POS. */
const CARD_METHODS = ['03', '04'];
const ISSUED_AT = /^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d([+-](0\d|1[0-2])):00$/;

interface Sums {
  products: bigint;
  discount: bigint;
  freight: bigint;
  icmsBase: bigint;
  icms: bigint;
  pis: bigint;
  cofins: bigint;
}

interface BuiltItem extends Sums {
  xml: string;
}

/** 4-decimal percentage as the layout writes rates: "18.00", "7.60", "1.65". */
function rate(units: bigint): string {
  return formatUnits(units, 4, 2);
}

function percentOf(baseCents: bigint, rateUnits: bigint): bigint {
  return divideRounded(baseCents * rateUnits, 1_000_000n);
}

function requiredRate(value: number | undefined, field: string, what: string): bigint {
  if (value === undefined) throw new FiscalDataError(field, `${field} is required for ${what}`);
  const units = toUnits(value, 4, field);
  if (units > 999_9999n) throw new FiscalDataError(field, `${field} must be a percentage below 1000, got ${value}`);
  return units;
}

function checkedDateTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ISSUED_AT.test(value)) {
    throw new FiscalDataError(field, `${field} must be a local date and time with its UTC offset in whole hours, like 2026-11-24T10:15:00-03:00; got "${String(value)}"`);
  }
  return value;
}

/** The CNPJ's 14 digits (a mask is accepted), its check digits verified. */
export function checkedCnpj(value: unknown, field: string): string {
  const digits = digitsOf(value, field, [14]);
  if (!isValidCnpj(digits)) throw new FiscalDataError(field, `${field} is not a valid CNPJ (check digits): "${value}"`);
  return digits;
}

function personDocument(value: unknown, field: string): { tag: 'CPF' | 'CNPJ'; digits: string } {
  const digits = digitsOf(value, field, [11, 14], 'digits (CPF or CNPJ)');
  if (digits.length === 11) {
    if (!isValidCpf(digits)) throw new FiscalDataError(field, `${field} is not a valid CPF (check digits): "${value}"`);
    return { tag: 'CPF', digits };
  }
  if (!isValidCnpj(digits)) throw new FiscalDataError(field, `${field} is not a valid CNPJ (check digits): "${value}"`);
  return { tag: 'CNPJ', digits };
}

const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function phone(value: string | undefined, field: string): string {
  return digitsOf(String(value ?? '').replace(/[()+]/g, ''), field, span(6, 14));
}

function optionalPhone(value: string | undefined, field: string): string | undefined {
  return value === undefined || value === '' ? undefined : phone(value, field);
}

/** enderEmit / enderDest: same order; the issuer's CEP is required, the country is always Brazil here. */
function address(tag: 'enderEmit' | 'enderDest', value: Address | undefined, field: string): string {
  if (!value) throw new FiscalDataError(field, `${field} is required`);
  const uf = String(value.uf ?? '').toUpperCase();
  if (uf === 'EX') throw new FiscalDataError(`${field}.uf`, `${field}: addresses abroad (exports) are not supported yet`);
  ufCode(uf, `${field}.uf`);
  return element(
    tag,
    leaf('xLgr', layoutText(value.street, `${field}.street`, 2, 60)) +
      leaf('nro', layoutText(value.number, `${field}.number`, 1, 60)) +
      leaf('xCpl', value.complement ? layoutText(value.complement, `${field}.complement`, 1, 60) : undefined) +
      leaf('xBairro', layoutText(value.district, `${field}.district`, 2, 60)) +
      leaf('cMun', digitsOf(value.cityCode, `${field}.cityCode`, [7], 'digits (IBGE code)')) +
      leaf('xMun', layoutText(value.city, `${field}.city`, 2, 60)) +
      leaf('UF', uf) +
      leaf('CEP', digitsOf(value.postalCode, `${field}.postalCode`, [8])) +
      leaf('cPais', '1058') +
      leaf('xPais', 'BRASIL') +
      leaf('fone', optionalPhone(value.phone, `${field}.phone`)),
  );
}

function emit(issuer: Issuer): string {
  if (![1, 2, 3, 4].includes(issuer.crt)) throw new FiscalDataError('issuer.crt', `issuer.crt must be 1, 2, 3 or 4, got ${issuer.crt}`);
  const ie = String(issuer.ie ?? '').trim().toUpperCase() === 'ISENTO' ? 'ISENTO' : digitsOf(issuer.ie, 'issuer.ie', span(2, 14));
  return element(
    'emit',
    leaf('CNPJ', checkedCnpj(issuer.cnpj, 'issuer.cnpj')) +
      leaf('xNome', layoutText(issuer.name, 'issuer.name', 2, 60)) +
      leaf('xFant', issuer.tradeName ? layoutText(issuer.tradeName, 'issuer.tradeName', 1, 60) : undefined) +
      address('enderEmit', issuer.address, 'issuer.address') +
      leaf('IE', ie) +
      leaf('CRT', String(issuer.crt)),
  );
}

function dest(recipient: Recipient, input: NfeInput): string {
  const document = personDocument(recipient.document, 'recipient.document');
  if (![1, 2, 9].includes(recipient.ieIndicator)) {
    throw new FiscalDataError('recipient.ieIndicator', `recipient.ieIndicator must be 1, 2 or 9, got ${recipient.ieIndicator}`);
  }
  if (input.model === 65 && recipient.ieIndicator !== 9) {
    throw new FiscalDataError('recipient.ieIndicator', 'an NFC-e recipient is a final consumer: recipient.ieIndicator must be 9 (não contribuinte)');
  }
  let ie: string | undefined;
  if (recipient.ieIndicator === 1) {
    ie = digitsOf(recipient.ie, 'recipient.ie', span(2, 14));
  } else if (recipient.ie) {
    throw new FiscalDataError('recipient.ie', 'recipient.ie goes only with ieIndicator 1 (contribuinte); leave it out for 2 (isento) and 9');
  }
  let name: string | undefined;
  if (input.environment === 2) name = HOMOLOGATION_RECIPIENT_NAME;
  else if (input.model === 55 || recipient.name) name = layoutText(recipient.name, 'recipient.name', 2, 60);
  const email = recipient.email?.trim();
  if (email !== undefined && email !== '' && (!/^\S+@\S+$/.test(email) || email.length > 60)) {
    throw new FiscalDataError('recipient.email', `recipient.email must be one address of at most 60 characters, got "${recipient.email}"`);
  }
  return element(
    'dest',
    leaf(document.tag, document.digits) +
      leaf('xNome', name) +
      (input.model === 55 || recipient.address ? address('enderDest', recipient.address, 'recipient.address') : '') +
      leaf('indIEDest', String(recipient.ieIndicator)) +
      leaf('IE', ie) +
      leaf('email', email || undefined),
  );
}

/** idDest from the recipient's UF: 1 internal, 2 interstate (exports are refused in `address`). */
function destinationKind(input: NfeInput): 1 | 2 {
  if (input.model === 65 || !input.recipient?.address) return 1;
  return input.recipient.address.uf.toUpperCase() === input.issuer.address.uf.toUpperCase() ? 1 : 2;
}

function gtin(value: string | undefined, field: string): string {
  if (value === undefined || value.trim() === '' || value.trim().toUpperCase() === 'SEM GTIN') return 'SEM GTIN';
  const digits = digitsOf(value, field, [8, 12, 13, 14], 'digits (GTIN-8, 12, 13 or 14)');
  // GS1 check digit: weights 3,1,3,… from the right of the body; SEFAZ refuses a wrong one (611).
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  if ((10 - (sum % 10)) % 10 !== Number(digits.at(-1))) throw new FiscalDataError(field, `${field} has a wrong GTIN check digit: "${value}"`);
  return digits;
}

function icmsGroup(taxes: ItemTaxes, crt: Issuer['crt'], operationValue: bigint, field: string): { xml: string; base: bigint; value: bigint } {
  const origin = taxes.origin;
  if (!Number.isInteger(origin) || origin < 0 || origin > 8) throw new FiscalDataError(`${field}.origin`, `${field}.origin must be 0 to 8, got ${origin}`);
  const orig = leaf('orig', String(origin));
  const wrap = (group: string, body: string, base = 0n, value = 0n) => ({ xml: element('ICMS', element(group, body)), base, value });

  if (crt === 1 || crt === 4) {
    const csosn = taxes.csosn;
    if (!csosn || !SIMPLES_CSOSN.includes(csosn)) {
      throw new FiscalDataError(`${field}.csosn`, `a Simples Nacional issuer (CRT ${crt}) needs ${field}.csosn, one of ${SIMPLES_CSOSN.join(', ')}; got ${csosn ?? (taxes.cst ? `a CST (${taxes.cst})` : 'none')}`);
    }
    const credit = (required: boolean) => {
      if (taxes.simplesCreditRate === undefined && !required) return '';
      const creditRate = requiredRate(taxes.simplesCreditRate, `${field}.simplesCreditRate`, `CSOSN ${csosn}`);
      return leaf('pCredSN', rate(creditRate)) + leaf('vCredICMSSN', money(percentOf(operationValue, creditRate)));
    };
    const body = orig + leaf('CSOSN', csosn);
    if (csosn === '101') return wrap('ICMSSN101', body + credit(true));
    if (csosn === '500') return wrap('ICMSSN500', body);
    if (csosn === '900') {
      if (taxes.icmsRate === undefined) return wrap('ICMSSN900', body + credit(false));
      const { xml, base, value } = ownIcms(taxes, operationValue, field, true);
      return wrap('ICMSSN900', body + xml + credit(false), base, value);
    }
    return wrap('ICMSSN102', body);
  }

  const cst = taxes.cst;
  if (!cst || !NORMAL_CST.includes(cst)) {
    throw new FiscalDataError(`${field}.cst`, `an issuer in regime normal (CRT ${crt}) needs ${field}.cst, one of ${NORMAL_CST.join(', ')}; got ${cst ?? (taxes.csosn ? `a CSOSN (${taxes.csosn})` : 'none')}`);
  }
  const body = orig + leaf('CST', cst);
  if (cst === '00' || cst === '20') {
    if (cst === '20' && taxes.icmsBaseReduction === undefined) {
      throw new FiscalDataError(`${field}.icmsBaseReduction`, `${field}.icmsBaseReduction (pRedBC) is required for CST 20`);
    }
    const { xml, base, value } = ownIcms(taxes, operationValue, field, false);
    return wrap(`ICMS${cst}`, body + xml, base, value);
  }
  // 40 isenta / 41 não tributada share ICMS40; 60 (ICMS charged before by substitution) has its own group.
  return wrap(cst === '60' ? 'ICMS60' : 'ICMS40', body);
}

/**
 * modBC 3 (the operation's value), then the base (reduced by pRedBC when given), the rate and the
 * tax. ICMS20 writes pRedBC before vBC, ICMSSN900 after it: the two groups disagree in the XSD.
 */
function ownIcms(taxes: ItemTaxes, operationValue: bigint, field: string, reductionAfterBase: boolean): { xml: string; base: bigint; value: bigint } {
  const icmsRate = requiredRate(taxes.icmsRate, `${field}.icmsRate`, `${taxes.cst ? `CST ${taxes.cst}` : `CSOSN ${taxes.csosn}`}`);
  let base = operationValue;
  let reduction = '';
  if (taxes.icmsBaseReduction !== undefined) {
    const reductionUnits = toUnits(taxes.icmsBaseReduction, 4, `${field}.icmsBaseReduction`);
    if (reductionUnits === 0n || reductionUnits > 100_0000n) {
      throw new FiscalDataError(`${field}.icmsBaseReduction`, `${field}.icmsBaseReduction must be a percentage above 0 and at most 100, got ${taxes.icmsBaseReduction}`);
    }
    base = divideRounded(operationValue * (100_0000n - reductionUnits), 100_0000n);
    reduction = leaf('pRedBC', rate(reductionUnits));
  }
  const value = percentOf(base, icmsRate);
  const xml =
    leaf('modBC', '3') +
    (reductionAfterBase ? '' : reduction) +
    leaf('vBC', money(base)) +
    (reductionAfterBase ? reduction : '') +
    leaf('pICMS', rate(icmsRate)) +
    leaf('vICMS', money(value));
  return { xml, base, value };
}

/** PIS and COFINS share their shape: Aliq (CST 01/02), NT (04–08), Outr (49–99, by rate). */
function contribution(tax: 'PIS' | 'COFINS', cst: string, rateValue: number | undefined, base: bigint, field: string): { xml: string; value: bigint } {
  const rateField = `${field}.${tax === 'PIS' ? 'pisRate' : 'cofinsRate'}`;
  const cstField = `${field}.${tax === 'PIS' ? 'pisCst' : 'cofinsCst'}`;
  if (PIS_COFINS_NOT_TAXED.includes(cst)) return { xml: element(tax, element(`${tax}NT`, leaf('CST', cst))), value: 0n };
  const taxed = PIS_COFINS_TAXED.includes(cst);
  if (!taxed && !PIS_COFINS_OTHER.includes(cst)) {
    const hint = cst === '03' ? ' (CST 03, a rate per unit, is not supported)' : '';
    throw new FiscalDataError(cstField, `${cstField} must be 01, 02, 04–08 or 49–99, got "${cst}"${hint}`);
  }
  const rateUnits = taxed ? requiredRate(rateValue, rateField, `${tax} CST ${cst}`) : toUnits(rateValue ?? 0, 4, rateField);
  const value = percentOf(base, rateUnits);
  const body = leaf('CST', cst) + leaf('vBC', money(base)) + leaf(`p${tax}`, rate(rateUnits)) + leaf(`v${tax}`, money(value));
  return { xml: element(tax, element(`${tax}${taxed ? 'Aliq' : 'Outr'}`, body)), value };
}

function item(source: NfeItem, index: number, input: NfeInput, destinationKind: 1 | 2): BuiltItem {
  const field = `items[${index}]`;
  const cfop = digitsOf(source.cfop, `${field}.cfop`, [4]);
  const expectedFirst = input.model === 65 ? '5' : String(destinationKind + 4);
  if (cfop[0] !== expectedFirst) {
    const why =
      input.model === 65
        ? 'an NFC-e is an internal sale: its CFOPs start with 5'
        : destinationKind === 1
          ? 'the recipient is in the issuer\'s UF, so the CFOP must start with 5 (SEFAZ rule 733)'
          : 'the recipient is in another UF, so the CFOP must start with 6 (SEFAZ rule 732)';
    throw new FiscalDataError(`${field}.cfop`, `${field}.cfop ${cfop}: ${why}`);
  }
  const ncm = digitsOf(source.ncm, `${field}.ncm`, [8]);
  const cest = source.cest ? digitsOf(source.cest, `${field}.cest`, [7]) : undefined;
  const ean = gtin(source.gtin, `${field}.gtin`);
  const unit = layoutText(source.unit, `${field}.unit`, 1, 6);
  const quantity = toUnits(source.quantity, 4, `${field}.quantity`, { allowZero: false });
  const unitPrice = toUnits(source.unitPrice, 10, `${field}.unitPrice`);
  // vProd = qCom × vUnCom: scale 4 + 10 = 14, rounded to cents as SEFAZ does (629).
  const products = rescale(quantity * unitPrice, 14, 2);
  const discount = toUnits(source.discount ?? 0, 2, `${field}.discount`);
  const freight = toUnits(source.freight ?? 0, 2, `${field}.freight`);
  if (discount > products) throw new FiscalDataError(`${field}.discount`, `${field}.discount (${money(discount)}) is larger than the item's value (${money(products)})`);
  const description =
    input.environment === 2 && index === 0 ? HOMOLOGATION_ITEM_DESCRIPTION : layoutText(source.description, `${field}.description`, 1, 120);
  const quantityText = formatUnits(quantity, 4);
  const priceText = formatUnits(unitPrice, 10, 2);
  const prod = element(
    'prod',
    leaf('cProd', layoutText(source.code, `${field}.code`, 1, 60)) +
      leaf('cEAN', ean) +
      leaf('xProd', description) +
      leaf('NCM', ncm) +
      leaf('CEST', cest) +
      leaf('CFOP', cfop) +
      leaf('uCom', unit) +
      leaf('qCom', quantityText) +
      leaf('vUnCom', priceText) +
      leaf('vProd', money(products)) +
      leaf('cEANTrib', ean) +
      leaf('uTrib', unit) +
      leaf('qTrib', quantityText) +
      leaf('vUnTrib', priceText) +
      // TDec_1302Opc refuses zero: the optional values appear only when there is something to say.
      leaf('vFrete', freight > 0n ? money(freight) : undefined) +
      leaf('vDesc', discount > 0n ? money(discount) : undefined) +
      leaf('indTot', '1'),
  );
  const taxes = source.taxes;
  if (!taxes) throw new FiscalDataError(`${field}.taxes`, `${field}.taxes is required`);
  const operationValue = products + freight - discount;
  const icms = icmsGroup(taxes, input.issuer.crt, operationValue, `${field}.taxes`);
  const pis = contribution('PIS', String(taxes.pisCst ?? ''), taxes.pisRate, operationValue, `${field}.taxes`);
  const cofins = contribution('COFINS', String(taxes.cofinsCst ?? ''), taxes.cofinsRate, operationValue, `${field}.taxes`);
  return {
    xml: element('det', prod + element('imposto', icms.xml + pis.xml + cofins.xml), { nItem: String(index + 1) }),
    products,
    discount,
    freight,
    icmsBase: icms.base,
    icms: icms.value,
    pis: pis.value,
    cofins: cofins.value,
  };
}

/** ICMSTot in schema order; the groups Ponte does not write (ST, FCP, IPI, II…) add up to zero. */
function total(sums: Sums, invoiceTotal: bigint): string {
  const fields: Array<[string, bigint]> = [
    ['vBC', sums.icmsBase], ['vICMS', sums.icms], ['vICMSDeson', 0n], ['vFCP', 0n], ['vBCST', 0n], ['vST', 0n],
    ['vFCPST', 0n], ['vFCPSTRet', 0n], ['vProd', sums.products], ['vFrete', sums.freight], ['vSeg', 0n],
    ['vDesc', sums.discount], ['vII', 0n], ['vIPI', 0n], ['vIPIDevol', 0n], ['vPIS', sums.pis], ['vCOFINS', sums.cofins],
    ['vOutro', 0n], ['vNF', invoiceTotal],
  ];
  return element('total', element('ICMSTot', fields.map(([name, cents]) => leaf(name, money(cents))).join('')));
}

function pag(payments: NfePayment[], invoiceTotal: bigint): string {
  if (!Array.isArray(payments) || payments.length === 0) throw new FiscalDataError('payments', 'payments must list at least one payment (tPag 90 for a document without payment)');
  if (payments.length > 100) throw new FiscalDataError('payments', `an NF-e has at most 100 payments, got ${payments.length}`);
  let paid = 0n;
  const details = payments.map((payment, i) => {
    const field = `payments[${i}]`;
    const method = String(payment.method ?? '');
    if (!/^\d{2}$/.test(method)) throw new FiscalDataError(`${field}.method`, `${field}.method must be the 2-digit tPag (01 dinheiro, 03 crédito, 17 Pix…), got "${method}"`);
    const amount = toUnits(payment.amount, 2, `${field}.amount`);
    if (method === '90' && amount !== 0n) throw new FiscalDataError(`${field}.amount`, `${field}: tPag 90 (sem pagamento) has amount 0`);
    if (method === '99' && !payment.description) throw new FiscalDataError(`${field}.description`, `${field}.description (xPag) is required for tPag 99 (outros)`);
    paid += amount;
    return element(
      'detPag',
      leaf('tPag', method) +
        leaf('xPag', payment.description ? layoutText(payment.description, `${field}.description`, 2, 60) : undefined) +
        leaf('vPag', money(amount)) +
        (CARD_METHODS.includes(method) ? element('card', leaf('tpIntegra', '2')) : ''),
    );
  });
  const withoutPayment = payments.every((p) => p.method === '90');
  if (!withoutPayment && paid < invoiceTotal) {
    throw new FiscalDataError('payments', `the payments add up to ${money(paid)}, less than the invoice total ${money(invoiceTotal)}`);
  }
  const change = withoutPayment ? 0n : paid - invoiceTotal;
  return element('pag', details.join('') + leaf('vTroco', change > 0n ? money(change) : undefined));
}

function ide(input: NfeInput, key: string, cnf: string, emissionType: number, destinationKind: 1 | 2, softwareVersion: string): string {
  const presence = input.presence;
  if (![0, 1, 2, 3, 4, 5, 9].includes(presence)) throw new FiscalDataError('presence', `presence (indPres) must be 0, 1, 2, 3, 4, 5 or 9, got ${presence}`);
  if (input.model === 65 && presence !== 1 && presence !== 4) {
    throw new FiscalDataError('presence', `an NFC-e is a sale in person (1) or delivered home (4): presence must be 1 or 4, got ${presence}`);
  }
  // indIntermed is asked for every sale not made in person (NT 2020.006); 1 when a marketplace took it.
  const intermediated = input.intermediary !== undefined;
  const indIntermed = intermediated ? '1' : [2, 3, 4, 9].includes(presence) ? '0' : undefined;
  const finalConsumer = input.model === 65 || input.recipient?.ieIndicator === 9 ? '1' : '0';
  let contingency = '';
  if (emissionType !== 1) {
    if (!input.contingency) throw new FiscalDataError('contingency', `contingency (when and why) is required for emissionType ${emissionType}`);
    contingency =
      leaf('dhCont', checkedDateTime(input.contingency.enteredAt, 'contingency.enteredAt')) +
      leaf('xJust', layoutText(input.contingency.reason, 'contingency.reason', 15, 256));
  }
  return element(
    'ide',
    leaf('cUF', key.slice(0, 2)) +
      leaf('cNF', cnf) +
      leaf('natOp', layoutText(input.operation, 'operation', 1, 60)) +
      leaf('mod', String(input.model)) +
      leaf('serie', String(input.series)) +
      leaf('nNF', String(input.number)) +
      leaf('dhEmi', input.issuedAt) +
      leaf('tpNF', '1') +
      leaf('idDest', String(destinationKind)) +
      leaf('cMunFG', digitsOf(input.issuer.address?.cityCode, 'issuer.address.cityCode', [7], 'digits (IBGE code)')) +
      leaf('tpImp', input.model === 65 ? '4' : '1') +
      leaf('tpEmis', String(emissionType)) +
      leaf('cDV', key.slice(-1)) +
      leaf('tpAmb', String(input.environment)) +
      leaf('finNFe', '1') +
      leaf('indFinal', finalConsumer) +
      leaf('indPres', String(presence)) +
      leaf('indIntermed', indIntermed) +
      leaf('procEmi', '0') +
      leaf('verProc', layoutText(softwareVersion, 'softwareVersion', 1, 20)) +
      contingency,
  );
}

function checkHeader(input: NfeInput): number {
  if (!input || typeof input !== 'object') throw new FiscalDataError('input', 'the NF-e input is missing');
  if (input.model !== 55 && input.model !== 65) throw new FiscalDataError('model', `model must be 55 (NF-e) or 65 (NFC-e), got ${input.model}`);
  if (input.environment !== 1 && input.environment !== 2) throw new FiscalDataError('environment', `environment must be 1 (produção) or 2 (homologação), got ${input.environment}`);
  checkedDateTime(input.issuedAt, 'issuedAt');
  const emissionType = input.emissionType ?? 1;
  if (![1, 6, 7, 9].includes(emissionType)) throw new FiscalDataError('emissionType', `emissionType must be 1, 6, 7 or 9, got ${emissionType}`);
  if (emissionType === 9 && input.model !== 65) throw new FiscalDataError('emissionType', 'emissionType 9 (offline contingency) exists only for the NFC-e (model 65)');
  if ((emissionType === 6 || emissionType === 7) && input.model !== 55) throw new FiscalDataError('emissionType', 'emissionType 6/7 (SVC) exists only for the NF-e (model 55)');
  if (![0, 1, 2, 3, 4, 9].includes(input.freightMode)) throw new FiscalDataError('freightMode', `freightMode (modFrete) must be 0, 1, 2, 3, 4 or 9, got ${input.freightMode}`);
  if (!input.issuer) throw new FiscalDataError('issuer', 'issuer is required');
  if (input.model === 55 && !input.recipient) throw new FiscalDataError('recipient', 'an NF-e (model 55) needs a recipient');
  if (!Array.isArray(input.items) || input.items.length === 0) throw new FiscalDataError('items', 'items: an NF-e needs at least one item');
  if (input.items.length > 990) throw new FiscalDataError('items', `an NF-e has at most 990 items, got ${input.items.length}`);
  return emissionType;
}

function optionalGroups(input: NfeInput): string {
  const intermediary = input.intermediary
    ? element(
        'infIntermed',
        leaf('CNPJ', checkedCnpj(input.intermediary.cnpj, 'intermediary.cnpj')) + leaf('idCadIntTran', layoutText(input.intermediary.orderId, 'intermediary.orderId', 2, 60)),
      )
    : '';
  const additional = input.additionalInfo ? element('infAdic', leaf('infCpl', layoutText(input.additionalInfo, 'additionalInfo', 1, 5000))) : '';
  const tech = input.technicalResponsible;
  let responsible = '';
  if (tech) {
    const email = String(tech.email ?? '').trim();
    if (!/^\S+@\S+$/.test(email) || email.length < 6 || email.length > 60) {
      throw new FiscalDataError('technicalResponsible.email', `technicalResponsible.email must be one address of 6 to 60 characters, got "${tech.email}"`);
    }
    responsible = element(
      'infRespTec',
      leaf('CNPJ', checkedCnpj(tech.cnpj, 'technicalResponsible.cnpj')) +
        leaf('xContato', layoutText(tech.contact, 'technicalResponsible.contact', 2, 60)) +
        leaf('email', email) +
        leaf('fone', phone(tech.phone, 'technicalResponsible.phone')),
    );
  }
  return intermediary + additional + responsible;
}

/** Builds the unsigned document; throws `FiscalDataError` naming the first field at fault. */
export function buildNfe(input: NfeInput, options: BuildOptions = {}): BuiltNfe {
  const emissionType = checkHeader(input);
  const series = input.series;
  if (!Number.isInteger(series) || series < 0 || series > 999) throw new FiscalDataError('series', `series must be a whole number from 0 to 999, got ${series}`);
  const number = input.number;
  if (!Number.isInteger(number) || number < 1 || number > 999_999_999) throw new FiscalDataError('number', `number must be a whole number from 1 to 999999999, got ${number}`);
  let cnf = input.cnf;
  if (cnf === undefined) cnf = drawCnf(number, options.random);
  else if (!isValidCnf(cnf, number)) {
    throw new FiscalDataError('cnf', `cnf must be 8 digits, differ from the number and not be a repeated or ascending sequence (NT 2019.001); got "${cnf}"`);
  }
  const issuerCnpj = checkedCnpj(input.issuer.cnpj, 'issuer.cnpj');
  const accessKey = buildAccessKey({
    uf: ufCode(String(input.issuer.address?.uf ?? '').toUpperCase(), 'issuer.address.uf'),
    yearMonth: input.issuedAt.slice(2, 4) + input.issuedAt.slice(5, 7),
    issuerDocument: issuerCnpj,
    model: input.model,
    series,
    number,
    emissionType,
    cnf,
  });

  const kind = destinationKind(input);
  const items = input.items.map((source, i) => item(source, i, input, kind));
  const sums: Sums = { products: 0n, discount: 0n, freight: 0n, icmsBase: 0n, icms: 0n, pis: 0n, cofins: 0n };
  for (const built of items) for (const name of Object.keys(sums) as Array<keyof Sums>) sums[name] += built[name];
  const invoiceTotal = sums.products - sums.discount + sums.freight;

  const infNFe =
    ide(input, accessKey, cnf, emissionType, kind, options.softwareVersion ?? DEFAULT_SOFTWARE_VERSION) +
    emit(input.issuer) +
    (input.recipient ? dest(input.recipient, input) : '') +
    items.map((built) => built.xml).join('') +
    total(sums, invoiceTotal) +
    element('transp', leaf('modFrete', String(input.freightMode))) +
    pag(input.payments, invoiceTotal) +
    optionalGroups(input);

  const xml = element('NFe', element('infNFe', infNFe, { Id: `NFe${accessKey}`, versao: NFE_LAYOUT_VERSION }), { xmlns: NFE_NAMESPACE });
  return {
    xml,
    accessKey,
    cnf,
    totals: {
      products: centsToNumber(sums.products),
      discount: centsToNumber(sums.discount),
      freight: centsToNumber(sums.freight),
      icmsBase: centsToNumber(sums.icmsBase),
      icms: centsToNumber(sums.icms),
      pis: centsToNumber(sums.pis),
      cofins: centsToNumber(sums.cofins),
      total: centsToNumber(invoiceTotal),
    },
  };
}
