/** Connections API: configure, test, pause/resume/disable, webhook URL, OAuth2 authorisation. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { completeAuthorization, startAuthorization } from '../connections/oauth';
import {
  type ConnectionInput,
  createConnection,
  deleteConnection,
  flowsUsing,
  getConnection,
  listConnections,
  loadOpenableConnection,
  publicConnection,
  requireConnection,
  rotateWebhookToken,
  setStatus,
  updateConnection,
  webhookUrl,
} from '../connections/store';
import { afterStatusChange } from '../connections/status-effects';
import { testConnection } from '../connections/test-connection';
import { CONNECTION_PROBLEMS, type ConnectionFields, fieldProblem, validateConnection } from '../connections/validate';
import { BadInput, ConflictError } from '../errors';
import { audit, auditAnonymous } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { connections } from '../db/schema';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';

async function connectionIdTaken(db: Db, id: string): Promise<boolean> {
  return (await db.select({ id: connections.id }).from(connections).where(eq(connections.id, id))).length > 0;
}

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const fields = {
  name: { type: 'string', maxLength: 200 },
  provider: { type: 'string' },
  baseUrl: { type: ['string', 'null'] },
  credentials: { type: 'object', additionalProperties: { type: 'string' } },
  direction: { type: 'string' },
  entities: { type: 'array', items: { type: 'string' } },
  frequency: { type: 'string' },
  cron: { type: ['string', 'null'] },
  branch: { type: ['string', 'null'] },
  backfillFrom: { type: ['string', 'null'] },
  settings: { type: 'object' },
} as const;

export function registerConnectionRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const { box, publicUrl } = deps;
  const view = (row: Parameters<typeof publicConnection>[0]) => publicConnection(row, box, publicUrl);
  const statusEffects = { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents };
  const opened = async (tenantId: string, id: string) => {
    const row = await requireConnection(db, tenantId, id);
    return { row, credentials: box.open<Record<string, string>>(row.credentials) };
  };

  app.post<{ Body: ConnectionInput }>(
    '/api/connections',
    { config: { permission: 'edit' },
      schema: {
        tags: ['connections'],
        summary: 'Create a connection (credentials are write-only)',
        body: { type: 'object', additionalProperties: false, properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,64}$' }, ...fields } },
      },
    },
    async (req, reply) => {
      const problems = validateConnection(req.body);
      if (problems.length) throw new BadInput(problems);
      // Ids are unique across tenants: the answer is the same whoever holds it, and says nothing more.
      if (req.body.id && (await connectionIdTaken(db, req.body.id))) throw new ConflictError(`A connection with id "${req.body.id}" already exists`);
      const created = await createConnection(db, box, req.auth.tenantId, req.body);
      await audit(db, actorOf(req), { action: 'connection.create', targetType: 'connection', targetId: created.id, details: { name: created.name, provider: created.provider, credentialFields: Object.keys(req.body.credentials ?? {}) } });
      return reply.code(201).send(view(created));
    },
  );

  app.get('/api/connections', { config: { permission: 'view' }, schema: { tags: ['connections'], summary: 'List connections' } }, async (req) => ({
    connections: (await listConnections(db, req.auth.tenantId)).map(view),
  }));

  app.get<{ Params: { id: string } }>('/api/connections/:id', { config: { permission: 'view' }, schema: { tags: ['connections'], summary: 'Get a connection', params: idParam } }, async (req) =>
    view(await requireConnection(db, req.auth.tenantId, req.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: ConnectionFields }>(
    '/api/connections/:id',
    { config: { permission: 'edit' },
      schema: {
        tags: ['connections'],
        summary: 'Change a connection; credential fields left out keep their values',
        params: idParam,
        body: { type: 'object', additionalProperties: false, properties: fields },
      },
    },
    async (req) => {
      const { row, credentials } = await opened(req.auth.tenantId, req.params.id);
      const problems = validateConnection(req.body, { provider: row.provider, credentials, frequency: row.frequency, cron: row.cron });
      if (problems.length) throw new BadInput(problems);
      const updated = await updateConnection(db, box, req.auth.tenantId, req.params.id, req.body);
      const { credentials: newCredentials, ...rest } = req.body;
      if (newCredentials && Object.keys(newCredentials).length)
        await audit(db, actorOf(req), { action: 'connection.credentials_rotated', targetType: 'connection', targetId: row.id, details: { fields: Object.keys(newCredentials) } });
      if (Object.keys(rest).length) await audit(db, actorOf(req), { action: 'connection.update', targetType: 'connection', targetId: row.id, details: { fields: Object.keys(rest) } });
      return view(updated);
    },
  );

  app.delete<{ Params: { id: string } }>('/api/connections/:id', { config: { permission: 'edit' }, schema: { tags: ['connections'], summary: 'Delete a connection no flow uses', params: idParam } }, async (req, reply) => {
    const users = await flowsUsing(db, req.auth.tenantId, req.params.id);
    if (users.length) throw new ConflictError(`Flows still use this connection: ${users.map((f) => f.name).join(', ')}. Change or delete them first.`, { flows: users });
    const row = await requireConnection(db, req.auth.tenantId, req.params.id);
    await deleteConnection(db, req.auth.tenantId, req.params.id);
    await audit(db, actorOf(req), { action: 'connection.delete', targetType: 'connection', targetId: row.id, details: { name: row.name, provider: row.provider } });
    return reply.code(204).send();
  });

  const transitions: Array<{ action: string; to: 'active' | 'paused' | 'disabled'; from: string[]; reason: string; summary: string }> = [
    { action: 'pause', to: 'paused', from: ['active', 'error'], reason: 'Paused by a user', summary: 'Pause: schedules stop, incoming webhooks wait' },
    { action: 'resume', to: 'active', from: ['paused', 'disabled', 'error'], reason: 'Resumed by a user', summary: 'Resume a paused, disabled or failing connection' },
    { action: 'disable', to: 'disabled', from: ['active', 'paused', 'error'], reason: 'Disabled by a user', summary: 'Disable: no runs, webhooks refused' },
  ];
  for (const t of transitions) {
    app.post<{ Params: { id: string } }>(`/api/connections/:id/${t.action}`, { config: { permission: 'edit' }, schema: { tags: ['connections'], summary: t.summary, params: idParam } }, async (req) => {
      const row = await requireConnection(db, req.auth.tenantId, req.params.id);
      if (row.status === t.to) return view(row);
      if (!t.from.includes(row.status)) throw new ConflictError(`A ${row.status} connection cannot be ${t.action}d`);
      const changed = await setStatus(db, req.auth.tenantId, row.id, t.to, t.reason);
      await audit(db, actorOf(req), { action: 'connection.status', targetType: 'connection', targetId: row.id, details: { from: row.status, to: t.to } });
      await afterStatusChange(db, statusEffects, req.auth.tenantId, row.id);
      return view(changed);
    });
  }

  app.post<{ Params: { id: string } }>(
    '/api/connections/:id/test',
    { config: { permission: 'run' }, schema: { tags: ['connections'], summary: '"Testar conexão": the raw outcome of one authenticated call, and a diagnosis', params: idParam } },
    async (req) => {
      const row = await requireConnection(db, req.auth.tenantId, req.params.id);
      const outcome = await testConnection(await loadOpenableConnection(db, box, req.auth.tenantId, row.id, {}, { evenIfStopped: true }));
      // A passing test brings a failing connection back; refused credentials mark it failing.
      const next = outcome.ok && row.status === 'error' ? 'active' : outcome.diagnosis.code === 'auth' && row.status === 'active' ? 'error' : null;
      if (next) {
        await setStatus(db, req.auth.tenantId, row.id, next, next === 'active' ? 'Connection test passed' : `Connection test: ${outcome.diagnosis.message}`);
        await afterStatusChange(db, statusEffects, req.auth.tenantId, row.id);
      }
      return outcome;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/connections/:id/webhook',
    { config: { permission: 'view' }, schema: { tags: ['connections'], summary: 'Reveal the webhook URL (with its token) to paste into the provider', params: idParam } },
    async (req) => ({ webhookUrl: webhookUrl(publicUrl, await requireConnection(db, req.auth.tenantId, req.params.id), box, true) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/connections/:id/webhook/rotate',
    { config: { permission: 'edit' }, schema: { tags: ['connections'], summary: 'Issue a new webhook token; the old URL stops working', params: idParam } },
    async (req) => {
      const rotated = await rotateWebhookToken(db, box, req.auth.tenantId, req.params.id);
      await audit(db, actorOf(req), { action: 'connection.webhook_token_rotated', targetType: 'connection', targetId: rotated.id });
      return { webhookUrl: webhookUrl(publicUrl, rotated, box, true) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/connections/:id/oauth/start',
    { config: { permission: 'edit' }, schema: { tags: ['connections'], summary: 'Start OAuth2: returns the provider page where the seller approves Ponte', params: idParam } },
    async (req) => startAuthorization(db, box, req.auth.tenantId, req.params.id, `${publicUrl.replace(/\/+$/, '')}/api/oauth/callback`),
  );

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>(
    '/api/oauth/callback',
    { config: { permission: 'public' }, schema: { tags: ['connections'], summary: 'Where the provider sends the seller back after approving' } },
    async (req, reply) => {
      if (req.query.error) throw new BadInput([fieldProblem('error', CONNECTION_PROBLEMS.oauthRefused(req.query.error_description ?? req.query.error))]);
      if (!req.query.code || !req.query.state) throw new BadInput([fieldProblem('code', CONNECTION_PROBLEMS.oauthNoCode())]);
      const { connectionId, tenantId } = await completeAuthorization(db, box, req.query.state, req.query.code);
      await afterStatusChange(db, statusEffects, tenantId, connectionId);
      await auditAnonymous(db, tenantId, 'OAuth2 consent (provider callback)', req.ip, { action: 'connection.authorized', targetType: 'connection', targetId: connectionId });
      return reply.type('text/html; charset=utf-8').send(
        `<!doctype html><meta charset="utf-8"><title>Ponte</title><p>Conexão autorizada. Você já pode fechar esta janela.</p><p lang="en">Connection authorised (${connectionId}).</p>`,
      );
    },
  );

}
