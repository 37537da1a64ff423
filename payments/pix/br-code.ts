/**
 * The Pix BR Code ("Pix copia e cola"): the text behind a Pix QR code, built and read as BACEN's
 * "Manual de Padrões para Iniciação do Pix" defines it on top of EMV® QRCPS Merchant-Presented
 * Mode. Every field is ID (2 digits) + length (2 digits, in characters) + value; templates (26,
 * 62, 80) hold fields of their own. Field order follows the manual's examples:
 *
 *   00 payload format indicator "01"
 *   01 point of initiation: "11" reusable, "12" single use (static codes may omit it)
 *   26 merchant account information: 00 GUI "br.gov.bcb.pix", then 01 the Pix key and
 *      optionally 02 a description (static), or 25 the PSP's location URL (dynamic, no scheme)
 *   52 merchant category code ("0000" when not informed)
 *   53 currency "986" (BRL)
 *   54 amount, optional, reais with 2 decimals ("10.50")
 *   58 country "BR"
 *   59 merchant name, at most 25 characters
 *   60 merchant city, at most 15 characters
 *   61 postal code, optional
 *   62 additional data: 05 txid (static: up to 25 of [A-Za-z0-9]; "***" when none or dynamic)
 *   80 optional: GUI "br.gov.bcb.pix" + 25 the URL of a Pix Automático recurrence (composite
 *      codes, as in the manual's composite example and BACEN's API Pix 2.9.0 examples)
 *   63 CRC16 (CCITT-FALSE) over everything before it including "6304", 4 uppercase hex digits
 *
 * Pure: no I/O, no Node builtins.
 */
import { toAsciiText } from '../ascii';
import { PaymentDataError } from '../errors';
import { amountToCents, formatCents } from '../money';
import { crc16CcittFalse } from './crc16';
import { MAX_PIX_KEY_LENGTH, normalizePixKey, pixKeyType, type PixKeyType } from './pix-key';

export const PIX_GUI = 'br.gov.bcb.pix';
export const NO_TXID = '***';
export const MAX_MERCHANT_NAME = 25;
export const MAX_MERCHANT_CITY = 15;
export const MAX_STATIC_TXID = 25;

export type PointOfInitiation = 'reusable' | 'single-use';

export interface BrCodeInput {
  /** Static code: the receiver's Pix key (CPF, CNPJ, +55 phone, e-mail or EVP). Exactly one of key/url. */
  key?: string;
  /** Dynamic code: the location of a charge at the PSP (API Pix `loc.location`), without "https://". */
  url?: string;
  /** Static only: free text shown to the payer (26-02). */
  description?: string;
  /** Receiver's name; accents are dropped; at most 25 characters. */
  merchantName: string;
  /** Receiver's city; accents are dropped; at most 15 characters. */
  merchantCity: string;
  /** Static only: reais, > 0, at most 2 decimals ("10.50" or 10.5). Omit to let the payer type it. */
  amount?: string | number;
  /** Static only: the reference the payment is reconciled by; up to 25 of [A-Za-z0-9]. Default "***". */
  txid?: string;
  /** Receiver's CEP, 8 digits (a hyphen is accepted). */
  postalCode?: string;
  /** ISO 18245 merchant category code; default "0000" (not informed). */
  merchantCategoryCode?: string;
  /** Field 01. Default: omitted for a static code (as in BACEN's example), "single-use" for a dynamic one. */
  pointOfInitiation?: PointOfInitiation;
  /**
   * Pix Automático: the recurrence location (API Pix `locrec`, without "https://") a PSP returned,
   * written in field 80 after the payment data. Not needed for plain charges.
   */
  recurrenceUrl?: string;
  /** Cut name, city and description to their maximum instead of refusing them. */
  truncate?: boolean;
}

export interface BrCodeField {
  id: string;
  value: string;
}

export interface ParsedBrCode {
  payload: string;
  pointOfInitiation?: PointOfInitiation;
  /** True when the code points at a charge at a PSP (26-25) rather than carrying a key. */
  dynamic: boolean;
  /** 26-00 as written (BACEN's examples use lower case; readers compare case-insensitively). */
  gui: string;
  key?: string;
  /** The key's type when the key is in DICT form; undefined for a key no rule recognises. */
  keyType?: PixKeyType;
  description?: string;
  url?: string;
  merchantCategoryCode: string;
  currency: string;
  amount?: string;
  amountCents?: number;
  countryCode: string;
  merchantName: string;
  merchantCity: string;
  postalCode?: string;
  /** 62-05; "***" when the code carries none. */
  txid: string;
  /** Field 80 with GUI br.gov.bcb.pix (Pix Automático, as in BACEN's API Pix 2.9.0 examples): its URL. */
  recurrenceUrl?: string;
  crc: string;
  /** Every top-level field, in order, including ones this module does not interpret. */
  fields: BrCodeField[];
}

/** One EMV field: ID, 2-digit length, value. */
export function emvField(id: string, value: string): string {
  if (value.length > 99) throw new PaymentDataError(`field${id}`, `BR Code field ${id} would be ${value.length} characters long; the maximum is 99`);
  return id + String(value.length).padStart(2, '0') + value;
}

/** The BR Code ("Pix copia e cola") for a static key or a dynamic charge location. */
export function buildBrCode(input: BrCodeInput): string {
  if (!input || typeof input !== 'object') throw new PaymentDataError('input', 'buildBrCode needs an object with key or url, merchantName and merchantCity');
  const hasKey = input.key !== undefined && input.key !== '';
  const hasUrl = input.url !== undefined && input.url !== '';
  if (hasKey === hasUrl) {
    throw new PaymentDataError(hasKey ? 'url' : 'key', 'Give either key (a static code) or url (the location of a dynamic charge), not both and not neither');
  }
  const truncate = input.truncate === true;

  let account = emvField('00', PIX_GUI);
  if (hasKey) {
    const key = normalizePixKey(input.key as string, 'key');
    account += emvField('01', key.value);
    if (input.description !== undefined && input.description !== '') {
      // The whole template (GUI, key and description with their headers) fits in 99 characters.
      const room = 99 - account.length - 4;
      const description = fitText(input.description, 'description', room, truncate);
      if (description) account += emvField('02', description);
    }
  } else {
    if (input.description) throw new PaymentDataError('description', 'A dynamic code carries no description; the PSP shows the charge it points at');
    account += emvField('25', checkLocationUrl(input.url as string, 99 - account.length - 4, 'url'));
  }

  let amount: string | undefined;
  if (input.amount !== undefined && input.amount !== null && input.amount !== '') {
    if (hasUrl) throw new PaymentDataError('amount', 'A dynamic code carries no amount: the charge at the PSP location has it');
    const cents = amountToCents(input.amount, 'amount');
    if (cents <= 0) throw new PaymentDataError('amount', `amount must be greater than zero, got ${input.amount}`);
    amount = formatCents(cents);
    if (amount.length > 13) throw new PaymentDataError('amount', `amount ${amount} is longer than the 13 characters field 54 holds`);
  }

  let txid = NO_TXID;
  if (input.txid !== undefined && input.txid !== '' && input.txid !== NO_TXID) {
    if (hasUrl) throw new PaymentDataError('txid', 'A dynamic code carries txid "***": the charge at the PSP location has the txid');
    if (!/^[A-Za-z0-9]+$/.test(input.txid)) throw new PaymentDataError('txid', `txid may contain only letters and digits (A-Z, a-z, 0-9), got "${input.txid}"`);
    if (input.txid.length > MAX_STATIC_TXID) throw new PaymentDataError('txid', `txid has at most ${MAX_STATIC_TXID} characters in a static code, "${input.txid}" has ${input.txid.length}`);
    txid = input.txid;
  }

  const name = fitText(input.merchantName, 'merchantName', MAX_MERCHANT_NAME, truncate);
  if (!name) throw new PaymentDataError('merchantName', 'merchantName is required');
  const city = fitText(input.merchantCity, 'merchantCity', MAX_MERCHANT_CITY, truncate);
  if (!city) throw new PaymentDataError('merchantCity', 'merchantCity is required');

  const mcc = input.merchantCategoryCode ?? '0000';
  if (!/^\d{4}$/.test(mcc)) throw new PaymentDataError('merchantCategoryCode', `merchantCategoryCode is 4 digits, got "${mcc}"`);

  let postalCode: string | undefined;
  if (input.postalCode !== undefined && input.postalCode !== '') {
    if (!/^\d{5}-?\d{3}$/.test(input.postalCode.trim())) throw new PaymentDataError('postalCode', `postalCode is a CEP of 8 digits, got "${input.postalCode}"`);
    postalCode = input.postalCode.trim().replace('-', '');
  }

  const initiation = input.pointOfInitiation ?? (hasUrl ? 'single-use' : undefined);
  if (initiation !== undefined && initiation !== 'reusable' && initiation !== 'single-use') {
    throw new PaymentDataError('pointOfInitiation', `pointOfInitiation is "reusable" or "single-use", got "${String(initiation)}"`);
  }

  let payload = emvField('00', '01');
  if (initiation) payload += emvField('01', initiation === 'reusable' ? '11' : '12');
  payload += emvField('26', account);
  payload += emvField('52', mcc);
  payload += emvField('53', '986');
  if (amount) payload += emvField('54', amount);
  payload += emvField('58', 'BR');
  payload += emvField('59', name);
  payload += emvField('60', city);
  if (postalCode) payload += emvField('61', postalCode);
  payload += emvField('62', emvField('05', txid));
  if (input.recurrenceUrl !== undefined && input.recurrenceUrl !== '') {
    const recurrence = emvField('00', PIX_GUI);
    payload += emvField('80', recurrence + emvField('25', checkLocationUrl(input.recurrenceUrl, 99 - recurrence.length - 4, 'recurrenceUrl')));
  }
  payload += '6304';
  return payload + crc16CcittFalse(payload);
}

/**
 * Reads a BR Code: checks the TLV structure, the CRC (field 63, last) and the fields a Pix code
 * must have, and returns them. Throws `PaymentDataError` naming what is wrong. Keys are returned
 * as written; `keyType` says whether they are in DICT form.
 */
export function parseBrCode(payload: string): ParsedBrCode {
  if (typeof payload !== 'string' || payload.trim() === '') throw new PaymentDataError('payload', 'A BR Code is required');
  const text = payload.trim();
  const fields = readFields(text, 'payload');

  const last = fields[fields.length - 1];
  if (!last || last.id !== '63') throw new PaymentDataError('crc', 'A BR Code ends with field 63 (CRC16); this one does not');
  if (!/^[0-9A-Fa-f]{4}$/.test(last.value)) throw new PaymentDataError('crc', `Field 63 holds 4 hex digits, got "${last.value}"`);
  const expected = crc16CcittFalse(text.slice(0, -4));
  if (expected !== last.value.toUpperCase()) {
    throw new PaymentDataError('crc', `CRC mismatch: the code says ${last.value}, its content gives ${expected} (altered or mistyped)`);
  }

  const byId = new Map<string, string>();
  for (const f of fields) {
    if (byId.has(f.id)) throw new PaymentDataError(`field${f.id}`, `Field ${f.id} appears twice`);
    byId.set(f.id, f.value);
  }
  if (fields[0].id !== '00' || fields[0].value !== '01') throw new PaymentDataError('payloadFormatIndicator', 'A BR Code starts with 000201 (payload format indicator 01)');

  const required = (id: string, name: string) => {
    const value = byId.get(id);
    if (value === undefined || value === '') throw new PaymentDataError(name, `Field ${id} (${name}) is missing`);
    return value;
  };

  // Merchant account templates are IDs 26–51; the Pix one has GUI br.gov.bcb.pix.
  let account: Map<string, string> | undefined;
  for (const f of fields) {
    const n = Number(f.id);
    if (n < 26 || n > 51) continue;
    const sub = toMap(readFields(f.value, `field${f.id}`));
    if ((sub.get('00') ?? '').toLowerCase() === PIX_GUI) {
      account = sub;
      break;
    }
  }
  if (!account) throw new PaymentDataError('merchantAccount', 'No merchant account template (26–51) with GUI br.gov.bcb.pix: not a Pix BR Code');

  let recurrenceUrl: string | undefined;
  const unreserved = byId.get('80');
  if (unreserved !== undefined) {
    const sub = toMap(readFields(unreserved, 'field80'));
    if ((sub.get('00') ?? '').toLowerCase() === PIX_GUI) recurrenceUrl = sub.get('25');
  }

  const key = account.get('01');
  const url = account.get('25');
  if (key !== undefined && url !== undefined) throw new PaymentDataError('merchantAccount', 'The Pix template has both a key (01) and a URL (25)');
  // A Pix Automático-only code (BACEN's API Pix 2.9.0 example) has neither, only field 80.
  if (key === undefined && url === undefined && recurrenceUrl === undefined) {
    throw new PaymentDataError('merchantAccount', 'The Pix template has neither a key (01) nor a URL (25)');
  }
  if (key !== undefined && (key.length === 0 || key.length > MAX_PIX_KEY_LENGTH)) {
    throw new PaymentDataError('key', `A Pix key has 1 to ${MAX_PIX_KEY_LENGTH} characters, got ${key.length}`);
  }

  const initiationCode = byId.get('01');
  let pointOfInitiation: PointOfInitiation | undefined;
  if (initiationCode !== undefined) {
    if (initiationCode === '11') pointOfInitiation = 'reusable';
    else if (initiationCode === '12') pointOfInitiation = 'single-use';
    else throw new PaymentDataError('pointOfInitiation', `Field 01 is 11 or 12, got "${initiationCode}"`);
  }

  const currency = required('53', 'currency');
  if (currency !== '986') throw new PaymentDataError('currency', `Field 53 (currency) is 986 (BRL) in a Pix code, got "${currency}"`);

  let amountCents: number | undefined;
  const amount = byId.get('54');
  if (amount !== undefined) {
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) throw new PaymentDataError('amount', `Field 54 (amount) is a decimal with a dot, got "${amount}"`);
    amountCents = amountToCents(amount, 'amount');
  }

  const additional = required('62', 'additionalData');
  const txid = toMap(readFields(additional, 'field62')).get('05');
  if (txid === undefined || txid === '') throw new PaymentDataError('txid', 'Field 62 has no 05 (txid); a Pix code carries "***" when it has none');

  return {
    payload: text,
    pointOfInitiation,
    dynamic: url !== undefined,
    gui: account.get('00') as string,
    key,
    keyType: key === undefined ? undefined : pixKeyType(key),
    description: account.get('02'),
    url,
    merchantCategoryCode: required('52', 'merchantCategoryCode'),
    currency,
    amount,
    amountCents,
    countryCode: required('58', 'countryCode'),
    merchantName: required('59', 'merchantName'),
    merchantCity: required('60', 'merchantCity'),
    postalCode: byId.get('61'),
    txid,
    recurrenceUrl,
    crc: last.value.toUpperCase(),
    fields,
  };
}

/** Whether `payload` is a well-formed Pix BR Code with a matching CRC. */
export function isValidBrCode(payload: string): boolean {
  try {
    parseBrCode(payload);
    return true;
  } catch {
    return false;
  }
}

function readFields(text: string, where: string): BrCodeField[] {
  const fields: BrCodeField[] = [];
  let at = 0;
  while (at < text.length) {
    const header = text.slice(at, at + 4);
    if (!/^\d{4}$/.test(header)) {
      throw new PaymentDataError(where, `Malformed BR Code at character ${at + 1}${where === 'payload' ? '' : ` of ${where}`}: expected a 2-digit ID and a 2-digit length, got "${header}"`);
    }
    const id = header.slice(0, 2);
    const length = Number(header.slice(2));
    const value = text.slice(at + 4, at + 4 + length);
    if (value.length !== length) {
      throw new PaymentDataError(where, `Field ${id}${where === 'payload' ? '' : ` in ${where}`} says ${length} characters but only ${value.length} follow`);
    }
    fields.push({ id, value });
    at += 4 + length;
  }
  return fields;
}

function toMap(fields: BrCodeField[]): Map<string, string> {
  return new Map(fields.map((f) => [f.id, f.value]));
}

function fitText(value: string, field: string, max: number, truncate: boolean): string {
  if (value === undefined || value === null) return '';
  const ascii = toAsciiText(value, field);
  if (ascii.length <= max) return ascii;
  if (truncate) return ascii.slice(0, max).trimEnd();
  throw new PaymentDataError(field, `${field} has at most ${max} characters in a BR Code; "${ascii}" has ${ascii.length} (shorten it, or build with truncate: true)`);
}

function checkLocationUrl(url: string, max: number, field: string): string {
  const value = typeof url === 'string' ? url.trim() : '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new PaymentDataError(field, `${field} is written without the scheme (BACEN: "pix.example.com/qr/v2/…", no https://), got "${url}"`);
  }
  if (!/^[\x21-\x7E]+$/.test(value) || !value.includes('/')) {
    throw new PaymentDataError(field, `${field} is a PSP location such as pix.example.com/qr/v2/…, in plain ASCII without spaces; got "${url}"`);
  }
  if (value.length > max) throw new PaymentDataError(field, `${field} has at most ${max} characters, "${value}" has ${value.length}`);
  return value;
}
