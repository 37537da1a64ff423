/**
 * Live run updates for the UI. The watcher reads what changed in the database once a second and
 * tells every subscriber: run started, progress (counters, per node), a record failed, run
 * finished. Reading the database (not in-process hooks) means it sees runs driven by workers in
 * other processes and started by other servers, on PGlite and PostgreSQL alike, within a second.
 * A run that starts and ends between two polls (a webhook's single record) is still reported,
 * once, as finished. One watcher serves every tenant; each subscriber hears its own tenant only.
 */
import { and, asc, desc, gt, gte, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runRecords, runs, runSteps } from '../db/schema';
import type { LocalizedText } from '../../connectors/localized';
import { type HintText, hintText } from '../runs/hints';
import { messageText } from '../runs/messages';
import { publicRun } from '../runs/service';

export type LiveEvent =
  | { type: 'run.started' | 'run.progress' | 'run.finished'; run: ReturnType<typeof publicRun>; nodes?: Record<string, { pages: number; processed: number; failed: number }> }
  | { type: 'record.failed'; runId: string; nodeId: string; recordKey: string; message: string | null; messageText: LocalizedText | null; hint: string | null; hintText: HintText | null };

type Listener = { tenantId: string; send: (e: LiveEvent) => void };

const ENDED_LOOKBACK_MS = 5_000;

export class RunWatcher {
  private readonly listeners = new Set<Listener>();
  private readonly seen = new Map<string, string>();
  /** Runs reported finished, and when: a run that ended between polls is caught by its end time, once. */
  private readonly ended = new Map<string, number>();
  private lastTick = Date.now();
  private lastRecordId = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 1000,
  ) {}

  subscribe(tenantId: string, send: (e: LiveEvent) => void): () => void {
    const listener = { tenantId, send };
    this.listeners.add(listener);
    if (!this.timer) void this.start();
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.stop();
    };
  }

  private async start() {
    // Start from now: subscribers see what happens after they connect.
    const [last] = await this.db.select({ id: runRecords.id }).from(runRecords).orderBy(desc(runRecords.id)).limit(1);
    this.lastRecordId = Math.max(this.lastRecordId, last?.id ?? 0);
    this.lastTick = Date.now();
    for (const r of await this.db.select().from(runs).where(inArray(runs.status, ['running', 'waiting']))) this.seen.set(r.id, fingerprint(r));
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick() {
    if (this.busy) return;
    this.busy = true;
    try {
      // Failures first: a subscriber that stops at run.finished has seen them all.
      const failures = await this.db
        .select()
        .from(runRecords)
        .where(and(gt(runRecords.id, this.lastRecordId), inArray(runRecords.outcome, ['failed', 'conflict'])))
        .orderBy(asc(runRecords.id))
        .limit(500);
      for (const f of failures) this.emit(f.tenantId, { type: 'record.failed', runId: f.runId, nodeId: f.nodeId, recordKey: f.recordKey, message: f.message, messageText: messageText(f.messageCode, f.messageParams), hint: f.hint, hintText: hintText(f.hintCode) });
      if (failures.length) this.lastRecordId = failures[failures.length - 1].id;
      // Finish times come from the workers' clocks: look a few seconds further back than the last poll.
      const tickAt = Date.now();
      const endedSince = new Date(this.lastTick - ENDED_LOOKBACK_MS);
      this.lastTick = tickAt;
      for (const [id, at] of this.ended) if (at < tickAt - 2 * ENDED_LOOKBACK_MS) this.ended.delete(id);
      const active = (
        await this.db
          .select()
          .from(runs)
          .where(or(inArray(runs.status, ['running', 'waiting']), inArray(runs.id, [...this.seen.keys(), '']), gte(runs.finishedAt, endedSince)))
      ).filter((r) => !this.ended.has(r.id));
      const steps = active.length ? await this.db.select().from(runSteps).where(inArray(runSteps.runId, active.map((r) => r.id))) : [];
      for (const run of active) {
        const print = fingerprint(run);
        const before = this.seen.get(run.id);
        if (before === print) continue;
        const nodes: Record<string, { pages: number; processed: number; failed: number }> = {};
        for (const s of steps.filter((x) => x.runId === run.id)) {
          const n = (nodes[s.nodeId] ??= { pages: 0, processed: 0, failed: 0 });
          n.pages++;
          n.processed += s.processed;
          n.failed += s.failed;
        }
        const ended = run.status !== 'running' && run.status !== 'waiting';
        const type = ended ? 'run.finished' : before === undefined ? 'run.started' : 'run.progress';
        this.emit(run.tenantId, { type, run: publicRun(run), nodes });
        if (ended) {
          this.seen.delete(run.id);
          this.ended.set(run.id, tickAt);
        } else this.seen.set(run.id, print);
      }
    } catch {
      // A failed poll is retried at the next tick.
    } finally {
      this.busy = false;
    }
  }

  private emit(tenantId: string, e: LiveEvent) {
    for (const l of this.listeners) if (l.tenantId === tenantId) l.send(e);
  }
}

function fingerprint(r: typeof runs.$inferSelect): string {
  return [r.status, r.pages, r.processed, r.created, r.updated, r.skipped, r.failed, r.conflict].join(':');
}
