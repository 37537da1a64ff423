/**
 * One small postgres.js pool per connection, in this process. Connections close after
 * `IDLE_SECONDS` without use, so an ERP database idle between syncs holds no session of ours.
 * Values come back JSON-ready: dates and timestamps as text (no time-zone shift, microseconds
 * kept), bigint/numeric as numbers when exact.
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { ConfigError } from '../http/errors';
import { createPacer, type Pacer, type RateLimitPolicy } from '../http/pacing';
import type { ConnectionContext } from '../types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Sql = postgres.Sql<any>;

const IDLE_SECONDS = 30;
const DEFAULT_POOL_SIZE = 4;
const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;

/** Sends strings as they are (PostgreSQL parses them with the column's own type). */
const passText = (x: unknown) => (x instanceof Date ? x.toISOString() : String(x));

/** bigint and numeric as JS numbers when no digit is lost, else as the exact string. */
function exactNumber(text: string): number | string {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 15 ? n : text;
}

/** timestamptz text (`2026-01-05 10:00:00.123456+00`) as ISO 8601, microseconds kept. */
export function isoTimestamptz(text: string): string {
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?$/.exec(text);
  if (!m) return text; // infinity, -infinity, BC dates
  const [, date, time, hours, minutes = '00', seconds] = m;
  if (hours === '+00' && minutes === '00' && !seconds) return `${date}T${time}Z`;
  return `${date}T${time}${hours}:${minutes}${seconds ? `:${seconds}` : ''}`;
}

const TYPES = {
  ponteDate: { to: 1082, from: [1082], serialize: passText, parse: (x: string) => x },
  ponteTimestamp: { to: 1114, from: [1114], serialize: passText, parse: (x: string) => x.replace(' ', 'T') },
  ponteTimestamptz: { to: 1184, from: [1184], serialize: passText, parse: isoTimestamptz },
  ponteBigint: { to: 20, from: [20], serialize: passText, parse: exactNumber },
  ponteNumeric: { to: 1700, from: [1700], serialize: passText, parse: exactNumber },
};

interface PoolEntry {
  fingerprint: string;
  sql: Sql;
  pacer: Pacer;
}

const pools = new Map<string, PoolEntry>();

export interface PostgresSettings {
  /** Sessions per connection (default 4): how many statements run at once on the ERP database. */
  poolSize?: number;
  /** Session TimeZone, for `timestamp without time zone` columns written in local time. */
  timeZone?: string;
  statementTimeoutMs?: number;
  rateLimit?: RateLimitPolicy;
}

export function connectionString(ctx: ConnectionContext): string {
  const url = ctx.credentials.connectionString?.trim();
  if (!url) throw new ConfigError('credentials.connectionString is required, e.g. postgres://usuario:senha@servidor:5432/erp');
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new ConfigError('credentials.connectionString must start with postgres:// or postgresql://, e.g. postgres://usuario:senha@servidor:5432/erp');
  return url;
}

function fingerprint(url: string, s: PostgresSettings): string {
  return createHash('sha256').update(JSON.stringify([url, s.poolSize, s.timeZone, s.statementTimeoutMs, s.rateLimit])).digest('hex');
}

/** The connection's pool, opened on first use; a changed connection string or setting replaces it. */
export function poolFor(ctx: ConnectionContext): PoolEntry {
  const url = connectionString(ctx);
  const settings = ctx.settings as PostgresSettings;
  const print = fingerprint(url, settings);
  const current = pools.get(ctx.connectionId);
  if (current?.fingerprint === print) return current;
  if (current) void current.sql.end({ timeout: 5 }).catch(() => {});

  const poolSize = Number(settings.poolSize) > 0 ? Math.min(Math.floor(Number(settings.poolSize)), 20) : DEFAULT_POOL_SIZE;
  const connection: Record<string, string> = {
    application_name: 'ponte',
    statement_timeout: String(Number(settings.statementTimeoutMs) > 0 ? Number(settings.statementTimeoutMs) : DEFAULT_STATEMENT_TIMEOUT_MS),
  };
  if (settings.timeZone) connection.TimeZone = String(settings.timeZone);
  let sql: Sql;
  try {
    sql = postgres(url, {
      max: poolSize,
      idle_timeout: IDLE_SECONDS,
      connect_timeout: 10,
      prepare: true,
      onnotice: () => {},
      connection,
      types: TYPES,
    });
  } catch (err) {
    throw new ConfigError(`The connection string is not valid (${(err as Error).message}); it looks like postgres://usuario:senha@servidor:5432/erp`);
  }
  const entry: PoolEntry = { fingerprint: print, sql, pacer: createPacer(settings.rateLimit) };
  pools.set(ctx.connectionId, entry);
  return entry;
}

/** Closes every pool (tests, shutdown). */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.sql.end({ timeout: 5 }).catch(() => {})));
}
