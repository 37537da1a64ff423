/** Discovery ("Descoberta") API: pair unbound records of two connections by SKU, read the report, confirm. */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { ENTITIES } from '../../connectors/types';
import type { AppDeps } from '../app';
import { confirmDiscovery, getDiscovery, getDiscoveryList, listDiscoveries, startDiscovery } from '../bindings/discovery';
import { SKU_MATCH_LISTS, type SkuMatchList } from '../bindings/sku-match';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export function registerDiscoveryRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const starter = { client: deps.temporal, taskQueue: deps.taskQueue };

  app.post<{ Body: { sourceConnectionId: string; connectionId: string; entity: string } }>(
    '/api/discoveries',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Start a discovery: read both connections and pair unbound records by SKU (writes no binding)',
        description:
          'Answers 202 at once; the reading runs as a Temporal workflow. `sourceConnectionId` is the side whose ids become internal ids (usually the ERP), `connectionId` the side whose ids become external ids.',
        body: {
          type: 'object',
          required: ['sourceConnectionId', 'connectionId', 'entity'],
          additionalProperties: false,
          properties: { sourceConnectionId: { type: 'string', minLength: 1 }, connectionId: { type: 'string', minLength: 1 }, entity: { type: 'string', enum: [...ENTITIES] } },
        },
      },
    },
    async (req, reply) => {
      const row = await startDiscovery(db, starter, req.auth.tenantId, req.body);
      await audit(db, actorOf(req), { action: 'discovery.start', targetType: 'discovery', targetId: row.id, details: { ...req.body } });
      const { tenantId: _t, report: _r, ...rest } = row;
      return reply.code(202).send(rest);
    },
  );

  app.get<{ Querystring: { connectionId?: string; limit?: number } }>(
    '/api/discoveries',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'Discoveries, newest first, with their counts',
        querystring: { type: 'object', additionalProperties: false, properties: { connectionId: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
      },
    },
    async (req) => ({ discoveries: await listDiscoveries(db, req.auth.tenantId, req.query) }),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    '/api/discoveries/:id',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'A discovery: status, counts and the first entries of each list (matched, ambiguous, unmatched, without SKU)',
        description: 'Each list carries `total` and `truncated`; page through a long one with GET /api/discoveries/:id/lists/:list.',
        params: idParam,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 0, maximum: 1000, default: 100 } } },
      },
    },
    async (req) => getDiscovery(db, req.auth.tenantId, req.params.id, req.query.limit ?? 100),
  );

  app.get<{ Params: { id: string; list: SkuMatchList }; Querystring: { offset?: number; limit?: number } }>(
    '/api/discoveries/:id/lists/:list',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'One list of a discovery report, a page at a time',
        params: { type: 'object', required: ['id', 'list'], properties: { id: { type: 'string' }, list: { type: 'string', enum: SKU_MATCH_LISTS } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 } },
        },
      },
    },
    async (req) => getDiscoveryList(db, req.auth.tenantId, req.params.id, req.params.list, req.query.offset ?? 0, req.query.limit ?? 500),
  );

  app.post<{ Params: { id: string }; Body: { pairs?: Array<{ internalId: string; externalId: string }> } | null | undefined }>(
    '/api/discoveries/:id/confirm',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Confirm a discovery: bind its matched pairs (all, or the ones listed) as active bindings',
        description: 'Pairs bound meanwhile (by a sync, by hand) are skipped and counted. A discovery is confirmed once (409 after that).',
        params: idParam,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            pairs: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', required: ['internalId', 'externalId'], additionalProperties: false, properties: { internalId: { type: 'string' }, externalId: { type: 'string' } } },
            },
          },
        },
      },
    },
    async (req) => {
      const confirmed = await confirmDiscovery(db, req.auth.tenantId, req.params.id, req.body?.pairs);
      await audit(db, actorOf(req), { action: 'discovery.confirm', targetType: 'discovery', targetId: req.params.id, details: { pairs: req.body?.pairs?.length ?? 'all' } });
      return confirmed;
    },
  );
}
