import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { runs, webhookEvents } from '../server/db/schema';
import { blingProductChangesToMl } from '../server/templates/catalog';
import { EVENTS_PER_RUN } from '../server/webhooks/dispatch';
import { type Harness, startHarness } from './support/harness';

describe('webhooks', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let base: string;
  let blingId: string;
  let hookPath: string;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(2000);
    const conn = async (body: object) => (await h.api('POST', '/api/connections', body)).body.id as string;
    blingId = await conn({
      name: 'Bling',
      provider: 'bling',
      baseUrl: `${bling.url}/Api/v3`,
      credentials: { clientId: bling.credentials.clientId, clientSecret: bling.credentials.clientSecret, accessToken: bling.credentials.accessToken },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    });
    const mlId = await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    const flow = await h.api('POST', '/api/flows', {
      name: 'Produto alterado no Bling → Mercado Livre',
      document: blingProductChangesToMl(blingId, mlId),
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    await h.api('POST', `/api/flows/${flow.body.id}/publish`);
    hookPath = new URL((await h.api('GET', `/api/connections/${blingId}/webhook`)).body.webhookUrl).pathname;
  });
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await ml?.close();
  });

  const productIds = () => [...bling.products.keys()];
  const deliver = (rawBody: string, headers: Record<string, string>) => fetch(base + hookPath, { method: 'POST', headers, body: rawBody });
  const productEvent = (id: number, eventId?: string) => bling.webhook('product.updated', { id }, eventId ? { eventId } : undefined);
  const runsOfEvent = async (eventId: string) => (await h.database.db.select().from(runs)).filter((r) => r.trigger.eventIds?.includes(eventId));
  const settle = async (predicate: () => Promise<boolean>, what: string) => {
    // Generous: CI runs another test file beside this one on two cores.
    const deadline = Date.now() + 165_000;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('runs a flow once for an event delivered five times, reading only the notified product', async () => {
    const id = productIds()[0];
    const delivery = productEvent(id, 'evt-five-times');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await deliver(delivery.rawBody, delivery.headers));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(await answers[0].json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(await answers[1].json()).toEqual({ accepted: 0, duplicates: 1 });
    await settle(async () => (await runsOfEvent('evt-five-times')).some((r) => r.status !== 'running'), 'the run');
    const started = await runsOfEvent('evt-five-times');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ status: 'success', processed: 1, created: 1 });
    expect(ml.itemsBySku(bling.products.get(id)!.codigo)).toHaveLength(1);
    expect(ml.items.size).toBe(1);
  });

  it('refuses a delivery whose signature does not verify, and starts nothing', async () => {
    const delivery = productEvent(productIds()[1], 'evt-forged');
    const forged = await deliver(delivery.rawBody, { ...delivery.headers, 'x-bling-signature-256': `sha256=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const tampered = await deliver(delivery.rawBody.replace('product.updated', 'product.deleted'), delivery.headers);
    expect(tampered.status).toBe(401);
    const wrongUrl = await fetch(`${base}/webhooks/${blingId}/not-the-token`, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
    expect(wrongUrl.status).toBe(401);
    const stored = (await h.database.db.select().from(webhookEvents)).filter((e) => e.eventId === 'evt-forged');
    expect(stored).toHaveLength(0);
    expect(await runsOfEvent('evt-forged')).toHaveLength(0);
  });

  it('keeps events that arrive while the connection is paused and runs them on resume', async () => {
    await h.api('POST', `/api/connections/${blingId}/pause`);
    const delivery = productEvent(productIds()[2], 'evt-while-paused');
    expect((await deliver(delivery.rawBody, delivery.headers)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(await runsOfEvent('evt-while-paused')).toHaveLength(0);
    const [event] = (await h.database.db.select().from(webhookEvents)).filter((e) => e.eventId === 'evt-while-paused');
    expect(event.status).toBe('queued');
    await h.api('POST', `/api/connections/${blingId}/resume`);
    await settle(async () => (await runsOfEvent('evt-while-paused')).some((r) => r.status === 'success'), 'the run after resume');
  });

  it(`holds events while the connection's credentials are refused, and runs them once "Testar conexão" passes again`, async () => {
    await h.api('PATCH', `/api/connections/${blingId}`, { credentials: { accessToken: 'revoked-token' } });
    expect((await h.api('POST', `/api/connections/${blingId}/test`)).body.diagnosis.code).toBe('auth');
    expect((await h.api('GET', `/api/connections/${blingId}`)).body.status).toBe('error');
    const delivery = productEvent(productIds()[3], 'evt-while-failing');
    expect((await deliver(delivery.rawBody, delivery.headers)).status).toBe(202);
    await settle(async () => (await h.database.db.select().from(webhookEvents)).some((e) => e.eventId === 'evt-while-failing' && e.status === 'queued'), 'the event to wait');
    expect(await runsOfEvent('evt-while-failing')).toHaveLength(0);

    await h.api('PATCH', `/api/connections/${blingId}`, { credentials: { accessToken: bling.credentials.accessToken } });
    expect((await h.api('POST', `/api/connections/${blingId}/test`)).body.ok).toBe(true);
    await settle(async () => (await runsOfEvent('evt-while-failing')).some((r) => r.status === 'success'), 'the run after the passing test');
    expect(await runsOfEvent('evt-while-failing')).toHaveLength(1);
    expect(ml.itemsBySku(bling.products.get(productIds()[3])!.codigo)).toHaveLength(1);
  });

  it('accepts a burst of 2,000 events at concurrency 50 and processes each exactly once', { timeout: 240_000 }, async () => {
    const ids = productIds();
    const deliveries = ids.map((id, i) => productEvent(id, `evt-burst-${i}`));
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++];
          statuses.push((await deliver(d.rawBody, d.headers)).status);
        }
      }),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(2000);
    // A burst is read in batches: each event in exactly one run, no run reading more than its share.
    const burstRuns = async () => (await h.database.db.select().from(runs)).filter((r) => r.trigger.eventId?.startsWith('evt-burst-'));
    const covered = (rs: Array<{ trigger: { eventIds?: string[] } }>) => rs.flatMap((r) => r.trigger.eventIds ?? []);
    await settle(async () => {
      const rs = await burstRuns();
      return covered(rs).length >= 2000 && rs.every((r) => r.status !== 'running');
    }, 'the runs of 2,000 events');
    const rs = await burstRuns();
    expect(covered(rs)).toHaveLength(2000);
    expect(new Set(covered(rs)).size).toBe(2000);
    expect(rs.every((r) => (r.trigger.eventIds?.length ?? 0) <= EVENTS_PER_RUN)).toBe(true);
    expect(rs.every((r) => r.status === 'success')).toBe(true);
    expect(rs.reduce((n, r) => n + r.processed, 0)).toBe(2000);
    // Every product is listed once; the ones earlier tests created were updated or skipped, not doubled.
    expect(ml.items.size).toBe(2000);
    for (const id of ids) expect(ml.itemsBySku(bling.products.get(id)!.codigo)).toHaveLength(1);
  });
});
