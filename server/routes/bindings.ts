/** Bindings API ("Mapeamentos"): list and search, bind by hand, unbind, resolve conflicts, re-sync one record. */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import type { AppDeps } from '../app';
import { createBinding, deleteBinding, getBinding, listBindings, publicBinding, type Resolution, resolveConflict, resyncBinding, type BindingFilter, type ManualBinding } from '../bindings/service';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export function registerBindingRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const starter = { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents };

  app.get<{ Querystring: BindingFilter }>(
    '/api/bindings',
    { config: { permission: 'view' },
      schema: {
        tags: ['bindings'],
        summary: 'Mappings (internal id ↔ external id), filtered; page with `after` = the `next` of the previous answer',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            connectionId: { type: 'string', description: 'The target side (the external id belongs to it)' },
            sourceConnectionId: { type: 'string', description: 'The side the internal id belongs to' },
            entity: { type: 'string' },
            status: { type: 'string', enum: ['pending', 'active', 'orphan', 'conflict'] },
            sku: { type: 'string' },
            q: { type: 'string', description: 'Part of an internal id, external id or SKU' },
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (req) => listBindings(db, req.auth.tenantId, req.query),
  );

  app.get<{ Params: { id: number } }>(
    '/api/bindings/:id',
    { config: { permission: 'view' }, schema: { tags: ['bindings'], summary: 'One mapping, with its conflict (base, source and target values) when it has one', params: idParam } },
    async (req) => publicBinding(await getBinding(db, req.auth.tenantId, req.params.id)),
  );

  app.post<{ Body: ManualBinding }>(
    '/api/bindings',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Map two records by hand (the next sync compares and writes)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['connectionId', 'entity', 'internalId', 'externalId'],
          properties: {
            connectionId: { type: 'string' },
            sourceConnectionId: { type: 'string' },
            entity: { type: 'string' },
            internalId: { type: 'string', minLength: 1 },
            externalId: { type: 'string', minLength: 1 },
            sku: { type: 'string' },
            notes: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (req, reply) => {
      const binding = await createBinding(db, req.auth.tenantId, req.body);
      const b = req.body;
      await audit(db, actorOf(req), { action: 'binding.create', targetType: 'binding', targetId: String(binding.id), details: { connectionId: b.connectionId, entity: b.entity, internalId: b.internalId, externalId: b.externalId } });
      return reply.code(201).send(binding);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/bindings/:id',
    { config: { permission: 'edit' }, schema: { tags: ['bindings'], summary: 'Delete a mapping; the records stay on both sides (the next sync matches or creates again)', params: idParam } },
    async (req, reply) => {
      const before = await getBinding(db, req.auth.tenantId, req.params.id);
      await deleteBinding(db, req.auth.tenantId, req.params.id);
      await audit(db, actorOf(req), { action: 'binding.delete', targetType: 'binding', targetId: String(req.params.id), details: { connectionId: before.connectionId, entity: before.entity, internalId: before.internalId, externalId: before.externalId } });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: number }; Body: Resolution }>(
    '/api/bindings/:id/resolve',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Resolve a conflict: source wins (e.g. the ERP), target wins (e.g. the channel), or merge field by field',
        params: idParam,
        body: {
          type: 'object',
          required: ['choice'],
          additionalProperties: false,
          properties: {
            choice: { type: 'string', enum: ['source', 'target', 'merge'] },
            fields: { type: 'object', additionalProperties: { type: 'string', enum: ['source', 'target'] }, description: 'For merge: each conflicting field and the side it takes' },
          },
        },
      },
    },
    async (req) => {
      const resolved = await resolveConflict(db, deps.box, req.auth.tenantId, req.params.id, req.body.choice === 'merge' ? { choice: 'merge', fields: (req.body as { fields?: Record<string, 'source' | 'target'> }).fields ?? {} } : req.body);
      await audit(db, actorOf(req), { action: 'binding.resolve', targetType: 'binding', targetId: String(req.params.id), details: { ...req.body } });
      return resolved;
    },
  );

  app.post<{ Params: { id: number }; Body: { direction: 'push' | 'pull' } }>(
    '/api/bindings/:id/resync',
    { config: { permission: 'edit' },
      schema: {
        tags: ['bindings'],
        summary: 'Re-sync this record now: push (source → target, through the flow that wrote it) or pull (target → source, through a flow going that way). Starts a run.',
        params: idParam,
        body: { type: 'object', required: ['direction'], additionalProperties: false, properties: { direction: { type: 'string', enum: ['push', 'pull'] } } },
      },
    },
    async (req, reply) => {
      const started = await resyncBinding(db, starter, req.auth.tenantId, req.params.id, req.body.direction);
      await audit(db, actorOf(req), { action: 'binding.resync', targetType: 'binding', targetId: String(req.params.id), details: { direction: req.body.direction } });
      return reply.code(202).send(started);
    },
  );
}
