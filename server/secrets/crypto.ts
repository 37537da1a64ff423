/**
 * Credentials at rest: AES-256-GCM under the instance key. The key comes from PONTE_SECRET_KEY
 * or a key file created on first start (mode 0600). A sealed check value tells at start whether
 * the key in use is the one the data was sealed with, so a wrong key fails loudly instead of
 * producing garbled credentials.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 'v1';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKeyMaterial(material: string): SecretBox {
    const trimmed = material.trim();
    // A 64-char hex or 44-char base64 value is used as the key itself; anything else is hashed.
    let key: Buffer;
    if (/^[0-9a-f]{64}$/i.test(trimmed)) key = Buffer.from(trimmed, 'hex');
    else if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) key = Buffer.from(trimmed, 'base64');
    else key = createHash('sha256').update(trimmed, 'utf8').digest();
    return new SecretBox(key);
  }

  /** The key from PONTE_SECRET_KEY, or the key file (created with a random key when absent). */
  static load(envKey: string | undefined, keyFile: string): { box: SecretBox; source: 'env' | 'file' | 'new-file' } {
    if (envKey) return { box: SecretBox.fromKeyMaterial(envKey), source: 'env' };
    if (existsSync(keyFile)) return { box: SecretBox.fromKeyMaterial(readFileSync(keyFile, 'utf8')), source: 'file' };
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    return { box: SecretBox.fromKeyMaterial(readFileSync(keyFile, 'utf8')), source: 'new-file' };
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  open<T = unknown>(sealed: string): T {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Sealed value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** Whether `sealed` was sealed with this key. */
  canOpen(sealed: string): boolean {
    try {
      this.open(sealed);
      return true;
    } catch {
      return false;
    }
  }
}

/** Shows the end of a secret so a person can recognise it, never the whole. */
export function maskSecret(value: string): string {
  if (!value) return '';
  const tail = value.length > 8 ? value.slice(-4) : '';
  return `••••${tail}`;
}
