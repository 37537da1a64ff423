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
  taskQueue: string;
  secretKey?: string;
  logLevel: string;
  /** Days a run's record payloads are kept before pruning. */
  retentionDays: number;
  /** Where "abrir chamado" sends tickets (JSON POST); unset: tickets are only recorded. */
  ticketUrl?: string;
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
    taskQueue,
    secretKey: env.PONTE_SECRET_KEY || undefined,
    logLevel,
    retentionDays: positiveInt(env, 'PONTE_RETENTION_DAYS', 30),
    ticketUrl: url(env, 'PONTE_TICKET_URL'),
  };
}
