/**
 * Upsert one page of records into the target connection.
 *
 * Nothing lost, nothing doubled:
 * - a record whose mapped content equals what was last pushed is skipped;
 * - before a create is sent, a `pending` binding is committed; a later attempt that finds it
 *   looks the record up by SKU at the target instead of creating it again;
 * - outcomes and bindings of finished records are committed even when the page fails midway,
 *   and a retried page reuses them instead of writing again.
 */
import { createHash } from 'node:crypto';
import { ConnectorError, hintFor } from '../../connectors/http/errors';
import { withInlineRetry } from '../../connectors/http/retry';
import { openConnection, writerFor } from '../../connectors/runtime';
import type { EntityName, SyncRecord } from '../../connectors/types';
import { type Binding, type BindingWrite, bindingsByExternalId, claimForCreate, loadBindings, saveActiveBindings } from '../../server/bindings/store';
import type { Db } from '../../server/db/client';
import { insertOutcomes, priorOutcomes } from '../../server/runs/log';
import { canonicalJson } from '../canonical-json';
import type { EffectExecutor, OutcomeRow } from '../executor';

export function contentHash(record: SyncRecord): string {
  return createHash('sha256').update(canonicalJson({ sku: record.sku ?? null, data: record.data })).digest('base64url').slice(0, 32);
}

interface Decision {
  record: SyncRecord;
  hash: string;
  binding?: Binding;
  /** Set when this run holds the record for creation: fresh, or taking over a pending create. */
  claim?: 'fresh' | 'takeover';
}

export const upsertExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const entity = params.entity as EntityName;
    const matchBy = (params.matchBy as string) ?? 'binding';
    const concurrency = (params.concurrency as number) ?? 16;
    const scope = { tenantId: ctx.tenantId, connectionId: params.connectionId as string, entity };
    const conn = await ctx.loadConnection(scope.connectionId);
    const { connector, ctx: cctx } = openConnection(conn, ctx.pacers, ctx.signal);
    const writer = writerFor(connector, entity);

    const keys = records.map((r) => r.key);
    const prior = await priorOutcomes(ctx.db, ctx.runId, ctx.nodeId, keys);
    const todo = records.filter((r) => !prior.has(r.key));
    const existing = await loadBindings(ctx.db, scope, todo.map((r) => r.key));
    const decisions: Decision[] = todo.map((record) => ({ record, hash: contentHash(record), binding: existing.get(record.key) }));

    // Claim what may need creating, committed before any create is sent.
    const toClaim = decisions.filter((d) => !d.binding || d.binding.status === 'pending');
    const claims = await claimForCreate(ctx.db, scope, ctx.runId, toClaim.map((d) => ({ internalId: d.record.key, sku: d.record.sku })));
    const lost = toClaim.filter((d) => !claims.has(d.record.key));
    const reloaded = await loadBindings(ctx.db, scope, lost.map((d) => d.record.key));
    for (const d of toClaim) {
      d.claim = claims.get(d.record.key);
      if (!d.claim) d.binding = reloaded.get(d.record.key);
    }

    const results = new Map<string, { outcome: OutcomeRow; bind?: BindingWrite }>();
    const processOne = async ({ record, hash, binding, claim }: Decision) => {
      const write = { data: record.data, sku: record.sku };
      const ok = (outcome: 'created' | 'updated' | 'skipped', externalId: string, bind: boolean) =>
        results.set(record.key, {
          outcome: { recordKey: record.key, outcome, externalId },
          bind: bind ? { internalId: record.key, externalId, sku: record.sku, hashOut: hash } : undefined,
        });

      if (!claim && binding?.status === 'active' && binding.externalId) {
        if (binding.hashOut === hash) return ok('skipped', binding.externalId, false);
        await withInlineRetry(() => writer.update(cctx, binding.externalId!, write), { signal: ctx.signal });
        return ok('updated', binding.externalId, true);
      }
      if (!claim && binding?.status === 'pending') {
        results.set(record.key, {
          outcome: { recordKey: record.key, outcome: 'skipped', message: `Another run (${binding.claimedBy}) is writing this record right now; see its log` },
        });
        return;
      }
      if (!claim) {
        const status = binding?.status ?? 'missing';
        results.set(record.key, {
          outcome: {
            recordKey: record.key,
            outcome: 'conflict',
            externalId: binding?.externalId,
            message: `The mapping of this record is marked ${status}; resolve it before it syncs again`,
            hint: hintFor('MappingNotFound'),
          },
        });
        return;
      }
      // Claimed: never created, or a create whose answer was lost (takeover).
      if ((claim === 'takeover' || matchBy === 'sku') && record.sku && writer.findBySku) {
        const found = await withInlineRetry(() => writer.findBySku!(cctx, record.sku!), { signal: ctx.signal });
        if (found) {
          // A lost create that did land was sent with this very content.
          if (claim === 'takeover') return ok('created', found, true);
          await withInlineRetry(() => writer.update(cctx, found, write), { signal: ctx.signal });
          return ok('updated', found, true);
        }
      } else if (claim === 'takeover') {
        results.set(record.key, {
          outcome: {
            recordKey: record.key,
            outcome: 'conflict',
            message: `An earlier attempt may have created this record at ${connector.name}, and it has no SKU to check. Look it up there and link it, then reprocess`,
            hint: hintFor('Conflict'),
            payload: record.data,
          },
        });
        return;
      }
      const { externalId } = await withInlineRetry(() => writer.create(cctx, write), { signal: ctx.signal });
      return ok('created', externalId, true);
    };

    let fatal: unknown;
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, decisions.length) }, async () => {
      while (fatal === undefined && next < decisions.length) {
        const decision = decisions[next++];
        try {
          await processOne(decision);
        } catch (err) {
          if (err instanceof ConnectorError && !err.failsRun) {
            results.set(decision.record.key, {
              outcome: { recordKey: decision.record.key, outcome: 'failed', errorKind: err.kind, message: err.message, hint: hintFor(err.kind), payload: decision.record.data },
            });
          } else {
            fatal ??= err;
          }
        }
        ctx.heartbeat();
      }
    });
    await Promise.all(workers);

    await refuseDoubleBindings(ctx.db, scope, results);
    const done = [...results.values()];
    const persist = async (tx: Db) => {
      await saveActiveBindings(tx, scope, done.flatMap((r) => (r.bind ? [r.bind] : [])));
    };

    if (fatal !== undefined) {
      // Keep what finished, so the retry neither loses nor repeats it; then let Temporal retry.
      await ctx.db.transaction(async (tx) => {
        await persist(tx as unknown as Db);
        await insertOutcomes(tx as unknown as Db, ctx.tenantId, ctx.runId, ctx.nodeId, done.map((r) => r.outcome));
      });
      throw fatal;
    }

    const outcomes = records.map((r) => prior.get(r.key) ?? results.get(r.key)!.outcome);
    const output = records.flatMap((r) => {
      const o = prior.get(r.key) ?? results.get(r.key)!.outcome;
      return o.externalId ? [{ ...r, data: { ...r.data, externalId: o.externalId } }] : [];
    });
    return { outcomes, output, commit: persist };
  },
};

/** An external record already twinned with another internal one is a conflict, not a second binding. */
async function refuseDoubleBindings(db: Db, scope: { tenantId: string; connectionId: string; entity: string }, results: Map<string, { outcome: OutcomeRow; bind?: BindingWrite }>) {
  const binds = [...results.values()].flatMap((r) => (r.bind ? [r.bind] : []));
  const taken = await bindingsByExternalId(db, scope, binds.map((b) => b.externalId));
  const seen = new Map<string, string>();
  for (const b of binds) {
    const owner = taken.get(b.externalId)?.internalId ?? seen.get(b.externalId);
    if (owner && owner !== b.internalId) {
      results.set(b.internalId, {
        outcome: {
          recordKey: b.internalId,
          outcome: 'conflict',
          externalId: b.externalId,
          message: `External record ${b.externalId} is already linked to ${owner}; two records share SKU ${b.sku ?? '?'}`,
          hint: hintFor('Conflict'),
        },
      });
    } else seen.set(b.externalId, b.internalId);
  }
}
