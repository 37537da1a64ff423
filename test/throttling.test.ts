import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { expectMirrored, runFlow, setUpBlingToMl } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

describe('rate limits', () => {
  let h: Harness;
  const sims: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  async function world(products: number, blingRps: number): Promise<{ bling: BlingSimulator; ml: MercadoLivreSimulator }> {
    const bling = await startBlingSimulator({ requestsPerSecond: blingRps });
    const ml = await startMercadoLivreSimulator();
    sims.push(bling, ml);
    bling.seedProducts(products);
    return { bling, ml };
  }

  it('waits out a source that answers 429 to its first requests and loses nothing', async () => {
    const { bling, ml } = await world(1000, 0);
    const { flowId } = await setUpBlingToMl(h, bling, ml, { batchSize: 200 });
    bling.faults.throttleNext(6);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(bling.faults.throttled).toBe(6);
    expect(run.counters).toMatchObject({ processed: 1000, created: 1000, failed: 0 });
    expectMirrored(bling, ml);
  });

  it("keeps under Bling's 3 requests per second, so the provider never has to say 429", async () => {
    const { bling, ml } = await world(1000, 3);
    const { flowId } = await setUpBlingToMl(h, bling, ml, { batchSize: 200, blingRateLimit: { requestsPerSecond: 2.85, burst: 1 } });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(bling.stats.requests).toBeGreaterThanOrEqual(11);
    expect(bling.stats.overLimit).toBe(0);
    expectMirrored(bling, ml);
  });

  it('retries a marketplace that throttles writes without writing anything twice', async () => {
    const { bling, ml } = await world(300, 0);
    const { flowId } = await setUpBlingToMl(h, bling, ml);
    ml.faults.throttleNext(40);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ created: 300, failed: 0 });
    expect(ml.stats.creates).toBe(300);
    expectMirrored(bling, ml);
  });

  it('fails the run with a clear message when the credentials are refused, and writes nothing', async () => {
    const { bling, ml } = await world(50, 0);
    const { flowId } = await setUpBlingToMl(h, bling, ml, { blingAccessToken: 'expired-token' });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('error');
    expect(run.error).toContain('401');
    expect(run.error).toContain('invalid_token');
    expect(ml.items.size).toBe(0);
  });
});
