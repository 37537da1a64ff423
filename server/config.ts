/**
 * Every environment variable Ponte reads, validated once at start. A bad value stops the start
 * with a message naming the variable. README lists them all.
 */
import { resolve } from 'node:path';

export interface Config {
  dataDir: string;
  databaseUrl?: string;
  host: string;
  port: number;
  /** Where providers and browsers reach this server (webhook URLs, OAuth2 callbacks). */
  publicUrl: string;
  temporalAddress?: string;
  temporalNamespace: string;
  temporalCli?: string;
  temporalPort: number;
  temporalUiPort: number;
  /** The Temporal Web UI as browsers reach it, for "Ver no Temporal" links; null: no links (main.ts uses the embedded dev server's UI when there is one). */
  temporalUiUrl: string | null;
  taskQueue: string;
  secretKey?: string;
  logLevel: string;
  /** Days a run's record payloads are kept before pruning. */
  retentionDays: number;
  /** Activities one worker process runs at once (PONTE_WORKER_ACTIVITIES). */
  workerActivities: number;
  /** PostgreSQL connections per process (PONTE_DB_POOL). */
  dbPoolSize: number;
  /** Where a worker-only process serves /metrics (PONTE_METRICS_PORT); the server role serves it on its own port. */
  metricsPort?: number;
  /** When set, scrapes of /metrics must send it as a Bearer token (PONTE_METRICS_TOKEN). */
  metricsToken?: string;
  /** host:port where the Temporal SDK serves its own Prometheus metrics (TEMPORAL_METRICS_BIND); unset: off. */
  temporalMetricsBind?: string;
  /** Temporal Cloud API key (TEMPORAL_API_KEY): TLS with the key. */
  temporalApiKey?: string;
  /** mTLS to Temporal: client certificate and key files (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY). */
  temporalTlsCert?: string;
  temporalTlsKey?: string;
  /** Where "abrir chamado" sends tickets (JSON POST); unset: tickets are only recorded. */
  ticketUrl?: string;
  /** E-mail of the admin created on first start (PONTE_ADMIN_EMAIL). */
  adminEmail: string;
  /** An API token the operator hands in for automation (PONTE_BOOTSTRAP_TOKEN); stored hashed. */
  bootstrapToken?: string;
  /** Behind a reverse proxy: trust its X-Forwarded-For for client addresses (PONTE_TRUST_PROXY). */
  trustProxy: boolean | string;
}

export class ConfigProblem extends Error {}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigProblem(`${name} must be a port number (0-65535); got "${raw}"`);
  return n;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigProblem(`${name} must be a whole number of 1 or more; got "${raw}"`);
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/]+/.test(raw)) throw new ConfigProblem(`${name} must be an http(s) URL; got "${raw}"`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigProblem(`DATABASE_URL must start with postgres:// or postgresql://; got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) throw new ConfigProblem(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  const taskQueue = env.PONTE_TASK_QUEUE || 'ponte';
  const host = env.PONTE_HOST || '127.0.0.1';
  const listenPort = port(env, 'PONTE_PORT', 3000);
  const publicUrl = env.PONTE_PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${listenPort}`;
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigProblem(`PONTE_PUBLIC_URL must be an http(s) URL such as https://ponte.example.com; got "${publicUrl}"`);
  return {
    dataDir: resolve(env.PONTE_DATA_DIR || 'data'),
    databaseUrl,
    host,
    port: listenPort,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalCli: env.TEMPORAL_CLI || undefined,
    temporalPort: port(env, 'PONTE_TEMPORAL_PORT', 7233),
    temporalUiPort: port(env, 'PONTE_TEMPORAL_UI_PORT', 8233),
    temporalUiUrl: url(env, 'TEMPORAL_UI_URL')?.replace(/\/+$/, '') ?? null,
    taskQueue,
    secretKey: env.PONTE_SECRET_KEY || undefined,
    logLevel,
    retentionDays: positiveInt(env, 'PONTE_RETENTION_DAYS', 30),
    workerActivities: positiveInt(env, 'PONTE_WORKER_ACTIVITIES', 20),
    dbPoolSize: positiveInt(env, 'PONTE_DB_POOL', 10),
    metricsPort: env.PONTE_METRICS_PORT ? port(env, 'PONTE_METRICS_PORT', 9464) : undefined,
    metricsToken: env.PONTE_METRICS_TOKEN || undefined,
    temporalMetricsBind: env.TEMPORAL_METRICS_BIND || undefined,
    temporalApiKey: env.TEMPORAL_API_KEY || undefined,
    temporalTlsCert: env.TEMPORAL_TLS_CERT || undefined,
    temporalTlsKey: env.TEMPORAL_TLS_KEY || undefined,
    ticketUrl: url(env, 'PONTE_TICKET_URL'),
    adminEmail: adminEmail(env),
    bootstrapToken: bootstrapToken(env),
    trustProxy: env.PONTE_TRUST_PROXY === 'true' ? true : env.PONTE_TRUST_PROXY || false,
  };
}

function adminEmail(env: NodeJS.ProcessEnv): string {
  const raw = env.PONTE_ADMIN_EMAIL || 'admin@localhost';
  if (!/^[^@\s]+@[^@\s]+$/.test(raw)) throw new ConfigProblem(`PONTE_ADMIN_EMAIL must be an e-mail address; got "${raw}"`);
  return raw;
}

function bootstrapToken(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.PONTE_BOOTSTRAP_TOKEN;
  if (!raw) return undefined;
  if (raw.length < 32 || /\s/.test(raw)) throw new ConfigProblem('PONTE_BOOTSTRAP_TOKEN must be at least 32 characters without spaces (e.g. `openssl rand -hex 32`)');
  return raw;
}
