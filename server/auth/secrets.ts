/**
 * Bearer secrets (session cookies, API tokens, one-time links): 256 random bits, stored only as
 * SHA-256. A slow hash is not needed: they are not guessable like passwords are.
 */
import { createHash, randomBytes } from 'node:crypto';

export type SecretKind = 'session' | 'token' | 'link';
const PREFIX: Record<SecretKind, string> = { session: 'pss_', token: 'ptk_', link: 'pll_' };

export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function isSecretOf(kind: SecretKind, value: string): boolean {
  return value.startsWith(PREFIX[kind]) && value.length === PREFIX[kind].length + 43;
}
