/**
 * Pix from order to "baixa", through a real Ponte: a flow charges Bling's orders at a PSP (API Pix
 * over mutual TLS), once per order however often it runs; the PSP's payment webhook, delivered
 * twice, starts a flow that settles the order's receivable in Bling once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { PacerRegistry } from '../connectors/http/pacing';
import { pixPsp } from '../connectors/pix-psp';
import { type PixPspSimulator, startPixPspSimulator } from '../connectors/pix-psp/simulator';
import { type InterSimulator, startInterSimulator } from '../connectors/inter/simulator';
import { openConnection } from '../connectors/runtime';
import { eq } from 'drizzle-orm';
import { parseBrCode, parseDigitableLine } from '../payments';
import { webhookEvents } from '../server/db/schema';
import { createConnection } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

describe('Pix charges and their settlement', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let psp: PixPspSimulator;
  let base: string;
  let blingId: string;
  let pspId: string;
  let chargeFlow: string;
  /** The Bling + Pix template's hourly check of the PSP's received Pix. */
  let checkingFlow: string;

  const conn = (body: object) => createConnection(h, body);
  const publish = async (name: string, nodes: object[]) => {
    const edges = nodes.slice(1).map((n, i) => ({ from: (nodes[i] as { id: string }).id, fromPort: 'out', to: (n as { id: string }).id }));
    const flow = await h.api('POST', '/api/flows', { name, document: { schemaVersion: 1, nodes, edges } });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return flow.body.id as string;
  };
  const runNow = async (flowId: string) => h.waitForRunEnd((await h.api('POST', `/api/flows/${flowId}/runs`)).body.runId);
  const charges = async () => (await h.api('GET', '/api/charges')).body.charges as Array<{ recordKey: string; reference: string; status: string; amount: string; details: { pixCopiaECola: string } }>;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(3);
    bling.seedContacts(2);
    bling.seedOrders(3);
    psp = await startPixPspSimulator({ merchantName: 'Loja Exemplo', merchantCity: 'Sao Paulo' });
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    pspId = await conn({ name: 'Pix (PSP)', provider: 'pix-psp', baseUrl: psp.baseUrl, credentials: psp.credentials, settings: { rateLimit: { requestsPerSecond: 0 } } });
    chargeFlow = await publish('Cobrar pedidos por Pix', [
      { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
      { id: 'orders', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'orders' } },
      { id: 'pix', type: 'charge', typeVersion: 1, params: { kind: 'pix', connectionId: pspId, amount: 'total', expiresInHours: 48, description: '"Pedido " & $string(numero)' } },
    ]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await psp?.close();
  });

  it('charges each order once at the PSP, however often the flow runs', async () => {
    const first = await runNow(chargeFlow);
    expect(first.status).toBe('success');
    expect(first.counters).toMatchObject({ processed: 3, created: 3, failed: 0 });
    const made = await charges();
    expect(made).toHaveLength(3);
    for (const c of made) {
      const order = bling.orders.get(Number(c.recordKey))!;
      expect(c).toMatchObject({ status: 'pending', amount: order.total.toFixed(2) });
      expect(psp.charges.get(c.reference)).toBeTruthy();
      // The copia e cola is a dynamic BR Code pointing at the PSP's payload location.
      const code = parseBrCode(c.details.pixCopiaECola);
      expect(code.url).toContain(psp.charges.get(c.reference)!.loc.location);
    }
    const again = await runNow(chargeFlow);
    expect(again.counters).toMatchObject({ processed: 3, created: 0, skipped: 3 });
    expect(psp.charges.size).toBe(3);
    // Another flow charging the same orders at the same PSP gets the same charges, not new ones.
    const twin = await publish('Cobrar pedidos por Pix (cópia)', [
      { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
      { id: 'orders', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'orders' } },
      { id: 'cobrar', type: 'charge', typeVersion: 1, params: { kind: 'pix', connectionId: pspId, amount: 'total' } },
    ]);
    expect((await runNow(twin)).counters).toMatchObject({ processed: 3, created: 0, skipped: 3 });
    expect(psp.charges.size).toBe(3);
    expect(await charges()).toHaveLength(3);
  });

  it('offers the Bling + Pix template: a charging flow, a settling flow and an hourly check of the PSP, published', async () => {
    const listed = (await h.api('GET', '/api/templates')).body.templates;
    expect(listed.find((t: { id: string }) => t.id === 'bling-pix')).toMatchObject({ roles: { erp: { provider: 'bling' }, psp: { provider: 'pix-psp' } } });
    const applied = await h.api('POST', '/api/templates/bling-pix/apply', { connections: { erp: blingId, psp: pspId } });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body.flows).toHaveLength(3);
    const [charging, settling, checking] = await Promise.all(applied.body.flows.map(async (f: { id: string }) => (await h.api('GET', `/api/flows/${f.id}/versions/latest`)).body.document));
    expect(charging.nodes.map((n: { type: string }) => n.type)).toEqual(['trigger.webhook', 'fetch', 'transform', 'charge']);
    expect(settling.nodes.map((n: { type: string }) => n.type)).toEqual(['trigger.webhook', 'fetch', 'settle']);
    expect(checking.nodes.map((n: { type: string; params: Record<string, unknown> }) => [n.type, n.params.every ?? n.params.incremental ?? n.params.connectionId])).toEqual([
      ['trigger.schedule', '1h'],
      ['fetch', true],
      ['settle', blingId],
    ]);
    checkingFlow = applied.body.flows[2].id;
    const wrong = await h.api('POST', '/api/templates/bling-pix/apply', { connections: { erp: blingId, psp: blingId } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/connections.psp must be a PSP Pix/);
  });

  it('settles a payment whose webhook arrives twice exactly once, and skips it when it is read again', async () => {
    const settleFlow = await publish('Baixar pagamentos Pix', [
      { id: 'paid', type: 'trigger.webhook', typeVersion: 1, params: { connectionId: pspId, entity: 'payments' } },
      { id: 'payment', type: 'fetch', typeVersion: 1, params: { connectionId: pspId, entity: 'payments' } },
      { id: 'baixa', type: 'settle', typeVersion: 1, params: { connectionId: blingId } },
    ]);
    // The PSP is told where to notify: this Ponte's webhook URL for the connection (API Pix PUT /webhook/{chave}).
    const hook = new URL((await h.api('GET', `/api/connections/${pspId}/webhook`)).body.webhookUrl);
    const { ctx } = openConnection({ id: pspId, provider: 'pix-psp', baseUrl: psp.baseUrl, credentials: { ...psp.credentials } as Record<string, string>, settings: { rateLimit: { requestsPerSecond: 0 } } }, new PacerRegistry());
    await pixPsp.payments!.registerWebhook!(ctx, base + hook.pathname);

    // The template applied above added a second flow settling this PSP's payments: both runs meet
    // the payment, one settles it and the other leaves it (in flight, or done).
    const [charge] = await charges();
    const order = bling.orders.get(Number(charge.recordKey))!;
    const { pix, delivery } = await psp.pay(charge.reference, { payerName: 'Maria Pagadora' });
    expect(delivery?.status).toBe(202);
    const again = await psp.redeliver(delivery!);
    expect(again.status).toBe(202);

    await expect.poll(async () => (await h.api('GET', '/api/settlements')).body.settlements.map((s: { status: string }) => s.status), { timeout: 30_000, interval: 250 }).toEqual(['settled']);
    const [settled] = (await h.api('GET', '/api/settlements')).body.settlements;
    expect(settled).toMatchObject({ paymentId: pix.endToEndId, reference: charge.reference, orderId: String(order.id), amount: order.total.toFixed(2) });
    expect(bling.receipts).toEqual([expect.objectContaining({ valorRecebido: order.total, receivableId: Number(settled.receivableId) })]);
    expect(bling.receivables.get(Number(settled.receivableId))?.situacao).toBe(2);
    expect((await charges()).find((c) => c.reference === charge.reference)?.status).toBe('paid');
    // Two deliveries, one event (keyed by endToEndId), one run.
    const events = await h.database.db.select().from(webhookEvents).where(eq(webhookEvents.connectionId, pspId));
    expect(events.map((e) => e.eventId)).toEqual([pix.endToEndId]);
    const runs = (await h.api('GET', `/api/runs?flowId=${settleFlow}`)).body.runs;
    expect(runs).toHaveLength(1);

    // A reconciliation that reads the PSP's payments again finds this one settled: nothing is sent to Bling.
    const reread = await publish('Conferir pagamentos Pix', [
      { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
      { id: 'payments', type: 'fetch', typeVersion: 1, params: { connectionId: pspId, entity: 'payments' } },
      { id: 'baixa', type: 'settle', typeVersion: 1, params: { connectionId: blingId } },
    ]);
    const check = await runNow(reread);
    expect(check.status).toBe('success');
    expect(check.counters).toMatchObject({ processed: 1, skipped: 1, updated: 0 });
    expect(bling.receipts).toHaveLength(1);
  });

  it('issues each order a boleto at Banco Inter once, with a barcode and line that check out', async () => {
    const bank: InterSimulator = await startInterSimulator({ processingReads: 0 });
    try {
      const interId = await conn({ name: 'Banco Inter', provider: 'inter', baseUrl: bank.baseUrl, credentials: { ...bank.credentials }, settings: { rateLimit: { requestsPerSecond: 0 } } });
      const boletos = await publish('Boletos dos pedidos', [
        { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
        { id: 'orders', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'orders' } },
        {
          id: 'boleto',
          type: 'charge',
          typeVersion: 1,
          params: {
            kind: 'boleto',
            connectionId: interId,
            amount: 'total',
            dueDate: '"2026-12-10"',
            payerName: '"Maria da Silva"',
            payerDocument: '"529.982.247-25"',
            payerAddress: '{"street": "Rua das Flores", "number": "10", "district": "Centro", "city": "Sao Paulo", "state": "SP", "postalCode": "01001-000"}',
          },
        },
      ]);
      const run = await runNow(boletos);
      expect(run.counters, JSON.stringify(run)).toMatchObject({ processed: 3, created: 3, failed: 0 });
      const issued = (await charges()).filter((c) => c.reference.length === 15);
      expect(issued).toHaveLength(3);
      for (const c of issued) {
        const line = (c.details as unknown as { digitableLine: string }).digitableLine;
        const parsed = parseDigitableLine(line);
        expect(parsed.bankCode).toBe('077');
        expect(parsed.amountCents).toBe(Math.round(bling.orders.get(Number(c.recordKey))!.total * 100));
      }
      expect((await runNow(boletos)).counters).toMatchObject({ created: 0, skipped: 3 });
      expect(bank.cobrancas.size).toBe(3);
    } finally {
      await bank.close();
    }
  });

  it('refuses on save a charge node pointed at a connection that creates no charges', async () => {
    const res = await h.api('POST', '/api/flows', {
      name: 'Errado',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'orders', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'orders' } },
          { id: 'pix', type: 'charge', typeVersion: 1, params: { kind: 'pix', connectionId: blingId, amount: 'total' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'orders' },
          { from: 'orders', fromPort: 'out', to: 'pix' },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.problems).toContainEqual(expect.objectContaining({ nodeId: 'pix', message: expect.stringMatching(/creates no charges/) }));
  });
  it('reports the charges an interrupted page had created as created when Temporal retries it, creating none twice', async () => {
    bling.seedOrders(2, { startAt: 900 });
    const before = psp.charges.size;
    // The first new order's charge goes through; the second meets a PSP down past the in-page retries.
    psp.faults.failAfter(1, 4);
    const run = await runNow(chargeFlow);
    expect(run.status, JSON.stringify(run)).toBe('success');
    expect(run.counters).toMatchObject({ processed: 5, created: 2, skipped: 3, failed: 0 });
    expect(psp.charges.size).toBe(before + 2);
  });
  it('settles, at the hourly check, a Pix whose notification never came, and only that one', async () => {
    const pending = (await charges()).find((c) => c.status === 'pending')!;
    const order = bling.orders.get(Number(pending.recordKey))!;
    // The PSP lost its webhook registration: the payment is made, nobody is told.
    psp.webhooks.clear();
    const { delivery } = await psp.pay(pending.reference);
    expect(delivery).toBeNull();
    const receipts = bling.receipts.length;

    const check = await runNow(checkingFlow);
    expect(check.status, JSON.stringify(check)).toBe('success');
    // The payment settled earlier from its webhook is read again and skipped; the lost one is settled.
    expect(check.counters).toMatchObject({ updated: 1, failed: 0 });
    expect(bling.receipts.slice(receipts)).toEqual([expect.objectContaining({ valorRecebido: order.total })]);
    expect((await charges()).find((c) => c.reference === pending.reference)?.status).toBe('paid');
    expect((await runNow(checkingFlow)).counters).toMatchObject({ updated: 0 });
    expect(bling.receipts.length).toBe(receipts + 1);
  });
});
