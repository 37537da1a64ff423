/**
 * Pix keys ("chaves") in the form the DICT stores them, which is the form a BR Code must carry
 * (BACEN, Manual de Padrões para Iniciação do Pix: the key in field 26-01 follows the DICT rules):
 *
 * - CPF: 11 digits; CNPJ: 14 characters (digits, or from July 2026 the alphanumeric CNPJ: 12
 *   characters 0-9/A-Z and 2 check digits), no punctuation;
 * - phone: E.164 with Brazil's +55, area code and number, e.g. +5511912345678;
 * - e-mail: lower case, at most 77 characters;
 * - EVP (random key): a UUID in lower case, e.g. 123e4567-e12b-12d1-a456-426655440000.
 *
 * `normalizePixKey` also accepts what people type (masked CPF/CNPJ, a phone with spaces or
 * brackets, an e-mail or UUID in capitals) and returns the DICT form; it refuses anything it
 * would have to guess, such as an 11-digit number that could be a CPF or a phone.
 */
import { PaymentDataError } from '../errors';

export type PixKeyType = 'cpf' | 'cnpj' | 'phone' | 'email' | 'evp';

export interface PixKey {
  type: PixKeyType;
  /** The key as the DICT stores it. */
  value: string;
}

export const MAX_PIX_KEY_LENGTH = 77;

const EMAIL = /^[a-z0-9.!#$&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// +55, a two-digit area code (11–99) and an 8- or 9-digit number.
const PHONE = /^\+55[1-9][0-9]\d{8,9}$/;

/** The key's type when it is already in DICT form (and its check digits hold), else undefined. */
export function pixKeyType(key: string): PixKeyType | undefined {
  if (/^\d{11}$/.test(key)) return isValidCpf(key) ? 'cpf' : undefined;
  if (/^[0-9A-Z]{12}\d{2}$/.test(key)) return isValidCnpj(key) ? 'cnpj' : undefined;
  if (PHONE.test(key)) return 'phone';
  if (key.length <= MAX_PIX_KEY_LENGTH && EMAIL.test(key)) return 'email';
  if (EVP.test(key)) return 'evp';
  return undefined;
}

/** The DICT form of a key as a person or an ERP wrote it; throws naming what is wrong. */
export function normalizePixKey(input: string, field = 'key'): PixKey {
  if (typeof input !== 'string' || input.trim() === '') throw new PaymentDataError(field, `${field}: a Pix key is required`);
  const raw = input.trim();

  if (raw.includes('@')) {
    const value = raw.toLowerCase();
    if (value.length > MAX_PIX_KEY_LENGTH) throw new PaymentDataError(field, `${field}: an e-mail key has at most ${MAX_PIX_KEY_LENGTH} characters, "${raw}" has ${value.length}`);
    if (!EMAIL.test(value)) throw new PaymentDataError(field, `${field}: "${raw}" is not a valid e-mail key`);
    return { type: 'email', value };
  }
  if (raw.startsWith('+')) {
    const value = raw.replace(/[\s().-]/g, '');
    if (!value.startsWith('+55')) throw new PaymentDataError(field, `${field}: a Pix phone key is a Brazilian number, +55 then area code and number; got "${raw}"`);
    if (!PHONE.test(value)) throw new PaymentDataError(field, `${field}: "${raw}" is not a phone key (+55, a 2-digit area code and an 8- or 9-digit number, e.g. +5511912345678)`);
    return { type: 'phone', value };
  }
  if (EVP.test(raw.toLowerCase())) return { type: 'evp', value: raw.toLowerCase() };

  if (/^\d{11}$/.test(raw) || /^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(raw)) {
    const value = raw.replace(/\D/g, '');
    if (!isValidCpf(value)) {
      throw new PaymentDataError(field, `${field}: "${raw}" is not a valid CPF (its check digits do not match); a phone key is written +55 with area code, e.g. +5511912345678`);
    }
    return { type: 'cpf', value };
  }
  const cnpj = raw.toUpperCase();
  if (/^[0-9A-Z]{12}\d{2}$/.test(cnpj) || /^[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-\d{2}$/.test(cnpj)) {
    const value = cnpj.replace(/[./-]/g, '');
    if (!isValidCnpj(value)) throw new PaymentDataError(field, `${field}: "${raw}" is not a valid CNPJ (its check digits do not match)`);
    return { type: 'cnpj', value };
  }
  throw new PaymentDataError(
    field,
    `${field}: "${raw}" is not a Pix key; expected a CPF (11 digits), a CNPJ (14), a phone (+55…), an e-mail or a random key (EVP, a UUID)`,
  );
}

/** CPF check digits (Receita Federal's mod 11); a CPF of one repeated digit is refused. */
export function isValidCpf(cpf: string): boolean {
  if (!/^\d{11}$/.test(cpf) || /^(\d)\1{10}$/.test(cpf)) return false;
  const digits = [...cpf].map(Number);
  const dv = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += digits[i] * (n + 1 - i);
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  return dv(9) === digits[9] && dv(10) === digits[10];
}

const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * CNPJ check digits: mod 11 with weights 5..2,9..2 (then 6..2,9..2). For the alphanumeric CNPJ
 * (Receita Federal, IN RFB 2.229/2024) each character counts as its ASCII code minus 48, which
 * leaves digits unchanged, so one rule covers both.
 */
export function isValidCnpj(cnpj: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(cnpj) || /^(\d)\1{13}$/.test(cnpj)) return false;
  const values = [...cnpj].map((c) => c.charCodeAt(0) - 48);
  const dv = (n: number) => {
    const weights = CNPJ_WEIGHTS.slice(CNPJ_WEIGHTS.length - n);
    const r = values.slice(0, n).reduce((sum, v, i) => sum + v * weights[i], 0) % 11;
    return r < 2 ? 0 : 11 - r;
  };
  return dv(12) === values[12] && dv(13) === values[13];
}
