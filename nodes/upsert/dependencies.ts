/**
 * Dependencies first (OCA's `_import_dependencies`): an order points to a customer, so the
 * customer is bound — found by its binding, by document/SKU at the target, or created — before
 * the order is written. A dependency is created by one run only: it is claimed (a pending
 * binding committed before the create) exactly like a record; a run that finds another run
 * holding the claim waits for it by failing the page with a retryable error.
 */
import { ConfigError, Transient } from '../../connectors/http/errors';
import type { RecordMessage } from '../../connectors/localized';
import { withInlineRetry } from '../../connectors/http/retry';
import type { ConnectionContext, ConnectorDefinition, EntityName } from '../../connectors/types';
import { type BindingScope, bindingsByExternalId, claimForCreate, loadBindings, saveActiveBindings } from '../../server/bindings/store';
import type { EffectContext } from '../executor';
import { contentHash } from './hash';
import { UPSERT_MESSAGES } from './messages';

export interface DependencySpec {
  entity: EntityName;
  field: string;
  keyField?: string;
  skuField?: string;
  create?: boolean;
}

/** A dependency the record cannot have: fails that record (MappingNotFound), with a message from UPSERT_MESSAGES. */
export class DependencyMissing extends Error {
  constructor(readonly said: RecordMessage) {
    super(said.message);
  }
}

/** Resolves dependencies for one page; concurrent records sharing a dependency share one lookup. */
export function dependencyResolver(ctx: EffectContext, connector: ConnectorDefinition, cctx: ConnectionContext, targetConnectionId: string) {
  const inFlight = new Map<string, Promise<string>>();

  async function resolveOne(spec: DependencySpec, value: Record<string, unknown>): Promise<string> {
    const keyField = spec.keyField ?? 'id';
    const key = value[keyField];
    if (key === undefined || key === null || key === '') throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyWithoutKey', { entity: spec.entity, field: spec.field, keyField }));
    const scope: BindingScope = { tenantId: ctx.tenantId, connectionId: targetConnectionId, sourceConnectionId: ctx.sourceConnectionId, entity: spec.entity };
    const internalId = String(key);
    const bound = (await loadBindings(ctx.db, scope, [internalId])).get(internalId);
    if (bound?.status === 'active' && bound.externalId) return bound.externalId;
    if (bound && bound.status !== 'pending') throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyMappingMarked', { entity: spec.entity, id: internalId, status: bound.status }));
    // Known from the other direction: the ERP's product that a products flow listed on this channel.
    if (!bound) {
      const reverse = (await bindingsByExternalId(ctx.db, { ...scope, connectionId: ctx.sourceConnectionId, sourceConnectionId: targetConnectionId }, [internalId])).get(internalId);
      if (reverse?.status === 'active' && reverse.sourceConnectionId === targetConnectionId) return reverse.internalId;
    }

    const writer = connector.entities[spec.entity]?.write;
    const sku = spec.skuField && value[spec.skuField] != null ? String(value[spec.skuField]) : undefined;
    const data = Object.fromEntries(Object.entries(value).filter(([f]) => f !== keyField));
    const claim = (await claimForCreate(ctx.db, scope, ctx.runId, [{ internalId, sku }])).get(internalId);
    if (!claim) throw new Transient(`The ${spec.entity} ${internalId} is being created by another run right now; this page is retried after it`);

    let externalId: string | null = null;
    if (sku && writer?.findBySku) externalId = await withInlineRetry(() => writer.findBySku!(cctx, sku), { signal: ctx.signal });
    if (!externalId) {
      if (spec.create === false) throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyNotAtTarget', { entity: spec.entity, id: internalId, sku: sku ?? null, connector: connector.name }));
      if (!writer) throw new ConfigError(`${connector.name} cannot create ${spec.entity}`);
      if (claim === 'takeover' && !sku) throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyTakeoverWithoutDocument', { entity: spec.entity, id: internalId, connector: connector.name }));
      externalId = (await withInlineRetry(() => writer.create(cctx, { data, sku }), { signal: ctx.signal })).externalId;
    }
    // Committed now, like a remote create in OCA: the id must not be lost if the order fails next.
    await saveActiveBindings(ctx.db, scope, [{ internalId, externalId, sku, hashOut: contentHash({ sku, data }), lastPushed: data, flowId: ctx.flowId }]);
    return externalId;
  }

  /** One dependency object -> its id at the target; records of a page sharing it share one lookup. */
  function resolveValue(spec: DependencySpec, value: unknown, where: string): Promise<string> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyNotAnObject', { where, entity: spec.entity }));
    const v = value as Record<string, unknown>;
    const memo = `${spec.entity}:${String(v[spec.keyField ?? 'id'])}`;
    let pending = inFlight.get(memo);
    if (!pending) {
      pending = resolveOne(spec, v);
      inFlight.set(memo, pending);
      pending.catch(() => inFlight.delete(memo));
    }
    return pending;
  }

  /**
   * Returns the record's data with each dependency replaced by `{id: <target id>}`. A field
   * `list[].field` names one dependency per element (the product of each order line).
   */
  return async function resolve(specs: DependencySpec[], data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...data };
    for (const spec of specs) {
      const [listField, itemField] = spec.field.split('[].');
      const value = out[listField];
      if (value === undefined || value === null) continue;
      if (itemField === undefined) {
        out[spec.field] = { id: await resolveValue(spec, value, spec.field) };
        continue;
      }
      if (!Array.isArray(value)) throw new DependencyMissing(UPSERT_MESSAGES.of('dependencyNotAList', { listField, field: spec.field }));
      const lines: unknown[] = [];
      for (const [i, line] of value.entries()) {
        const dep = (line as Record<string, unknown> | null)?.[itemField];
        lines.push(dep === undefined || dep === null ? line : { ...(line as object), [itemField]: { id: await resolveValue(spec, dep, `${listField}[${i}].${itemField}`) } });
      }
      out[listField] = lines;
    }
    return out;
  };
}
