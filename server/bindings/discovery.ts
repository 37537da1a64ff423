/**
 * "Descoberta": the lifecycle of a discovery row. The API starts one (a Temporal workflow reads
 * both sides: see activities/bindings.ts), people read its report, and confirming it binds the
 * matched pairs — nothing is written to bindings before that.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { connectorFor } from '../../connectors/runtime';
import type { EntityName } from '../../connectors/types';
import type { DiscoveryInput } from '../../workflows/bindings';
import { requireConnection, newId } from '../connections/store';
import { recordset } from '../db/bulk';
import { type Db, rowsOf } from '../db/client';
import { bindings, discoveries } from '../db/schema';
import { BadInput, ConflictError, NotFoundError } from '../errors';
import type { RunStarter } from '../runs/service';
import { SKU_MATCH_LISTS, type SkuMatchList, type SkuMatchReport } from './sku-match';

export type DiscoveryRow = typeof discoveries.$inferSelect;

/** What the report holds besides the match: where it came from, and the confirmation once made. */
export interface DiscoveryReport extends SkuMatchReport {
  skuComparison: 'trimmed, case-sensitive';
  readMs: number;
  confirmation?: { at: string; requested: number; bound: number; skipped: number };
}

/** While the sides are read: how far each one got. */
export interface DiscoveryProgress {
  progress: { source: number; target: number };
}

type WorkflowStarter = Pick<RunStarter, 'client' | 'taskQueue'>;

/** The connection must exist (404), be running (409) and its connector able to read the entity (400). */
export async function requireReadable(db: Db, tenantId: string, connectionId: string, entity: string, field: string) {
  const row = await requireConnection(db, tenantId, connectionId);
  const connector = connectorFor(row.provider);
  if (!connector.entities[entity as EntityName]?.read) {
    const readable = Object.entries(connector.entities)
      .filter(([, support]) => support?.read)
      .map(([name]) => name);
    throw new BadInput([{ field, message: `${connector.name} cannot read ${entity}; it reads ${readable.join(', ') || 'nothing'}` }]);
  }
  if (row.status === 'paused' || row.status === 'disabled') throw new ConflictError(`Connection "${row.name}" is ${row.status}; resume it first.`);
  return { row, connector };
}

export async function startDiscovery(db: Db, starter: WorkflowStarter, tenantId: string, input: { sourceConnectionId: string; connectionId: string; entity: string }) {
  if (input.sourceConnectionId === input.connectionId)
    throw new BadInput([{ field: 'connectionId', message: 'connectionId must differ from sourceConnectionId: discovery pairs the records of two connections' }]);
  await requireReadable(db, tenantId, input.sourceConnectionId, input.entity, 'sourceConnectionId');
  await requireReadable(db, tenantId, input.connectionId, input.entity, 'connectionId');
  const id = newId('disc');
  const [row] = await db.insert(discoveries).values({ id, tenantId, sourceConnectionId: input.sourceConnectionId, connectionId: input.connectionId, entity: input.entity, status: 'running' }).returning();
  const args: DiscoveryInput = { tenantId, discoveryId: id };
  try {
    await starter.client.workflow.start('bindingDiscovery', { taskQueue: starter.taskQueue, workflowId: `ponte-discovery-${id}`, args: [args], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      await failDiscovery(db, tenantId, id, `Could not start: ${(err as Error).message}`);
      throw err;
    }
  }
  return row;
}

export async function getDiscoveryRow(db: Db, tenantId: string, id: string): Promise<DiscoveryRow> {
  const [row] = await db.select().from(discoveries).where(and(eq(discoveries.tenantId, tenantId), eq(discoveries.id, id)));
  if (!row) throw new NotFoundError(`Discovery "${id}" not found`);
  return row;
}

/** The ids of this pair of connections and entity that a binding already holds, whatever its status. */
export async function boundIds(db: Db, scope: { tenantId: string; sourceConnectionId: string; connectionId: string; entity: string }) {
  const internal = await db
    .select({ id: bindings.internalId })
    .from(bindings)
    .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), eq(bindings.sourceConnectionId, scope.sourceConnectionId)));
  // The external side is unique per connection and entity, whichever source bound it.
  const external = await db
    .select({ id: bindings.externalId })
    .from(bindings)
    .where(and(eq(bindings.tenantId, scope.tenantId), eq(bindings.connectionId, scope.connectionId), eq(bindings.entity, scope.entity), isNotNull(bindings.externalId)));
  return { internal: new Set(internal.map((r) => r.id)), external: new Set(external.map((r) => r.id!)) };
}

export async function saveDiscoveryProgress(db: Db, tenantId: string, id: string, progress: DiscoveryProgress['progress']) {
  await db
    .update(discoveries)
    .set({ report: { progress } satisfies DiscoveryProgress })
    .where(and(eq(discoveries.tenantId, tenantId), eq(discoveries.id, id), eq(discoveries.status, 'running')));
}

/** Stores the report; false when the discovery had already finished (a retried activity). */
export async function finishDiscovery(db: Db, tenantId: string, id: string, report: DiscoveryReport): Promise<boolean> {
  const rows = await db
    .update(discoveries)
    .set({ status: 'ready', report, finishedAt: new Date() })
    .where(and(eq(discoveries.tenantId, tenantId), eq(discoveries.id, id), eq(discoveries.status, 'running')))
    .returning({ id: discoveries.id });
  return rows.length > 0;
}

export async function failDiscovery(db: Db, tenantId: string, id: string, message: string) {
  await db
    .update(discoveries)
    .set({ status: 'error', error: message, finishedAt: new Date() })
    .where(and(eq(discoveries.tenantId, tenantId), eq(discoveries.id, id), eq(discoveries.status, 'running')));
}

/** A slice of one of the report's lists, cut in the database: a report can hold 100,000 pairs. */
function listSlice(list: SkuMatchList, offset: number, limit: number) {
  const path = sql`d.report->'lists'->${list}::text`;
  return sql`coalesce((select jsonb_agg(e order by i) from (select e, i from jsonb_array_elements(${path}) with ordinality as t(e, i) order by i offset ${offset} limit ${limit}) s), '[]'::jsonb)`;
}

const listTotal = (list: SkuMatchList) => sql`coalesce(jsonb_array_length(d.report->'lists'->${list}::text), 0)`;

function publicDiscovery(row: DiscoveryRow) {
  const { tenantId: _t, report: _r, ...rest } = row;
  return rest;
}

/**
 * The discovery with its counts and the first `limit` entries of each list; `lists.<name>.truncated`
 * says more entries wait at `GET /api/discoveries/:id/lists/:name`.
 */
export async function getDiscovery(db: Db, tenantId: string, id: string, limit: number) {
  const row = await getDiscoveryRow(db, tenantId, id);
  if (row.status === 'running' || row.status === 'error' || !row.report) return { ...publicDiscovery(row), progress: (row.report as DiscoveryProgress | null)?.progress ?? null, report: null };
  const columns = SKU_MATCH_LISTS.map((list) => sql`${listSlice(list, 0, limit)} as ${sql.identifier(`${list}_items`)}, ${listTotal(list)} as ${sql.identifier(`${list}_total`)}`);
  const [summary] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select d.report - 'lists' as summary, ${sql.join(columns, sql`, `)} from discoveries d where d.tenant_id = ${tenantId} and d.id = ${id}`),
  );
  const lists: Record<string, { total: number; items: unknown[]; truncated: boolean }> = {};
  for (const list of SKU_MATCH_LISTS) {
    const total = Number(summary[`${list}_total`]);
    lists[list] = { total, truncated: total > limit, items: summary[`${list}_items`] as unknown[] };
  }
  return { ...publicDiscovery(row), report: { ...(summary.summary as Omit<DiscoveryReport, 'lists'>), lists } };
}

export async function getDiscoveryList(db: Db, tenantId: string, id: string, list: SkuMatchList, offset: number, limit: number) {
  const row = await getDiscoveryRow(db, tenantId, id);
  if (!row.report || row.status === 'running' || row.status === 'error') throw new ConflictError(`Discovery "${id}" has no report (it is ${row.status})`);
  const [page] = rowsOf<{ items: unknown[]; total: number }>(
    await db.execute(sql`select ${listSlice(list, offset, limit)} as items, ${listTotal(list)} as total from discoveries d where d.tenant_id = ${tenantId} and d.id = ${id}`),
  );
  const total = Number(page.total);
  return { list, total, offset, limit, items: page.items, next: offset + limit < total ? offset + limit : null };
}

export async function listDiscoveries(db: Db, tenantId: string, filter: { connectionId?: string; limit?: number }) {
  const conds = [eq(discoveries.tenantId, tenantId)];
  if (filter.connectionId) conds.push(eq(discoveries.connectionId, filter.connectionId));
  const rows = await db
    .select({
      id: discoveries.id,
      sourceConnectionId: discoveries.sourceConnectionId,
      connectionId: discoveries.connectionId,
      entity: discoveries.entity,
      status: discoveries.status,
      error: discoveries.error,
      counts: sql`${discoveries.report}->'counts'`,
      createdAt: discoveries.createdAt,
      finishedAt: discoveries.finishedAt,
      confirmedAt: discoveries.confirmedAt,
    })
    .from(discoveries)
    .where(and(...conds))
    .orderBy(desc(discoveries.createdAt))
    .limit(filter.limit ?? 50);
  return rows;
}

const pairKey = (internalId: string, externalId: string) => `${internalId}\u0000${externalId}`;

/**
 * Binds the matched pairs (all, or the ones named) as active bindings with no sync yet, in one
 * statement: the next run pushes through them instead of creating. A pair one of whose ids got
 * bound since the report (a sync ran meanwhile) is skipped and counted. A discovery is confirmed
 * once: the status change and the inserts share a transaction, so two confirmations cannot both bind.
 */
export async function confirmDiscovery(db: Db, tenantId: string, id: string, pairs?: Array<{ internalId: string; externalId: string }>) {
  const row = await getDiscoveryRow(db, tenantId, id);
  if (row.status !== 'ready') throw notReady(row);
  const matched = (row.report as DiscoveryReport).lists.matched;
  let chosen = matched;
  if (pairs) {
    const known = new Map(matched.map((m) => [pairKey(m.internalId, m.externalId), m]));
    const unknown = pairs.filter((p) => !known.has(pairKey(p.internalId, p.externalId)));
    if (unknown.length)
      throw new BadInput(
        unknown.slice(0, 20).map((p) => ({ field: 'pairs', message: `${p.internalId} ↔ ${p.externalId} is not a matched pair of this discovery` })),
      );
    chosen = [...new Set(pairs.map((p) => pairKey(p.internalId, p.externalId)))].map((k) => known.get(k)!);
  }
  const now = new Date();
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [claimed] = await tx
      .update(discoveries)
      .set({ status: 'confirmed', confirmedAt: now })
      .where(and(eq(discoveries.tenantId, tenantId), eq(discoveries.id, id), eq(discoveries.status, 'ready')))
      .returning({ id: discoveries.id });
    if (!claimed) throw notReady(await getDiscoveryRow(db, tenantId, id));
    let bound = 0;
    if (chosen.length) {
      // Either unique index (internal id per source, external id per target) turns a pair bound meanwhile into a skip.
      const inserted = rowsOf<{ internal_id: string }>(
        await tx.execute(sql`
          insert into bindings (tenant_id, connection_id, source_connection_id, entity, internal_id, external_id, sku, status, notes)
          select ${tenantId}, ${row.connectionId}, ${row.sourceConnectionId}, ${row.entity}, r.internal_id, r.external_id, r.sku, 'active', ${`Linked by SKU discovery ${id}`}
          from ${recordset(
            chosen.map((p) => ({ internal_id: p.internalId, external_id: p.externalId, sku: p.sku })),
            { internal_id: 'text', external_id: 'text', sku: 'text' },
          )}
          on conflict do nothing
          returning internal_id`),
      );
      bound = inserted.length;
    }
    const confirmation = { at: now.toISOString(), requested: chosen.length, bound, skipped: chosen.length - bound };
    await tx.execute(sql`update discoveries set report = report || jsonb_build_object('confirmation', ${JSON.stringify(confirmation)}::jsonb) where id = ${id}`);
    return { id, status: 'confirmed' as const, ...confirmation };
  });
}

function notReady(row: DiscoveryRow) {
  if (row.status === 'confirmed') return new ConflictError(`Discovery "${row.id}" was already confirmed at ${row.confirmedAt?.toISOString()}; run a new discovery to bind what is left`);
  if (row.status === 'running') return new ConflictError(`Discovery "${row.id}" is still reading both sides; confirm it when its status is ready`);
  return new ConflictError(`Discovery "${row.id}" failed (${row.error ?? 'no report'}); run a new one`);
}
