/**
 * Where acknowledged webhook events are written. Deliveries arriving together are stored in one
 * multi-row insert (the next one starts when the previous commits), so a burst costs a few
 * statements instead of one per delivery, and each delivery is still answered only once its
 * events are committed.
 */
import type { Db } from '../db/client';
import { webhookEvents } from '../db/schema';

export type NewEvent = typeof webhookEvents.$inferInsert;

interface Waiting {
  rows: NewEvent[];
  resolve: (accepted: number) => void;
  reject: (err: unknown) => void;
}

const keyOf = (connectionId: string, eventId: string) => `${connectionId}\u0000${eventId}`;

export class EventInbox {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  /** Stores the events of one delivery; resolves with how many were new (the rest were seen before). */
  store(rows: NewEvent[]): Promise<number> {
    if (!rows.length) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Let the deliveries of this tick join the first statement.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        const inserted = await this.db
          .insert(webhookEvents)
          .values(batch.flatMap((w) => w.rows))
          .onConflictDoNothing()
          .returning({ connectionId: webhookEvents.connectionId, eventId: webhookEvents.eventId });
        // The same event twice in one statement is stored once: the first delivery counts it.
        const fresh = new Set(inserted.map((r) => keyOf(r.connectionId, r.eventId)));
        for (const w of batch) w.resolve(w.rows.filter((r) => fresh.delete(keyOf(r.connectionId, r.eventId))).length);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
  }
}
