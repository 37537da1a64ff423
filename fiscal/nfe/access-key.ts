/**
 * The NF-e / NFC-e access key ("chave de acesso"): 44 characters that name one document for good.
 *
 *   positions  length  field
 *   1–2        2       cUF: IBGE code of the issuer's UF (35 SP)
 *   3–6        4       AAMM of dhEmi
 *   7–20       14      issuer CNPJ (a CPF left-padded with zeros)
 *   21–22      2       mod: 55 NF-e, 65 NFC-e
 *   23–25      3       série
 *   26–34      9       nNF
 *   35         1       tpEmis
 *   36–43      8       cNF: a code the issuer draws so keys cannot be guessed
 *   44         1       cDV: mod 11 over the 43 before it
 *
 * The check digit (MOC 7.0 §2.2.6.2): weights 2..9 cycling from the right, dv = 11 − (sum mod 11),
 * 0 when that gives 10 or 11. Characters count as their code minus 48, which is the digit for a
 * digit and what NT 2025.001 (alphanumeric CNPJ) prescribes for letters, so one function serves both.
 */
import { randomInt } from 'node:crypto';
import { FiscalDataError } from '../errors';

/** IBGE codes of the UFs (the key's and ide/cUF's first field). */
export const UF_CODES: Readonly<Record<string, string>> = {
  RO: '11', AC: '12', AM: '13', RR: '14', PA: '15', AP: '16', TO: '17',
  MA: '21', PI: '22', CE: '23', RN: '24', PB: '25', PE: '26', AL: '27', SE: '28', BA: '29',
  MG: '31', ES: '32', RJ: '33', SP: '35',
  PR: '41', SC: '42', RS: '43',
  MS: '50', MT: '51', GO: '52', DF: '53',
};

export interface AccessKeyFields {
  /** The issuer's UF: its abbreviation ("SP") or IBGE code ("35"). */
  uf: string;
  /** Year and month of issue, "AAMM" (2604 for April 2026). */
  yearMonth: string;
  /** Issuer CNPJ (14 characters) or CPF (11 digits, padded to 14). */
  issuerDocument: string;
  model: 55 | 65;
  series: number;
  number: number;
  /** tpEmis, 1–9. */
  emissionType: number;
  /** 8 digits. */
  cnf: string;
}

export interface ParsedAccessKey {
  key: string;
  /** IBGE code, e.g. "35". */
  ufCode: string;
  /** Abbreviation, e.g. "SP"; undefined for a code no UF has. */
  uf?: string;
  yearMonth: string;
  issuerDocument: string;
  model: number;
  series: number;
  number: number;
  emissionType: number;
  cnf: string;
  checkDigit: number;
}

const KEY_SHAPE = /^\d{6}[0-9A-Z]{14}\d{24}$/;

/** The check digit of the first 43 characters of a key. */
export function accessKeyCheckDigit(first43: string): number {
  if (!/^[0-9A-Z]{43}$/.test(first43)) throw new FiscalDataError('accessKey', `the key's first 43 characters must be digits (or CNPJ letters), got "${first43}"`);
  let sum = 0;
  let weight = 2;
  for (let i = first43.length - 1; i >= 0; i--) {
    sum += (first43.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const digit = 11 - (sum % 11);
  return digit > 9 ? 0 : digit;
}

/** The IBGE code of a UF given as "SP" or "35". */
export function ufCode(uf: string, field = 'uf'): string {
  const code = /^\d{2}$/.test(uf) ? uf : UF_CODES[uf?.toUpperCase?.()];
  if (!code || !Object.values(UF_CODES).includes(code)) throw new FiscalDataError(field, `${field} must be a Brazilian UF (e.g. "SP"), got "${uf}"`);
  return code;
}

// NT 2019.001 refuses cNF values anyone could guess: one digit repeated, or a run of the
// ascending sequence 0123456789 (wrapping), as sped-common's Keys::cNFIsValid lists them.
const FORBIDDEN_CNF = new Set([
  ...Array.from({ length: 10 }, (_, d) => String(d).repeat(8)),
  ...Array.from({ length: 10 }, (_, start) => Array.from({ length: 8 }, (_, i) => (start + i) % 10).join('')),
]);

/** Whether `cnf` may be used: 8 digits, not a forbidden sequence, and not the document number itself. */
export function isValidCnf(cnf: string, documentNumber?: number): boolean {
  if (!/^\d{8}$/.test(cnf) || FORBIDDEN_CNF.has(cnf)) return false;
  return documentNumber === undefined || Number(cnf) !== documentNumber;
}

/** A fresh cNF for document `documentNumber`, from a CSPRNG: the key's unguessable part. */
export function drawCnf(documentNumber: number, random: (max: number) => number = randomInt): string {
  for (;;) {
    const cnf = String(random(100_000_000)).padStart(8, '0');
    if (isValidCnf(cnf, documentNumber)) return cnf;
  }
}

function fieldNumber(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new FiscalDataError(field, `${field} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** The 44-character key, check digit included. */
export function buildAccessKey(fields: AccessKeyFields): string {
  const uf = ufCode(fields.uf);
  if (!/^\d{2}(0[1-9]|1[0-2])$/.test(fields.yearMonth)) throw new FiscalDataError('yearMonth', `yearMonth must be AAMM, got "${fields.yearMonth}"`);
  const document = fields.issuerDocument.replace(/[\s./-]/g, '').toUpperCase();
  if (!/^(\d{11}|[0-9A-Z]{12}\d{2})$/.test(document)) {
    throw new FiscalDataError('issuerDocument', `issuerDocument must be a CNPJ (14) or CPF (11), got "${fields.issuerDocument}"`);
  }
  if (fields.model !== 55 && fields.model !== 65) throw new FiscalDataError('model', `model must be 55 or 65, got ${fields.model}`);
  const series = fieldNumber(fields.series, 'series', 0, 999);
  const number = fieldNumber(fields.number, 'number', 1, 999_999_999);
  const emissionType = fieldNumber(fields.emissionType, 'emissionType', 1, 9);
  if (!/^\d{8}$/.test(fields.cnf)) throw new FiscalDataError('cnf', `cnf must have 8 digits, got "${fields.cnf}"`);
  const first43 =
    uf +
    fields.yearMonth +
    document.padStart(14, '0') +
    String(fields.model) +
    String(series).padStart(3, '0') +
    String(number).padStart(9, '0') +
    String(emissionType) +
    fields.cnf;
  return first43 + String(accessKeyCheckDigit(first43));
}

/** Whether `key` has the key's shape and a matching check digit. */
export function isValidAccessKey(key: string): boolean {
  return typeof key === 'string' && KEY_SHAPE.test(key) && accessKeyCheckDigit(key.slice(0, 43)) === Number(key[43]);
}

/** The fields of a key; throws when its shape or check digit is wrong. Accepts "NFe…" ids too. */
export function parseAccessKey(input: string): ParsedAccessKey {
  const key = typeof input === 'string' ? input.replace(/^NFe/, '').replace(/\s/g, '') : '';
  if (!KEY_SHAPE.test(key)) throw new FiscalDataError('accessKey', `an access key has 44 digits, got "${input}"`);
  const checkDigit = accessKeyCheckDigit(key.slice(0, 43));
  if (checkDigit !== Number(key[43])) {
    throw new FiscalDataError('accessKey', `the access key's check digit is ${key[43]} but its first 43 digits give ${checkDigit}: "${key}"`);
  }
  const ufCodeValue = key.slice(0, 2);
  return {
    key,
    ufCode: ufCodeValue,
    uf: Object.keys(UF_CODES).find((uf) => UF_CODES[uf] === ufCodeValue),
    yearMonth: key.slice(2, 6),
    issuerDocument: key.slice(6, 20),
    model: Number(key.slice(20, 22)),
    series: Number(key.slice(22, 25)),
    number: Number(key.slice(25, 34)),
    emissionType: Number(key[34]),
    cnf: key.slice(35, 43),
    checkDigit,
  };
}
