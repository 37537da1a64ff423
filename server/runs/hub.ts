/**
 * The hub's four figures, overall and per connection: active integrations, last successful sync,
 * errors in the last 24 h, records synced this month. A run counts for every connection its flow
 * uses (latest published version).
 */
import { and, eq, gte, or, sql } from 'drizzle-orm';
import type { FlowDocument } from '../../nodes/flow-model/document';
import { listConnections } from '../connections/store';
import type { Db } from '../db/client';
import { approvals, flowVersions, runs } from '../db/schema';

interface Figures {
  lastSuccessfulSync: string | null;
  errorsLast24h: number;
  recordsThisMonth: number;
}

export async function hubFigures(db: Db, tenantId: string, now = new Date()) {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const since = monthStart < dayAgo ? monthStart : dayAgo;
  const [connections, recent, successes, versions] = await Promise.all([
    listConnections(db, tenantId),
    db.select().from(runs).where(and(eq(runs.tenantId, tenantId), gte(runs.startedAt, since))),
    db.select({ flowId: runs.flowId, finishedAt: runs.finishedAt }).from(runs).where(and(eq(runs.tenantId, tenantId), or(eq(runs.status, 'success'), eq(runs.status, 'partial')))),
    db.select({ flowId: flowVersions.flowId, version: flowVersions.version, document: flowVersions.document }).from(flowVersions).where(eq(flowVersions.tenantId, tenantId)),
  ]);
  // Connections each flow uses, from its latest published version.
  const latest = new Map<string, { version: number; document: FlowDocument }>();
  for (const v of versions) if ((latest.get(v.flowId)?.version ?? 0) < v.version) latest.set(v.flowId, { version: v.version, document: v.document as FlowDocument });
  const connectionsOf = (flowId: string) => new Set((latest.get(flowId)?.document.nodes ?? []).map((n) => n.params?.connectionId).filter((c): c is string => typeof c === 'string'));

  const empty = (): Figures => ({ lastSuccessfulSync: null, errorsLast24h: 0, recordsThisMonth: 0 });
  const overall = empty();
  const per = new Map(connections.map((c) => [c.id, empty()]));
  const apply = (flowId: string, fn: (f: Figures) => void) => {
    fn(overall);
    for (const id of connectionsOf(flowId)) {
      const f = per.get(id);
      if (f) fn(f);
    }
  };
  const later = (a: string | null, b: Date | null) => (b && (!a || b.toISOString() > a) ? b.toISOString() : a);
  for (const s of successes) apply(s.flowId, (f) => (f.lastSuccessfulSync = later(f.lastSuccessfulSync, s.finishedAt)));
  for (const r of recent) {
    if (r.startedAt >= dayAgo && (r.status === 'error' || r.status === 'partial')) apply(r.flowId, (f) => f.errorsLast24h++);
    if (r.startedAt >= monthStart) apply(r.flowId, (f) => (f.recordsThisMonth += r.created + r.updated));
  }
  const [held] = await db.select({ n: sql<number>`count(*)::int` }).from(approvals).where(and(eq(approvals.tenantId, tenantId), eq(approvals.status, 'pending')));
  return {
    overall: { activeIntegrations: connections.filter((c) => c.status === 'active').length, ...overall, approvalsPending: Number(held?.n ?? 0) },
    connections: connections.map((c) => ({ id: c.id, name: c.name, provider: c.provider, status: c.status, statusReason: c.statusReason, ...per.get(c.id)! })),
  };
}
