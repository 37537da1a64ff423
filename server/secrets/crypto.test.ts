import { describe, expect, it } from 'vitest';
import { maskSecret, SecretBox } from './crypto';

describe('credentials at rest', () => {
  it('seals with AES-256-GCM and opens with the same key only', () => {
    const box = SecretBox.fromKeyMaterial('a'.repeat(64));
    const sealed = box.seal({ accessToken: 'APP_USR-123' });
    expect(sealed).not.toContain('APP_USR');
    expect(box.open(sealed)).toEqual({ accessToken: 'APP_USR-123' });
    expect(SecretBox.fromKeyMaterial('b'.repeat(64)).canOpen(sealed)).toBe(false);
  });

  it('detects tampering', () => {
    const box = SecretBox.fromKeyMaterial('passphrase');
    const [v, iv, tag, data] = box.seal('x').split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
  });

  it('masks all but the last four characters', () => {
    expect(maskSecret('APP_USR-123456789')).toBe('••••6789');
    expect(maskSecret('short')).toBe('••••');
  });
});
