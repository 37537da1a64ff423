/**
 * Retention: record payloads (and stray claim-check pages of runs that never finished) are
 * pruned after PONTE_RETENTION_DAYS; outcomes, counters and messages stay in the log.
 */
import { and, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { pages, runRecords, webhookEvents } from '../db/schema';

export async function pruneOldPayloads(db: Db, retentionDays: number, now = new Date()): Promise<{ payloads: number; pages: number }> {
  const before = new Date(now.getTime() - retentionDays * 24 * 3600_000);
  const payloads = await db
    .update(runRecords)
    .set({ payload: null })
    .where(and(lt(runRecords.createdAt, before), isNotNull(runRecords.payload)))
    .returning({ id: runRecords.id });
  const stale = await db.delete(pages).where(lt(pages.createdAt, before)).returning({ runId: pages.runId });
  await db.update(webhookEvents).set({ record: null }).where(and(lt(webhookEvents.receivedAt, before), isNotNull(webhookEvents.record)));
  return { payloads: payloads.length, pages: stale.length };
}
