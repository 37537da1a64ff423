/** Orphan detection API: compare a connection's ids with its bindings, on demand (it also runs daily). */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { ENTITIES } from '../../connectors/types';
import type { AppDeps } from '../app';
import { DEFAULT_MAX_SHARE, getReconciliation, listReconciliations, publicReconciliation, startReconciliation } from '../bindings/reconcile';

export function registerReconciliationRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const starter = { client: deps.temporal, taskQueue: deps.taskQueue };

  app.post<{ Body: { connectionId: string; entity: string; maxShare?: number } }>(
    '/api/reconciliations',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Reconcile now: read every id of a connection and mark bindings whose record is gone as orphan',
        description: `Answers 202 at once. The delete guard marks nothing when more than \`maxShare\` (default ${DEFAULT_MAX_SHARE}) of the known records are missing: the reconciliation ends \`blocked\`.`,
        body: {
          type: 'object',
          required: ['connectionId', 'entity'],
          additionalProperties: false,
          properties: {
            connectionId: { type: 'string', minLength: 1 },
            entity: { type: 'string', enum: [...ENTITIES] },
            maxShare: { type: 'number', minimum: 0, maximum: 1, description: 'Largest share of known records that may be marked orphan at once, for this run' },
          },
        },
      },
    },
    async (req, reply) => {
      const { row } = await startReconciliation(db, starter, req.auth.tenantId, req.body.connectionId, req.body.entity, { maxShare: req.body.maxShare });
      await audit(db, actorOf(req), { action: 'reconciliation.start', targetType: 'reconciliation', targetId: row.id, details: { ...req.body } });
      return reply.code(202).send(publicReconciliation(row));
    },
  );

  app.get<{ Querystring: { connectionId?: string; entity?: string; limit?: number } }>(
    '/api/reconciliations',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'Reconciliations, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { connectionId: { type: 'string' }, entity: { type: 'string', enum: [...ENTITIES] }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        },
      },
    },
    async (req) => ({ reconciliations: (await listReconciliations(db, req.auth.tenantId, req.query)).map(publicReconciliation) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/reconciliations/:id',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'A reconciliation: status (running, done, blocked, error), counts and its message',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    },
    async (req) => publicReconciliation(await getReconciliation(db, req.auth.tenantId, req.params.id)),
  );
}
