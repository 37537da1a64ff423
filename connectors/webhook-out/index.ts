/**
 * Outgoing webhook: a channel a notify node sends through — a POST of JSON to the connection's
 * URL, signed with the Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256>`), so any receiver with a Standard Webhooks library
 * verifies it and dedupes by `webhook-id` (the same message keeps its id when sent again).
 */
import { Webhook } from 'standardwebhooks';
import type { HttpResponse } from '../http/client';
import { ConfigError } from '../http/errors';
import { type ConnectionContext, defineConnector, type OutgoingMessage } from '../types';

function signer(ctx: ConnectionContext): Webhook {
  try {
    return new Webhook(ctx.credentials.secret ?? '');
  } catch (err) {
    throw new ConfigError(`The signing secret must be base64, optionally prefixed "whsec_": ${(err as Error).message}`);
  }
}

function signedHeaders(ctx: ConnectionContext, id: string, body: string): Record<string, string> {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer(ctx).sign(id, at, body) };
}

async function send(ctx: ConnectionContext, message: OutgoingMessage) {
  const payload = message.data ?? { to: message.to, subject: message.subject, text: message.text };
  // The client serialises `json` with JSON.stringify too: the signature covers exactly the bytes sent.
  await ctx.http.send({ method: 'POST', path: '', headers: signedHeaders(ctx, message.id, JSON.stringify(payload)), json: payload });
  return { providerId: message.id, status: 'sent' as const };
}

async function test(ctx: ConnectionContext): Promise<HttpResponse> {
  const ping = { type: 'ponte.ping', at: new Date().toISOString() };
  return ctx.http.send({ method: 'POST', path: '', headers: signedHeaders(ctx, `ping_${Date.now()}`, JSON.stringify(ping)), json: ping, raw: true });
}

export const webhookOut = defineConnector({
  id: 'webhook-out',
  name: 'Webhook de saída',
  description: 'POSTs signed JSON (Standard Webhooks) to a URL of yours: alerts and events for any system.',
  role: 'other',
  defaultBaseUrl: 'https://{your-endpoint}',
  credentialSchema: {
    type: 'object',
    required: ['secret'],
    properties: { secret: { type: 'string', title: 'Segredo de assinatura', description: 'base64, optionally "whsec_…"; the receiver verifies webhook-signature with it', secret: true } },
  },
  credentialHelp: 'A URL que recebe os eventos (na conexão) e um segredo em base64 (ex.: whsec_ + 32 bytes aleatórios) que o receptor usa para verificar a assinatura.',
  rateLimit: { requestsPerSecond: 20 },
  authHeaders: () => ({}),
  entities: {},
  messaging: { channel: 'webhook', send },
  test,
});
