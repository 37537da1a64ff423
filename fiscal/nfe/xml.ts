/**
 * Writing the NF-e's XML by hand: a fixed element order is the whole point of the layout
 * (the XSD is all xs:sequence), the output must be minified (whitespace inside infNFe is signed
 * and SEFAZ answers 297/298 to any difference), and there are no attributes but a few fixed ones.
 * A general XML builder would add nothing but a way to get the order wrong.
 */
import { FiscalDataError } from '../errors';

/**
 * Escapes text content the way XML canonicalization (C14N) writes it: &, < and > only. Quotes stay
 * as they are, so the infNFe we write is already its own canonical form and what is signed is
 * byte for byte what is sent.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

/** Escapes text for any place in a document, text or attribute (SOAP envelopes, SEFAZ replies). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Escapes an attribute value (C14N's set for attributes: &, <, " and the whitespace controls). */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c] as string);
}

/** `<name attrs>children</name>`, children already XML. */
export function element(name: string, children: string, attributes: Record<string, string> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('');
  return `<${name}${attrs}>${children}</${name}>`;
}

/** A leaf with escaped text; nothing at all when the value is absent (an optional element). */
export function leaf(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeText(value)}</${name}>`;
}

// Typographic characters ERPs copy from word processors, outside the layout's Latin-1 range.
const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201C': '"', '\u201D': '"', '\u201E': '"',
  '\u2013': '-', '\u2014': '-', '\u2022': '-', '\u2026': '...', '\u20AC': 'EUR',
};

/**
 * Free text as the layout's TString accepts it: Latin-1 printable characters ([!-ÿ] with inner
 * spaces), no leading, trailing or repeated whitespace, between `min` and `max` characters.
 * Accents stay (they are in range); line breaks become spaces; anything else out of range is
 * refused with the field named, rather than left for SEFAZ to reject with a schema error.
 */
export function layoutText(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new FiscalDataError(field, `${field} must be text`);
  const text = value
    .normalize('NFC')
    .replace(/[^\u0000-\u00FF]/gu, (c) => REPLACEMENTS[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
  const bad = /[^\x20-\x7E\u00A1-\u00FF]/u.exec(text);
  if (bad) throw new FiscalDataError(field, `${field} has a character the NF-e layout does not accept: "${bad[0]}"`);
  if (text.length < min) {
    throw new FiscalDataError(field, min === 1 ? `${field} is empty` : `${field} must have at least ${min} characters, got "${text}"`);
  }
  if (text.length > max) throw new FiscalDataError(field, `${field} must have at most ${max} characters, got ${text.length}`);
  return text;
}

/** Only the digits of a masked number ("12.345.678/0001-95" → "12345678000195"), checked for length. */
export function digitsOf(value: unknown, field: string, lengths: number[], label = 'digits'): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new FiscalDataError(field, `${field} is missing`);
  const digits = String(value).replace(/[\s./-]/g, '');
  if (!/^\d+$/.test(digits) || !lengths.includes(digits.length)) {
    throw new FiscalDataError(field, `${field} must have ${lengths.join(' or ')} ${label}, got "${value}"`);
  }
  return digits;
}

/** A whole number in [min, max], or a FiscalDataError naming the field. */
export function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FiscalDataError(field, `${field} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** The current date and time in Brasília (UTC-3 all year since 2019), with its offset, as the layouts write it. */
export function brasiliaDateTime(at: Date = new Date()): string {
  return `${new Date(at.getTime() - 3 * 3_600_000).toISOString().slice(0, 19)}-03:00`;
}
