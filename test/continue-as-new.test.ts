import { describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';

describe('long runs', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;

  useBlingAndMl({ products: 20_000 }, (s) => ({ h, bling, ml } = s));

  it('syncs 20,000 records keeping every execution history under 2,000 events', async () => {
    // Small pages make many Temporal round trips: the history would pass 2,000 events without continue-as-new.
    const { flowId } = await setUpBlingToMl(h, bling, ml, { batchSize: 100 });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 20_000, created: 20_000, failed: 0 });
    expect(ml.items.size).toBe(20_000);
    expect(run.pages).toBe(201);

    const executions: string[] = [];
    for await (const ex of h.client.workflow.list({ query: `WorkflowId = '${run.workflowId}'` })) executions.push(ex.runId);
    expect(executions.length).toBeGreaterThan(1);
    let total = 0;
    for (const runId of executions) {
      const history = await h.client.workflow.getHandle(run.workflowId, runId).fetchHistory();
      const events = history.events?.length ?? 0;
      expect(events).toBeLessThan(2_000);
      total += events;
    }
    // All together they are well past one execution's budget: continue-as-new did the work.
    expect(total).toBeGreaterThan(2_000);
  });
});
