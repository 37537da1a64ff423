/**
 * Upsert one page of records into the target connection.
 *
 * Nothing lost, nothing doubled:
 * - a record whose mapped content equals what was last pushed is skipped;
 * - before a create is sent, a `pending` binding is committed; a later attempt that finds it
 *   looks the record up by SKU at the target instead of creating it again;
 * - an update first reads the target (when a field is not owned by the source) and flags a
 *   conflict instead of overwriting a change made there since the last sync;
 * - outcomes and bindings of finished records are committed even when the page fails midway,
 *   and a retried page reuses them instead of writing again.
 */
import { ConfigError, ConnectorError, type HintCode, hintOf, messageOfError, NotFound } from '../../connectors/http/errors';
import type { RecordMessage } from '../../connectors/localized';
import { withInlineRetry } from '../../connectors/http/retry';
import { connectorFor, openConnection, writerFor } from '../../connectors/runtime';
import type { EntityName, SyncRecord, WriteInput } from '../../connectors/types';
import { type Binding, type BindingScope, type BindingWrite, bindingsByExternalId, claimForCreate, loadBindings, markBindings, saveActiveBindings } from '../../server/bindings/store';
import { getConnection } from '../../server/connections/store';
import type { Db } from '../../server/db/client';
import type { BindingConflict } from '../../server/db/schema';
import { insertOutcomes, priorOutcomes } from '../../server/runs/log';
import type { EffectExecutor, OutcomeRow } from '../executor';
import { type DependencySpec, DependencyMissing, dependencyResolver } from './dependencies';
import { contentHash } from './hash';
import { UPSERT_MESSAGES } from './messages';
import type { FieldOwner, OwnershipContext } from './ownership';
import { needsTargetRead, threeWay } from './three-way';

export { contentHash } from './hash';

interface Decision {
  record: SyncRecord;
  hash: string;
  binding?: Binding;
  /** Set when this run holds the record for creation: fresh, or taking over a pending create. */
  claim?: 'fresh' | 'takeover';
}

type Mark = { internalId: string; status: 'conflict' | 'orphan'; conflict?: BindingConflict; notes?: string };
type Result = { outcome: OutcomeRow; bind?: BindingWrite; mark?: Mark };

export const upsertExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const entity = params.entity as EntityName;
    const matchBy = (params.matchBy as string) ?? 'binding';
    const concurrency = (params.concurrency as number) ?? 16;
    const dependencies = (params.dependencies as DependencySpec[] | undefined) ?? [];
    const scope: BindingScope = { tenantId: ctx.tenantId, connectionId: params.connectionId as string, sourceConnectionId: ctx.sourceConnectionId, entity };
    const conn = await ctx.loadConnection(scope.connectionId);
    const { connector, ctx: cctx } = openConnection(conn, ctx.pacers, ctx.signal);
    const writer = writerFor(connector, entity);
    const getTarget = connector.entities[entity]?.get;
    // Only the source's provider matters here (who owns which field): its row, no credentials opened.
    const source = await getConnection(ctx.db, ctx.tenantId, ctx.sourceConnectionId);
    const owners: OwnershipContext = {
      entity,
      sourceRole: source ? connectorFor(source.provider).role : 'other',
      targetRole: connector.role,
      overrides: params.owners as Record<string, FieldOwner> | undefined,
    };
    const checkConflicts = (params.conflicts ?? 'check') === 'check' && getTarget !== undefined;
    const resolveDependencies = dependencyResolver(ctx, connector, cctx, scope.connectionId);
    if (matchBy === 'field' && typeof params.externalIdField !== 'string') throw new ConfigError('Match by field needs "externalIdField": the field of the record holding the target id');

    const keys = records.map((r) => r.key);
    const prior = await priorOutcomes(ctx.db, ctx.runId, ctx.nodeId, keys);
    const todo = records.filter((r) => !prior.has(r.key));
    const existing = await loadBindings(ctx.db, scope, todo.map((r) => r.key));
    const decisions: Decision[] = todo.map((record) => ({ record, hash: contentHash(record), binding: existing.get(record.key) }));

    // The record's twin may be known from the other direction (a flow writing the opposite way).
    const unbound = decisions.filter((d) => !d.binding);
    const reverse = await bindingsByExternalId(ctx.db, { ...scope, connectionId: ctx.sourceConnectionId, sourceConnectionId: scope.connectionId }, unbound.map((d) => d.record.key));
    const twins = new Map([...reverse.values()].filter((b) => b.sourceConnectionId === scope.connectionId && b.status === 'active').map((b) => [b.externalId!, b.internalId]));

    // Claim what may need creating, committed before any create is sent.
    const toClaim = decisions.filter((d) => !d.binding || d.binding.status === 'pending');
    const claims = await claimForCreate(ctx.db, scope, ctx.runId, toClaim.map((d) => ({ internalId: d.record.key, sku: d.record.sku })));
    const lost = toClaim.filter((d) => !claims.has(d.record.key));
    const reloaded = await loadBindings(ctx.db, scope, lost.map((d) => d.record.key));
    for (const d of toClaim) {
      d.claim = claims.get(d.record.key);
      if (!d.claim) d.binding = reloaded.get(d.record.key);
    }

    const results = new Map<string, Result>();
    const processOne = async ({ record, hash, binding, claim }: Decision) => {
      const ok = (outcome: 'created' | 'updated' | 'skipped', externalId: string, pushed?: Record<string, unknown>) =>
        results.set(record.key, {
          // Written records keep their payload too: the export shows exactly what was sent.
          outcome: { recordKey: record.key, outcome, externalId, payload: pushed },
          bind: pushed ? { internalId: record.key, externalId, sku: record.sku, hashOut: hash, lastPushed: pushed, flowId: ctx.flowId } : undefined,
        });
      const fail = (outcome: 'conflict' | 'failed' | 'skipped', said: RecordMessage, extra: Partial<OutcomeRow> = {}, mark?: Mark) =>
        results.set(record.key, { outcome: { recordKey: record.key, outcome, ...said, ...extra }, mark });
      const prepare = async (data: Record<string, unknown>): Promise<WriteInput> => ({ data: dependencies.length ? await resolveDependencies(dependencies, data) : data, sku: record.sku });

      const update = async (externalId: string, base: Record<string, unknown> | null | undefined) => {
        let data = record.data;
        if (checkConflicts && base && needsTargetRead(Object.keys(data), owners)) {
          const current = await withInlineRetry(() => getTarget!(cctx, externalId), { signal: ctx.signal });
          if (!current) return orphaned(externalId);
          const target = Object.fromEntries(Object.keys(data).filter((f) => Object.hasOwn(current.data, f)).map((f) => [f, current.data[f]]));
          const { conflicts, merged } = threeWay(base, data, target, owners);
          if (conflicts.length) {
            const conflict: BindingConflict = { fields: conflicts, base, source: data, target, write: { data, sku: record.sku }, hash, runId: ctx.runId, detectedAt: new Date().toISOString() };
            return fail('conflict', UPSERT_MESSAGES.of('bothChanged', { fields: conflicts.join(', ') }), { externalId, ...hintOf('Conflict'), payload: { source: data, target } }, { internalId: record.key, status: 'conflict', conflict });
          }
          data = merged;
        }
        try {
          const input = await prepare(data);
          await withInlineRetry(() => writer.update(cctx, externalId, input), { signal: ctx.signal });
        } catch (err) {
          if (err instanceof NotFound) return orphaned(externalId);
          throw err;
        }
        return ok('updated', externalId, data);
      };
      const orphaned = (externalId: string) =>
        fail('conflict', UPSERT_MESSAGES.of('orphaned', { connector: connector.name, externalId }), { externalId, ...hintOf('NotFound') }, {
          internalId: record.key,
          status: 'orphan',
          notes: `Deleted at ${connector.name}: found missing by run ${ctx.runId} on ${new Date().toISOString()}`,
        });

      if (!claim && binding?.status === 'active' && binding.externalId) {
        if (binding.hashOut === hash) return ok('skipped', binding.externalId);
        return update(binding.externalId, binding.lastPushed);
      }
      if (!claim && binding?.status === 'pending') return fail('skipped', UPSERT_MESSAGES.of('claimedByAnotherRun', { runId: binding.claimedBy }));
      if (!claim) {
        const status = binding?.status ?? 'missing';
        return fail('conflict', UPSERT_MESSAGES.of('mappingMarked', { status }), { externalId: binding?.externalId, ...hintOf('MappingNotFound') });
      }
      // Claimed: never created, or a create whose answer was lost (takeover).
      const twin = twins.get(record.key);
      if (twin) return update(twin, null);
      if (matchBy === 'id') return update(record.key, null);
      if (matchBy === 'field') {
        const id = fieldAt(record.data, params.externalIdField as string);
        if (id !== undefined && id !== null && id !== '') return update(String(id), null);
      }
      if ((claim === 'takeover' || matchBy === 'sku') && record.sku && writer.findBySku) {
        const found = await withInlineRetry(() => writer.findBySku!(cctx, record.sku!), { signal: ctx.signal });
        if (found) {
          // A lost create that did land was sent with this very content.
          if (claim === 'takeover') return ok('created', found, record.data);
          return update(found, null);
        }
      } else if (claim === 'takeover') {
        return fail('conflict', UPSERT_MESSAGES.of('takeoverWithoutSku', { connector: connector.name }), { ...hintOf('Conflict'), payload: record.data });
      }
      const input = await prepare(record.data);
      const { externalId } = await withInlineRetry(() => writer.create(cctx, input), { signal: ctx.signal });
      return ok('created', externalId, record.data);
    };

    let fatal: unknown;
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, decisions.length) }, async () => {
      while (fatal === undefined && next < decisions.length) {
        const decision = decisions[next++];
        try {
          await processOne(decision);
        } catch (err) {
          const failed = (errorKind: HintCode, said: Pick<OutcomeRow, 'message' | 'messageCode' | 'messageParams'>) =>
            results.set(decision.record.key, { outcome: { recordKey: decision.record.key, outcome: 'failed', errorKind, ...said, ...hintOf(errorKind), payload: decision.record.data } });
          if (err instanceof ConnectorError && !err.failsRun) failed(err.kind, messageOfError(err));
          else if (err instanceof DependencyMissing) failed('MappingNotFound', err.said);
          else fatal ??= err;
        }
        ctx.heartbeat();
      }
    });
    await Promise.all(workers);

    await refuseDoubleBindings(ctx.db, scope, results);
    const done = [...results.values()];
    const persist = async (tx: Db) => {
      await saveActiveBindings(tx, scope, done.flatMap((r) => (r.bind ? [r.bind] : [])));
      await markBindings(tx, scope, done.flatMap((r) => (r.mark ? [r.mark] : [])));
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
      return o.externalId && o.outcome !== 'conflict' && o.outcome !== 'failed' ? [{ ...r, data: { ...r.data, externalId: o.externalId } }] : [];
    });
    return { outcomes, output, commit: persist };
  },
};

function fieldAt(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);
}

/** An external record already twinned with another internal one is a conflict, not a second binding. */
async function refuseDoubleBindings(db: Db, scope: BindingScope, results: Map<string, Result>) {
  const binds = [...results.values()].flatMap((r) => (r.bind ? [r.bind] : []));
  const taken = await bindingsByExternalId(db, scope, binds.map((b) => b.externalId));
  const seen = new Map<string, string>();
  for (const b of binds) {
    const holder = taken.get(b.externalId);
    const heldElsewhere = holder && (holder.internalId !== b.internalId || holder.sourceConnectionId !== scope.sourceConnectionId);
    const owner = heldElsewhere ? holder.internalId : seen.get(b.externalId);
    if (heldElsewhere || (owner && owner !== b.internalId)) {
      results.set(b.internalId, {
        outcome: {
          recordKey: b.internalId,
          outcome: 'conflict',
          externalId: b.externalId,
          ...UPSERT_MESSAGES.of('externalTaken', { externalId: b.externalId, owner: String(owner), sku: b.sku ?? null }),
          ...hintOf('Conflict'),
        },
      });
    } else seen.set(b.externalId, b.internalId);
  }
}
