/**
 * Loop prevention for two-way syncs. When flow A writes a record to connection C and flow B
 * reads C, B would see A's write as a change and send it back. A record B reads is Ponte's own
 * echo when C holds it through a binding (C is that binding's target) and every field A pushed
 * still has the value A pushed. The first time, its full content hash is remembered on the
 * binding (`hash_in`); afterwards only an equal hash is an echo, so a later change to any field
 * — pushed or not — goes through. A new push by A clears the remembered hash.
 *
 * Limit: a change made at C to a field A does not push, between A's write and B's first read,
 * is taken for the echo; it is picked up at its next change.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RecordMessage } from '../../connectors/localized';
import type { SyncRecord } from '../../connectors/types';
import { canonicalJson } from '../../nodes/canonical-json';
import type { Db } from '../db/client';
import { bindings } from '../db/schema';
import { BINDING_MESSAGES } from './messages';

const rawHash = (data: unknown) => createHash('sha256').update(canonicalJson(data)).digest('base64url').slice(0, 32);
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** A record skipped as an echo: its key and the message for its log. */
export interface Echo extends RecordMessage {
  key: string;
}

/** Splits records read from a connection into real changes and echoes of Ponte's own writes. */
export async function separateEchoes(db: Db, tenantId: string, connectionId: string, entity: string, records: SyncRecord[]): Promise<{ changes: SyncRecord[]; echoes: Echo[] }> {
  if (!records.length) return { changes: records, echoes: [] };
  const rows = await db
    .select({ id: bindings.id, externalId: bindings.externalId, lastPushed: bindings.lastPushed, hashIn: bindings.hashIn, lastSyncedAt: bindings.lastSyncedAt })
    .from(bindings)
    .where(and(eq(bindings.tenantId, tenantId), eq(bindings.connectionId, connectionId), eq(bindings.entity, entity), eq(bindings.status, 'active'), inArray(bindings.externalId, records.map((r) => r.key))));
  if (!rows.length) return { changes: records, echoes: [] };
  const byKey = new Map(rows.map((r) => [r.externalId!, r]));
  const changes: SyncRecord[] = [];
  const echoes: Echo[] = [];
  const remember: Array<{ id: number; hash: string }> = [];
  for (const record of records) {
    const b = byKey.get(record.key);
    const pushed = b?.lastPushed;
    if (!b || !pushed) {
      changes.push(record);
      continue;
    }
    const hash = rawHash(record.data);
    const isEcho = b.hashIn ? b.hashIn === hash : Object.entries(pushed).every(([f, v]) => same(record.data[f], v));
    if (!isEcho) {
      changes.push(record);
      continue;
    }
    if (!b.hashIn) remember.push({ id: b.id, hash });
    echoes.push({ key: record.key, ...BINDING_MESSAGES.of('echo', { at: b.lastSyncedAt?.toISOString() ?? null }) });
  }
  for (const r of remember) await db.update(bindings).set({ hashIn: r.hash }).where(and(eq(bindings.id, r.id), sql`${bindings.hashIn} is null`));
  return { changes, echoes };
}
