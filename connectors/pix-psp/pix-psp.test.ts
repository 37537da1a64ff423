import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrCode } from '../../payments/pix/br-code';
import { AuthError, ConfigError, Conflict, RateLimited, Transient, ValidationError } from '../http/errors';
import { describeProblem } from '../http/problem';
import { untrustedClientCertificate } from '../simulator-kit/certificates';
import { connectTo, failureOf } from '../simulator-kit/testing';
import { startWebhookReceiver, type WebhookReceiver } from '../simulator-kit/webhook-receiver';
import type { ChargeRequest, ConnectionContext, CredentialSchema, IncomingWebhook, PaymentRecordData } from '../types';
import { pixPsp } from './index';
import { startPixPspSimulator, type PixPspSimulator } from './simulator';

/** A connection to the simulator over mutual TLS, as a flow opens it. */
const connect = (sim: PixPspSimulator, credentials: Record<string, string | undefined> = {}, settings: Record<string, unknown> = {}) =>
  connectTo('pix-psp', sim.baseUrl, { ...sim.credentials, ...credentials }, settings);

const txid = (tag: string) => `PONTE${tag}${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`.replace(/[^a-zA-Z0-9]/g, '').padEnd(30, '0').slice(0, 32);

const pix = (fields: Partial<ChargeRequest> = {}): ChargeRequest => ({ reference: txid('P'), kind: 'pix', amount: '59.90', expiresInSeconds: 3600, description: 'Pedido 1042', ...fields });
const payer = { name: 'Maria da Silva', document: '12345678909', email: 'maria@example.com', address: { street: 'Rua das Flores', number: '10', district: 'Centro', city: 'Recife', state: 'pe', postalCode: '50010-000' } };
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('the connector', () => {
  it('is registered as a Pix PSP with charges, payments and a webhook, and its PEMs are secret', () => {
    expect(pixPsp).toMatchObject({ id: 'pix-psp', role: 'other', payments: { kinds: ['pix', 'pix-due'] } });
    expect(pixPsp.entities.payments?.get).toBeTypeOf('function');
    expect(pixPsp.entities.payments?.write).toBeUndefined();
    const schema: CredentialSchema = pixPsp.credentialSchema;
    const secret = Object.entries(schema.properties).filter(([, p]) => p.secret).map(([k]) => k);
    expect(secret).toEqual(['clientSecret', 'certificate', 'privateKey', 'certificatePassphrase']);
  });

  it('reads RFC 7807 problems with their violations, and OAuth errors', () => {
    const body = {
      type: 'https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida',
      title: 'Cobrança inválida.',
      status: 400,
      detail: 'A requisição não respeita o _schema_.',
      violacoes: [{ razao: 'O campo cob.valor.original não respeita o _schema_.', propriedade: 'cob.valor.original', valor: '1,00' }],
    };
    expect(describeProblem(body)).toBe('Cobrança inválida.: A requisição não respeita o _schema_. [CobOperacaoInvalida]. O campo cob.valor.original não respeita o _schema_. (cob.valor.original = 1,00)');
    expect(describeProblem({ error: 'invalid_client', error_description: 'bad secret' })).toBe('invalid_client: bad secret');
  });
});

describe('mutual TLS and the token', () => {
  let sim: PixPspSimulator;
  beforeAll(async () => {
    sim = await startPixPspSimulator();
  });
  afterAll(() => sim?.close());

  it('is refused at the TLS handshake without a client certificate, and says which fields to fill', async () => {
    const refusalsBefore = sim.stats.handshakeRefusals;
    const ctx = connect(sim, { certificate: undefined, privateKey: undefined });
    const err = await failureOf(pixPsp.payments.getCharge(ctx, txid('X'), 'pix'));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('refused the TLS handshake');
    expect(err.message).toContain('this connection has none');
    expect(err.message).toContain('"Certificado (.crt / .pem)" and "Chave privada (.key)"');
    // Nothing reached the token endpoint: the handshake never completed.
    expect(sim.stats.tokenRequests).toBe(0);
    expect(sim.stats.handshakeRefusals).toBeGreaterThan(refusalsBefore);
  });

  it('names the certificate it refused when it comes from another CA', async () => {
    const stranger = untrustedClientCertificate('outra-empresa');
    const err = await failureOf(pixPsp.payments.getCharge(connect(sim, { certificate: stranger.cert, privateKey: stranger.key }), txid('X'), 'pix'));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain("refused this connection's client certificate");
    expect(err.message).toContain('CN=outra-empresa');
  });

  it('says the server is not trusted when the sandbox CA is missing, and refuses a key that is not PEM', async () => {
    const untrusted = await failureOf(pixPsp.payments.getCharge(connect(sim, { caCertificate: undefined }), txid('X'), 'pix'));
    expect(untrusted).toBeInstanceOf(ConfigError);
    expect(untrusted.message).toMatch(/server's TLS certificate is not trusted .*"Certificado da CA \(opcional\)"/);
    const notPem = await failureOf(pixPsp.payments.getCharge(connect(sim, { privateKey: 'não é uma chave' }), txid('X'), 'pix'));
    expect(notPem).toBeInstanceOf(ConfigError);
    expect(notPem.message).toContain('the private key is not a PEM private key');
  });

  it('turns a wrong secret into an AuthError with the provider\'s words', async () => {
    const err = await failureOf(pixPsp.payments.getCharge(connect(sim, { clientSecret: 'errado' }), txid('X'), 'pix'));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.status).toBe(401);
    expect(err.message).toContain('invalid_client');
    expect(err.message).toContain('Client authentication failed');
  });

  it('fetches the token once per connection and reuses it, also for concurrent calls', async () => {
    const ctx = connect(sim);
    const before = sim.stats.tokenRequests;
    await Promise.all(Array.from({ length: 5 }, () => pixPsp.payments.getCharge(ctx, txid('N'), 'pix')));
    for (let i = 0; i < 5; i++) await pixPsp.payments.createCharge(ctx, pix());
    expect(sim.stats.tokenRequests - before).toBe(1);
    expect(sim.stats.calls['PUT /v2/cob/:txid']).toBeGreaterThanOrEqual(5);
    // Another connection (another account) has a token of its own.
    await pixPsp.payments.getCharge(connect(sim), txid('N'), 'pix');
    expect(sim.stats.tokenRequests - before).toBe(2);
  });

  it('gets a fresh token once when the PSP revokes the cached one', async () => {
    const ctx = connect(sim);
    await pixPsp.payments.getCharge(ctx, txid('R'), 'pix');
    const before = sim.stats.tokenRequests;
    sim.revokeTokens();
    expect(await pixPsp.payments.getCharge(ctx, txid('R'), 'pix')).toBeNull();
    expect(sim.stats.tokenRequests - before).toBe(1);
  });

  it('renews the token shortly before it expires', async () => {
    const short = await startPixPspSimulator({ tokenLifetimeSeconds: 1 });
    try {
      const ctx = connect(short);
      await pixPsp.payments.getCharge(ctx, txid('E'), 'pix');
      await pixPsp.payments.getCharge(ctx, txid('E'), 'pix');
      expect(short.stats.tokenRequests).toBe(1);
      await new Promise((r) => setTimeout(r, 1_000));
      await pixPsp.payments.getCharge(ctx, txid('E'), 'pix');
      expect(short.stats.tokenRequests).toBe(2);
    } finally {
      await short.close();
    }
  });

  it('tests the connection with GET /v2/cob over the last minute', async () => {
    const ok = await pixPsp.test(connect(sim));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ cobs: expect.any(Array), parametros: { paginacao: { paginaAtual: 0 } } });
  });
});

describe('charges', () => {
  let sim: PixPspSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startPixPspSimulator({ merchantName: 'Loja do Zé' });
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('creates an immediate charge once per reference and returns the same BR Code on a retry', async () => {
    const req = pix({ payer: { name: 'Maria da Silva', document: '123.456.789-09' } });
    const first = await pixPsp.payments.createCharge(ctx, req);
    const again = await pixPsp.payments.createCharge(ctx, req);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ providerId: req.reference, reference: req.reference, status: 'pending', amount: '59.90' });
    expect([...sim.charges.keys()].filter((k) => k === req.reference)).toHaveLength(1);
    const stored = sim.charges.get(req.reference)!;
    expect(stored).toMatchObject({ revisao: 0, calendario: { expiracao: 3600 }, devedor: { cpf: '12345678909', nome: 'Maria da Silva' }, solicitacaoPagador: 'Pedido 1042' });

    const code = parseBrCode(first.pixCopiaECola!);
    expect(code.dynamic).toBe(true);
    expect(code.url).toBe(first.location);
    expect(first.location).toMatch(new RegExp(`^${new URL(sim.url).host.replace(/\./g, '\\.')}/qr/v2/[0-9a-f]{32}$`));
    expect(code.merchantName).toBe('Loja do Ze');
    expect(code.txid).toBe('***');
  });

  it('returns the existing charge also from a PSP that revises on PUT', async () => {
    const revising = await startPixPspSimulator({ duplicateTxid: 'revise' });
    try {
      const c = connect(revising);
      const req = pix();
      const first = await pixPsp.payments.createCharge(c, req);
      const again = await pixPsp.payments.createCharge(c, req);
      expect(again.pixCopiaECola).toBe(first.pixCopiaECola);
      expect(revising.charges.size).toBe(1);
    } finally {
      await revising.close();
    }
  });

  it('refuses to pass a different amount off as the same charge', async () => {
    const req = pix();
    await pixPsp.payments.createCharge(ctx, req);
    const err = await failureOf(pixPsp.payments.createCharge(ctx, { ...req, amount: '60.00' }));
    expect(err).toBeInstanceOf(Conflict);
    expect(err.message).toContain('already exists at the PSP for 59.90, not 60.00');
  });

  it('creates a charge with a due date (cobv) with the payer and address, and needs the payer', async () => {
    const req = pix({ kind: 'pix-due', dueDate: tomorrow(), payer, expiresInSeconds: undefined });
    const charge = await pixPsp.payments.createCharge(ctx, req);
    expect(charge.status).toBe('pending');
    expect(parseBrCode(charge.pixCopiaECola!).url).toBe(charge.location);
    expect(sim.charges.get(req.reference)).toMatchObject({
      kind: 'cobv',
      calendario: { dataDeVencimento: req.dueDate, validadeAposVencimento: 30 },
      devedor: { cpf: '12345678909', nome: 'Maria da Silva', email: 'maria@example.com', logradouro: 'Rua das Flores, 10 - Centro', cidade: 'Recife', uf: 'PE', cep: '50010000' },
    });
    expect(await pixPsp.payments.getCharge(ctx, req.reference, 'pix-due')).toEqual(charge);

    const before = sim.stats.calls['PUT /v2/cobv/:txid'];
    const err = await failureOf(pixPsp.payments.createCharge(ctx, pix({ kind: 'pix-due', dueDate: tomorrow() })));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain('needs the payer');
    expect(sim.stats.calls['PUT /v2/cobv/:txid']).toBe(before);
    // The PSP itself refuses a cobv without devedor, in the spec's words.
    const raw = await ctx.http.send({ method: 'PUT', path: `/v2/cobv/${txid('V')}`, json: { calendario: { dataDeVencimento: tomorrow() }, valor: { original: '10.00' }, chave: sim.credentials.pixKey }, raw: true });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ type: 'https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida', violacoes: [{ propriedade: 'cobv.devedor' }] });
  });

  it("surfaces the PSP's violations when it refuses a charge", async () => {
    const err = await failureOf(pixPsp.payments.createCharge(connect(sim, { pixKey: 'financeiro@outra-loja.com.br' }), pix()));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.status).toBe(400);
    expect(err.providerMessage).toContain('[CobOperacaoInvalida]');
    expect(err.providerMessage).toContain('O campo cob.chave corresponde a uma conta que não pertence a este usuário recebedor. (cob.chave = financeiro@outra-loja.com.br)');
  });

  it('checks what it can before calling the PSP', async () => {
    const before = sim.stats.requests;
    expect(await failureOf(pixPsp.payments.createCharge(ctx, pix({ reference: 'PEDIDO-1042' })))).toBeInstanceOf(ValidationError);
    expect(await failureOf(pixPsp.payments.createCharge(ctx, pix({ amount: '0.00' })))).toBeInstanceOf(ValidationError);
    expect(await failureOf(pixPsp.payments.createCharge(ctx, pix({ amount: '10,50' })))).toBeInstanceOf(ValidationError);
    expect(await failureOf(pixPsp.payments.createCharge(ctx, pix({ kind: 'boleto' })))).toBeInstanceOf(ConfigError);
    expect(await failureOf(pixPsp.payments.createCharge(connect(sim, { pixKey: '' }), pix()))).toBeInstanceOf(ConfigError);
    expect(sim.stats.requests).toBe(before);
  });

  it('maps the charge status: paid, removed, expired; null for a txid never used', async () => {
    const paid = pix();
    await pixPsp.payments.createCharge(ctx, paid);
    await sim.pay(paid.reference);
    expect(await pixPsp.payments.getCharge(ctx, paid.reference, 'pix')).toMatchObject({ status: 'paid' });
    // A retried run after the payment gets the paid charge back, not an error.
    expect(await pixPsp.payments.createCharge(ctx, paid)).toMatchObject({ status: 'paid' });

    const removed = pix();
    await pixPsp.payments.createCharge(ctx, removed);
    sim.remove(removed.reference);
    expect(await pixPsp.payments.getCharge(ctx, removed.reference, 'pix')).toMatchObject({ status: 'cancelled' });

    const expiring = pix({ expiresInSeconds: 1 });
    await pixPsp.payments.createCharge(ctx, expiring);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await pixPsp.payments.getCharge(ctx, expiring.reference, 'pix')).toMatchObject({ status: 'expired' });

    expect(await pixPsp.payments.getCharge(ctx, txid('NONE'), 'pix')).toBeNull();
  });

  it('holds back on 429 with Retry-After and retries 503', async () => {
    sim.faults.throttleNext(1);
    const throttled = await failureOf(pixPsp.payments.getCharge(ctx, txid('T'), 'pix'));
    expect(throttled).toBeInstanceOf(RateLimited);
    expect((throttled as RateLimited).retryAfterMs).toBe(1000);
    sim.faults.failNext(1);
    const down = await failureOf(pixPsp.payments.getCharge(ctx, txid('T'), 'pix'));
    expect(down).toBeInstanceOf(Transient);
    expect(down.providerMessage).toContain('Serviço Indisponível');
  });
});

describe('payments and the webhook', () => {
  let sim: PixPspSimulator;
  let ctx: ConnectionContext;
  let receiver: WebhookReceiver;
  const hooks = pixPsp.webhooks;
  beforeAll(async () => {
    sim = await startPixPspSimulator();
    receiver = await startWebhookReceiver();
    ctx = connect(sim, {}, { pageSize: 2 });
    await pixPsp.payments.registerWebhook!(ctx, receiver.url);
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  it('registers the webhook on the receiver\'s key', () => {
    expect(sim.webhooks.get(sim.credentials.pixKey)?.webhookUrl).toBe(receiver.url);
  });

  it('turns a paid charge\'s notification into one event whose get() returns the payment', async () => {
    const req = pix({ amount: '120.00' });
    await pixPsp.payments.createCharge(ctx, req);
    const { pix: paid, delivery } = await sim.pay(req.reference, { payerName: 'João Pagador', infoPagador: 'pedido 1042' });
    expect(delivery?.status).toBe(200);
    expect(delivery?.url).toBe(`${receiver.url}/pix`);
    const arrived = receiver.received.at(-1)!;
    expect(arrived.path).toBe('/pix');
    expect(hooks.verify(arrived, ctx.credentials, ctx.settings)).toBe('valid');

    const events = hooks.parse(arrived);
    expect(events).toEqual([{ eventId: paid.endToEndId, topic: 'pix', entity: 'payments', action: 'created', resourceId: paid.endToEndId }]);
    expect(paid.endToEndId).toMatch(/^E\d{8}\d{12}[A-Za-z0-9]{11}$/);

    const record = await pixPsp.entities.payments!.get!(ctx, events[0].resourceId);
    expect(record?.key).toBe(paid.endToEndId);
    const data = record!.data as unknown as PaymentRecordData & Record<string, unknown>;
    expect(data).toMatchObject({ paymentId: paid.endToEndId, reference: req.reference, amount: '120.00', paidAt: paid.horario, method: 'pix', payerName: 'João Pagador', infoPagador: 'pedido 1042' });

    // The PSP delivers at least once: the same delivery again is the same event.
    await sim.redeliver(delivery!);
    const again = receiver.received.at(-1)!;
    expect(again.rawBody).toBe(arrived.rawBody);
    expect(hooks.parse(again).map((e) => e.eventId)).toEqual([paid.endToEndId]);
  });

  it('refuses a delivery on another path or with a broken body, and acknowledges a PSP\'s test post', () => {
    const body = JSON.stringify({ pix: [{ endToEndId: 'E18236120202601011200abcdefghijk', txid: 'x', valor: '1.00', horario: new Date().toISOString() }] });
    const delivery = (path: string, rawBody = body): IncomingWebhook => ({ headers: {}, rawBody, query: {}, path });
    expect(hooks.verify(delivery(''), {}, {})).toBe('valid');
    expect(hooks.verify(delivery('/pix/'), {}, {})).toBe('valid');
    expect(hooks.verify(delivery('/cobr'), {}, {})).toBe('invalid');
    expect(hooks.verify(delivery('/pix', 'not json'), {}, {})).toBe('invalid');
    expect(hooks.verify(delivery('/pix', '{"evento":"teste_webhook"}'), {}, {})).toBe('ping');
    // An item without a valid endToEndId names no payment.
    expect(hooks.parse(delivery('/pix', JSON.stringify({ pix: [{ endToEndId: '../cob', txid: 'x' }] })))).toEqual([]);
  });

  it('reports a refund reaching a final status as an update of the payment', () => {
    const e2e = 'E18236120202601011200abcdefghijk';
    const rawBody = JSON.stringify({ pix: [{ endToEndId: e2e, txid: 'x', valor: '10.00', horario: new Date().toISOString(), devolucoes: [{ id: 'D1', status: 'DEVOLVIDO', valor: '10.00' }] }] });
    const events = hooks.parse({ headers: {}, rawBody, query: {}, path: '/pix' });
    expect(events.map((e) => [e.eventId, e.action])).toEqual([
      [e2e, 'created'],
      [`${e2e}:devolucao:D1=DEVOLVIDO`, 'updated'],
    ]);
  });

  it('reads received Pix since a time, page by page, and get() is null for an unknown endToEndId', async () => {
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const req = pix({ amount: `${10 + i}.00` });
      refs.push(req.reference);
      await pixPsp.payments.createCharge(ctx, req);
      await sim.pay(req.reference);
    }
    const reader = pixPsp.entities.payments!.read!;
    const first = await reader.read(ctx, { cursor: null, since, batchSize: 2 });
    expect(first.records).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await reader.read(ctx, { cursor: first.nextCursor, since, batchSize: 2 });
    const all = [...first.records, ...second.records];
    expect(all.map((r) => (r.data as unknown as PaymentRecordData).reference)).toEqual(refs);
    expect(all.every((r) => r.key === (r.data as unknown as PaymentRecordData).paymentId)).toBe(true);
    expect(second.nextCursor).toBeNull();
    expect(await pixPsp.entities.payments!.get!(ctx, 'E00000000202601011200AAAAAAAAAAA')).toBeNull();
  });
});
