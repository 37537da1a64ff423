/**
 * A run alert whose e-mail server was down when the run ended reaches the person once the server
 * is back: the server's sweep sends the stuck alert again, once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PacerRegistry } from '../connectors/http/pacing';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { retryStuckAlerts, STUCK_AFTER_MS } from '../server/notify/alert-retries';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import type { Harness } from './support/harness';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink';

describe('alerts whose channel was down', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let smtp: SmtpSink | undefined;

  useBlingAndMl({ products: 3 }, (s) => ({ h, bling, ml } = s));
  afterAll(async () => {
    await smtp?.close();
  });

  it('sends a stuck alert again once the e-mail server is back, and only once', async () => {
    // An address where no mail server listens for now.
    const gone = await startSmtpSink();
    const port = Number(new URL(gone.url).port);
    await gone.close();
    const smtpId = (await h.api('POST', '/api/connections', { name: 'E-mail', provider: 'smtp', baseUrl: gone.url, credentials: { from: 'Ponte <ponte@loja.test>' } })).body.id;

    const setUp = await setUpBlingToMl(h, bling, ml);
    bling.updateProduct([...bling.products.keys()][0], { preco: -1 });
    const flow = (await h.api('GET', `/api/flows/${setUp.flowId}`)).body;
    expect((await h.api('PUT', `/api/flows/${setUp.flowId}`, { document: { ...flow.document, alerts: [{ connectionId: smtpId, to: 'ops@loja.test' }] } })).status).toBe(200);
    expect((await h.api('POST', `/api/flows/${setUp.flowId}/publish`)).status).toBe(201);
    const run = await runFlow(h, setUp.flowId);
    expect(run.status).toBe('partial');
    // The run's status is written before its alerts are tried: wait for the workflow, so the
    // alert's own retries are over (they would reach the server brought back below).
    await h.client.workflow.getHandle(run.workflowId).result();
    const ledger = async () => (await h.api('GET', `/api/notifications?runId=${run.id}`)).body.notifications as Array<{ status: string }>;
    expect((await ledger()).map((n) => n.status)).toEqual(['sending']);

    const deps = { db: h.database.db, box: h.box, pacers: new PacerRegistry(), log: () => {} };
    // Not stuck yet: an alert may still be on its way.
    expect(await retryStuckAlerts(deps)).toEqual([]);

    smtp = await startSmtpSink(port);
    const later = new Date(Date.now() + STUCK_AFTER_MS + 1_000);
    expect(await retryStuckAlerts(deps, later)).toEqual([run.id]);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].subject).toContain('terminou com falhas');
    expect(smtp.messages[0].text).toContain(run.id);
    expect((await ledger()).map((n) => n.status)).toEqual(['sent']);

    // Sent: later sweeps leave it.
    expect(await retryStuckAlerts(deps, new Date(later.getTime() + STUCK_AFTER_MS + 1_000))).toEqual([]);
    expect(smtp.messages).toHaveLength(1);
  });
});
