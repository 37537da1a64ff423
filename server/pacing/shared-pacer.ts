/**
 * Provider pacing shared by every worker process: the bucket of a connection lives in
 * PostgreSQL, so two workers writing to one Mercado Livre account stay under its limit together.
 *
 * GCRA (the generic cell rate algorithm): a row keeps the theoretical arrival time (`tat`) of the
 * next request. Taking a slot is one atomic statement that moves `tat` on by 1/rate and returns
 * when this request may go; a burst of `burst` requests may go at once after an idle spell. No
 * polling and no lock held while waiting: each caller sleeps until its own slot.
 */
import { sql } from 'drizzle-orm';
import { createPacer, type Pacer, type PacerFactory, type RateLimitPolicy, sleep } from '../../connectors/http/pacing';
import { type Db, rowsOf } from '../db/client';

export function sharedPacer(db: Db, key: string, policy: RateLimitPolicy | undefined): Pacer {
  const rate = policy?.requestsPerSecond ?? 0;
  if (!(rate > 0)) return createPacer(undefined);
  const interval = 1 / rate;
  // How far ahead of its slot a request may go: a full bucket lets `burst` go at once.
  const tolerance = (Math.max(1, policy?.burst ?? Math.ceil(rate)) - 1) * interval;

  return {
    async take(signal) {
      signal?.throwIfAborted();
      const rows = await db.execute<{ wait_ms: number }>(sql`
        insert into rate_buckets as b (key, tat)
        values (${key}, clock_timestamp() + make_interval(secs => ${interval}))
        on conflict (key) do update set tat = greatest(b.tat, clock_timestamp()) + make_interval(secs => ${interval})
        returning greatest(0, extract(epoch from (b.tat - make_interval(secs => ${interval + tolerance}) - clock_timestamp())) * 1000)::float8 as wait_ms`);
      const wait = Number(rowsOf<{ wait_ms: number }>(rows)[0]?.wait_ms ?? 0);
      if (wait > 0) await sleep(Math.ceil(wait), signal);
    },
    pause(ms) {
      // Nobody sends until the provider's window has passed: push the next slot beyond it.
      void db
        .execute(sql`update rate_buckets set tat = greatest(tat, clock_timestamp() + make_interval(secs => ${ms / 1000 + tolerance})) where key = ${key}`)
        .catch(() => {});
    },
  };
}

/** Pacers for a worker: shared through PostgreSQL when the database is one, in-process on PGlite (one process owns it). */
export function pacerFactory(db: Db, kind: 'pglite' | 'postgres'): PacerFactory | undefined {
  return kind === 'postgres' ? (key, policy) => sharedPacer(db, key, policy) : undefined;
}
