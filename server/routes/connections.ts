/** Connections API. Credentials are write-only: responses show them masked. */
import type { FastifyInstance } from 'fastify';
import { connectors } from '../../connectors/registry';
import type { AppDeps } from '../app';
import { createConnection, getConnection, listConnections, publicConnection } from '../connections/store';
import { NotFoundError } from '../flows/service';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export function registerConnectionRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const tenantId = deps.tenantId;

  app.post<{ Body: { id?: string; name: string; provider: string; baseUrl?: string; credentials: Record<string, string>; settings?: Record<string, unknown> } }>(
    '/api/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Create a connection',
        body: {
          type: 'object',
          required: ['name', 'provider', 'credentials'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,64}$' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            provider: { type: 'string', enum: Object.keys(connectors) },
            baseUrl: { type: 'string', pattern: '^https?://' },
            credentials: { type: 'object', additionalProperties: { type: 'string' } },
            settings: { type: 'object' },
          },
        },
      },
    },
    async (req, reply) => {
      const connector = connectors[req.body.provider];
      const missing = (connector.credentialSchema.required ?? []).filter((f) => !req.body.credentials[f]);
      const unknown = Object.keys(req.body.credentials).filter((f) => !connector.credentialSchema.properties[f]);
      const problems = [
        ...missing.map((f) => ({ field: `credentials.${f}`, message: `credentials.${f} is required for ${connector.name}` })),
        ...unknown.map((f) => ({ field: `credentials.${f}`, message: `${connector.name} has no credential "${f}"; it takes: ${Object.keys(connector.credentialSchema.properties).join(', ')}` })),
      ];
      if (problems.length) return reply.code(400).send({ error: 'BadRequest', message: problems.map((p) => p.message).join('; '), problems });
      if (req.body.id && (await getConnection(db, tenantId, req.body.id)))
        return reply.code(409).send({ error: 'Conflict', message: `A connection with id "${req.body.id}" already exists` });
      const row = await createConnection(db, deps.box, tenantId, req.body);
      return reply.code(201).send(publicConnection(row, deps.box));
    },
  );

  app.get('/api/connections', { schema: { tags: ['connections'], summary: 'List connections' } }, async () => ({
    connections: (await listConnections(db, tenantId)).map((r) => publicConnection(r, deps.box)),
  }));

  app.get<{ Params: { id: string } }>('/api/connections/:id', { schema: { tags: ['connections'], summary: 'Get a connection', params: idParam } }, async (req) => {
    const row = await getConnection(db, tenantId, req.params.id);
    if (!row) throw new NotFoundError(`Connection "${req.params.id}" not found`);
    return publicConnection(row, deps.box);
  });
}
