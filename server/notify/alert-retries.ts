/**
 * Run alerts whose channel was down when the run ended (SMTP unreachable, WhatsApp answering 5xx
 * past the in-request retries) stay `sending` in the notifications ledger. The server sends them
 * again every few minutes, for a day: a failed sync must reach a person even when the e-mail
 * server was down at that moment. An alert the provider refused (`failed`) is not retried.
 *
 * Several servers may sweep at once: each stuck alert is taken by one of them, by moving its
 * `updated_at` in a conditional update, before the run's alerts are sent again (sendOnce skips the
 * alerts of that run that did go out).
 */
import { eq, sql } from 'drizzle-orm';
import type { PacerRegistry } from '../../connectors/http/pacing';
import { migrateDocument } from '../../nodes/flow-model/migrate';
import { loadOpenableConnection } from '../connections/store';
import { type Db, rowsOf } from '../db/client';
import { flowVersions, runs } from '../db/schema';
import type { SecretBox } from '../secrets/crypto';
import { sendRunAlerts } from './alerts';

export interface AlertRetryDeps {
  db: Db;
  box: SecretBox;
  pacers: PacerRegistry;
  publicUrl?: string;
  log?: (message: string, err: unknown) => void;
}

/** An alert still `sending` after this long is not in flight any more. */
export const STUCK_AFTER_MS = 2 * 60_000;
/** Alerts older than this are left alone: the news is stale, and the run's page says it all. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

/** Sends again the alerts stuck in `sending`; returns the runs whose alerts were tried again. */
export async function retryStuckAlerts(deps: AlertRetryDeps, now = new Date()): Promise<string[]> {
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS).toISOString();
  const notBefore = new Date(now.getTime() - GIVE_UP_AFTER_MS).toISOString();
  const taken = rowsOf<{ run_id: string }>(
    await deps.db.execute(sql`
      update notifications set updated_at = now()
      where flow_id like 'alert:%' and status = 'sending'
        and updated_at < ${stuckBefore}::timestamptz and created_at > ${notBefore}::timestamptz
      returning run_id`),
  );
  const runIds = [...new Set(taken.map((r) => r.run_id))];
  for (const runId of runIds) {
    try {
      const [run] = await deps.db.select().from(runs).where(eq(runs.id, runId));
      if (!run || (run.status !== 'error' && run.status !== 'partial')) continue;
      const [version] = await deps.db.select({ document: flowVersions.document }).from(flowVersions).where(eq(flowVersions.id, run.versionId));
      if (!version) continue;
      const { alerts } = migrateDocument(version.document);
      const error = run.error ? { message: run.error, hintCode: run.errorHintCode ?? undefined } : undefined;
      await sendRunAlerts(
        {
          db: deps.db,
          pacers: deps.pacers,
          loadConnection: (id) => loadOpenableConnection(deps.db, deps.box, run.tenantId, id),
          publicUrl: deps.publicUrl,
          log: deps.log,
        },
        run,
        run.status,
        alerts,
        error,
      );
    } catch (err) {
      deps.log?.(`The alerts of run ${runId} could not be sent again`, err);
    }
  }
  return runIds;
}
