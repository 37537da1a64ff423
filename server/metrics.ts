/**
 * Prometheus metrics of a Ponte process (prom-client): provider calls and throttles by
 * connection, counted in this process; and, where the process has the database, what the sync
 * log says (runs by status, records by outcome, webhook events waiting and their lag, records
 * waiting for approval), read at scrape time so every server reports the same figures.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { observeProviderCalls } from '../connectors/http/observe';
import { type Db, rowsOf } from './db/client';

export interface Metrics {
  registry: Registry;
  /** The text Prometheus scrapes. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(options: { role: string; db?: Db }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role });
  collectDefaultMetrics({ register: registry, prefix: 'ponte_' });

  const calls = new Counter({ name: 'ponte_provider_requests_total', help: 'Requests sent to providers, by connection and status class', labelNames: ['provider', 'connection', 'code'], registers: [registry] });
  const throttled = new Counter({ name: 'ponte_provider_throttled_total', help: 'Provider answers that throttled us (429 or a throttle in the body)', labelNames: ['provider', 'connection'], registers: [registry] });
  const latency = new Histogram({ name: 'ponte_provider_request_seconds', help: 'Provider request latency', labelNames: ['provider'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] });
  observeProviderCalls((c) => {
    calls.inc({ provider: c.provider, connection: c.connectionId, code: c.status === null ? 'none' : c.status === 429 ? '429' : `${Math.floor(c.status / 100)}xx` });
    if (c.throttled) throttled.inc({ provider: c.provider, connection: c.connectionId });
    latency.observe({ provider: c.provider }, c.latencyMs / 1000);
  });

  const db = options.db;
  if (db) {
    const rows = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query));
    new Gauge({
      name: 'ponte_runs',
      help: 'Runs in the sync log, by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from runs group by status`)) this.set({ status: r.status }, Number(r.n));
      },
    });
    new Gauge({
      name: 'ponte_records',
      help: 'Records processed by all runs, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
      async collect() {
        const [r] = await rows<Record<string, number>>(sql`select coalesce(sum(created),0)::bigint as created, coalesce(sum(updated),0)::bigint as updated, coalesce(sum(skipped),0)::bigint as skipped, coalesce(sum(failed),0)::bigint as failed, coalesce(sum(conflict),0)::bigint as conflict from runs`);
        for (const outcome of ['created', 'updated', 'skipped', 'failed', 'conflict']) this.set({ outcome }, Number(r?.[outcome] ?? 0));
      },
    });
    new Gauge({
      name: 'ponte_webhook_events_waiting',
      help: 'Webhook events stored and not dispatched yet (received) or held for a paused connection (queued)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        this.set({ status: 'received' }, 0);
        this.set({ status: 'queued' }, 0);
        for (const r of await rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from webhook_events where status in ('received', 'queued') group by status`)) this.set({ status: r.status }, Number(r.n));
      },
    });
    new Gauge({
      name: 'ponte_webhook_lag_seconds',
      help: 'Age of the oldest webhook event not dispatched yet (0 when none waits)',
      registers: [registry],
      async collect() {
        const [r] = await rows<{ lag: number | null }>(sql`select extract(epoch from now() - min(received_at))::float8 as lag from webhook_events where status = 'received'`);
        this.set(Number(r?.lag ?? 0));
      },
    });
    new Gauge({
      name: 'ponte_approvals_pending',
      help: 'Records held by approval steps, waiting for a person',
      registers: [registry],
      async collect() {
        const [r] = await rows<{ n: number }>(sql`select count(*)::int as n from approvals where status = 'pending'`);
        this.set(Number(r?.n ?? 0));
      },
    });
  }

  return {
    registry,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * Whether a scrape may read the metrics: always when no token is configured (PONTE_METRICS_TOKEN),
 * otherwise only with `Authorization: Bearer <token>`. Metrics hold connection ids and volumes.
 */
export function metricsScrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** A worker-only process has no API: it serves /metrics alone on its own port. */
export function serveMetrics(metrics: Metrics, host: string, port: number, token?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (!metricsScrapeAllowed(req.headers.authorization, token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    metrics
      .render()
      .then(({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body))
      .catch((err) => res.writeHead(500).end(String(err)));
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
