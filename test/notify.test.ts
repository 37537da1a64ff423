/**
 * Notify and alerts on real runs: e-mails through a local SMTP server, signed webhooks to a local
 * receiver; each message sent once per content however often the run is repeated; a run that
 * ends with failures e-mails the configured address with what to do.
 */
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '../connectors/whatsapp/simulator';
import { createConnection, runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink';

const SECRET = `whsec_${Buffer.from('ponte-notify-test-secret-32bytes').toString('base64')}`;

describe('notify and alerts', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let smtp: SmtpSink;
  let whatsapp: WhatsAppSimulator;
  let base: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ id: string; body: unknown; verified: boolean }> = [];
  /** While set: the `at`-th distinct record the receiver sees gets 503 `refusals` times. */
  let outage: { at: number; seen: Set<string>; sku?: string; refusals: number; refused: number } | undefined;
  let smtpId: string;
  let blingId: string;

  useBlingAndMl({}, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    smtp = await startSmtpSink();
    whatsapp = await startWhatsAppSimulator();
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        let verified = true;
        try {
          new Webhook(SECRET).verify(raw, req.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        const body = JSON.parse(raw);
        // A receiver that goes down on one record for a while (see the retry test below).
        if (outage && !outage.seen.has(body.sku)) {
          outage.seen.add(body.sku);
          if (outage.seen.size === outage.at) outage.sku = body.sku;
        }
        if (outage && outage.sku === body.sku && outage.refusals > 0) {
          outage.refusals--;
          outage.refused++;
          res.writeHead(503).end();
          return;
        }
        received.push({ id: String(req.headers['webhook-id']), body, verified });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/ponte`;
    bling.seedProducts(4);
    const conn = (body: object) => createConnection(h, body);
    smtpId = await conn({ name: 'E-mail da loja', provider: 'smtp', baseUrl: smtp.url, credentials: { from: 'Loja Exemplo <pedidos@loja.test>' } });
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  });
  afterAll(async () => {
    await smtp?.close();
    await whatsapp?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const publish = async (name: string, notify: Record<string, unknown>) => {
    const document = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
        { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products' } },
        { id: 'tell', type: 'notify', typeVersion: 1, params: notify },
      ],
      edges: [
        { from: 'start', fromPort: 'out', to: 'read' },
        { from: 'read', fromPort: 'out', to: 'tell' },
      ],
    };
    const flow = await h.api('POST', '/api/flows', { name, document });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return flow.body.id as string;
  };

  it('e-mails once per record and content: a repeated run sends nothing, a changed record sends one more', async () => {
    const flowId = await publish('Avisar preços', { connectionId: smtpId, to: '"compras@loja.test"', subject: '"Preço de " & codigo', text: 'nome & " custa R$ " & $string(preco)' });
    const first = await runFlow(h, flowId);
    expect(first.status).toBe('success');
    expect(first.counters).toMatchObject({ created: 4, failed: 0 });
    expect(smtp.messages).toHaveLength(4);
    const [product] = [...bling.products.values()];
    const mail = smtp.messages.find((m) => m.subject === `Preço de ${product.codigo}`)!;
    expect(mail.text?.trim()).toBe(`${product.nome} custa R$ ${product.preco}`);
    expect(mail.from?.text).toBe('"Loja Exemplo" <pedidos@loja.test>');
    expect(mail.messageId).toMatch(/^<msg_[0-9a-f]{32}@ponte>$/);

    const again = await runFlow(h, flowId);
    expect(again.counters).toMatchObject({ created: 0, skipped: 4 });
    expect(smtp.messages).toHaveLength(4);

    bling.updateProduct(product.id, { preco: 123.45 });
    const changed = await runFlow(h, flowId);
    expect(changed.counters).toMatchObject({ created: 1, skipped: 3 });
    expect(smtp.messages.at(-1)?.text?.trim()).toBe(`${product.nome} custa R$ 123.45`);
    const ledger = (await h.api('GET', `/api/notifications?runId=${changed.id}`)).body.notifications;
    expect(ledger).toEqual([expect.objectContaining({ channel: 'email', recipient: 'compras@loja.test', status: 'sent', recordKey: String(product.id) })]);
  });

  it('posts signed webhooks the receiver verifies with the Standard Webhooks scheme', async () => {
    const hookId = (await h.api('POST', '/api/connections', { name: 'ERP interno', provider: 'webhook-out', baseUrl: receiverUrl, credentials: { secret: SECRET } })).body.id;
    const test = await h.api('POST', `/api/connections/${hookId}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 204 });
    const flowId = await publish('Eventos de produto', { connectionId: hookId, to: '"erp-interno"', data: '{"sku": codigo, "price": preco}' });
    received.length = 0;
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ created: 4, failed: 0 });
    expect(received).toHaveLength(4);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(new Set(received.map((r) => r.id)).size).toBe(4);
    expect(received.map((r) => (r.body as { sku: string }).sku).sort()).toEqual([...bling.products.values()].map((p) => p.codigo).sort());
  });

  it('reports the messages an interrupted page had sent as sent when Temporal retries it, sending none twice', async () => {
    const hookId = (await h.api('POST', '/api/connections', { name: 'ERP instável', provider: 'webhook-out', baseUrl: receiverUrl, credentials: { secret: SECRET } })).body.id;
    const flowId = await publish('Eventos com queda', { connectionId: hookId, to: '"erp-instavel"', data: '{"sku": codigo, "price": preco}' });
    received.length = 0;
    // The third record's delivery fails past the in-page retries (4 tries): the page goes back to Temporal.
    outage = { at: 3, seen: new Set(), refusals: 4, refused: 0 };
    try {
      const run = await runFlow(h, flowId);
      expect(outage.refused).toBe(4);
      expect(run.status).toBe('success');
      expect(run.counters).toMatchObject({ created: 4, skipped: 0, failed: 0 });
    } finally {
      outage = undefined;
    }
    const skus = received.map((r) => (r.body as { sku: string }).sku);
    expect(skus.sort()).toEqual([...bling.products.values()].map((p) => p.codigo).sort());
  });

  it('e-mails the flow’s alert address when a run ends with failures, with the failure and what to do, once', async () => {
    const setUp = await setUpBlingToMl(h, bling, ml);
    const [broken] = [...bling.products.keys()];
    bling.updateProduct(broken, { preco: -1 });
    const flow = (await h.api('GET', `/api/flows/${setUp.flowId}`)).body;
    const withAlert = { ...flow.document, alerts: [{ connectionId: smtpId, to: 'ops@loja.test' }] };
    expect((await h.api('PUT', `/api/flows/${setUp.flowId}`, { document: withAlert })).status).toBe(200);
    expect((await h.api('POST', `/api/flows/${setUp.flowId}/publish`)).status).toBe(201);
    const before = smtp.messages.length;
    const run = await runFlow(h, setUp.flowId);
    expect(run.status).toBe('partial');
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    const alert = smtp.messages.at(-1)!;
    expect(alert.to && 'text' in alert.to ? alert.to.text : '').toBe('ops@loja.test');
    expect(alert.subject).toContain('terminou com falhas');
    expect(alert.text).toContain(`execução ${run.id}`);
    expect(alert.text).toContain(`- ${broken}:`);
    // The message is in Portuguese, and so is what to do.
    expect(alert.text).toContain(`→ O sistema recusou o registro. Corrija os campos citados na mensagem e reprocesse.`);
    // A bad alert setting is refused on save.
    const bad = await h.api('PUT', `/api/flows/${setUp.flowId}`, { document: { ...flow.document, alerts: [{ connectionId: setUp.blingConnectionId, to: '' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(['alerts[0].to', 'alerts[0].connectionId']));
  });

  it('tells the alert address when a connection stops accepting its credentials, with what to do', async () => {
    const setUp = await setUpBlingToMl(h, bling, ml, { blingAccessToken: 'revogado' });
    const flow = (await h.api('GET', `/api/flows/${setUp.flowId}`)).body;
    await h.api('PUT', `/api/flows/${setUp.flowId}`, { document: { ...flow.document, alerts: [{ connectionId: smtpId, to: 'ops@loja.test', on: ['error'] }] } });
    expect((await h.api('POST', `/api/flows/${setUp.flowId}/publish`)).status).toBe(201);
    const before = smtp.messages.length;
    const run = await runFlow(h, setUp.flowId);
    expect(run.status).toBe('error');
    expect((await h.api('GET', `/api/connections/${setUp.blingConnectionId}`)).body.status).toBe('error');
    // One message for the connection's fall, one for the run that failed on it.
    await expect.poll(() => smtp.messages.length).toBe(before + 2);
    const mails = smtp.messages.slice(before);
    const fall = mails.find((m) => m.subject?.includes('Conexão'))!;
    expect(fall.subject).toBe('[Ponte] Conexão Bling com erro');
    expect(fall.text).toContain('O que fazer: As credenciais foram recusadas (401/403). Renove-as na conexão e teste a conexão de novo.');
    const failedRun = mails.find((m) => m.subject?.endsWith('falhou'))!;
    expect(failedRun.text).toContain('O que fazer: As credenciais foram recusadas (401/403).');
    // The run's error carries the same next step for the screens, in both languages.
    expect(run.errorHintText).toEqual({
      'pt-BR': 'As credenciais foram recusadas (401/403). Renove-as na conexão e teste a conexão de novo.',
      en: 'Credentials were refused (401/403). Renew them on the connection and test it again.',
    });
  });

  it('sends a WhatsApp template with the right body, and records a later "failed" status against that message', async () => {
    const waId = (await h.api('POST', '/api/connections', { name: 'WhatsApp da loja', provider: 'whatsapp', baseUrl: whatsapp.baseUrl, credentials: whatsapp.credentials, settings: { rateLimit: { requestsPerSecond: 0 } } })).body.id;
    const flowId = await publish('WhatsApp de produto', {
      connectionId: waId,
      to: '"+55 (11) 99999-" & $pad($string(id % 10000), -4, "0")',
      template: { name: 'pedido_enviado', language: 'pt_BR', parameters: ['nome', 'codigo'] },
    });
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ created: 4, failed: 0 });
    expect(whatsapp.sent).toHaveLength(4);
    const [product] = [...bling.products.values()];
    const message = whatsapp.sent.find((m) => m.to === `551199999${String(product.id % 10000).padStart(4, '0')}`)!;
    expect(message.body).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'template',
      template: { name: 'pedido_enviado', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: product.nome }, { type: 'text', text: product.codigo }] }] },
    });
    const ledger = async () => (await h.api('GET', `/api/notifications?runId=${run.id}`)).body.notifications as Array<{ providerId: string; status: string; error: string | null; recordKey: string }>;
    const sent = (await ledger()).find((n) => n.recordKey === String(product.id))!;
    expect(sent).toMatchObject({ status: 'accepted', providerId: message.id });

    // Meta accepted it (200); later its status webhook says it failed. Delivered twice: recorded once.
    const hook = new URL((await h.api('GET', `/api/connections/${waId}/webhook`)).body.webhookUrl).pathname;
    const handshake = await fetch(`${base}${hook}?${new URLSearchParams(whatsapp.challengeQuery('123456'))}`);
    expect(await handshake.text()).toBe('123456');
    const failed = whatsapp.statusWebhook(message.id, 'failed', { errorCode: 131047, errorTitle: 'Re-engagement message' });
    for (let i = 0; i < 2; i++) expect((await fetch(base + hook, { method: 'POST', headers: failed.headers, body: failed.rawBody })).status).toBe(202);
    await expect.poll(async () => (await ledger()).find((n) => n.recordKey === String(product.id))?.status).toBe('failed');
    expect((await ledger()).find((n) => n.recordKey === String(product.id))?.error).toMatch(/131047.*Re-engagement/);
    // A late "delivered" for a failed message changes nothing; the others are untouched.
    const late = whatsapp.statusWebhook(message.id, 'delivered');
    await fetch(base + hook, { method: 'POST', headers: late.headers, body: late.rawBody });
    const forged = await fetch(base + hook, { method: 'POST', headers: { ...failed.headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body: failed.rawBody });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    const after = await ledger();
    expect(after.find((n) => n.recordKey === String(product.id))?.status).toBe('failed');
    expect(after.filter((n) => n.status === 'accepted')).toHaveLength(3);
  });

  it('sends SMS through an HTTP gateway in its own request shape (Zenvia v2 by default)', async () => {
    const gateway: Array<{ headers: Record<string, string | string[] | undefined>; body: any }> = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        gateway.push({ headers: req.headers, body: JSON.parse(raw || '{}') });
        res.writeHead(req.headers['x-api-token'] === 'zenvia-token' ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${gateway.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v2/channels/sms/messages`;
      const smsId = (await h.api('POST', '/api/connections', { name: 'SMS', provider: 'sms-http', baseUrl: url, credentials: { token: 'zenvia-token', from: 'lojaexemplo' } })).body.id;
      const flowId = await publish('SMS de produto', { connectionId: smsId, to: '"+55 (11) 98888-7777"', text: '"Produto " & codigo & " disponível"' });
      const run = await runFlow(h, flowId);
      expect(run.counters, JSON.stringify(run)).toMatchObject({ created: 4, failed: 0 });
      const [first] = gateway;
      expect(first.body).toEqual({ from: 'lojaexemplo', to: '5511988887777', contents: [{ type: 'text', text: expect.stringMatching(/^Produto .+ disponível$/) }] });
      expect(first.headers['idempotency-key']).toMatch(/^msg_/);
      expect((await h.api('GET', `/api/notifications?runId=${run.id}`)).body.notifications.map((n: { providerId: string }) => n.providerId).sort()).toEqual(['sms-1', 'sms-2', 'sms-3', 'sms-4']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a notify node pointed at a connection that sends no messages', async () => {
    const res = await h.api('POST', '/api/flows', {
      name: 'x',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products' } },
          { id: 'tell', type: 'notify', typeVersion: 1, params: { connectionId: blingId, to: '"a@b.c"', text: '"x"' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'tell' },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.problems[0].message).toMatch(/sends no messages/);
  });
});
