/** Runs API: the sync log. */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import type { AppDeps } from '../app';
import { runRecords } from '../db/schema';
import { connectorFor } from '../../connectors/runtime';
import { certificateStatus } from '../connections/certificate';
import { listConnections } from '../connections/store';
import { redactSecrets } from '../connections/test-connection';
import { BadInput } from '../errors';
import { withHintText } from '../runs/hints';
import { withMessageText } from '../runs/messages';
import { hubFigures } from '../runs/hub';
import { openTicket } from '../runs/tickets';
import { getRun, listRuns, reprocessRuns, resolveRecords } from '../runs/service';

export function registerRunRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get<{ Querystring: { flowId?: string; status?: string; connectionId?: string; trigger?: 'manual' | 'schedule' | 'webhook'; from?: string; to?: string; limit?: number } }>(
    '/api/runs',
    { config: { permission: 'view' },
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            flowId: { type: 'string' },
            status: { type: 'string', enum: ['running', 'waiting', 'success', 'partial', 'error'] },
            connectionId: { type: 'string', description: 'Runs whose pinned version has a block on this connection' },
            trigger: { type: 'string', enum: ['manual', 'schedule', 'webhook'] },
            from: { type: 'string', description: 'Started at or after this ISO 8601 instant (a date alone: its start, UTC)' },
            to: { type: 'string', description: 'Started before this ISO 8601 instant (a date alone: up to the end of that day, UTC)' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (req) => {
      const { from, to, ...rest } = req.query;
      return { runs: await listRuns(db, req.auth.tenantId, { ...rest, from: from ? instant('from', from) : undefined, to: to ? instant('to', to, true) : undefined }) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id',
    { config: { permission: 'view' }, schema: { tags: ['runs'], summary: 'A run: status, counters, duration, trigger, pinned version, per-node counts', params: { type: 'object', properties: { id: { type: 'string' } } } } },
    async (req) => getRun(db, req.auth.tenantId, req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { outcome?: string; after?: number; limit?: number } }>(
    '/api/runs/:id/records',
    { config: { permission: 'view' },
      schema: {
        tags: ['runs'],
        summary: 'Per-record outcomes of a run (paged by id); `message` and a failure\'s `hint` are in English, `messageText` (messages Ponte wrote) and `hintText` in pt-BR and English',
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
      await getRun(db, req.auth.tenantId, req.params.id);
      const conds = [eq(runRecords.tenantId, req.auth.tenantId), eq(runRecords.runId, req.params.id), gt(runRecords.id, req.query.after ?? 0)];
      if (req.query.outcome) conds.push(eq(runRecords.outcome, req.query.outcome as never));
      const rows = await db.select().from(runRecords).where(and(...conds)).orderBy(asc(runRecords.id)).limit(req.query.limit ?? 100);
      return { records: rows.map((r) => withMessageText(withHintText(r))), next: rows.length ? rows[rows.length - 1].id : null };
    },
  );
}

export function registerRunActionRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const starter = { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents };
  const versionChoice = { type: 'string', enum: ['pinned', 'latest'], default: 'pinned' } as const;
  const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

  app.post<{ Params: { id: string }; Body: { version?: 'pinned' | 'latest'; recordKeys?: string[] } | undefined }>(
    '/api/runs/:id/reprocess',
    { config: { permission: 'run' },
      schema: {
        tags: ['runs'],
        summary: 'Reprocess the unresolved failed records of a run, on its pinned version or the latest published one',
        params: idParam,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { version: versionChoice, recordKeys: { type: 'array', items: { type: 'string' }, minItems: 1 } } },
      },
    },
    async (req, reply) => {
      const [result] = await reprocessRuns(db, starter, req.auth.tenantId, [req.params.id], { version: req.body?.version ?? 'pinned', recordKeys: req.body?.recordKeys });
      await audit(db, actorOf(req), { action: 'run.reprocess', targetType: 'run', targetId: req.params.id, details: { version: req.body?.version ?? 'pinned', recordKeys: req.body?.recordKeys, newRunId: result.runId } });
      return reply.code(result.runId ? 202 : 200).send(result);
    },
  );

  app.post<{ Body: { runIds: string[]; version?: 'pinned' | 'latest' } }>(
    '/api/runs/reprocess',
    { config: { permission: 'run' },
      schema: {
        tags: ['runs'],
        summary: 'Reprocess the failed records of several runs at once',
        body: { type: 'object', required: ['runIds'], additionalProperties: false, properties: { runIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 200 }, version: versionChoice } },
      },
    },
    async (req, reply) => {
      const reprocessed = await reprocessRuns(db, starter, req.auth.tenantId, req.body.runIds, { version: req.body.version ?? 'pinned' });
      for (const r of reprocessed)
        if (r.runId) await audit(db, actorOf(req), { action: 'run.reprocess', targetType: 'run', targetId: r.of, details: { version: req.body.version ?? 'pinned', newRunId: r.runId } });
      return reply.code(202).send({ reprocessed });
    },
  );

  app.post<{ Params: { id: string }; Body: { recordKeys?: string[]; resolution?: string } | undefined }>(
    '/api/runs/:id/records/resolve',
    { config: { permission: 'edit' },
      schema: {
        tags: ['runs'],
        summary: 'Mark failed records resolved (all of the run, or the ones named)',
        params: idParam,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { recordKeys: { type: 'array', items: { type: 'string' }, minItems: 1 }, resolution: { type: 'string', maxLength: 1000 } } },
      },
    },
    async (req) => {
      const resolved = await resolveRecords(db, req.auth.tenantId, req.params.id, req.body ?? {});
      await audit(db, actorOf(req), { action: 'run.resolve', targetType: 'run', targetId: req.params.id, details: { recordKeys: req.body?.recordKeys ?? 'all', resolution: req.body?.resolution } });
      return resolved;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/runs/:id/export',
    { config: { permission: 'view' }, schema: { tags: ['runs'], summary: 'The run and every record outcome with its payload, as a JSON file (secrets blanked)', params: idParam } },
    async (req, reply) => {
      const run = await getRun(db, req.auth.tenantId, req.params.id);
      const records: unknown[] = [];
      let after = 0;
      for (;;) {
        const rows = await db.select().from(runRecords).where(and(eq(runRecords.tenantId, req.auth.tenantId), eq(runRecords.runId, run.id), gt(runRecords.id, after))).orderBy(asc(runRecords.id)).limit(5000);
        if (!rows.length) break;
        for (const { tenantId: _t, ...r } of rows) records.push(withMessageText(r));
        after = rows[rows.length - 1].id;
      }
      // Provider data only goes out, but a provider may echo a credential: blank every one of them.
      const secrets = (await listConnections(db, req.auth.tenantId)).flatMap((c) => Object.values(deps.box.open<Record<string, string>>(c.credentials)));
      const text = redactSecrets(JSON.stringify({ exportedAt: new Date().toISOString(), run, records }, null, 2), Object.fromEntries(secrets.map((s, i) => [String(i), s])));
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="ponte-run-${run.id}.json"`)
        .send(text);
    },
  );

  app.post<{ Params: { id: string }; Body: { title?: string; message?: string; recordKeys?: string[] } | undefined }>(
    '/api/runs/:id/ticket',
    { config: { permission: 'run' },
      schema: {
        tags: ['runs'],
        summary: '"Abrir chamado": record a ticket for the run\'s failures and send it to PONTE_TICKET_URL',
        params: idParam,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { title: { type: 'string', minLength: 1, maxLength: 300 }, message: { type: 'string', maxLength: 5000 }, recordKeys: { type: 'array', items: { type: 'string' }, minItems: 1 } },
        },
      },
    },
    async (req, reply) => {
      const ticket = await openTicket(db, req.auth.tenantId, req.params.id, req.body ?? {}, deps.ticketUrl);
      await audit(db, actorOf(req), { action: 'run.ticket', targetType: 'run', targetId: req.params.id, details: { ticketId: ticket.id, title: ticket.title } });
      return reply.code(201).send(ticket);
    },
  );

  app.get('/api/hub', { config: { permission: 'view' }, schema: { tags: ['runs'], summary: 'Hub figures: active integrations, last successful sync, errors in 24 h, records this month — overall and per connection; records waiting for approval; certificates expiring within 30 days' } }, async (req) => {
    const figures = await hubFigures(db, req.auth.tenantId);
    const certificatesExpiring = [];
    for (const c of await listConnections(db, req.auth.tenantId)) {
      const status = certificateStatus(connectorFor(c.provider), deps.box.open<Record<string, string>>(c.credentials));
      if (status && 'daysLeft' in status && status.expiresSoon) certificatesExpiring.push({ connectionId: c.id, name: c.name, subject: status.subject, notAfter: status.notAfter, daysLeft: status.daysLeft });
    }
    return { ...figures, certificatesExpiring };
  });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `from`/`to` bound: an ISO 8601 instant, or a date alone (UTC), which as an upper bound takes in the whole day. */
function instant(field: 'from' | 'to', value: string, endOfDay = false): Date {
  const at = new Date(DAY.test(value) ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) throw new BadInput([{ field, message: `${field} must be an ISO 8601 date or date-time (2025-03-01 or 2025-03-01T12:00:00-03:00), got "${value}"` }]);
  return endOfDay && DAY.test(value) ? new Date(at.getTime() + 86_400_000) : at;
}
