/** Flows: drafts that validate on save, immutable published versions, and starting runs. */
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { connectorFor } from '../../connectors/runtime';
import { ENTITIES } from '../../connectors/types';
import { canonicalJson } from '../../nodes/canonical-json';
import type { FlowDocument } from '../../nodes/flow-model/document';
import { type FlowProblem, validateFlow } from '../../nodes/flow-model/validate';
import { newId } from '../connections/store';
import type { Db } from '../db/client';
import { connections, flows, flowVersions } from '../db/schema';

export class FlowInvalid extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(`The flow has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}

import { ConflictError, NotFoundError } from '../errors';

export { NotFoundError };

/** Validates a document against the node catalogue and the tenant's connections. */
export async function checkDocument(db: Db, tenantId: string, input: unknown): Promise<FlowDocument> {
  const ids = collectConnectionIds(input);
  const rows = ids.length ? await db.select().from(connections).where(and(eq(connections.tenantId, tenantId), inArray(connections.id, ids))) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const { document, problems } = validateFlow(input, {
    connection(id) {
      const row = byId.get(id);
      if (!row) return undefined;
      const connector = connectorFor(row.provider);
      return {
        name: row.name,
        provider: connector.name,
        reads: ENTITIES.filter((e) => connector.entities[e]?.read),
        writes: ENTITIES.filter((e) => connector.entities[e]?.write),
        webhooks: Boolean(connector.webhooks),
        messaging: connector.messaging?.channel ?? null,
        payments: connector.payments?.kinds ?? [],
        receivables: Boolean(connector.receivables),
        fiscal: Boolean(connector.fiscal),
      };
    },
  });
  if (problems.length || !document) throw new FlowInvalid(problems);
  return document;
}

function collectConnectionIds(input: unknown): string[] {
  const doc = input as { nodes?: Array<{ params?: { connectionId?: unknown } }>; alerts?: Array<{ connectionId?: unknown }> };
  const ids = [...(Array.isArray(doc?.nodes) ? doc.nodes.map((n) => n?.params?.connectionId) : []), ...(Array.isArray(doc?.alerts) ? doc.alerts.map((a) => a?.connectionId) : [])];
  return [...new Set(ids.filter((v): v is string => typeof v === 'string'))];
}

export async function createFlow(db: Db, tenantId: string, input: { id?: string; name: string; description?: string; document: unknown }) {
  const document = await checkDocument(db, tenantId, input.document);
  // Ids are unique across tenants; the refusal says no more than that.
  if (input.id && (await db.select({ id: flows.id }).from(flows).where(eq(flows.id, input.id))).length) throw new ConflictError(`A flow with id "${input.id}" already exists`);
  const [row] = await db
    .insert(flows)
    .values({ id: input.id ?? newId('flow'), tenantId, name: input.name, description: input.description ?? '', document })
    .returning();
  return row;
}

export async function updateFlow(db: Db, tenantId: string, id: string, input: { name?: string; description?: string; document?: unknown }) {
  const existing = await getFlow(db, tenantId, id);
  const document = input.document === undefined ? existing.document : await checkDocument(db, tenantId, input.document);
  const [row] = await db
    .update(flows)
    .set({ name: input.name ?? existing.name, description: input.description ?? existing.description, document, updatedAt: new Date() })
    .where(and(eq(flows.tenantId, tenantId), eq(flows.id, id)))
    .returning();
  return row;
}

export async function getFlow(db: Db, tenantId: string, id: string) {
  const [row] = await db.select().from(flows).where(and(eq(flows.tenantId, tenantId), eq(flows.id, id)));
  if (!row) throw new NotFoundError(`Flow "${id}" not found`);
  return row;
}

export async function listFlows(db: Db, tenantId: string) {
  return db.select().from(flows).where(eq(flows.tenantId, tenantId)).orderBy(flows.name);
}

export async function deleteFlow(db: Db, tenantId: string, id: string) {
  await getFlow(db, tenantId, id);
  await db.delete(flows).where(and(eq(flows.tenantId, tenantId), eq(flows.id, id)));
}

/**
 * Freezes the draft as a new immutable version. Layout is left out of the hash: moving a node
 * on the canvas is not a new flow. Publishing an unchanged draft returns the latest version.
 */
export async function publishFlow(db: Db, tenantId: string, flowId: string) {
  const flow = await getFlow(db, tenantId, flowId);
  const document = await checkDocument(db, tenantId, flow.document);
  const { layout: _layout, ...executable } = document;
  const contentHash = createHash('sha256').update(canonicalJson(executable)).digest('hex');
  return db.transaction(async (tx) => {
    const [latest] = await tx.select().from(flowVersions).where(eq(flowVersions.flowId, flowId)).orderBy(desc(flowVersions.version)).limit(1);
    if (latest?.contentHash === contentHash) return { version: latest, created: false };
    const [version] = await tx
      .insert(flowVersions)
      .values({ id: newId('ver'), tenantId, flowId, version: (latest?.version ?? 0) + 1, document, contentHash })
      .returning();
    return { version, created: true };
  });
}

export async function listVersions(db: Db, tenantId: string, flowId: string) {
  await getFlow(db, tenantId, flowId);
  return db
    .select({ id: flowVersions.id, version: flowVersions.version, contentHash: flowVersions.contentHash, createdAt: flowVersions.createdAt })
    .from(flowVersions)
    .where(and(eq(flowVersions.tenantId, tenantId), eq(flowVersions.flowId, flowId)))
    .orderBy(desc(flowVersions.version));
}

export async function getVersion(db: Db, tenantId: string, flowId: string, versionId?: string) {
  const where = versionId
    ? and(eq(flowVersions.tenantId, tenantId), eq(flowVersions.flowId, flowId), eq(flowVersions.id, versionId))
    : and(eq(flowVersions.tenantId, tenantId), eq(flowVersions.flowId, flowId));
  const [row] = await db.select().from(flowVersions).where(where).orderBy(desc(flowVersions.version)).limit(1);
  return row;
}
