import { describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

describe('live updates', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  useBlingAndMl({ products: 3000 }, (s) => ({ h, bling, ml } = s));

  it('streams a run as it goes: started or progress, each failed record, finished with its counters', async () => {
    const { flowId } = await setUpBlingToMl(h, bling, ml, { batchSize: 100 });
    bling.updateProduct([...bling.products.keys()][2500], { preco: -1 });
    const socket = await h.app.injectWS('/api/live', { headers: h.auth });
    const events: any[] = [];
    const finished = new Promise<void>((resolve) =>
      socket.on('message', (data: Buffer) => {
        const e = JSON.parse(data.toString());
        events.push(e);
        if (e.type === 'run.finished') resolve();
      }),
    );
    const started = await h.api('POST', `/api/flows/${flowId}/runs`);
    await finished;
    socket.terminate();
    const mine = events.filter((e) => (e.run?.id ?? e.runId) === started.body.runId);
    expect(mine.some((e) => e.type === 'run.started' || e.type === 'run.progress')).toBe(true);
    expect(mine.filter((e) => e.type === 'record.failed')).toEqual([
      expect.objectContaining({
        nodeId: 'ml-items',
        recordKey: String([...bling.products.keys()][2500]),
        // What to do, in English and in both languages the screens speak.
        hint: expect.stringMatching(/^The provider refused the record/),
        hintText: { en: expect.stringMatching(/^The provider refused the record/), 'pt-BR': expect.stringMatching(/^O sistema recusou o registro/) },
      }),
    ]);
    const end = mine.find((e) => e.type === 'run.finished');
    expect(end.run).toMatchObject({ status: 'partial', counters: { processed: 3000, created: 2999, failed: 1 } });
    expect(end.nodes['ml-items'].pages).toBe(30);
  });
});
