/**
 * Orders arriving as "aguardando confirmação": an approval step holds the orders that need a
 * person, the rest go straight to the ERP; confirmed ones are written by the same run, rejected
 * and expired ones never are, and the wait survives the worker that started it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { mlOrdersToBling, runFlow } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

/** Mercado Livre orders → Bling, holding the orders above R$ 100 for confirmation. */
const orderFlow = (mlId: string, blingId: string, approve: Record<string, unknown>) =>
  mlOrdersToBling(mlId, blingId, { trigger: 'manual', approve: { when: '$sum(itens.(quantidade * valor)) > 100', summary: '"Pedido " & numeroLoja & " de " & contato.nome', ...approve } });

describe('approval step: orders pending confirmation', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let mlId: string;
  let blingId: string;

  useBlingAndMl({}, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    const conn = async (body: object) => (await h.api('POST', '/api/connections', body)).body.id as string;
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    mlId = await conn({ name: 'Mercado Livre', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
  });

  const publish = async (approve: Record<string, unknown> = {}) => {
    const flow = await h.api('POST', '/api/flows', { name: `Pedidos ML → Bling ${Math.random().toString(36).slice(2, 6)}`, document: orderFlow(mlId, blingId, approve) });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    return flow.body.id as string;
  };
  const total = (o: { total_amount: number }) => o.total_amount;
  const inBling = (orderId: number) => [...bling.orders.values()].filter((o) => o.numeroLoja === String(orderId));
  const pendingOf = async (runId: string) => (await h.api('GET', `/api/approvals?status=pending&runId=${runId}`)).body.approvals as Array<{ id: number; recordKey: string; summary: string; record: Record<string, unknown> }>;
  const decide = (ids: number[], decision: 'approve' | 'reject', extra: Record<string, unknown> = {}) => h.api('POST', '/api/approvals/decide', { ids, decision, ...extra });

  it('writes the orders that need no confirmation, holds the others until people decide, then writes only the confirmed ones', async () => {
    const orders = ml.seedOrders(6, { status: 'paid' });
    const big = orders.filter((o) => total(o) > 100);
    const small = orders.filter((o) => total(o) <= 100);
    expect(big.length).toBeGreaterThanOrEqual(3);
    const flowId = await publish();

    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    const waiting = await h.waitForRun(started.body.runId);
    expect(waiting.status).toBe('waiting');
    expect(waiting.approvals).toMatchObject({ pending: big.length });
    expect((await h.api('GET', '/api/hub')).body.overall.approvalsPending).toBe(big.length);
    for (const o of small) expect(inBling(o.id)).toHaveLength(1);
    for (const o of big) expect(inBling(o.id)).toHaveLength(0);

    const pending = await pendingOf(waiting.id);
    expect(pending.map((p) => p.recordKey).sort()).toEqual(big.map((o) => String(o.id)).sort());
    const first = pending.find((p) => p.recordKey === String(big[0].id))!;
    expect(first.summary).toBe(`Pedido ${big[0].id} de ${big[0].buyer.nickname}`);
    expect(first.record).toMatchObject({ data: { numeroLoja: String(big[0].id) } });

    // Two confirmed and one rejected: the run writes the two at once and keeps waiting for the last.
    const [a, b, c, ...rest] = big.map((o) => pending.find((p) => p.recordKey === String(o.id))!.id);
    expect((await decide([a, b], 'approve', {})).body.decided).toEqual([a, b]);
    expect((await decide([c], 'reject', { reason: 'cliente pediu cancelamento' })).status).toBe(200);
    // Both go in one page, written side by side: wait for the pair, not for one of them.
    await expect.poll(() => [inBling(big[0].id).length, inBling(big[1].id).length], { timeout: 20_000 }).toEqual([1, 1]);
    expect(inBling(big[2].id)).toHaveLength(0);

    // The first decision wins.
    const again = await decide([a], 'reject', {});
    expect(again.body).toEqual({ decided: [], refused: [{ id: a, reason: 'already approved' }] });

    if (rest.length) await decide(rest, 'reject', {});
    const done = await h.waitForRunEnd(waiting.id);
    expect(done.status).toBe('success');
    expect(done.counters).toMatchObject({ created: small.length + 2, skipped: big.length - 2, failed: 0 });
    expect(done.approvals).toEqual({ pending: 0, approved: 2, rejected: big.length - 2, expired: 0 });
    const refused = await h.api('GET', `/api/runs/${done.id}/records?outcome=skipped`);
    const rejectedC = refused.body.records.find((r: { recordKey: string }) => r.recordKey === String(big[2].id));
    // Who decided is the signed-in person (here the harness's admin token), not a name the caller types.
    expect(rejectedC.message).toMatch(new RegExp(`Rejected by token test harness \\(${h.admin.email.replace(/[.]/g, '\\.')}\\) on \\d\\d/\\d\\d/\\d{4}.*: cliente pediu cancelamento; nothing was written`));
    expect(rejectedC.payload).toMatchObject({ data: { numeroLoja: String(big[2].id) } });

    // The next run of the flow: confirmed orders go on (unchanged, skipped), rejected ones are not asked again.
    const next = await runFlow(h, flowId);
    expect(next.status).toBe('success');
    expect(next.approvals.pending).toBe(0);
    expect(next.counters).toMatchObject({ created: 0, failed: 0, processed: orders.length });
    for (const o of orders) expect(inBling(o.id)).toHaveLength(big.slice(2).includes(o) ? 0 : 1);
  });

  it('decides by the deadline when nobody does: "approve" on expiry writes the order', async () => {
    // A new flow: every order on the channel (this one and the earlier test's) is held by it.
    const [order] = ml.seedOrders(1, { status: 'paid' });
    const flowId = await publish({ when: '', expiresAfterHours: 0.001, onExpiry: 'approve' });
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    const done = await h.waitForRunEnd(started.body.runId, 30_000);
    expect(done.status).toBe('success');
    expect(done.approvals).toMatchObject({ approved: ml.orders.size, pending: 0 });
    expect(inBling(order.id)).toHaveLength(1);
    const decided = (await h.api('GET', `/api/approvals?runId=${done.id}`)).body.approvals;
    expect(decided.every((a: { status: string; decidedBy: string }) => a.status === 'approved' && a.decidedBy === 'deadline')).toBe(true);
  });

  it('keeps waiting across a worker restart and writes the order confirmed while no worker was running', async () => {
    const [order] = ml.seedOrders(1, { status: 'paid' });
    const flowId = await publish({ when: '' });
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    const waiting = await h.waitForRun(started.body.runId);
    expect(waiting.status).toBe('waiting');
    const held = await pendingOf(waiting.id);
    expect(held.map((p) => p.recordKey)).toContain(String(order.id));
    await h.restartWorker();
    const ids = held.map((p) => p.id);
    expect((await decide(ids, 'approve', {})).body.decided).toEqual(ids);
    const done = await h.waitForRunEnd(waiting.id, 30_000);
    expect(done.status).toBe('success');
    expect(done.counters.failed).toBe(0);
    expect(inBling(order.id)).toHaveLength(1);
  });

  it('refuses a flow whose approval step leads nowhere, or whose condition does not parse', async () => {
    const document = orderFlow(mlId, blingId, { when: 'total >' });
    document.edges = document.edges.filter((e) => e.from !== 'confirm');
    const res = await h.api('POST', '/api/flows', { name: 'inválido', document });
    expect(res.status).toBe(422);
    const messages = (res.body.problems as Array<{ nodeId?: string; message: string }>).filter((p) => p.nodeId === 'confirm').map((p) => p.message);
    expect(messages.join('\n')).toMatch(/params.when is not a valid expression/);
    expect(messages.join('\n')).toMatch(/nothing after it writes them/);
  });

  it('rejects a decision request that names nothing or an unknown decision', async () => {
    expect((await decide([], 'approve')).status).toBe(400);
    expect((await h.api('POST', '/api/approvals/decide', { ids: [1], decision: 'maybe' })).status).toBe(400);
    expect((await decide([987654], 'approve')).body.refused).toEqual([{ id: 987654, reason: 'not found' }]);
  });
});
