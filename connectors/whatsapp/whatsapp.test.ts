import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../http/client';
import { AuthError, ConfigError, RateLimited, Transient, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, CredentialSchema, IncomingWebhook, OutgoingMessage } from '../types';
import { API_VERSION, classify, normalisePhone } from './client';
import { whatsapp } from './index';
import { startWhatsAppSimulator, type WhatsAppSimulator } from './simulator';

/** A connection to the simulator, pacing off. */
function connect(sim: WhatsAppSimulator, credentials: Record<string, string> = {}): ConnectionContext {
  return openConnection(
    {
      id: `wa-${Math.random().toString(36).slice(2, 8)}`,
      provider: 'whatsapp',
      baseUrl: sim.baseUrl,
      credentials: { ...sim.credentials, ...credentials },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    },
    new PacerRegistry(),
  ).ctx;
}

const message = (fields: Partial<OutgoingMessage> = {}): OutgoingMessage => ({ id: 'msg-0001', to: '+55 (11) 99999-8888', text: 'Olá', ...fields });
const send = (ctx: ConnectionContext, fields: Partial<OutgoingMessage> = {}) => whatsapp.messaging.send(ctx, message(fields));

/** What a send failed with (the tests look at its kind and the provider's words). */
async function failure(promise: Promise<unknown>): Promise<Error & { providerMessage?: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { providerMessage?: string };
  }
  throw new Error('expected the send to fail');
}

const graph = (status: number, code: number, message = 'x'): HttpResponse => ({ status, headers: {}, body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'T' } }, text: '', latencyMs: 0 });

describe('the connector', () => {
  it('is registered as a WhatsApp channel on the current Graph API version, paced at 80 messages per second', () => {
    expect(whatsapp).toMatchObject({ id: 'whatsapp', role: 'other', name: 'WhatsApp Business (Cloud API)', entities: {}, messaging: { channel: 'whatsapp' } });
    expect(whatsapp.defaultBaseUrl).toBe(`https://graph.facebook.com/${API_VERSION}`);
    expect(whatsapp.rateLimit.requestsPerSecond).toBe(80);
    const schema: CredentialSchema = whatsapp.credentialSchema;
    expect(Object.entries(schema.properties).filter(([, p]) => p.secret).map(([k]) => k)).toEqual(['accessToken', 'appSecret', 'verifyToken']);
  });
});

describe('sending through the Cloud API', () => {
  let sim: WhatsAppSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startWhatsAppSimulator();
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('tests the connection with the phone number record, and shows a refused token as it came', async () => {
    const ok = await whatsapp.test(ctx);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ display_phone_number: '+55 11 4000-1234', verified_name: 'Loja Simulada', id: sim.credentials.phoneNumberId });
    const refused = await whatsapp.test(connect(sim, { accessToken: 'expired' }));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
  });

  it('sends an approved template with its language and body parameters, and reports it accepted, not delivered', async () => {
    const result = await send(ctx, { id: 'msg-template', template: { name: 'pedido_enviado', language: 'pt_BR', parameters: ['Maria', 'BR123456789'] } });
    expect(result.status).toBe('accepted');
    expect(result.providerId).toMatch(/^wamid\./);
    const arrived = sim.sent.find((s) => s.id === result.providerId)!;
    expect(arrived.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511999998888',
      biz_opaque_callback_data: 'msg-template',
      type: 'template',
      template: {
        name: 'pedido_enviado',
        language: { code: 'pt_BR' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }, { type: 'text', text: 'BR123456789' }] }],
      },
    });
  });

  it('sends a template without variables with no components', async () => {
    const result = await send(ctx, { template: { name: 'hello_world', language: 'en_US', parameters: [] } });
    const arrived = sim.sent.find((s) => s.id === result.providerId)!;
    expect(arrived.body.template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it('sends free text inside the window without link previews', async () => {
    const result = await send(ctx, { id: 'msg-text', text: 'Seu pedido 123 saiu para entrega: https://rastreio.example/BR123' });
    expect(result).toMatchObject({ status: 'accepted', providerId: expect.stringMatching(/^wamid\./) });
    const arrived = sim.sent.find((s) => s.id === result.providerId)!;
    expect(arrived.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511999998888',
      biz_opaque_callback_data: 'msg-text',
      type: 'text',
      text: { preview_url: false, body: 'Seu pedido 123 saiu para entrega: https://rastreio.example/BR123' },
    });
  });

  it('stops the run on a refused token (AuthError, code 190)', async () => {
    const err = await failure(send(connect(sim, { accessToken: 'revoked' })));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.status).toBe(401);
    expect(err.providerMessage).toContain('Invalid OAuth access token');
  });

  it('fails only this message when the template does not exist, in the provider\'s words', async () => {
    const before = sim.sent.length;
    const err = await failure(send(ctx, { template: { name: 'pedido_enviadoo', language: 'pt_BR', parameters: ['Maria', 'BR1'] } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.providerMessage).toContain('(#132001) Template name does not exist in the translation');
    expect(err.providerMessage).toContain('template name (pedido_enviadoo) does not exist in pt_BR');
    // A template approved in another language is the same refusal.
    expect(await failure(send(ctx, { template: { name: 'pedido_enviado', language: 'en_US', parameters: ['Maria', 'BR1'] } }))).toBeInstanceOf(ValidationError);
    expect(sim.sent.length).toBe(before);
  });

  it('fails only this message when the parameter count does not match the template (132000)', async () => {
    const err = await failure(send(ctx, { template: { name: 'pedido_enviado', language: 'pt_BR', parameters: ['Maria'] } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.providerMessage).toContain('Number of parameters does not match');
    expect(err.providerMessage).toContain('(1) does not match the expected number of params (2)');
  });

  it('normalises the recipient to digits with country code, and refuses what is not a phone without calling Meta', async () => {
    expect(normalisePhone('+55 (11) 99999-8888')).toBe('5511999998888');
    expect(normalisePhone(' 55 11 99999.8888 ')).toBe('5511999998888');
    expect(normalisePhone('+1 650-555-1234')).toBe('16505551234');
    const before = sim.stats.requests;
    for (const to of ['maria@example.com', '+55 11 99999-8888 ramal 2', '12345', '0055 11 99999-8888', '', '+55 11 9999 8888 7777 66']) {
      const err = await failure(send(ctx, { to }));
      expect(err, to).toBeInstanceOf(ValidationError);
    }
    expect((await failure(send(ctx, { to: 'maria@example.com' }))).message).toMatch(/not a phone number/);
    expect(sim.stats.requests).toBe(before);
    const result = await send(ctx, { to: '+55 (21) 98888-7777' });
    expect(sim.sent.find((s) => s.id === result.providerId)!.body.to).toBe('5521988887777');
  });

  it('refuses a message with neither text nor template, and attachments it cannot carry', async () => {
    expect(await failure(send(ctx, { text: '  ' }))).toBeInstanceOf(ValidationError);
    expect(await failure(send(ctx, { attachments: [{ filename: 'nf.pdf', content: 'x' }] }))).toBeInstanceOf(ConfigError);
    expect(await failure(send(connect(sim, { phoneNumberId: '+55 11 4000-1234' })))).toBeInstanceOf(ConfigError);
  });

  it('holds back on a throttle and retries a server fault, by Graph error code', async () => {
    sim.faults.throttleNext(1);
    const throttled = await failure(send(ctx));
    expect(throttled).toBeInstanceOf(RateLimited);
    expect((throttled as RateLimited).retryAfterMs).toBe(1000);
    expect(throttled.status).toBe(400);
    sim.faults.failNext(1);
    expect(await failure(send(ctx))).toBeInstanceOf(Transient);
    expect((await send(ctx)).status).toBe('accepted');
  });

  it('classifies Graph errors by code whatever the HTTP status', () => {
    expect(classify(graph(401, 190))).toBeInstanceOf(AuthError);
    expect(classify(graph(403, 200))).toBeInstanceOf(AuthError);
    for (const code of [4, 80007, 130429, 131056]) expect(classify(graph(400, code)), String(code)).toBeInstanceOf(RateLimited);
    expect((classify(graph(400, 131056)) as RateLimited).retryAfterMs).toBe(6000);
    expect((classify(graph(400, 4)) as RateLimited).retryAfterMs).toBe(60_000);
    for (const code of [100, 131026, 131047, 131051, 132000, 132001, 132015]) expect(classify(graph(400, code)), String(code)).toBeInstanceOf(ValidationError);
    for (const code of [131000, 131016]) expect(classify(graph(400, code)), String(code)).toBeInstanceOf(Transient);
    expect(classify(graph(503, 99999))).toBeInstanceOf(Transient);
    expect(classify(graph(400, 99999))).toBeUndefined();
    expect(classify({ status: 200, headers: {}, body: {}, text: '', latencyMs: 0 })).toBeNull();
  });
});

describe('the throughput limit', () => {
  it('answers 130429 beyond the number\'s messages per second', async () => {
    const sim = await startWhatsAppSimulator({ messagesPerSecond: 2 });
    try {
      const ctx = connect(sim);
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => send(ctx)));
      const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected.every((e) => e instanceof RateLimited)).toBe(true);
      expect(sim.stats.throttled).toBe(rejected.length);
    } finally {
      await sim.close();
    }
  });
});

describe('webhooks', () => {
  let sim: WhatsAppSimulator;
  const hooks = whatsapp.webhooks;
  beforeAll(async () => {
    sim = await startWhatsAppSimulator();
  });
  afterAll(() => sim?.close());

  it('answers the subscription handshake only with the right verify token', () => {
    expect(hooks.challenge!(sim.challengeQuery('1158201444'), sim.credentials)).toBe('1158201444');
    expect(hooks.challenge!(sim.challengeQuery('1158201444', 'wrong'), sim.credentials)).toBeNull();
    expect(hooks.challenge!({ ...sim.challengeQuery('1158201444'), 'hub.mode': 'unsubscribe' }, sim.credentials)).toBeNull();
    expect(hooks.challenge!(sim.challengeQuery('1158201444', ''), { ...sim.credentials, verifyToken: '' })).toBeNull();
    expect(hooks.challenge!({ 'hub.mode': 'subscribe', 'hub.verify_token': sim.credentials.verifyToken }, sim.credentials)).toBeNull();
  });

  it('accepts a delivery signed with the app secret and refuses a missing, wrong or tampered signature', () => {
    const delivery = sim.statusWebhook('wamid.X', 'delivered');
    expect(hooks.verify(delivery, sim.credentials, {})).toBe('valid');
    const { 'x-hub-signature-256': _, ...unsigned } = delivery.headers;
    expect(hooks.verify({ ...delivery, headers: unsigned }, sim.credentials, {})).toBe('invalid');
    expect(hooks.verify(delivery, { ...sim.credentials, appSecret: 'another-secret' }, {})).toBe('invalid');
    expect(hooks.verify({ ...delivery, rawBody: delivery.rawBody.replace('delivered', 'read') }, sim.credentials, {})).toBe('invalid');
    const bare = delivery.headers['x-hub-signature-256'].slice('sha256='.length);
    expect(hooks.verify({ ...delivery, headers: { ...delivery.headers, 'x-hub-signature-256': bare } }, sim.credentials, {})).toBe('invalid');
    expect(hooks.verify(delivery, { ...sim.credentials, appSecret: '' }, {})).toBe('invalid');
  });

  it('acknowledges without events a delivery about another number of the same app', () => {
    const delivery = sim.statusWebhook('wamid.X', 'sent');
    expect(hooks.verify(delivery, { ...sim.credentials, phoneNumberId: '999999999' }, {})).toBe('ping');
  });

  it('turns a failed status into the message\'s failure with Meta\'s code and title', async () => {
    const ctx = connect(sim);
    const { providerId } = await send(ctx, { id: 'msg-late', text: 'Oi de novo' });
    const delivery = sim.statusWebhook(providerId!, 'failed', { errorCode: 131047, errorTitle: 'Re-engagement message', timestamp: 1_764_000_000 });
    expect(hooks.verify(delivery, sim.credentials, {})).toBe('valid');
    const events = hooks.parse(delivery);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventId: `${providerId}:failed:1764000000`,
      topic: 'statuses',
      entity: 'messages',
      action: 'updated',
      resourceId: providerId,
      messageStatus: { status: 'failed', at: '2025-11-24T16:00:00.000Z', error: '131047: Re-engagement message' },
      record: { key: providerId, data: { biz_opaque_callback_data: 'msg-late', recipient_id: '5511999998888' } },
    });
  });

  it('follows a message through sent, delivered and read, one event id per status', async () => {
    const { providerId } = await send(connect(sim), { template: { name: 'pedido_enviado', language: 'pt_BR', parameters: ['Ana', 'BR9'] } });
    const events = (['sent', 'delivered', 'read'] as const).flatMap((status, i) => hooks.parse(sim.statusWebhook(providerId!, status, { timestamp: 1_764_000_000 + i })));
    expect(events.map((e) => e.messageStatus)).toEqual([
      { status: 'sent', at: '2025-11-24T16:00:00.000Z' },
      { status: 'delivered', at: '2025-11-24T16:00:01.000Z' },
      { status: 'read', at: '2025-11-24T16:00:02.000Z' },
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    // A redelivery (status webhooks are at-least-once) has the same event id.
    expect(hooks.parse(sim.statusWebhook(providerId!, 'read', { timestamp: 1_764_000_002 }))[0].eventId).toBe(events[2].eventId);
  });

  it('verifies the raw bytes Meta sends, with non-ASCII escaped', () => {
    const delivery = sim.statusWebhook('wamid.X', 'failed', { errorCode: 131026, errorTitle: 'Mensagem não entregue' });
    expect(delivery.rawBody).toContain('n\\u00e3o');
    expect(hooks.verify(delivery, sim.credentials, {})).toBe('valid');
    expect(hooks.parse(delivery)[0].messageStatus!.error).toBe('131026: Mensagem não entregue');
  });

  it('produces no event for what customers write, other fields or a body that is not Meta\'s', () => {
    const incoming = sim.incomingMessageWebhook('+55 11 98888-7777', 'Quando chega meu pedido?');
    expect(hooks.verify(incoming, sim.credentials, {})).toBe('valid');
    expect(hooks.parse(incoming)).toEqual([]);
    const other: IncomingWebhook = { headers: {}, query: {}, rawBody: JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }] }) };
    expect(hooks.parse(other)).toEqual([]);
    expect(hooks.parse({ headers: {}, query: {}, rawBody: 'not json' })).toEqual([]);
  });
});
