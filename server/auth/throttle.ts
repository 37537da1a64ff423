/**
 * Sign-in throttling, per account and per client address, kept in the database so that every
 * server behind the load balancer counts the same failures.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginThrottle } from '../db/schema';
import { TooManyAttempts } from '../errors';

const WINDOW_MS = 15 * 60_000;
/** An account takes a few typos; an address guessing across many accounts takes more, but not many. */
const LIMITS = { account: 5, address: 20 } as const;

export const throttleKeys = (email: string, ip: string) => ({ account: `account:${email}`, address: `address:${ip}` });

export async function refuseIfThrottled(db: Db, keys: { account: string; address: string }) {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, [keys.account, keys.address]));
  const now = Date.now();
  for (const row of rows) {
    const limit = row.key === keys.account ? LIMITS.account : LIMITS.address;
    const endsAt = row.windowStartedAt.getTime() + WINDOW_MS;
    if (endsAt > now && row.failures >= limit)
      throw new TooManyAttempts('Too many failed sign-ins; wait a few minutes and try again', Math.ceil((endsAt - now) / 1000));
  }
}

export async function recordFailure(db: Db, keys: { account: string; address: string }) {
  const since = new Date(Date.now() - WINDOW_MS).toISOString();
  for (const key of [keys.account, keys.address])
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1 })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStartedAt} < ${since}::timestamptz then 1 else ${loginThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${since}::timestamptz then now() else ${loginThrottle.windowStartedAt} end`,
        },
      });
}

export async function clearFailures(db: Db, key: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
