/** /metrics as Prometheus scrapes it after real runs: what an operator would graph and alert on. */
import { describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { createMetrics, serveMetrics } from '../server/metrics';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import { type Harness, startHarness } from './support/harness';

describe('metrics', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  useBlingAndMl({ products: 30 }, (s) => ({ h, bling, ml } = s));

  const scrape = async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body;
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('counts runs by status, records by outcome, provider calls and the 429s of each connection', async () => {
    const { flowId, mlConnectionId, blingConnectionId } = await setUpBlingToMl(h, bling, ml);
    ml.faults.throttleNext(3);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    const text = await scrape();
    expect(value(text, 'ponte_runs{status="success",role="all"}')).toBe(1);
    expect(value(text, 'ponte_records{outcome="created",role="all"}')).toBe(30);
    expect(value(text, `ponte_provider_throttled_total{provider="mercadolivre",connection="${mlConnectionId}",role="all"}`)).toBe(3);
    expect(value(text, `ponte_provider_requests_total{provider="mercadolivre",connection="${mlConnectionId}",code="429",role="all"}`)).toBe(3);
    expect(value(text, `ponte_provider_requests_total{provider="bling",connection="${blingConnectionId}",code="2xx",role="all"}`)).toBeGreaterThan(0);
    expect(value(text, 'ponte_webhook_lag_seconds{role="all"}')).toBe(0);
    expect(value(text, 'ponte_approvals_pending{role="all"}')).toBe(0);
    expect(text).toContain('ponte_process_resident_memory_bytes');
    // Nothing secret in what an operator's dashboard reads.
    for (const secret of [bling.credentials.accessToken, ml.credentials.accessToken]) expect(text).not.toContain(secret);
  });

  it('asks for the metrics token when one is configured (PONTE_METRICS_TOKEN), on the server and on a worker port', async () => {
    const guarded = await startHarness({ withoutWorker: true, metricsToken: 'scrape-me-please' });
    try {
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-here' } })).statusCode).toBe(401);
      const ok = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me-please' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('ponte_');
    } finally {
      await guarded.close();
    }
    const server = await serveMetrics(createMetrics({ role: 'worker' }), '127.0.0.1', 0, 'scrape-me-please');
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer scrape-me-please' } })).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
