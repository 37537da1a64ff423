import { beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { expectMirrored } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

describe('templates', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let erp: string;
  let channel: string;

  useBlingAndMl({ products: 120 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    erp = (
      await h.api('POST', '/api/connections', {
        name: 'Bling',
        provider: 'bling',
        baseUrl: `${bling.url}/Api/v3`,
        credentials: { accessToken: bling.credentials.accessToken },
        direction: 'export',
        entities: ['products'],
        settings: { rateLimit: { requestsPerSecond: 0 } },
      })
    ).body.id;
    channel = (
      await h.api('POST', '/api/connections', {
        name: 'Mercado Livre',
        provider: 'mercadolivre',
        baseUrl: ml.url,
        credentials: { accessToken: ml.credentials.accessToken },
        entities: ['products'],
        settings: { rateLimit: { requestsPerSecond: 0 } },
      })
    ).body.id;
  });

  it('builds the standard flows for Bling → Mercado Livre, published and ready to run', async () => {
    const listed = await h.api('GET', '/api/templates');
    expect(listed.body.templates.map((t: { id: string }) => t.id)).toContain('bling-mercadolivre');

    const applied = await h.api('POST', '/api/templates/bling-mercadolivre/apply', { connections: { erp, channel } });
    expect(applied.status).toBe(201);
    expect(applied.body.flows.map((f: { name: string }) => f.name)).toEqual(['Produtos: Bling → Mercado Livre', 'Produtos em tempo real: Bling → Mercado Livre']);
    const [flow, realTime] = applied.body.flows;
    expect(flow).toMatchObject({ version: 1 });
    expect((await h.api('GET', `/api/flows/${realTime.id}`)).body.document.nodes[0].type).toBe('trigger.webhook');

    // An ordinary flow: it can be opened and edited like any other.
    const opened = await h.api('GET', `/api/flows/${flow.id}`);
    expect(opened.body.document.nodes.map((n: { type: string }) => n.type)).toEqual(['trigger.manual', 'fetch', 'transform', 'map', 'upsert']);

    const started = await h.api('POST', `/api/flows/${flow.id}/runs`);
    const run = await h.waitForRun(started.body.runId);
    expect(run.status).toBe('success');
    expect(run.counters.created).toBe(120);
    expectMirrored(bling, ml);
  });

  it('refuses connections that do not fit the template, naming each', async () => {
    const res = await h.api('POST', '/api/templates/bling-mercadolivre/apply', { connections: { erp: channel } });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      expect.objectContaining({ field: 'connections.erp', message: expect.stringContaining('must be a Bling (ERP) connection') }),
      expect.objectContaining({ field: 'connections.channel', message: expect.stringContaining('is required') }),
    ]);
  });
});
