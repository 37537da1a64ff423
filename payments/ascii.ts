/**
 * Text for payment codes read by every bank's app: plain printable ASCII. BACEN's manual asks
 * for the merchant name and city without accents (and the EMV length counts characters, while
 * the CRC runs over bytes — a "ç" would make them disagree), so accents are dropped
 * ("São Paulo" → "Sao Paulo") rather than refused.
 */
import { PaymentDataError } from './errors';

// Typographic punctuation an ERP's text often carries, and letters NFD does not decompose.
const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201C': '"', '\u201D': '"', '\u201E': '"',
  '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00A0': ' ', '\u00BA': 'o', '\u00AA': 'a',
  '\u00DF': 'ss', '\u00C6': 'AE', '\u00E6': 'ae', '\u00D8': 'O', '\u00F8': 'o', '\u0152': 'OE', '\u0153': 'oe',
};

/** The value without accents, typographic punctuation or repeated spaces; refuses what has no ASCII form. */
export function toAsciiText(value: string, field: string): string {
  if (typeof value !== 'string') throw new PaymentDataError(field, `${field} must be text`);
  const ascii = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x00-\x7F]/g, (c) => REPLACEMENTS[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
  const bad = /[^\x20-\x7E]/.exec(ascii);
  if (bad) throw new PaymentDataError(field, `${field} has a character with no plain-ASCII form: "${bad[0]}" in "${value}"`);
  return ascii;
}
