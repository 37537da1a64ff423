import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitableLineToBarcode, parseBoletoBarcode, parseDigitableLine } from '../../payments/boleto/barcode';
import { parseBrCode } from '../../payments/pix/br-code';
import { AuthError, ValidationError } from '../http/errors';
import { connectTo, failureOf } from '../simulator-kit/testing';
import { startWebhookReceiver, type WebhookReceiver } from '../simulator-kit/webhook-receiver';
import type { ChargeRequest, ConnectionContext, CredentialSchema, IncomingWebhook, PaymentRecordData } from '../types';
import { inter } from './index';
import { startInterSimulator, type InterSimulator } from './simulator';

/** A connection to the simulator over mutual TLS, polling fast so issuing takes milliseconds. */
const connect = (sim: InterSimulator, credentials: Record<string, string | undefined> = {}, settings: Record<string, unknown> = {}) =>
  connectTo('inter', sim.baseUrl, { ...sim.credentials, ...credentials }, { issuePollMs: 20, ...settings });

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
let refSeq = 0;
const boleto = (fields: Partial<ChargeRequest> = {}): ChargeRequest => ({
  reference: `PED${Date.now().toString(36).slice(-6)}${++refSeq}`,
  kind: 'boleto',
  amount: '833.33',
  dueDate: inDays(10),
  description: 'Pedido 1042 da Loja do Zé. Não receber após 30 dias do vencimento.',
  payer: { name: 'Maria da Silva', document: '123.456.789-09', email: 'maria@example.com', address: { street: 'Rua das Flores', number: '10', district: 'Centro', city: 'Recife', state: 'PE', postalCode: '50010-000' } },
  ...fields,
});

describe('the connector', () => {
  it('is registered as Banco Inter with boletos, payments and a webhook', () => {
    expect(inter).toMatchObject({ id: 'inter', role: 'other', defaultBaseUrl: 'https://cdpj.partners.bancointer.com.br', payments: { kinds: ['boleto'] }, rateLimit: { requestsPerSecond: 2 } });
    const schema: CredentialSchema = inter.credentialSchema;
    expect(schema.required).toEqual(['clientId', 'clientSecret', 'certificate', 'privateKey']);
    expect(Object.entries(schema.properties).filter(([, p]) => p.secret).map(([k]) => k)).toEqual(['clientSecret', 'certificate', 'privateKey', 'certificatePassphrase']);
  });
});

describe('boletos', () => {
  let sim: InterSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startInterSimulator();
    ctx = connect(sim);
  });
  afterAll(() => sim?.close());

  it('is refused at the TLS handshake without the client certificate', async () => {
    const err = await failureOf(inter.payments.getCharge(connect(sim, { certificate: undefined, privateKey: undefined }), 'PED1', 'boleto'));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('Banco Inter (boleto com Pix) refused the TLS handshake');
    expect(err.message).toContain('"Certificado (.crt / .pem)" and "Chave privada (.key)"');
    expect(sim.stats.tokenRequests).toBe(0);
  });

  it('issues a boleto whose barcode and line check out, with its Pix, and fetches the token once', async () => {
    const tokensBefore = sim.stats.tokenRequests;
    const req = boleto();
    const charge = await inter.payments.createCharge(ctx, req);
    expect(charge).toMatchObject({ reference: req.reference, status: 'pending', amount: '833.33' });
    expect(charge.providerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(charge.nossoNumero).toMatch(/^\d{11}$/);

    const fromBarcode = parseBoletoBarcode(charge.barcode!);
    expect(fromBarcode).toMatchObject({ bankCode: '077', currencyCode: '9', amount: '833.33', dueDate: req.dueDate });
    expect(fromBarcode.freeField.endsWith(charge.nossoNumero!)).toBe(true);
    // The line's three mod-10 digits and the barcode's mod-11 digit are checked by the parser.
    expect(digitableLineToBarcode(charge.digitableLine!)).toBe(charge.barcode);
    expect(parseDigitableLine(charge.digitableLine!).amount).toBe('833.33');
    expect(parseBrCode(charge.pixCopiaECola!).dynamic).toBe(true);

    const stored = sim.cobrancas.get(charge.providerId)!;
    expect(stored).toMatchObject({
      seuNumero: req.reference,
      valorNominal: 833.33,
      numDiasAgenda: 30,
      pagador: { cpfCnpj: '12345678909', tipoPessoa: 'FISICA', nome: 'Maria da Silva', endereco: 'Rua das Flores', numero: '10', bairro: 'Centro', cidade: 'Recife', uf: 'PE', cep: '50010000', email: 'maria@example.com' },
      mensagem: { linha1: 'Pedido 1042 da Loja do Zé. Não receber após 30 dias do vencimento.' },
    });
    expect(await inter.payments.getCharge(ctx, req.reference, 'boleto')).toEqual(charge);
    expect(sim.stats.tokenRequests - tokensBefore).toBe(1);
  });

  it('does not issue the same seuNumero twice', async () => {
    const req = boleto();
    const postsBefore = sim.stats.calls['POST /cobranca/v3/cobrancas'] ?? 0;
    const first = await inter.payments.createCharge(ctx, req);
    const again = await inter.payments.createCharge(ctx, req);
    expect(again).toEqual(first);
    expect([...sim.cobrancas.values()].filter((c) => c.seuNumero === req.reference)).toHaveLength(1);
    expect(sim.stats.calls['POST /cobranca/v3/cobrancas'] - postsBefore).toBe(1);
  });

  it('waits while Inter registers the boleto, and leaves it pending without barcode if that takes longer', async () => {
    const slow = await startInterSimulator({ processingReads: 3 });
    try {
      const patient = await inter.payments.createCharge(connect(slow), boleto());
      expect(patient.barcode).toMatch(/^077\d{41}$/);
      const hurried = connect(slow, {}, { issuePollAttempts: 1 });
      const req = boleto();
      const pending = await inter.payments.createCharge(hurried, req);
      expect(pending).toMatchObject({ status: 'pending', reference: req.reference });
      expect(pending.barcode).toBeUndefined();
      // Each read brings Inter closer to registering it (three reads in this simulator).
      for (let i = 0; i < 2; i++) expect((await inter.payments.getCharge(hurried, req.reference, 'boleto'))?.barcode).toBeUndefined();
      expect((await inter.payments.getCharge(hurried, req.reference, 'boleto'))?.barcode).toMatch(/^077\d{41}$/);
    } finally {
      await slow.close();
    }
  });

  it('refuses a long seuNumero and a payer without address before calling Inter', async () => {
    const before = sim.stats.requests;
    const long = await failureOf(inter.payments.createCharge(ctx, boleto({ reference: 'PEDIDO-2026-000001042' })));
    expect(long).toBeInstanceOf(ValidationError);
    expect(long.message).toContain('1 to 15 plain characters');
    const noAddress = await failureOf(inter.payments.createCharge(ctx, boleto({ payer: { name: 'Maria', document: '12345678909' } })));
    expect(noAddress).toBeInstanceOf(ValidationError);
    expect(noAddress.message).toContain('missing: address.street, address.city, address.state, address.postalCode (8 digits)');
    expect(sim.stats.requests).toBe(before);
  });

  it("surfaces Inter's violations", async () => {
    const err = await failureOf(inter.payments.createCharge(ctx, boleto({ amount: '1.00' })));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.providerMessage).toBe('Bad Request: Existem campos inválidos.. deve ser um valor entre 2.5 e 99999999.99 (valorNominal = 1)');
  });

  it('sends x-conta-corrente and reports an account the application does not have', async () => {
    expect(await inter.payments.getCharge(connect(sim, { contaCorrente: sim.credentials.contaCorrente }), 'PEDNONE', 'boleto')).toBeNull();
    const err = await failureOf(inter.payments.getCharge(connect(sim, { contaCorrente: '99999' }), 'PEDNONE', 'boleto'));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.status).toBe(403);
    expect(err.providerMessage).toContain('A conta corrente 99999 não está vinculada a esta integração.');
  });

  it('tests the connection with a one-item list of today', async () => {
    const res = await inter.test(ctx);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tamanhoPagina: 1, cobrancas: expect.any(Array) });
  });
});

describe('payments and the callback', () => {
  let sim: InterSimulator;
  let ctx: ConnectionContext;
  let receiver: WebhookReceiver;
  const hooks = inter.webhooks;
  beforeAll(async () => {
    sim = await startInterSimulator();
    receiver = await startWebhookReceiver();
    ctx = connect(sim, {}, { pageSize: 1 });
    await inter.payments.registerWebhook!(ctx, receiver.url);
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  it('registers the webhook', () => {
    expect(sim.webhook.url).toBe(receiver.url);
  });

  it('turns the callback of a paid boleto into one payment event whose get() returns the payment', async () => {
    const req = boleto({ amount: '150.00' });
    const charge = await inter.payments.createCharge(ctx, req);
    const { delivery } = await sim.pay(req.reference);
    expect(delivery?.status).toBe(200);
    const arrived = receiver.received.at(-1)!;
    expect(arrived.path).toBe('');
    expect(hooks.verify(arrived, ctx.credentials, ctx.settings)).toBe('valid');
    const events = hooks.parse(arrived);
    expect(events).toEqual([{ eventId: `${charge.providerId}:RECEBIDO`, topic: 'RECEBIDO', entity: 'payments', action: 'created', resourceId: charge.providerId }]);

    const record = await inter.entities.payments!.get!(ctx, events[0].resourceId);
    expect(record?.key).toBe(charge.providerId);
    expect(record!.data as unknown as PaymentRecordData).toMatchObject({ paymentId: charge.providerId, reference: req.reference, amount: '150.00', method: 'boleto', payerName: 'Maria da Silva' });
    expect((record!.data as unknown as PaymentRecordData).paidAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00-03:00$/);
    expect(await inter.payments.getCharge(ctx, req.reference, 'boleto')).toMatchObject({ status: 'paid' });

    await sim.redeliver(delivery!);
    expect(hooks.parse(receiver.received.at(-1)!).map((e) => e.eventId)).toEqual([`${charge.providerId}:RECEBIDO`]);
  });

  it('says a boleto paid through its Pix was paid by Pix', async () => {
    const req = boleto({ amount: '99.90' });
    const charge = await inter.payments.createCharge(ctx, req);
    await sim.pay(req.reference, { via: 'PIX' });
    expect((await inter.entities.payments!.get!(ctx, charge.providerId))?.data).toMatchObject({ method: 'pix', amount: '99.90' });
  });

  it('makes other situations "other" events, and get() null for an unpaid cobrança', async () => {
    const charge = await inter.payments.createCharge(ctx, boleto());
    await sim.setSituacao(charge.providerId, 'CANCELADO');
    const [event] = hooks.parse(receiver.received.at(-1)!);
    expect(event).toMatchObject({ topic: 'CANCELADO', action: 'other', resourceId: charge.providerId });
    expect(await inter.entities.payments!.get!(ctx, charge.providerId)).toBeNull();
    expect(await inter.payments.getCharge(ctx, (await inter.payments.createCharge(ctx, boleto())).reference, 'boleto')).toMatchObject({ status: 'pending' });
  });

  it('refuses a delivery on another path or with a broken body', () => {
    const delivery = (path: string, rawBody: string): IncomingWebhook => ({ headers: {}, rawBody, query: {}, path });
    expect(hooks.verify(delivery('/pix', '[]'), {}, {})).toBe('invalid');
    expect(hooks.verify(delivery('', 'not json'), {}, {})).toBe('invalid');
    expect(hooks.verify(delivery('', '{"teste":true}'), {}, {})).toBe('ping');
  });

  it('reads the cobranças received since a day, page by page', async () => {
    const reader = inter.entities.payments!.read!;
    const first = await reader.read(ctx, { cursor: null, since: new Date().toISOString(), batchSize: 1 });
    expect(first.records).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await reader.read(ctx, { cursor: first.nextCursor, since: null, batchSize: 5 });
    const all = [...first.records, ...second.records];
    expect(all.map((r) => (r.data as unknown as PaymentRecordData).method).sort()).toEqual(['boleto', 'pix']);
    expect(second.nextCursor).toBeNull();
  });
});
