/**
 * The bank boleto ("boleto de cobrança") as FEBRABAN lays it out: the 44-digit barcode and the
 * 47-digit digitable line ("linha digitável") people type, in both directions.
 *
 * Barcode (positions 1-based):
 *   1–3   bank code (COMPE), e.g. 077 Banco Inter
 *   4     currency: 9 = real (0 = other currency)
 *   5     general check digit: mod 11 over the other 43 digits (below)
 *   6–9   due-date factor (see due-date-factor.ts; 0000 = no due date)
 *   10–19 amount in cents (0000000000 = the payer types it)
 *   20–44 free field ("campo livre"): 25 digits whose layout is the issuing bank's
 *
 * Digitable line: five fields, the first three with a mod-10 check digit each:
 *   field 1 (positions 1–10):  bank, currency, free field 1–5, check digit
 *   field 2 (positions 11–21): free field 6–15, check digit
 *   field 3 (positions 22–32): free field 16–25, check digit
 *   field 4 (position 33):     the barcode's general check digit
 *   field 5 (positions 34–47): due-date factor and amount
 * printed as "AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV".
 *
 * The free field is kept as the bank gives it (Banco Inter returns barcode and line when a
 * boleto is registered); no bank's internal layout is decoded here.
 * Lines starting with 8 are utility/tax slips ("arrecadação", 48 digits), a different layout.
 *
 * Pure: no I/O, no Node builtins.
 */
import { PaymentDataError } from '../errors';
import { amountToCents, formatCents } from '../money';
import { dueDateFactor, dueDateFromFactor } from './due-date-factor';

export interface BoletoInput {
  /** 3-digit bank code, e.g. "077" (Banco Inter). */
  bankCode: string;
  /** "9" (real, the default) or "0" (other currency). */
  currencyCode?: string;
  /** 'YYYY-MM-DD', or null for a boleto without due date (factor 0000). */
  dueDate: string | null;
  /** Reais with at most 2 decimals; 0 leaves the amount to the payer. At most 99,999,999.99. */
  amount: string | number;
  /** The bank's 25-digit free field. */
  freeField: string;
}

export interface ParsedBoleto {
  barcode: string;
  digitableLine: string;
  bankCode: string;
  currencyCode: string;
  checkDigit: number;
  dueDateFactor: number;
  /** Resolved from the factor nearest to the reference date; null when the factor is 0000. */
  dueDate: string | null;
  amountCents: number;
  amount: string;
  freeField: string;
}

export interface ParseOptions {
  /** The date the factor is resolved near (see due-date-factor.ts); default today in São Paulo. */
  referenceDate?: string;
}

const MAX_AMOUNT_CENTS = 9_999_999_999;

/** Mod 10 of the digitable line's fields: weights 2,1,2,… from the right, digits of products summed. */
export function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const product = Number(digits[i]) * weight;
    sum += product > 9 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

/** The barcode's general check digit over its 43 other digits: mod 11, weights 2..9 from the right; 0, 10 and 11 become 1. */
export function barcodeCheckDigit(digits43: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits43.length - 1; i >= 0; i--) {
    sum += Number(digits43[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const digit = 11 - (sum % 11);
  return digit === 0 || digit === 10 || digit === 11 ? 1 : digit;
}

/** The 44-digit barcode of a boleto. */
export function buildBoletoBarcode(input: BoletoInput): string {
  if (!input || typeof input !== 'object') throw new PaymentDataError('input', 'buildBoletoBarcode needs bankCode, dueDate, amount and freeField');
  if (typeof input.bankCode !== 'string' || !/^\d{3}$/.test(input.bankCode)) throw new PaymentDataError('bankCode', `bankCode is 3 digits, got "${String(input.bankCode)}"`);
  const currency = input.currencyCode ?? '9';
  if (currency !== '9' && currency !== '0') throw new PaymentDataError('currencyCode', `currencyCode is 9 (real) or 0 (other currency), got "${currency}"`);
  if (typeof input.freeField !== 'string' || !/^\d{25}$/.test(input.freeField)) {
    throw new PaymentDataError('freeField', `freeField is the bank's 25 digits, got "${String(input.freeField)}"`);
  }
  const factor = dueDateFactor(input.dueDate, 'dueDate');
  const cents = amountToCents(input.amount, 'amount');
  if (cents > MAX_AMOUNT_CENTS) throw new PaymentDataError('amount', `amount ${input.amount} does not fit the barcode's 10 digits (at most 99999999.99)`);
  const rest = String(factor).padStart(4, '0') + String(cents).padStart(10, '0') + input.freeField;
  const head = input.bankCode + currency;
  return head + barcodeCheckDigit(head + rest) + rest;
}

/** Reads and checks a 44-digit barcode (spaces and dots are ignored). */
export function parseBoletoBarcode(barcode: string, options: ParseOptions = {}): ParsedBoleto {
  return describe(checkedBarcode(barcode), options);
}

/** The digitable line (47 digits, unformatted) of a 44-digit barcode, which is checked first. */
export function barcodeToDigitableLine(barcode: string): string {
  return lineOf(checkedBarcode(barcode));
}

/** The 44-digit barcode of a digitable line, after checking its four check digits. */
export function digitableLineToBarcode(line: string): string {
  const digits = onlyDigits(line, 'digitableLine', 47);
  const fields: Array<[name: string, body: string, dv: string, positions: string]> = [
    ['field1', digits.slice(0, 9), digits[9], '1–10'],
    ['field2', digits.slice(10, 20), digits[20], '11–21'],
    ['field3', digits.slice(21, 31), digits[31], '22–32'],
  ];
  fields.forEach(([name, body, dv, positions], i) => {
    const expected = mod10(body);
    if (Number(dv) !== expected) {
      throw new PaymentDataError(`digitableLine.${name}`, `Digitable line field ${i + 1} (positions ${positions}) has check digit ${dv}, expected ${expected}: that field is mistyped`);
    }
  });
  const barcode = digits.slice(0, 4) + digits[32] + digits.slice(33) + digits.slice(4, 9) + digits.slice(10, 20) + digits.slice(21, 31);
  const expected = barcodeCheckDigit(barcode.slice(0, 4) + barcode.slice(5));
  if (Number(digits[32]) !== expected) {
    throw new PaymentDataError(
      'digitableLine.field4',
      `Digitable line field 4 (position 33, the general check digit) is ${digits[32]}, expected ${expected}: field 5 (due-date factor and amount) or field 4 is mistyped`,
    );
  }
  return barcode;
}

/** Reads and checks a digitable line (spaces and dots are ignored). */
export function parseDigitableLine(line: string, options: ParseOptions = {}): ParsedBoleto {
  return describe(digitableLineToBarcode(line), options);
}

/** "07790.00116 12064.449908 08159.365561 7 90020000015130" from the 47 digits. */
export function formatDigitableLine(line: string): string {
  const d = onlyDigits(line, 'digitableLine', 47);
  return `${d.slice(0, 5)}.${d.slice(5, 10)} ${d.slice(10, 15)}.${d.slice(15, 21)} ${d.slice(21, 26)}.${d.slice(26, 32)} ${d[32]} ${d.slice(33)}`;
}

function checkedBarcode(barcode: string): string {
  const digits = onlyDigits(barcode, 'barcode', 44);
  const expected = barcodeCheckDigit(digits.slice(0, 4) + digits.slice(5));
  if (Number(digits[4]) !== expected) {
    throw new PaymentDataError('barcode.checkDigit', `Barcode general check digit (position 5) is ${digits[4]}, expected ${expected}: the barcode is mistyped or altered`);
  }
  return digits;
}

function lineOf(barcode: string): string {
  const field1 = barcode.slice(0, 4) + barcode.slice(19, 24);
  const field2 = barcode.slice(24, 34);
  const field3 = barcode.slice(34, 44);
  return field1 + mod10(field1) + field2 + mod10(field2) + field3 + mod10(field3) + barcode[4] + barcode.slice(5, 19);
}

function describe(barcode: string, options: ParseOptions): ParsedBoleto {
  const factor = Number(barcode.slice(5, 9));
  const cents = Number(barcode.slice(9, 19));
  return {
    barcode,
    digitableLine: lineOf(barcode),
    bankCode: barcode.slice(0, 3),
    currencyCode: barcode[3],
    checkDigit: Number(barcode[4]),
    dueDateFactor: factor,
    dueDate: dueDateFromFactor(factor, options.referenceDate, 'dueDateFactor'),
    amountCents: cents,
    amount: formatCents(cents),
    freeField: barcode.slice(19),
  };
}

function onlyDigits(value: string, field: string, length: number): string {
  if (typeof value !== 'string') throw new PaymentDataError(field, `${field} must be text`);
  const stripped = value.replace(/[\s.-]/g, '');
  if (!/^\d*$/.test(stripped)) throw new PaymentDataError(field, `${field} has characters other than digits: "${value}"`);
  if (stripped.startsWith('8')) {
    throw new PaymentDataError(field, `${field} starts with 8: a utility or tax slip (arrecadação), whose layout differs from a bank boleto's; not supported`);
  }
  if (stripped.length !== length) {
    const what = field === 'barcode' ? 'A boleto barcode' : 'A boleto digitable line';
    const other = field === 'barcode' && stripped.length === 47 ? ' (47 digits is a digitable line)' : field !== 'barcode' && stripped.length === 44 ? ' (44 digits is a barcode)' : '';
    throw new PaymentDataError(field, `${what} has ${length} digits, got ${stripped.length}${other}`);
  }
  return stripped;
}
