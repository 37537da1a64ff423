/**
 * Tenants, roles, sessions and tokens, tried against every route the server registers: a route
 * added without a permission fails registration, and a route this file cannot fill in fails here.
 */
import Fastify from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedRoutes, installAuth } from '../server/auth/hooks';
import { createApiToken, createUser } from '../server/auth/store';
import { createTenant } from '../server/auth/tenants';
import { type Harness, startHarness } from './support/harness';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Words only tenant A's data holds: none may reach tenant B in any answer. */
const MARKERS = ['Bling secreto da Loja A', 'Fluxo privado da Loja A', 'Transportadora-A-secreta', 'SKU-A-777', 'editor-a@loja-a.test', 'token da Loja A', 'segredo-bling-loja-a'];

describe('security: tenants, roles, sessions, tokens', () => {
  let h: Harness;
  const a = {} as Record<string, string>;
  let tokenB: string;
  let viewerA: string;
  let editorA: string;

  const call = async (method: Method, url: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await h.app.inject({ method, url, payload: body as object | undefined, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    return { status: res.statusCode, text: res.body, headers: res.headers, json: () => (res.body ? res.json() : undefined) };
  };

  beforeAll(async () => {
    h = await startHarness({ withoutWorker: true });
    // Tenant A: the harness's default tenant, with one of everything.
    const erp = await h.api('POST', '/api/connections', { name: 'Bling secreto da Loja A', provider: 'bling', credentials: { accessToken: 'segredo-bling-loja-a' } });
    const ml = await h.api('POST', '/api/connections', { name: 'ML da Loja A', provider: 'mercadolivre', credentials: { accessToken: 'APP_USR-loja-a' } });
    a.conn = erp.body.id;
    a.ml = ml.body.id;
    const flow = await h.api('POST', '/api/flows', {
      name: 'Fluxo privado da Loja A',
      document: {
        schemaVersion: 1,
        nodes: [
          { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: a.conn, entity: 'products' } },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: a.ml, entity: 'products' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'write' },
        ],
      },
    });
    a.flow = flow.body.id;
    a.version = (await h.api('POST', `/api/flows/${a.flow}/publish`)).body.id;
    a.run = (await h.api('POST', `/api/flows/${a.flow}/runs`)).body.runId;
    const map = await h.api('POST', `/api/connections/${a.conn}/value-maps`, { name: 'transportadora', entries: [{ from: 'Correios', to: 'Transportadora-A-secreta' }] });
    expect(map.status, JSON.stringify(map.body)).toBe(201);
    a.valueMap = String(map.body.id);
    const binding = await h.api('POST', '/api/bindings', { connectionId: a.ml, sourceConnectionId: a.conn, entity: 'products', internalId: '4711', externalId: 'MLB4711', sku: 'SKU-A-777' });
    expect(binding.status, JSON.stringify(binding.body)).toBe(201);
    a.binding = String(binding.body.id);
    a.discovery = (await h.api('POST', '/api/discoveries', { sourceConnectionId: a.conn, connectionId: a.ml, entity: 'products' })).body.id;
    a.reconciliation = (await h.api('POST', '/api/reconciliations', { connectionId: a.ml, entity: 'products' })).body.id;
    const editor = await createUser(h.database.db, { tenantId: 'default', email: 'editor-a@loja-a.test', role: 'editor' });
    a.user = editor.id;
    editorA = (await createApiToken(h.database.db, { tenantId: 'default', userId: editor.id, name: 'token da Loja A', role: 'editor' })).token;
    const viewer = await createUser(h.database.db, { tenantId: 'default', email: 'viewer-a@loja-a.test', role: 'viewer' });
    viewerA = (await createApiToken(h.database.db, { tenantId: 'default', userId: viewer.id, name: 'leitura', role: 'viewer' })).token;
    a.token = (await h.api('GET', '/api/tokens')).body.tokens.find((t: { name: string }) => t.name === 'token da Loja A').id;

    // Tenant B: another seller on the same server, with an admin token (the most it can hold).
    const b = await createTenant(h.database.db, { id: 'loja-b', name: 'Loja B', adminEmail: 'admin@loja-b.test' });
    tokenB = (await createApiToken(h.database.db, { tenantId: 'loja-b', userId: b.admin.id, name: 'b', role: 'admin' })).token;
  }, 60_000);
  afterAll(async () => h?.close());

  /** The route's path with tenant A's ids in it. A new kind of parameter must be taught here. */
  const pathOf = (url: string) =>
    url.replace(/:(\w+)/g, (_, name: string) => {
      const base = url.split('/')[2];
      const byRoute: Record<string, Record<string, string>> = {
        connections: { id: a.conn },
        'value-maps': { id: a.valueMap, from: 'Correios' },
        flows: { id: a.flow, versionId: a.version },
        runs: { id: a.run },
        bindings: { id: a.binding },
        discoveries: { id: a.discovery, list: 'matched' },
        reconciliations: { id: a.reconciliation },
        users: { id: a.user },
        tokens: { id: a.token },
        templates: { id: 'bling-mercadolivre' },
        fiscal: { id: '1' },
      };
      const value = byRoute[base]?.[name];
      if (!value) throw new Error(`test/security.test.ts does not know what to put in :${name} of ${url}: add it to pathOf`);
      return encodeURIComponent(value);
    });

  /** A body that passes validation, so a refusal comes from the tenant check, not the schema. */
  const bodyOf = (method: Method, url: string): unknown => {
    const bodies: Record<string, unknown> = {
      'POST /api/connections': { name: 'x', provider: 'bling', credentials: { accessToken: 'x' } },
      'PATCH /api/connections/:id': { name: 'tomado', credentials: { accessToken: 'roubado' } },
      'POST /api/connections/:id/value-maps': { name: 'outro', entries: [] },
      'PATCH /api/value-maps/:id': { name: 'tomado' },
      'PUT /api/value-maps/:id/entries': [{ from: 'Correios', to: 'X' }],
      'PUT /api/value-maps/:id/entries/:from': { to: 'X' },
      'POST /api/flows': { name: 'x', document: { schemaVersion: 1, nodes: [{ id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} }, { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: a.conn, entity: 'products' } }], edges: [{ from: 'start', fromPort: 'out', to: 'read' }] } },
      'PUT /api/flows/:id': { name: 'tomado' },
      'POST /api/runs/reprocess': { runIds: [a.run] },
      'POST /api/bindings': { connectionId: a.ml, sourceConnectionId: a.conn, entity: 'products', internalId: '1', externalId: '2' },
      'POST /api/bindings/:id/resolve': { choice: 'source' },
      'POST /api/bindings/:id/resync': { direction: 'push' },
      'POST /api/approvals/decide': { ids: [1, 2, 3], decision: 'approve' },
      'POST /api/discoveries': { sourceConnectionId: a.conn, connectionId: a.ml, entity: 'products' },
      'POST /api/reconciliations': { connectionId: a.ml, entity: 'products' },
      'POST /api/connections/:id/sample': { entity: 'products', limit: 1 },
      'POST /api/expressions/preview': { kind: 'map', params: { fields: { t: '$valueMap("transportadora", "Correios")' } }, records: [{}], valueMapConnections: [a.conn] },
      'POST /api/templates/:id/apply': { connections: { erp: a.conn, channel: a.ml } },
      'POST /api/users': { email: 'intruso@loja-b.test', role: 'viewer' },
      'PATCH /api/users/:id': { role: 'viewer' },
      'POST /api/tokens': { name: 'x', role: 'viewer' },
      'PATCH /api/tenant': { name: 'Loja B renomeada' },
      'POST /api/fiscal/voids': { connectionId: a.conn, model: 55, series: 1, from: 1, to: 1, reason: 'Numeracao nao utilizada pela loja' },
      'POST /api/fiscal/documents/:id/cancel': { reason: 'Cliente desistiu da compra do pedido' },
    };
    return bodies[`${method} ${url}`] ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
  };

  const apiRoutes = () => guardedRoutes(h.app).filter((r) => r.permission !== 'public' && !r.websocket);

  /** What tenant A has, read as A: compared before and after tenant B tries everything. */
  const snapshotOfA = async () => {
    const [connections, flows, valueMap, bindings, runs, users, tokens, tenant, discoveries, reconciliations] = await Promise.all(
      ['/api/connections', '/api/flows', `/api/value-maps/${a.valueMap}`, '/api/bindings', '/api/runs', '/api/users', '/api/tokens', '/api/tenant', '/api/discoveries', '/api/reconciliations'].map(async (u) => (await h.api('GET', u)).body),
    );
    return JSON.stringify({ connections, flows, valueMap, bindings, runs: runs.runs.map((r: { id: string; status: string }) => [r.id, r.status]), users, tokens: tokens.tokens.map((t: { id: string; revokedAt: string }) => [t.id, t.revokedAt]), tenant, discoveries, reconciliations });
  };

  it('knows every route: each one declares a permission, and one without cannot be registered', async () => {
    const routes = guardedRoutes(h.app);
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      ['GET /api/oauth/callback', 'GET /health', 'GET /metrics', 'GET /webhooks/:connectionId/:token', 'POST /api/auth/link', 'POST /api/auth/login', 'POST /webhooks/:connectionId/:token', 'POST /webhooks/:connectionId/:token/*'].sort(),
    );
    const bare = Fastify();
    installAuth(bare, h.database.db);
    expect(() => bare.get('/api/new-thing', async () => ({}))).toThrow(/GET \/api\/new-thing declares no permission/);
    await bare.close();
  });

  it('refuses every route without a session or token (401)', async () => {
    for (const r of apiRoutes()) {
      const res = await call(r.method as Method, pathOf(r.url), null, bodyOf(r.method as Method, r.url));
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
    }
    const forged = await call('GET', '/api/connections', 'ptk_not-a-real-token');
    expect(forged.status).toBe(401);
  });

  it("lets another tenant's admin read, change or trigger nothing of tenant A, on any route", async () => {
    const before = await snapshotOfA();
    const answered: string[] = [];
    for (const r of apiRoutes()) {
      const method = r.method as Method;
      const res = await call(method, pathOf(r.url), tokenB, bodyOf(method, r.url));
      const label = `${method} ${r.url} → ${res.status} ${res.text.slice(0, 200)}`;
      for (const marker of MARKERS) expect(res.text, label).not.toContain(marker);
      // A route naming one of A's records answers as if it did not exist (templates are everyone's: A's connections in the body are refused).
      if (r.url.startsWith('/api/templates/')) expect(res.status, label).toBe(400);
      else if (r.url.includes(':')) expect(res.status, label).toBe(404);
      else answered.push(`${method} ${r.url} ${res.status}`);
    }
    expect(await snapshotOfA()).toBe(before);
    // Routes without ids answer about B's own (empty) tenant, or refuse A's ids in the body.
    expect(answered).toContain('GET /api/connections 200');
    for (const naming of ['POST /api/bindings', 'POST /api/discoveries', 'POST /api/reconciliations', 'POST /api/flows', 'POST /api/runs/reprocess', 'POST /api/fiscal/voids'])
      expect(answered.find((x) => x.startsWith(`${naming} `)), naming).toMatch(/ 4\d\d$/);
    const listed = await call('GET', '/api/runs', tokenB);
    expect(listed.json().runs).toEqual([]);
  });

  it('refuses what the role does not allow (403), and allows the rest', async () => {
    for (const r of apiRoutes()) {
      const method = r.method as Method;
      const path = pathOf(r.url);
      const label = `${method} ${r.url}`;
      if (r.permission === 'edit' || r.permission === 'admin') {
        const res = await call(method, path, viewerA, bodyOf(method, r.url));
        expect(res.status, `viewer ${label}: ${res.text}`).toBe(403);
      }
      if (r.permission === 'admin') {
        const res = await call(method, path, editorA, bodyOf(method, r.url));
        expect(res.status, `editor ${label}: ${res.text}`).toBe(403);
      }
      if (method === 'GET') {
        const res = await call(method, path, viewerA);
        if (r.permission === 'view') expect(res.status, `viewer ${label}: ${res.text}`).not.toBe(403);
      }
    }
    // Viewers press "Sincronizar agora".
    const run = await call('POST', `/api/flows/${a.flow}/runs`, viewerA);
    expect(run.status).toBe(202);
    expect((await h.api('GET', `/api/runs/${run.json().runId}`)).body.trigger).toMatchObject({ type: 'manual', by: 'token leitura (viewer-a@loja-a.test)' });
  });

  it('stops a revoked token and a disabled person at once', async () => {
    const made = await h.api('POST', '/api/tokens', { name: 'integração ERP', role: 'editor' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^ptk_/);
    expect((await call('GET', '/api/connections', made.body.token)).status).toBe(200);
    const listed = (await h.api('GET', '/api/tokens')).body.tokens.find((t: { id: string }) => t.id === made.body.id);
    expect(listed.lastUsedAt).toBeTruthy();
    expect(JSON.stringify(listed)).not.toContain(made.body.token);
    expect((await h.api('DELETE', `/api/tokens/${made.body.id}`)).status).toBe(200);
    expect((await call('GET', '/api/connections', made.body.token)).status).toBe(401);

    // A token never holds more than its creator now has.
    const person = await h.api('POST', '/api/users', { email: 'temporario@loja-a.test', role: 'editor' });
    const theirs = await createApiToken(h.database.db, { tenantId: 'default', userId: person.body.user.id, name: 'deles', role: 'admin' });
    expect((await call('GET', '/api/users', theirs.token)).status).toBe(403);
    expect((await call('GET', '/api/connections', theirs.token)).status).toBe(200);
    expect((await h.api('PATCH', `/api/users/${person.body.user.id}`, { disabled: true })).status).toBe(200);
    expect((await call('GET', '/api/connections', theirs.token)).status).toBe(401);
  });

  it('signs in with a password: httpOnly session, CSRF token on changes, sign-out ends it', async () => {
    const login = await call('POST', '/api/auth/login', null, { email: h.admin.email.toUpperCase(), password: h.admin.password });
    expect(login.status, login.text).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/ponte_session=pss_[\w-]+/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.match(/ponte_session=[^;]+/)![0];
    const csrf = login.json().csrfToken;
    expect(login.json()).toMatchObject({ user: { email: h.admin.email, role: 'admin' }, tenant: { id: 'default' }, mustSetPassword: false });

    expect((await call('GET', '/api/connections', null, undefined, { cookie })).status).toBe(200);
    const forged = await call('PATCH', '/api/tenant', null, { name: 'Loja A (CSRF)' }, { cookie });
    expect(forged.status).toBe(403);
    expect(forged.json().message).toMatch(/x-csrf-token/);
    expect((await call('PATCH', '/api/tenant', null, { name: 'Loja A' }, { cookie, 'x-csrf-token': csrf })).status).toBe(200);
    // A page of another site cannot open the live feed with the person's cookie.
    expect((await call('GET', '/api/live', null, undefined, { cookie, origin: 'https://evil.example', upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' })).status).toBe(403);

    expect((await call('POST', '/api/auth/logout', null, undefined, { cookie, 'x-csrf-token': csrf })).status).toBe(204);
    expect((await call('GET', '/api/connections', null, undefined, { cookie })).status).toBe(401);
  });

  it('throttles password guessing per account, even when the right password finally comes', async () => {
    const person = await h.api('POST', '/api/users', { email: 'alvo@loja-a.test', role: 'viewer' });
    const link = new URL(person.body.loginLink).hash.split('link=')[1];
    const session = await call('POST', '/api/auth/link', null, { link: decodeURIComponent(link) });
    const cookie = String(session.headers['set-cookie']).match(/ponte_session=[^;]+/)![0];
    expect((await call('POST', '/api/auth/password', null, { newPassword: 'senha-certa-123' }, { cookie, 'x-csrf-token': session.json().csrfToken })).status).toBe(204);

    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/auth/login', null, { email: 'alvo@loja-a.test', password: `chute-${i}-errado` })).status).toBe(401);
    const blocked = await call('POST', '/api/auth/login', null, { email: 'alvo@loja-a.test', password: 'senha-certa-123' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Unknown e-mails answer like wrong passwords: nothing to enumerate.
    const unknown = await call('POST', '/api/auth/login', null, { email: 'ninguem@loja-a.test', password: 'qualquer-coisa' });
    expect(unknown.json().message).toBe('E-mail or password is wrong');
    const failed = await h.api('GET', `/api/audit?action=auth.login_failed&targetId=${person.body.user.id}`);
    expect(failed.body.entries).toHaveLength(5);
  });

  it('gives an invited person a one-time link: password first, then the app; the link works once', async () => {
    const invited = await h.api('POST', '/api/users', { email: 'nova@loja-a.test', name: 'Nova', role: 'editor' });
    expect(invited.status).toBe(201);
    expect(invited.body.loginLink).toMatch(/^http:\/\/ponte\.test\/#\/entrar\?link=pll_/);
    const link = decodeURIComponent(invited.body.loginLink.split('link=')[1]);
    const first = await call('POST', '/api/auth/link', null, { link });
    expect(first.json()).toMatchObject({ mustSetPassword: true, user: { email: 'nova@loja-a.test', role: 'editor' } });
    const cookie = String(first.headers['set-cookie']).match(/ponte_session=[^;]+/)![0];
    const csrf = { cookie, 'x-csrf-token': first.json().csrfToken };
    expect((await call('GET', '/api/connections', null, undefined, { cookie })).status).toBe(403);
    const short = await call('POST', '/api/auth/password', null, { newPassword: 'curta' }, csrf);
    expect(short.status).toBe(400);
    expect(short.json().message).toMatch(/at least 10 characters/);
    expect((await call('POST', '/api/auth/password', null, { newPassword: 'uma senha longa o bastante' }, csrf)).status).toBe(204);
    expect((await call('GET', '/api/connections', null, undefined, { cookie })).status).toBe(200);
    expect((await call('POST', '/api/auth/link', null, { link })).status).toBe(401);
    const login = await call('POST', '/api/auth/login', null, { email: 'nova@loja-a.test', password: 'uma senha longa o bastante' });
    expect(login.status).toBe(200);

    // The tenant keeps an admin: the last one cannot step down.
    const admins = (await h.api('GET', '/api/users')).body.users.filter((u: { role: string; disabled: boolean }) => u.role === 'admin' && !u.disabled);
    expect(admins).toHaveLength(1);
    const demote = await h.api('PATCH', `/api/users/${admins[0].id}`, { role: 'editor' });
    expect(demote.status).toBe(409);
  });

  it('streams live updates of its own tenant only', async () => {
    const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const open = (token: string | null) =>
      new Promise<{ socket: WebSocket; events: Array<{ type: string; run?: { id: string } }> }>((resolve, reject) => {
        const socket = new WebSocket(`${base.replace('http', 'ws')}/api/live`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        const events: Array<{ type: string; run?: { id: string } }> = [];
        socket.on('message', (d) => events.push(JSON.parse(d.toString())));
        socket.once('open', () => resolve({ socket, events }));
        socket.once('unexpected-response', (req, res) => {
          req.destroy();
          reject(new Error(`HTTP ${res.statusCode}`));
        });
        socket.once('error', reject);
      });
    await expect(open(null)).rejects.toThrow('HTTP 401');
    const mine = await open(h.adminToken);
    const theirs = await open(tokenB);
    const run = (await h.api('POST', `/api/flows/${a.flow}/runs`)).body.runId;
    const deadline = Date.now() + 10_000;
    while (!mine.events.some((e) => e.run?.id === run) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(mine.events.some((e) => e.type === 'run.started' && e.run?.id === run)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(theirs.events).toEqual([]);
    for (const { socket } of [mine, theirs]) await new Promise((resolve) => socket.once('close', resolve).close());

  });

  it('sends strict security headers, never caches API answers, and hides internals in errors', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const api = await h.app.inject({ method: 'GET', url: '/api/connections', headers: h.auth });
    expect(api.headers['cache-control']).toBe('no-store');
    const broken = await h.app.inject({ method: 'POST', url: '/api/flows', headers: { ...h.auth, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).not.toMatch(/\n\s+at /);
    const huge = await h.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'x@y', password: 'p'.repeat(100_000) }) });
    expect(huge.statusCode).toBe(413);
  });

  it('keeps an audit trail of changes, for admins only', async () => {
    const entries = (await h.api('GET', '/api/audit?limit=500')).body.entries as Array<{ action: string; actorName: string; targetId: string }>;
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ['connection.create', 'flow.create', 'flow.publish', 'run.start', 'value_map.create', 'binding.create', 'discovery.start', 'reconciliation.start', 'user.create', 'user.update', 'token.create', 'token.revoke', 'tenant.update', 'auth.login', 'auth.logout', 'auth.password_set'])
      expect(actions, action).toContain(action);
    expect(entries.find((e) => e.action === 'flow.publish')).toMatchObject({ targetId: a.flow, actorName: `token test harness (${h.admin.email})` });
    // B's log holds B's own changes (its connection, user, token, name), nothing of A's.
    const theirs = await call('GET', '/api/audit?limit=500', tokenB);
    expect(theirs.json().entries.map((e: { action: string }) => e.action).sort()).toEqual(['connection.create', 'tenant.update', 'token.create', 'user.create']);
    for (const id of Object.values(a).filter((v) => v.length > 6)) expect(theirs.text).not.toContain(id);
    expect((await call('GET', '/api/audit', editorA)).status).toBe(403);
  });
});
