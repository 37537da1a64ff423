import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type RunningSimulator } from '../simulator-kit/server';
import { createHttpClient } from './client';
import { Agent } from 'undici';
import { AuthError, ConfigError, NotFound, RateLimited, Transient, ValidationError } from './errors';
import { collectBatch } from './pagination';

describe('the shared HTTP client', () => {
  let sim: RunningSimulator;
  let flaky = 0;
  beforeAll(async () => {
    sim = await startSimServer({
      routes: [
        { method: 'GET', path: '/ok', handler: (req) => ({ status: 200, body: { auth: req.headers.authorization, q: req.query.getAll('ids[]') } }) },
        { method: 'GET', path: '/slow-down', handler: () => ({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'easy' } }) },
        { method: 'GET', path: '/who', handler: () => ({ status: 401, body: { error: { message: 'bad token' } } }) },
        { method: 'GET', path: '/gone', handler: () => ({ status: 404, body: {} }) },
        { method: 'POST', path: '/bad', handler: () => ({ status: 422, body: { error: { message: 'price is required' } } }) },
        { method: 'GET', path: '/down', handler: () => ({ status: 503, body: 'maintenance' }) },
        { method: 'GET', path: '/flaky', handler: () => (flaky++ < 2 ? { status: 429, headers: { 'retry-after': '0' }, body: {} } : { status: 200, body: { page: flaky } }) },
      ],
    });
  });
  afterAll(() => sim.close());

  const client = () =>
    createHttpClient({
      baseUrl: sim.url,
      authHeaders: () => ({ authorization: 'Bearer t0k3n' }),
      describeError: (b) => (b as { error?: { message?: string } })?.error?.message,
    });

  it('sends auth headers and repeated query parameters', async () => {
    const res = await client().send<{ auth: string; q: string[] }>({ method: 'GET', path: '/ok', query: { 'ids[]': [1, 2] } });
    expect(res.body).toEqual({ auth: 'Bearer t0k3n', q: ['1', '2'] });
  });

  it('classifies answers once: 429 with its Retry-After, 401, 404, 422 with the provider message, 5xx', async () => {
    const c = client();
    const err = await c.send({ method: 'GET', path: '/slow-down' }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.retryAfterMs).toBe(7000);
    await expect(c.send({ method: 'GET', path: '/who' })).rejects.toBeInstanceOf(AuthError);
    await expect(c.send({ method: 'GET', path: '/gone' })).rejects.toBeInstanceOf(NotFound);
    const bad = await c.send({ method: 'POST', path: '/bad', json: {} }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.message).toContain('price is required');
    await expect(c.send({ method: 'GET', path: '/down' })).rejects.toBeInstanceOf(Transient);
  });

  it('turns a refused connection into a transient error', async () => {
    const c = createHttpClient({ baseUrl: 'http://127.0.0.1:1' });
    await expect(c.send({ method: 'GET', path: '/' })).rejects.toBeInstanceOf(Transient);
  });

  it('takes an absolute URL as is, and a dispatcher of the connection\'s own', async () => {
    const own = new Agent();
    let resolved = 0;
    const c = createHttpClient({
      baseUrl: 'http://127.0.0.1:1/api',
      dispatcher: () => {
        resolved++;
        return own;
      },
    });
    const res = await c.send<{ auth?: string }>({ method: 'GET', path: `${sim.url}/ok` });
    expect(res.status).toBe(200);
    expect(resolved).toBe(1);
    await own.close();
  });

  it('lets the connection explain a request that got no answer', async () => {
    const c = createHttpClient({ baseUrl: 'http://127.0.0.1:1', explainTransportError: async (e, url) => new ConfigError(`${url}: ${e.code}`) });
    const err = await c.send({ method: 'GET', path: '/x' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('http://127.0.0.1:1/x: ECONNREFUSED');
    const unexplained = createHttpClient({ baseUrl: 'http://127.0.0.1:1', explainTransportError: async () => undefined });
    await expect(unexplained.send({ method: 'GET', path: '/' })).rejects.toBeInstanceOf(Transient);
  });

  it('retries a throttled page in place while collecting a batch', async () => {
    const c = client();
    const batch = await collectBatch(1, 2, async (n) => {
      const res = await c.send<{ page: number }>({ method: 'GET', path: '/flaky' });
      return { items: [res.body.page], next: n < 2 ? n + 1 : null };
    });
    expect(batch.items).toHaveLength(2);
    expect(batch.next).toBeNull();
  });
});
