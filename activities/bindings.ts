/**
 * Activities over bindings: whole-catalogue reads for discovery by SKU and for orphan
 * reconciliation. They keep ids and SKUs only (never the records), beat while reading, and
 * write once at the end, so a retried attempt repeats nothing.
 */
import { cancellation, heartbeat } from './context';
import { AuthError } from '../connectors/http/errors';
import type { PacerRegistry } from '../connectors/http/pacing';
import { openConnection, readerFor } from '../connectors/runtime';
import type { ConnectionContext, EntityName, EntityReader } from '../connectors/types';
import { boundIds, type DiscoveryReport, failDiscovery, finishDiscovery, getDiscoveryRow, saveDiscoveryProgress } from '../server/bindings/discovery';
import { bindingsToCheck, deleteGuard, finishReconciliation, getReconciliation, GRACE_MS, markOrphans, reconciliationMessage } from '../server/bindings/reconcile';
import { type KeyAndSku, matchBySku } from '../server/bindings/sku-match';
import { refreshConnectionTokens } from '../server/connections/oauth';
import { loadOpenableConnection } from '../server/connections/store';
import type { Db } from '../server/db/client';
import type { SecretBox } from '../server/secrets/crypto';
import type { DiscoveryInput, ReconciliationInput } from '../workflows/bindings';
import { markConnectionFailing } from './connection-failures';
import { translatingFailures } from './failures';

export interface BindingActivityDeps {
  db: Db;
  box: SecretBox;
  pacers: PacerRegistry;
  /** Where people open Ponte: links in alert messages. */
  publicUrl?: string;
}

/** Each read asks for this many records per call; the reader may return more (whole provider pages). */
const READ_BATCH = 500;
/** How often the discovery's progress is written for people watching it. */
const PROGRESS_EVERY_MS = 5_000;

/** Every record's id and SKU, page after page, with no `since`: a full read. */
async function readAllKeys(ctx: ConnectionContext, reader: EntityReader, onPage: (count: number) => void): Promise<KeyAndSku[]> {
  const out: KeyAndSku[] = [];
  let cursor: string | null = null;
  do {
    const batch = await reader.read(ctx, { cursor, since: null, batchSize: READ_BATCH });
    for (const r of batch.records) out.push({ id: r.key, sku: r.sku });
    cursor = batch.nextCursor;
    onPage(out.length);
  } while (cursor !== null);
  return out;
}

export function createBindingActivities(deps: BindingActivityDeps) {
  const { db, box, pacers } = deps;

  const openStored = (tenantId: string, connectionId: string) =>
    loadOpenableConnection(db, box, tenantId, connectionId, {
      refreshTokens: (id, stale) => refreshConnectionTokens(db, box, tenantId, id, stale),
      onAuthFailure: (id, reason) => markAuthFailure(tenantId, id, reason),
    });
  const markAuthFailure = (tenantId: string, id: string, reason: string): Promise<void> => markConnectionFailing({ db, pacers, openStored, publicUrl: deps.publicUrl }, tenantId, id, reason);

  /** Opens a stored connection as runs do: tokens refreshed and stored, a refusal puts it in error. */
  async function open(tenantId: string, connectionId: string, entity: string, signal?: AbortSignal) {
    const { connector, ctx } = openConnection(await openStored(tenantId, connectionId), pacers, signal);
    return { connector, ctx, reader: readerFor(connector, entity as EntityName) };
  }

  /** A full read with heartbeats, also while a paced provider makes the reader wait between pages. */
  async function readSide(tenantId: string, connectionId: string, entity: string, onPage: (count: number) => void) {
    const { connector, ctx, reader } = await open(tenantId, connectionId, entity, cancellation());
    try {
      return { connector, keys: await readAllKeys(ctx, reader, onPage) };
    } catch (err) {
      // Connectors that do not speak HTTP (a database) report refused credentials the same way.
      if (err instanceof AuthError) await markAuthFailure(tenantId, connectionId, err.message).catch(() => {});
      throw err;
    }
  }

  return translatingFailures({
    /** Reads both sides, pairs unbound records by SKU and stores the report; writes no binding. */
    async discoverBySku(input: DiscoveryInput) {
      const row = await getDiscoveryRow(db, input.tenantId, input.discoveryId);
      if (row.status !== 'running') return { discoveryId: row.id, status: row.status };
      const started = Date.now();
      const progress = { source: 0, target: 0 };
      let lastSaved = Date.now();
      const beat = setInterval(() => heartbeat(progress), 5_000);
      const onPage = (side: 'source' | 'target') => (n: number) => {
        progress[side] = n;
        heartbeat(progress);
        if (Date.now() - lastSaved > PROGRESS_EVERY_MS) {
          lastSaved = Date.now();
          void saveDiscoveryProgress(db, input.tenantId, row.id, { ...progress }).catch(() => {});
        }
      };
      let source, target;
      try {
        // Two connections, two pacers: read both at once.
        [source, target] = await Promise.all([
          readSide(input.tenantId, row.sourceConnectionId, row.entity, onPage('source')),
          readSide(input.tenantId, row.connectionId, row.entity, onPage('target')),
        ]);
      } finally {
        clearInterval(beat);
      }
      // Bindings made while the sides were read count too: read them last.
      const bound = await boundIds(db, { tenantId: input.tenantId, sourceConnectionId: row.sourceConnectionId, connectionId: row.connectionId, entity: row.entity });
      const match = matchBySku(source.keys, target.keys, bound.internal, bound.external);
      const report: DiscoveryReport = { ...match, skuComparison: 'trimmed, case-sensitive', readMs: Date.now() - started };
      await finishDiscovery(db, input.tenantId, row.id, report);
      return { discoveryId: row.id, status: 'ready', matched: match.counts.matched, ambiguous: match.counts.ambiguous };
    },

    async failDiscovery(input: DiscoveryInput & { message: string }) {
      await failDiscovery(db, input.tenantId, input.discoveryId, input.message);
    },

    /**
     * Reads every id of the connection and marks the active bindings whose record is gone as
     * orphan — unless more than `max_share` of them are gone, which is a partial read until a
     * person says otherwise.
     */
    async reconcileIds(input: ReconciliationInput) {
      const row = await getReconciliation(db, input.tenantId, input.reconciliationId);
      if (row.status !== 'running') return { reconciliationId: row.id, status: row.status, marked: row.marked };
      const readStartedAt = new Date();
      const beat = setInterval(() => heartbeat(), 5_000);
      let side;
      try {
        side = await readSide(input.tenantId, row.connectionId, row.entity, (n) => heartbeat({ read: n }));
      } finally {
        clearInterval(beat);
      }
      const seen = new Set(side.keys.map((k) => k.id));
      const cutoff = new Date(readStartedAt.getTime() - GRACE_MS);
      const { checked, recent } = await bindingsToCheck(db, input.tenantId, row.connectionId, row.entity, cutoff);
      const boundIds = new Set(checked.map((c) => c.id));
      const missingIds = [...new Set(checked.filter((c) => !seen.has(c.ownId)).map((c) => c.id))];
      const decision = deleteGuard(boundIds.size, missingIds.length, row.maxShare);
      const marked = decision.blocked
        ? 0
        : await markOrphans(db, input.tenantId, missingIds, { connectionName: side.connector.name, connectionId: row.connectionId, reconciliationId: row.id, detectedAt: new Date(), cutoff });
      const message = reconciliationMessage({ connectionName: side.connector.name, entity: row.entity, decision, maxShare: row.maxShare, marked, recent });
      const status = decision.blocked ? 'blocked' : 'done';
      await finishReconciliation(db, input.tenantId, row.id, { status, message, bound: decision.bound, seen: seen.size, missing: decision.missing, marked });
      return { reconciliationId: row.id, status, marked };
    },

    async failReconciliation(input: ReconciliationInput & { message: string }) {
      await finishReconciliation(db, input.tenantId, input.reconciliationId, { status: 'error', message: input.message });
    },
  });
}

export type BindingActivities = ReturnType<typeof createBindingActivities>;
