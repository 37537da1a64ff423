/** Flows API: drafts validated on save, publish to an immutable version, list versions, start runs. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { createFlow, deleteFlow, getFlow, getVersion, listFlows, listVersions, NotFoundError, publishFlow, updateFlow } from '../flows/service';
import { startRun } from '../runs/service';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { deleteFlowSchedule, syncFlowSchedule } from '../schedules/sync';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const flowBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,64}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    document: { type: 'object' },
  },
} as const;

export function registerFlowRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const schedules = { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents };

  app.post<{ Body: { id?: string; name: string; description?: string; document: unknown } }>(
    '/api/flows',
    { config: { permission: 'edit' }, schema: { tags: ['flows'], summary: 'Create a flow (validated; 422 lists every problem)', body: { ...flowBody, required: ['name', 'document'] } } },
    async (req, reply) => {
      const flow = await createFlow(db, req.auth.tenantId, req.body);
      await audit(db, actorOf(req), { action: 'flow.create', targetType: 'flow', targetId: flow.id, details: { name: flow.name } });
      return reply.code(201).send(flow);
    },
  );

  app.get('/api/flows', { config: { permission: 'view' }, schema: { tags: ['flows'], summary: 'List flows' } }, async (req) => ({ flows: await listFlows(db, req.auth.tenantId) }));

  app.get<{ Params: { id: string } }>('/api/flows/:id', { config: { permission: 'view' }, schema: { tags: ['flows'], summary: 'Get a flow', params: idParam } }, async (req) => getFlow(db, req.auth.tenantId, req.params.id));

  app.put<{ Params: { id: string }; Body: { name?: string; description?: string; document?: unknown } }>(
    '/api/flows/:id',
    { config: { permission: 'edit' }, schema: { tags: ['flows'], summary: 'Update a flow draft (validated)', params: idParam, body: flowBody } },
    async (req) => {
      const flow = await updateFlow(db, req.auth.tenantId, req.params.id, req.body);
      await audit(db, actorOf(req), { action: 'flow.update', targetType: 'flow', targetId: flow.id, details: { fields: Object.keys(req.body ?? {}) } });
      return flow;
    },
  );

  app.delete<{ Params: { id: string } }>('/api/flows/:id', { config: { permission: 'edit' }, schema: { tags: ['flows'], summary: 'Delete a flow', params: idParam } }, async (req, reply) => {
    await deleteFlow(db, req.auth.tenantId, req.params.id);
    await deleteFlowSchedule(schedules, req.params.id);
    await audit(db, actorOf(req), { action: 'flow.delete', targetType: 'flow', targetId: req.params.id });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/flows/:id/publish', { config: { permission: 'edit' }, schema: { tags: ['flows'], summary: 'Publish the draft as an immutable version', params: idParam } }, async (req, reply) => {
    const { version, created } = await publishFlow(db, req.auth.tenantId, req.params.id);
    await syncFlowSchedule(db, schedules, req.auth.tenantId, req.params.id);
    if (created) await audit(db, actorOf(req), { action: 'flow.publish', targetType: 'flow', targetId: req.params.id, details: { versionId: version.id, version: version.version } });
    return reply.code(created ? 201 : 200).send({ ...version, created });
  });

  app.get<{ Params: { id: string } }>('/api/flows/:id/versions', { config: { permission: 'view' }, schema: { tags: ['flows'], summary: 'Published versions, newest first', params: idParam } }, async (req) => ({
    versions: await listVersions(db, req.auth.tenantId, req.params.id),
  }));

  app.get<{ Params: { id: string; versionId: string } }>(
    '/api/flows/:id/versions/:versionId',
    { config: { permission: 'view' },
      schema: {
        tags: ['flows'],
        summary: 'One published version with its document; `latest` for the newest (404: never published)',
        params: { type: 'object', required: ['id', 'versionId'], properties: { id: { type: 'string' }, versionId: { type: 'string' } } },
      },
    },
    async (req) => {
      await getFlow(db, req.auth.tenantId, req.params.id);
      const version = await getVersion(db, req.auth.tenantId, req.params.id, req.params.versionId === 'latest' ? undefined : req.params.versionId);
      if (!version) throw new NotFoundError(req.params.versionId === 'latest' ? `Flow "${req.params.id}" has no published version` : `Version "${req.params.versionId}" of flow "${req.params.id}" not found`);
      const { tenantId: _t, ...rest } = version;
      return rest;
    },
  );

  app.post<{ Params: { id: string }; Body: { versionId?: string } | undefined }>(
    '/api/flows/:id/runs',
    { config: { permission: 'run' },
      schema: {
        tags: ['runs'],
        summary: 'Run the flow now ("Sincronizar agora"); pins the latest published version unless one is named',
        params: idParam,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { versionId: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const run = await startRun(db, { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents }, req.auth.tenantId, req.params.id, { type: 'manual', by: req.auth.name }, req.body?.versionId);
      await audit(db, actorOf(req), { action: 'run.start', targetType: 'run', targetId: run.runId, details: { flowId: req.params.id } });
      return reply.code(202).send(run);
    },
  );
}
