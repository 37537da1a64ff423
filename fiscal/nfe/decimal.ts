/**
 * Exact decimal arithmetic for the NF-e's numbers. SEFAZ recomputes vProd = qCom × vUnCom and every
 * total from the items (rejections 532–535, 564, 629), so a binary-float rounding slip of one
 * cent is a rejected document. Values are held as bigint units of a fixed scale (cents are scale
 * 2, quantities 4, unit prices 10, rates 4) and rounded half-up only where the layout stores them.
 */
import { FiscalDataError } from '../errors';

/** The plain decimal text of a number, without exponent and without binary-float noise. */
function plainDecimal(value: number): string {
  // 15 significant digits is what a double holds exactly; more would print 0.1 + 0.2's noise.
  const [mantissa, exponentText] = value.toPrecision(15).split('e');
  let [whole, fraction = ''] = mantissa.replace('-', '').split('.');
  const exponent = Number(exponentText ?? 0);
  if (exponent > 0) {
    fraction = fraction.padEnd(exponent, '0');
    whole += fraction.slice(0, exponent);
    fraction = fraction.slice(exponent);
  } else if (exponent < 0) {
    fraction = '0'.repeat(-exponent - 1) + whole + fraction;
    whole = '0';
  }
  fraction = fraction.replace(/0+$/, '');
  return `${value < 0 ? '-' : ''}${whole.replace(/^0+(?=\d)/, '')}${fraction ? `.${fraction}` : ''}`;
}

/**
 * `value` as units of 10^-scale. Refuses negatives, non-numbers and more decimals than `scale`:
 * a quantity of 1.23456 cannot be written in qCom, and silently rounding it would change the sale.
 */
export function toUnits(value: number, scale: number, field: string, options: { allowZero?: boolean } = {}): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FiscalDataError(field, `${field} must be a number, got ${String(value)}`);
  if (value < 0) throw new FiscalDataError(field, `${field} cannot be negative, got ${value}`);
  if (value === 0 && options.allowZero === false) throw new FiscalDataError(field, `${field} must be greater than zero`);
  const text = plainDecimal(value);
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > scale) {
    throw new FiscalDataError(field, `${field} has more than ${scale} decimal places: ${text}`);
  }
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

/** numerator / denominator rounded half-up (both non-negative). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** Units of `fromScale` rounded half-up to `toScale` (toScale ≤ fromScale). */
export function rescale(units: bigint, fromScale: number, toScale: number): bigint {
  return divideRounded(units, 10n ** BigInt(fromScale - toScale));
}

/**
 * The text of `units` at `scale`, with at least `minDecimals` decimals and the zeros beyond them
 * dropped: unit prices may carry up to 10 decimals, but "10.00" reads better than "10.0000000000".
 */
export function formatUnits(units: bigint, scale: number, minDecimals = scale): string {
  const digits = units.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Cents as the layout's money text (TDec_1302): always two decimals. */
export function money(cents: bigint): string {
  return formatUnits(cents, 2);
}

/** Cents as a number of reais, for the totals callers read (exact for any real invoice). */
export function centsToNumber(cents: bigint): number {
  return Number(cents) / 100;
}
