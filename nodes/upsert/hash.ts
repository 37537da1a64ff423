import { createHash } from 'node:crypto';
import type { SyncRecord } from '../../connectors/types';
import { canonicalJson } from '../canonical-json';

/** What "the same content" means for skipping a write: SKU and mapped data, key order ignored. */
export function contentHash(record: Pick<SyncRecord, 'sku' | 'data'>): string {
  return createHash('sha256').update(canonicalJson({ sku: record.sku ?? null, data: record.data })).digest('base64url').slice(0, 32);
}
