/** Templates API: the standard flows for a provider pair, ready to run. */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import type { AppDeps } from '../app';
import { applyTemplate } from '../templates/apply';
import { templates } from '../templates/catalog';

export function registerTemplateRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get('/api/templates', { config: { permission: 'view' }, schema: { tags: ['templates'], summary: 'Templates and the connections each needs' } }, async () => ({
    templates: templates.map(({ id, name, description, roles }) => ({ id, name, description, roles })),
  }));

  app.post<{ Params: { id: string }; Body: { connections: Record<string, string> } }>(
    '/api/templates/:id/apply',
    { config: { permission: 'edit' },
      schema: {
        tags: ['templates'],
        summary: 'Create and publish the template’s flows for the given connections',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['connections'],
          additionalProperties: false,
          properties: { connections: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
    async (req, reply) => {
      const applied = await applyTemplate(db, req.auth.tenantId, req.params.id, req.body.connections);
      await audit(db, actorOf(req), { action: 'flow.create', targetType: 'template', targetId: req.params.id, details: { connections: req.body.connections } });
      return reply.code(201).send(applied);
    },
  );
}
