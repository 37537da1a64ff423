/**
 * SMS through an HTTP gateway (Zenvia, Twilio, a carrier's own API...): Brazilian SMS providers
 * each have their own request shape, so the connection describes it — the gateway URL, the header
 * carrying the token, and a JSONata expression building the body from `{to, text, from}`. The
 * default body is Zenvia's v2 shape.
 */
import jsonata from 'jsonata';
import type { HttpResponse } from '../http/client';
import { ConfigError, ValidationError } from '../http/errors';
import { type ConnectionContext, defineConnector, type OutgoingMessage } from '../types';

const ZENVIA_BODY = '{"from": from, "to": to, "contents": [{"type": "text", "text": text}]}';

function headers(credentials: Record<string, string>, settings: Record<string, unknown>): Record<string, string> {
  const name = typeof settings.tokenHeader === 'string' && settings.tokenHeader ? settings.tokenHeader : 'X-API-TOKEN';
  const value = name.toLowerCase() === 'authorization' ? `Bearer ${credentials.token}` : credentials.token;
  return credentials.token ? { [name]: value } : {};
}

async function send(ctx: ConnectionContext, message: OutgoingMessage) {
  const to = message.to.replace(/[^\d+]/g, '').replace(/^\+/, '');
  if (!/^\d{10,15}$/.test(to)) throw new ValidationError(`"${message.to}" is not a phone number with country and area code (e.g. +55 11 99999-8888)`);
  if (!message.text) throw new ValidationError('An SMS needs a text');
  let body: unknown;
  try {
    body = await jsonata(typeof ctx.settings.body === 'string' && ctx.settings.body ? ctx.settings.body : ZENVIA_BODY).evaluate({ to, text: message.text, from: ctx.credentials.from ?? '' });
  } catch (err) {
    throw new ConfigError(`settings.body of the SMS connection does not build a request: ${(err as Error).message}`);
  }
  const res = await ctx.http.send<Record<string, unknown>>({ method: 'POST', path: '', headers: { ...headers(ctx.credentials, ctx.settings), 'idempotency-key': message.id }, json: body });
  const id = res.body && typeof res.body === 'object' ? (res.body.id ?? res.body.sid ?? null) : null;
  return { providerId: id === null ? null : String(id), status: 'sent' as const };
}

export const smsHttp = defineConnector({
  id: 'sms-http',
  name: 'SMS (gateway HTTP)',
  description: 'Sends SMS through an HTTP gateway; the request shape is configurable (Zenvia v2 by default).',
  role: 'other',
  defaultBaseUrl: 'https://api.zenvia.com/v2/channels/sms/messages',
  credentialSchema: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string', title: 'Token da API', secret: true },
      from: { type: 'string', title: 'Remetente', description: 'The sender id the gateway expects (Zenvia: the account keyword)' },
    },
  },
  credentialHelp: 'URL do envio de SMS do seu provedor (na conexão), o token da API e o remetente. Para outro formato de requisição, ajuste settings.body (JSONata sobre {to, text, from}) e settings.tokenHeader.',
  rateLimit: { requestsPerSecond: 10 },
  authHeaders: () => ({}),
  entities: {},
  messaging: { channel: 'sms', send },
  async test(ctx): Promise<HttpResponse> {
    // Gateways have no harmless call in common: check the URL answers and the token is taken (an empty request).
    return ctx.http.send({ method: 'POST', path: '', headers: headers(ctx.credentials, ctx.settings), json: {}, raw: true });
  },
});
