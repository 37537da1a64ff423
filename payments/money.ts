/**
 * Amounts in reais as they come from an ERP record (`"833.33"`, `833.33`, `1500`) to whole cents
 * and back, without floating-point rounding in between. BR Codes carry reais with two decimals
 * (`"10.50"`); boletos carry cents (ten digits).
 */
import { PaymentDataError } from './errors';

/** Whole cents of an amount in reais: a number or a string with a dot and at most 2 decimals. */
export function amountToCents(value: string | number, field = 'amount'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new PaymentDataError(field, `${field} must be a positive number of reais, got ${value}`);
    const cents = Math.round(value * 100);
    if (Math.abs(value * 100 - cents) > 1e-6) throw new PaymentDataError(field, `${field} has more than 2 decimal places: ${value}`);
    if (!Number.isSafeInteger(cents)) throw new PaymentDataError(field, `${field} is too large: ${value}`);
    return cents;
  }
  if (typeof value !== 'string') throw new PaymentDataError(field, `${field} must be a number or a string such as "10.50"`);
  const text = value.trim();
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    const hint = /^\d+,\d{1,2}$/.test(text) ? ' (use a dot for the decimals: "10.50")' : '';
    throw new PaymentDataError(field, `${field} must be reais with at most 2 decimals, like "10.50"; got "${value}"${hint}`);
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new PaymentDataError(field, `${field} is too large: ${value}`);
  return cents;
}

/** `"833.33"` from 83333. */
export function formatCents(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
