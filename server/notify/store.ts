/**
 * The ledger of messages sent: a message is claimed before the provider is called, so a retried
 * page, a reprocess or a second run never sends the same message twice; and the provider's later
 * statuses are recorded against it.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RecordMessage } from '../../connectors/localized';
import type { MessageStatusUpdate } from '../../connectors/types';
import { NOTIFY_MESSAGES } from '../../nodes/notify/messages';
import type { Db } from '../db/client';
import { type NotificationStatus, notifications, runs } from '../db/schema';

export type Notification = typeof notifications.$inferSelect;

export interface MessageKey {
  tenantId: string;
  flowId: string;
  nodeId: string;
  recordKey: string;
  /** Hash of what is sent (channel, recipient, text...): a changed message is a new one. */
  messageHash: string;
}

/** Not sent: `reason` is the record's message, ready to spread into its outcome. */
export type Claim = { send: true; messageId: string } | { send: false; reason: RecordMessage; existing: Notification };

/** A stable message id from its key: a resend after a crash carries the same (receivers dedupe by it). */
export function messageIdOf(key: MessageKey): string {
  return `msg_${createHash('sha256').update([key.tenantId, key.flowId, key.nodeId, key.recordKey, key.messageHash].join('\u0000')).digest('hex').slice(0, 32)}`;
}

/**
 * Claims a message for this run. Sent already (or accepted): not again. Being sent by another run
 * that is still going: not now. Failed, or left `sending` by a run that died or by this run's
 * earlier attempt: sent again, with the same id.
 */
export async function claimMessage(db: Db, key: MessageKey, attempt: { runId: string; connectionId: string; channel: string; recipient: string }): Promise<Claim> {
  const messageId = messageIdOf(key);
  const inserted = await db
    .insert(notifications)
    .values({ ...key, messageId, ...attempt, status: 'sending' })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  if (inserted.length) return { send: true, messageId };
  const [existing] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.flowId, key.flowId), eq(notifications.nodeId, key.nodeId), eq(notifications.recordKey, key.recordKey), eq(notifications.messageHash, key.messageHash)));
  if (existing.status !== 'sending' && existing.status !== 'failed') return { send: false, reason: NOTIFY_MESSAGES.of('alreadySent', { status: existing.status, runId: existing.runId }), existing };
  if (existing.status === 'sending' && existing.runId !== attempt.runId) {
    const [holder] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, existing.runId));
    if (holder && (holder.status === 'running' || holder.status === 'waiting')) return { send: false, reason: NOTIFY_MESSAGES.of('beingSentByRun', { runId: existing.runId }), existing };
  }
  // Taken over only if nobody else took it over meanwhile.
  const taken = await db
    .update(notifications)
    .set({ status: 'sending', runId: attempt.runId, error: null, updatedAt: new Date() })
    .where(and(eq(notifications.id, existing.id), eq(notifications.status, existing.status), eq(notifications.runId, existing.runId)))
    .returning({ id: notifications.id });
  return taken.length ? { send: true, messageId } : { send: false, reason: NOTIFY_MESSAGES.of('beingSentByAnotherRun'), existing };
}

export async function markSent(db: Db, messageId: string, result: { providerId: string | null; status: 'accepted' | 'sent' }): Promise<void> {
  await db.update(notifications).set({ status: result.status, providerId: result.providerId, error: null, updatedAt: new Date() }).where(eq(notifications.messageId, messageId));
}

export async function markFailed(db: Db, messageId: string, error: string): Promise<void> {
  await db.update(notifications).set({ status: 'failed', error, updatedAt: new Date() }).where(eq(notifications.messageId, messageId));
}

/** Later statuses only move forward (a late "delivered" never hides a "read"); `failed` ranks last, so it always counts. */
const RANK: Record<NotificationStatus, number> = { sending: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** Applies a provider's status updates (at-least-once, in any order) to the messages they name. Returns how many changed. */
export async function applyMessageStatuses(db: Db, connectionId: string, updates: Array<{ providerId: string; update: MessageStatusUpdate }>): Promise<number> {
  let changed = 0;
  for (const { providerId, update } of updates) {
    const lower = (Object.keys(RANK) as NotificationStatus[]).filter((s) => RANK[s] < RANK[update.status]);
    const rows = await db
      .update(notifications)
      .set({ status: update.status, error: update.error ?? null, updatedAt: sql`greatest(${notifications.updatedAt}, ${new Date(update.at).toISOString()}::timestamptz)` })
      .where(and(eq(notifications.connectionId, connectionId), eq(notifications.providerId, providerId), inArray(notifications.status, lower)))
      .returning({ id: notifications.id });
    changed += rows.length;
  }
  return changed;
}

export async function listNotifications(db: Db, tenantId: string, filter: { runId?: string; status?: NotificationStatus; limit?: number }): Promise<Notification[]> {
  const where = [eq(notifications.tenantId, tenantId)];
  if (filter.runId) where.push(eq(notifications.runId, filter.runId));
  if (filter.status) where.push(eq(notifications.status, filter.status));
  return db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(sql`${notifications.id} desc`)
    .limit(filter.limit ?? 100);
}
