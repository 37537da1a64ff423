/** Runs API: the sync log. */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { runRecords } from '../db/schema';
import { getRun, listRuns } from '../runs/service';

export function registerRunRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const tenantId = deps.tenantId;

  app.get<{ Querystring: { flowId?: string; status?: string; limit?: number } }>(
    '/api/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            flowId: { type: 'string' },
            status: { type: 'string', enum: ['running', 'success', 'partial', 'error'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (req) => ({ runs: await listRuns(db, tenantId, req.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id',
    { schema: { tags: ['runs'], summary: 'A run: status, counters, duration, trigger, pinned version, per-node counts', params: { type: 'object', properties: { id: { type: 'string' } } } } },
    async (req) => getRun(db, tenantId, req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { outcome?: string; after?: number; limit?: number } }>(
    '/api/runs/:id/records',
    {
      schema: {
        tags: ['runs'],
        summary: 'Per-record outcomes of a run (paged by id)',
        params: { type: 'object', properties: { id: { type: 'string' } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            outcome: { type: 'string', enum: ['created', 'updated', 'skipped', 'failed', 'conflict'] },
            after: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (req) => {
      await getRun(db, tenantId, req.params.id);
      const conds = [eq(runRecords.tenantId, tenantId), eq(runRecords.runId, req.params.id), gt(runRecords.id, req.query.after ?? 0)];
      if (req.query.outcome) conds.push(eq(runRecords.outcome, req.query.outcome as never));
      const rows = await db.select().from(runRecords).where(and(...conds)).orderBy(asc(runRecords.id)).limit(req.query.limit ?? 100);
      return { records: rows, next: rows.length ? rows[rows.length - 1].id : null };
    },
  );
}
