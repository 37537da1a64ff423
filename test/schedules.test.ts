import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { runs } from '../server/db/schema';
import { scheduleIdOf } from '../server/schedules/sync';
import { BLING_PRODUCT_TO_ML_LISTING } from '../server/templates/catalog';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

describe('schedules', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let flowId: string;
  let blingId: string;

  useBlingAndMl({ blingRequestsPerSecond: 3 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    // Paced at Bling's 3 requests/s, reading 2,000 products takes several seconds: longer than the 2 s interval.
    bling.seedProducts(2000);
    const conn = async (body: object) => (await h.api('POST', '/api/connections', body)).body.id as string;
    blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken } });
    const mlId = await conn({ name: 'ML', provider: 'mercadolivre', baseUrl: ml.url, credentials: { accessToken: ml.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    const flow = await h.api('POST', '/api/flows', {
      name: 'Agendado',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'every', type: 'trigger.schedule', typeVersion: 1, params: { every: 'interval', intervalSeconds: 2 } },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products', batchSize: 100 } },
          { id: 'map', type: 'map', typeVersion: 1, params: { fields: BLING_PRODUCT_TO_ML_LISTING } },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products' } },
        ],
        edges: [
          { from: 'every', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'map' },
          { from: 'map', fromPort: 'out', to: 'write' },
        ],
      },
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    flowId = flow.body.id;
  });
  afterAll(async () => {
    await h?.api('DELETE', `/api/flows/${flowId}`);
  });

  const scheduledRuns = async () => (await h.database.db.select().from(runs)).filter((r) => r.flowId === flowId && r.trigger.type === 'schedule');

  it('fires on the dev server once published, and skips a fire while the previous run goes', async () => {
    expect((await h.api('POST', `/api/flows/${flowId}/publish`)).status).toBe(201);
    const handle = h.client.schedule.getHandle(scheduleIdOf(flowId));
    const deadline = Date.now() + 120_000;
    let skipped = 0;
    for (;;) {
      const rs = await scheduledRuns();
      skipped = (await handle.describe()).info.numActionsSkippedOverlap;
      if (rs.some((r) => r.status === 'success') && skipped > 0) break;
      if (Date.now() > deadline) throw new Error(`schedule did not fire and skip: ${rs.length} runs, ${skipped} skipped`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const first = (await scheduledRuns()).find((r) => r.status === 'success')!;
    expect(first.created).toBe(2000);
    // While the first run went, no second one ran beside it.
    const overlapping = (await scheduledRuns()).filter((r) => r.id !== first.id && r.startedAt < first.finishedAt!);
    expect(overlapping).toHaveLength(0);
    expect(skipped).toBeGreaterThan(0);
    expect(ml.stats.creates).toBe(2000);
  });

  it('pauses with its connection and resumes with it', async () => {
    const handle = h.client.schedule.getHandle(scheduleIdOf(flowId));
    await h.api('POST', `/api/connections/${blingId}/pause`);
    expect((await handle.describe()).state.paused).toBe(true);
    await h.api('POST', `/api/connections/${blingId}/resume`);
    expect((await handle.describe()).state.paused).toBe(false);
  });

  it(`stops while a connection's credentials are refused, and starts again once "Testar conexão" passes`, async () => {
    const handle = h.client.schedule.getHandle(scheduleIdOf(flowId));
    await h.api('PATCH', `/api/connections/${blingId}`, { credentials: { accessToken: 'revoked-token' } });
    // The next fire meets the refusal: the connection falls to error and the worker pauses the schedule.
    // The run that met it ends in error a moment after the pause.
    const failedRuns = async () => (await scheduledRuns()).filter((r) => r.status === 'error');
    const deadline = Date.now() + 120_000;
    while (!(await handle.describe()).state.paused || (await failedRuns()).length === 0) {
      if (Date.now() > deadline) throw new Error('the schedule was not paused after the refusal');
      await new Promise((r) => setTimeout(r, 300));
    }
    const connection = (await h.api('GET', `/api/connections/${blingId}`)).body;
    expect(connection.status).toBe('error');
    expect((await handle.describe()).state.note).toContain('Connection "Bling" is failing');
    const failed = await failedRuns();
    // Paused: several intervals go by without another run.
    const before = (await scheduledRuns()).length;
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await scheduledRuns()).length).toBe(before);

    await h.api('PATCH', `/api/connections/${blingId}`, { credentials: { accessToken: bling.credentials.accessToken } });
    expect((await h.api('POST', `/api/connections/${blingId}/test`)).body.ok).toBe(true);
    expect((await handle.describe()).state.paused).toBe(false);
    const again = Date.now() + 120_000;
    while (!(await scheduledRuns()).some((r) => r.status === 'success' && r.startedAt.getTime() > Date.now() - 60_000 && r.startedAt > failed[0].startedAt)) {
      if (Date.now() > again) throw new Error('no successful run after the connection came back');
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('goes away with its flow', async () => {
    const other = await h.api('POST', '/api/flows', { name: 'to delete', document: (await h.api('GET', `/api/flows/${flowId}`)).body.document });
    await h.api('POST', `/api/flows/${other.body.id}/publish`);
    const handle = h.client.schedule.getHandle(scheduleIdOf(other.body.id));
    expect((await handle.describe()).scheduleId).toBe(scheduleIdOf(other.body.id));
    expect((await h.api('DELETE', `/api/flows/${other.body.id}`)).status).toBe(204);
    await expect(handle.describe()).rejects.toThrow();
  });
});
