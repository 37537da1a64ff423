/**
 * Brazilian tax ids as Bling checks them: a contact's CPF (11 digits) or CNPJ (14 digits) must
 * carry valid check digits. Generators give tests and seeds valid numbers.
 */

export function digitsOnly(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D+/g, '') : '';
}

function mod11(digits: number[], weights: number[]): number {
  const sum = digits.reduce((acc, d, i) => acc + d * weights[i], 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

export function isValidCpf(value: unknown): boolean {
  const s = digitsOnly(value);
  if (s.length !== 11 || /^(\d)\1{10}$/.test(s)) return false;
  const d = [...s].map(Number);
  const first = mod11(d.slice(0, 9), [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11(d.slice(0, 10), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return d[9] === first && d[10] === second;
}

const CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidCnpj(value: unknown): boolean {
  const s = digitsOnly(value);
  if (s.length !== 14 || /^(\d)\1{13}$/.test(s)) return false;
  const d = [...s].map(Number);
  return d[12] === mod11(d.slice(0, 12), CNPJ_W1) && d[13] === mod11(d.slice(0, 13), CNPJ_W2);
}

/** The i-th valid CPF of a deterministic sequence (digits only). */
export function cpfAt(i: number): string {
  const base = [...String(100_000_000 + (i % 800_000_000)).padStart(9, '0').slice(-9)].map(Number);
  const first = mod11(base, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11([...base, first], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return [...base, first, second].join('');
}

/** The i-th valid CNPJ (headquarters, branch 0001) of a deterministic sequence. */
export function cnpjAt(i: number): string {
  const base = [...`${String(10_000_000 + (i % 80_000_000)).slice(-8)}0001`].map(Number);
  const first = mod11(base, CNPJ_W1);
  const second = mod11([...base, first], CNPJ_W2);
  return [...base, first, second].join('');
}
