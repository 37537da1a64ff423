/**
 * Webhook ingress: POST /webhooks/:connectionId/:token. The token in the URL names the
 * connection's endpoint; the provider's own signature (HMAC, bearer, or a pointer to check) is
 * verified by its connector. Each event is stored once (unique per connection and provider event
 * id) and acknowledged with 202 before any run starts: Mercado Livre wants an answer within 500 ms.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../connectors/http/signatures';
import { connectorFor } from '../../connectors/runtime';
import type { IncomingWebhook } from '../../connectors/types';
import type { AppDeps } from '../app';
import type { ConnectionRow } from '../connections/store';
import type { Db } from '../db/client';
import { connections } from '../db/schema';
import type { SecretBox } from '../secrets/crypto';
import { eq } from 'drizzle-orm';
import { WebhookDispatcher } from './dispatch';
import { EventInbox } from './inbox';

/** How long the acknowledgement path trusts a connection it read (status, token, credentials). */
const ENDPOINT_TTL_MS = 1_000;

interface Endpoint {
  connection: ConnectionRow;
  token: string;
  credentials: Record<string, string>;
}

/**
 * Connections as the acknowledgement path needs them, opened once a second at most: a burst of
 * deliveries to one URL reads and decrypts its row once. A rotated token or a paused connection
 * is seen within a second; the dispatcher reads the status again before starting any run.
 */
function endpointCache(db: Db, box: SecretBox) {
  const cache = new Map<string, { at: number; endpoint: Promise<Endpoint | null> }>();
  return (id: string): Promise<Endpoint | null> => {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < ENDPOINT_TTL_MS) return hit.endpoint;
    const endpoint = db
      .select()
      .from(connections)
      .where(eq(connections.id, id))
      .then(([connection]) => (connection ? { connection, token: box.open<string>(connection.webhookToken), credentials: box.open<Record<string, string>>(connection.credentials) } : null));
    cache.set(id, { at: Date.now(), endpoint });
    endpoint.catch(() => cache.delete(id));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return endpoint;
  };
}

export async function registerWebhookIngress(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  const starter = { client: deps.temporal, taskQueue: deps.taskQueue, maxHistoryEvents: deps.maxHistoryEvents };
  const dispatcher = new WebhookDispatcher(db, starter, (msg, err) => app.log.error({ err }, msg));
  const inbox = new EventInbox(db);
  const endpoint = endpointCache(db, deps.box);
  app.addHook('onClose', async () => dispatcher.idle());

  await app.register(async (scope) => {
    // Signatures cover the raw bytes: keep the body as it came, whatever its type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    // A provider's subscription handshake (Meta's WhatsApp: hub.mode, hub.verify_token, hub.challenge).
    scope.get<{ Params: { connectionId: string; token: string }; Querystring: Record<string, string> }>(
      '/webhooks/:connectionId/:token',
      { config: { permission: 'public' }, schema: { tags: ['webhooks'], summary: 'Subscription handshake for providers that verify the URL by GET (WhatsApp)' } },
      async (req, reply) => {
        const found = await endpoint(req.params.connectionId);
        if (!found) return reply.code(404).send({ error: 'NotFound', message: 'Unknown webhook URL' });
        if (!safeEqual(found.token, req.params.token)) return reply.code(401).send({ error: 'Unauthorized', message: 'Invalid webhook token' });
        const challenge = connectorFor(found.connection.provider).webhooks?.challenge;
        if (!challenge) return reply.code(405).send({ error: 'MethodNotAllowed', message: 'This provider delivers by POST only' });
        const answer = challenge(Object.fromEntries(Object.entries(req.query ?? {}).map(([k, v]) => [k, String(v)])), found.credentials);
        if (answer === null) {
          req.log.warn({ connectionId: found.connection.id }, 'webhook handshake refused: wrong verify token');
          return reply.code(403).send({ error: 'Forbidden', message: 'Verify token does not match' });
        }
        return reply.type('text/plain').send(answer);
      },
    );

    const deliver = async (req: FastifyRequest<{ Params: { connectionId: string; token: string; '*'?: string } }>, reply: FastifyReply) => {
      const found = await endpoint(req.params.connectionId);
      if (!found) return reply.code(404).send({ error: 'NotFound', message: 'Unknown webhook URL' });
      const { connection, token, credentials } = found;
      if (!safeEqual(token, req.params.token)) {
        req.log.warn({ connectionId: connection.id }, 'webhook refused: wrong token in the URL');
        return reply.code(401).send({ error: 'Unauthorized', message: 'Invalid webhook token' });
      }
      if (connection.status === 'disabled') return reply.code(403).send({ error: 'Forbidden', message: 'This connection is disabled' });
      const connector = connectorFor(connection.provider);
      if (!connector.webhooks) return reply.code(404).send({ error: 'NotFound', message: `${connector.name} sends no webhooks Ponte can verify` });

      const incoming: IncomingWebhook = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')])),
        rawBody: typeof req.body === 'string' ? req.body : '',
        query: Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
        path: req.params['*'] ? `/${req.params['*']}` : '',
      };
      const verdict = connector.webhooks.verify(incoming, credentials, connection.settings);
      if (verdict === 'invalid') {
        req.log.warn({ connectionId: connection.id, provider: connection.provider }, 'webhook refused: signature does not verify');
        return reply.code(401).send({ error: 'Unauthorized', message: 'Signature does not verify' });
      }
      if (verdict === 'ping') return reply.code(200).send({ ok: true });

      const events = connector.webhooks.parse(incoming);
      const accepted = await inbox.store(
        events.map((e) => ({
          tenantId: connection.tenantId,
          connectionId: connection.id,
          eventId: e.eventId,
          topic: e.topic,
          entity: e.entity,
          action: e.action,
          resourceId: e.resourceId,
          // A delivery status travels in the record slot: {key: message id, data: the status}.
          record: e.messageStatus ? { key: e.resourceId, data: e.messageStatus } : (e.record ?? null),
        })),
      );
      // Runs start in the background; a crash before they do leaves the events `received` for the sweep at start.
      if (accepted) dispatcher.nudge();
      return reply.code(202).send({ accepted, duplicates: events.length - accepted });
    };
    const summary = 'Where providers deliver notifications (one URL per connection)';
    scope.post('/webhooks/:connectionId/:token', { config: { permission: 'public' }, schema: { tags: ['webhooks'], summary } }, deliver);
    // API Pix PSPs post to `{webhookUrl}/pix`: the suffix reaches the connector as `path`.
    scope.post('/webhooks/:connectionId/:token/*', { config: { permission: 'public' }, schema: { tags: ['webhooks'], summary: `${summary}; a path after the token (e.g. /pix) is passed on` } }, deliver);
  });
}
