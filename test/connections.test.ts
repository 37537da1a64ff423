import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlingSimulator } from '../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { connections, runRecords, runs } from '../server/db/schema';
import { SecretBox } from '../server/secrets/crypto';
import { checkSecretKey, rotateSecretKey } from '../server/secrets/key-check';
import { expectMirrored, runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import { type Harness, startHarness } from './support/harness';

describe('connections', () => {
  const logLines: string[] = [];
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;

  useBlingAndMl({ products: 40, harness: { logLines } }, (s) => ({ h, bling, ml } = s));

  const blingBody = (over: Record<string, unknown> = {}) => ({
    name: 'Bling da loja',
    provider: 'bling',
    baseUrl: `${bling.url}/Api/v3`,
    credentials: { accessToken: bling.credentials.accessToken },
    direction: 'export',
    entities: ['products'],
    frequency: '15m',
    settings: { rateLimit: { requestsPerSecond: 0 } },
    ...over,
  });

  it('creates, changes, pauses, resumes, disables and deletes a connection, never showing a credential whole', async () => {
    const secret = `tok-${randomBytes(12).toString('hex')}`;
    const created = await h.api('POST', '/api/connections', blingBody({ credentials: { accessToken: secret, clientId: 'app-1', clientSecret: 'shh-very-secret' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'bling', direction: 'export', entities: ['products'], frequency: '15m', status: 'active' });
    expect(created.body.credentials).toEqual({ accessToken: `••••${secret.slice(-4)}`, clientId: 'app-1', clientSecret: '••••cret' });
    expect(created.body.webhookUrl).toMatch(/^http:\/\/ponte\.test\/webhooks\/conn_[\w-]+\/••••/);
    expect(created.body.activatedAt).toBeTruthy();
    const id = created.body.id;

    const changed = await h.api('PATCH', `/api/connections/${id}`, { frequency: 'cron', cron: '*/10 * * * *', branch: 'deposito-2', credentials: { clientSecret: 'another-secret-9876' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ frequency: 'cron', cron: '*/10 * * * *', branch: 'deposito-2' });
    // Fields not sent keep their values.
    expect(changed.body.credentials).toEqual({ accessToken: `••••${secret.slice(-4)}`, clientId: 'app-1', clientSecret: '••••9876' });
    // The audit log says which credential was rotated, never its value.
    const audit = await h.api('GET', `/api/audit?targetType=connection&targetId=${id}`);
    expect(audit.body.entries.map((e: { action: string; details: unknown }) => [e.action, e.details])).toEqual([
      ['connection.update', { fields: ['frequency', 'cron', 'branch'] }],
      ['connection.credentials_rotated', { fields: ['clientSecret'] }],
      ['connection.create', { name: created.body.name, provider: 'bling', credentialFields: ['accessToken', 'clientId', 'clientSecret'] }],
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('another-secret-9876');

    const paused = await h.api('POST', `/api/connections/${id}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', statusReason: 'Paused by a user' });
    expect((await h.api('POST', `/api/connections/${id}/resume`)).body.status).toBe('active');
    expect((await h.api('POST', `/api/connections/${id}/disable`)).body.status).toBe('disabled');

    const revealed = await h.api('GET', `/api/connections/${id}/webhook`);
    const rotated = await h.api('POST', `/api/connections/${id}/webhook/rotate`);
    expect(rotated.body.webhookUrl).not.toBe(revealed.body.webhookUrl);
    expect(rotated.body.webhookUrl).toMatch(/\/webhooks\/conn_[\w-]+\/[\w-]{32}$/);

    expect((await h.api('DELETE', `/api/connections/${id}`)).status).toBe(204);
    expect((await h.api('GET', `/api/connections/${id}`)).status).toBe(404);

    const everything = JSON.stringify([created.body, changed.body, paused.body]) + logLines.join('');
    for (const s of [secret, 'shh-very-secret', 'another-secret-9876']) expect(everything).not.toContain(s);
    expect(logLines.length).toBeGreaterThan(5);
  });

  it('never logs the webhook token, even for deliveries it refuses', async () => {
    const conn = await h.api('POST', '/api/connections', blingBody({ credentials: { accessToken: 'tok-abc-9876', clientSecret: 'app-secret-5432' } }));
    const url = new URL((await h.api('GET', `/api/connections/${conn.body.id}/webhook`)).body.webhookUrl);
    const token = url.pathname.split('/').pop()!;
    const refused = await h.app.inject({ method: 'POST', url: url.pathname, payload: '{"event":"product.updated"}', headers: { 'content-type': 'application/json' } });
    expect(refused.statusCode).toBe(401);
    const logged = logLines.join('');
    expect(logged).toContain(`/webhooks/${conn.body.id}/••••`);
    expect(logged).not.toContain(token);
  });

  it('answers bad input with one message per field and saves nothing', async () => {
    const before = (await h.api('GET', '/api/connections')).body.connections.length;
    const res = await h.api('POST', '/api/connections', { name: 'X', provider: 'tray', credentials: {} });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([expect.objectContaining({ field: 'provider', message: expect.stringMatching(/known providers: .*bling.*mercadolivre/) })]);

    const many = await h.api('POST', '/api/connections', {
      name: 'Bling',
      provider: 'bling',
      baseUrl: 'api.bling.com.br',
      credentials: { clientId: 'x', token: 'y' },
      entities: ['products', 'invoices', 'unicorns'],
      frequency: 'hourly',
    });
    expect(many.status).toBe(400);
    const fields = many.body.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['baseUrl', 'credentials.accessToken', 'credentials.token', 'entities', 'frequency']));
    expect(many.body.problems.find((p: { field: string }) => p.field === 'credentials.accessToken').message).toContain('Access token');
    expect(many.body.problems.filter((p: { field: string }) => p.field === 'entities')).toHaveLength(2);
    expect((await h.api('GET', '/api/connections')).body.connections.length).toBe(before);
  });

  it('refuses to delete a connection a flow uses, naming the flow', async () => {
    const { blingConnectionId } = await setUpBlingToMl(h, bling, ml);
    const res = await h.api('DELETE', `/api/connections/${blingConnectionId}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/Flows still use this connection: Bling → ML/);
  });

  describe('"Testar conexão"', () => {
    it.each([
      ['200', async () => ({}), 200, 'ok'],
      ['401', async () => ({ credentials: { accessToken: 'revoked-token' } }), 401, 'auth'],
      ['404', async () => ({ baseUrl: `${bling.url}/Api/v2` }), 404, 'not_found'],
      ['429', async () => (bling.faults.throttleNext(1), {}), 429, 'rate_limited'],
      ['5xx', async () => (bling.faults.failNext(1), {}), 503, 'provider_error'],
    ])('reports a %s raw, with its diagnosis', async (_label, prepare, status, code) => {
      const over = await prepare();
      const conn = await h.api('POST', '/api/connections', blingBody(over));
      const res = await h.api('POST', `/api/connections/${conn.body.id}/test`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status, diagnosis: { code }, ok: code === 'ok' });
      expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
      expect(res.body.headers['content-type']).toContain('application/json');
      expect(res.body.body.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toContain(bling.credentials.accessToken);
    });

    it('says so when the provider cannot be reached', async () => {
      const conn = await h.api('POST', '/api/connections', blingBody({ baseUrl: 'http://127.0.0.1:9/Api/v3' }));
      const res = await h.api('POST', `/api/connections/${conn.body.id}/test`);
      expect(res.body).toMatchObject({ ok: false, status: null, diagnosis: { code: 'unreachable' } });
    });
  });

  describe('status lifecycle', () => {
    it('moves to error when a run is refused the credentials, and back to active after a passing test', async () => {
      const { flowId, blingConnectionId } = await setUpBlingToMl(h, bling, ml, { blingAccessToken: 'expired-and-gone' });
      const run = await runFlow(h, flowId);
      expect(run.status).toBe('error');
      const failing = await h.api('GET', `/api/connections/${blingConnectionId}`);
      expect(failing.body.status).toBe('error');
      expect(failing.body.statusReason).toContain('401');

      await h.api('PATCH', `/api/connections/${blingConnectionId}`, { credentials: { accessToken: bling.credentials.accessToken } });
      const test = await h.api('POST', `/api/connections/${blingConnectionId}/test`);
      expect(test.body.ok).toBe(true);
      expect((await h.api('GET', `/api/connections/${blingConnectionId}`)).body.status).toBe('active');
      expect((await runFlow(h, flowId)).status).toBe('success');
    });

    it('refuses to run a flow while one of its connections is paused', async () => {
      const { flowId, mlConnectionId } = await setUpBlingToMl(h, bling, ml);
      await h.api('POST', `/api/connections/${mlConnectionId}/pause`);
      const res = await h.api('POST', `/api/flows/${flowId}/runs`);
      expect(res.status).toBe(409);
      expect(res.body.message).toContain('is paused');
    });
  });

  it('keeps secrets out of run records and workflow inputs', async () => {
    const { flowId } = await setUpBlingToMl(h, bling, ml);
    bling.updateProduct([...bling.products.keys()][0], { preco: -1 });
    const run = await runFlow(h, flowId);
    const records = await h.database.db.select().from(runRecords);
    const runRows = await h.database.db.select().from(runs);
    const history = await h.client.workflow.getHandle(run.workflowId).fetchHistory();
    const text = JSON.stringify({ records, runRows, history }) + logLines.join('');
    expect(records.length).toBeGreaterThan(0);
    for (const s of [bling.credentials.accessToken, ml.credentials.accessToken]) expect(text).not.toContain(s);
    bling.updateProduct([...bling.products.keys()][0], { preco: 10 });
  });
});

describe('OAuth2 connections', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  useBlingAndMl({ products: 600 }, (s) => ({ h, bling, ml } = s));

  async function authorisedMlConnection(): Promise<string> {
    const conn = await h.api('POST', '/api/connections', {
      name: 'Mercado Livre',
      provider: 'mercadolivre',
      baseUrl: ml.url,
      credentials: { clientId: ml.credentials.clientId, clientSecret: ml.credentials.clientSecret, accessToken: 'pending' },
      settings: { authorizeUrl: `${ml.url}/authorization`, rateLimit: { requestsPerSecond: 0 } },
    });
    const start = await h.api('POST', `/api/connections/${conn.body.id}/oauth/start`);
    expect(start.body.authorizeUrl).toContain(`${ml.url}/authorization?response_type=code&client_id=${ml.credentials.clientId}`);
    // The seller approves on the provider's page, which sends the browser back to Ponte.
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://ponte.test/api/oauth/callback');
    const callback = await h.app.inject({ method: 'GET', url: back.pathname + back.search });
    expect(callback.statusCode, callback.body).toBe(200);
    expect(callback.body).toContain('Conexão autorizada');
    return conn.body.id;
  }

  it('authorises through the provider and syncs with the tokens it got', async () => {
    const id = await authorisedMlConnection();
    const test = await h.api('POST', `/api/connections/${id}/test`);
    expect(test.body).toMatchObject({ ok: true, status: 200 });
    // A replayed callback (same state) is refused.
    const again = await h.app.inject({ method: 'GET', url: '/api/oauth/callback?code=x&state=used-or-unknown' });
    expect(again.statusCode).toBe(400);
  });

  it('refreshes an expired token during a run without the run noticing; concurrent runs refresh once', async () => {
    const mlId = await authorisedMlConnection();
    const blingConn = await h.api('POST', '/api/connections', {
      name: 'Bling',
      provider: 'bling',
      baseUrl: `${bling.url}/Api/v3`,
      credentials: { accessToken: bling.credentials.accessToken },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    });
    const flowFor = async (suffix: string) => {
      const { document } = await setUpBlingToMl(h, bling, ml);
      for (const n of document.nodes) {
        if (n.type === 'fetch') n.params.connectionId = blingConn.body.id;
        if (n.type === 'upsert') n.params.connectionId = mlId;
      }
      const flow = await h.api('POST', '/api/flows', { name: `OAuth ${suffix}`, document });
      await h.api('POST', `/api/flows/${flow.body.id}/publish`);
      return flow.body.id as string;
    };
    const first = await flowFor('a');
    const second = await flowFor('b');
    const refreshesBefore = ml.stats.refreshes;
    // Every token issued so far dies (as after 6 hours); Mercado Livre's refresh token works once.
    ml.expireAccessTokens();
    const [a, b] = await Promise.all([h.api('POST', `/api/flows/${first}/runs`), h.api('POST', `/api/flows/${second}/runs`)]);
    const [runA, runB] = await Promise.all([h.waitForRun(a.body.runId), h.waitForRun(b.body.runId)]);
    expect(runA.status).toBe('success');
    expect(runB.status).toBe('success');
    expect(runA.counters.failed + runB.counters.failed).toBe(0);
    expect(ml.stats.refreshes - refreshesBefore).toBe(1);
    expectMirrored(bling, ml);
    expect((await h.api('GET', `/api/connections/${mlId}`)).body.status).toBe('active');
  });
});

describe('the secret key', () => {
  it('rotates: every connection keeps working under the new key, and the old key is refused', async () => {
    const h = await startHarness({ withoutWorker: true });
    try {
      await h.api('POST', '/api/connections', { name: 'A', provider: 'bling', credentials: { accessToken: 'token-a-1234' } });
      await h.api('POST', '/api/connections', { name: 'B', provider: 'mercadolivre', credentials: { accessToken: 'token-b-5678' } });
      const newBox = SecretBox.fromKeyMaterial(randomBytes(32).toString('hex'));
      await checkSecretKey(h.database.db, h.box);
      const { connections: count } = await rotateSecretKey(h.database.db, h.box, newBox);
      expect(count).toBe(2);
      const rows = await h.database.db.select().from(connections);
      expect(rows.map((r) => newBox.open<Record<string, string>>(r.credentials).accessToken).sort()).toEqual(['token-a-1234', 'token-b-5678']);
      await expect(checkSecretKey(h.database.db, newBox)).resolves.toBeUndefined();
      await expect(checkSecretKey(h.database.db, h.box)).rejects.toThrow(/does not match the one this database was sealed with/);
    } finally {
      await h.close();
    }
  });
});
