/**
 * The sync log's filters on the server: GET /api/runs by connection (through the version each run
 * pinned), trigger and start date, alone and together, with real runs of two flows.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

describe('GET /api/runs filters', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  /** Flow A ran v1 on its own Bling connection, then v2 reading flow B's Bling connection; flow B ran once. */
  let a: { flowId: string; blingConnectionId: string; mlConnectionId: string };
  let b: { flowId: string; blingConnectionId: string; mlConnectionId: string };
  let a1: string;
  let a2: string;
  let b1: string;

  const ids = async (query: string) => {
    const res = await h.api('GET', `/api/runs?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.runs as Array<{ id: string }>).map((r) => r.id);
  };

  useBlingAndMl({ products: 3 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    a = await setUpBlingToMl(h, bling, ml);
    b = await setUpBlingToMl(h, bling, ml);
    a1 = (await runFlow(h, a.flowId)).id;
    b1 = (await runFlow(h, b.flowId)).id;

    const flow = (await h.api('GET', `/api/flows/${a.flowId}`)).body;
    const document = structuredClone(flow.document);
    for (const node of document.nodes) if (node.params.connectionId === a.blingConnectionId) node.params.connectionId = b.blingConnectionId;
    expect((await h.api('PUT', `/api/flows/${a.flowId}`, { document })).status).toBe(200);
    expect((await h.api('POST', `/api/flows/${a.flowId}/publish`)).body.version).toBe(2);
    a2 = (await runFlow(h, a.flowId)).id;

    // Other triggers and older starts, written as a scheduler or a webhook would have left them.
    await h.database.db.execute(sql`update runs set trigger = '{"type":"webhook","eventId":"ev-1"}'::jsonb, started_at = '2025-03-01T12:00:00Z' where id = ${a1}`);
    await h.database.db.execute(sql`update runs set trigger = '{"type":"schedule"}'::jsonb, started_at = '2025-03-02T23:30:00Z' where id = ${b1}`);
  });


  it('keeps the runs whose pinned version uses the connection', async () => {
    expect(await ids('')).toEqual([a2, b1, a1]);
    // Flow A's v1 read its own Bling; v2 reads flow B's: the filter follows each run's version, not the flow's draft.
    expect(await ids(`connectionId=${a.blingConnectionId}`)).toEqual([a1]);
    expect(await ids(`connectionId=${b.blingConnectionId}`)).toEqual([a2, b1]);
    expect(await ids(`connectionId=${a.mlConnectionId}`)).toEqual([a2, a1]);
    expect(await ids(`connectionId=${b.blingConnectionId}&flowId=${a.flowId}`)).toEqual([a2]);
    expect(await ids('connectionId=nobody')).toEqual([]);
  });

  it('filters by trigger', async () => {
    expect(await ids('trigger=manual')).toEqual([a2]);
    expect(await ids('trigger=schedule')).toEqual([b1]);
    expect(await ids('trigger=webhook')).toEqual([a1]);
    expect(await ids(`trigger=webhook&connectionId=${b.blingConnectionId}`)).toEqual([]);
    const bad = await h.api('GET', '/api/runs?trigger=cron');
    expect(bad.status).toBe(400);
  });

  it('filters by start: from inclusive, to exclusive, a date alone covering its whole day (UTC)', async () => {
    expect(await ids('from=2025-03-02')).toEqual([a2, b1]);
    expect(await ids('to=2025-03-01')).toEqual([a1]);
    expect(await ids('from=2025-03-01&to=2025-03-02')).toEqual([b1, a1]);
    expect(await ids('from=2025-03-01T12:00:00Z')).toEqual([a2, b1, a1]);
    expect(await ids('from=2025-03-01T12:00:00.001Z')).toEqual([a2, b1]);
    expect(await ids('to=2025-03-02T23:30:00Z')).toEqual([a1]);
    // An offset is honoured: 20:00 in São Paulo is 23:00 UTC, before b1 started.
    expect(await ids('from=2025-03-02T20:00:00-03:00&to=2025-03-03')).toEqual([b1]);
    expect(await ids(`from=2025-03-01&to=2025-03-03&trigger=schedule&connectionId=${b.blingConnectionId}&status=success`)).toEqual([b1]);
    expect(await ids('from=2025-03-01&limit=1')).toEqual([a2]);

    const bad = await h.api('GET', '/api/runs?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([{ field: 'from', message: expect.stringContaining('ISO 8601') }]);
    expect((await h.api('GET', '/api/runs?to=2025-13-45')).status).toBe(400);
  });
});
