/**
 * Webhook signature checks, written once: every provider signs the raw body with HMAC-SHA256
 * and differs only in the header, the key and the encoding (hex or base64). Comparisons are
 * constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: string, rawBody: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(rawBody, 'utf8').digest(encoding);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `signature` (as sent, after removing a known prefix such as `sha256=`) matches. */
export function verifyHmac(options: { key: string | undefined; rawBody: string; signature: string | undefined; encoding: 'hex' | 'base64'; prefix?: string }): boolean {
  const { key, rawBody, encoding, prefix = '' } = options;
  let signature = options.signature?.trim();
  if (!key || !signature) return false;
  if (prefix) {
    if (!signature.startsWith(prefix)) return false;
    signature = signature.slice(prefix.length);
  }
  const expected = hmacSha256(key, rawBody, encoding);
  return encoding === 'hex' ? safeEqual(expected.toLowerCase(), signature.toLowerCase()) : safeEqual(expected, signature);
}

/** A webhook's JSON object body, or null when it is not one (a provider's ping, a broken delivery). */
export function jsonObjectBody<T extends object>(rawBody: string): T | null {
  try {
    const body = JSON.parse(rawBody) as unknown;
    return body && typeof body === 'object' ? (body as T) : null;
  } catch {
    return null;
  }
}
