/**
 * A provider refused a connection's credentials during a run, a discovery or a reconciliation.
 * The connection falls to `error` once (two workers meeting the same refusal move it once), the
 * schedules of the flows that use it stop (their runs could only fail), and people hear of it
 * through the alerts of those flows. "Testar conexão", a new OAuth2 consent or "Retomar" bring
 * it back (server/connections/status-effects.ts).
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { PacerRegistry } from '../connectors/http/pacing';
import type { OpenableConnection } from '../connectors/runtime';
import { moveStatus } from '../server/connections/store';
import type { Db } from '../server/db/client';
import { sendConnectionAlerts } from '../server/notify/alerts';
import { syncSchedulesOfConnection } from '../server/schedules/sync';

export interface FailureDeps {
  db: Db;
  pacers: PacerRegistry;
  /** Opens another connection of the tenant (the alert channels). */
  openStored: (tenantId: string, connectionId: string) => Promise<OpenableConnection>;
  publicUrl?: string;
}

export async function markConnectionFailing(deps: FailureDeps, tenantId: string, connectionId: string, reason: string): Promise<void> {
  const fallen = await moveStatus(deps.db, tenantId, connectionId, 'active', 'error', reason);
  if (!fallen) return;
  const client = workerClient();
  if (client) await syncSchedulesOfConnection(deps.db, { client }, tenantId, connectionId).catch((err) => console.warn(`Could not pause the schedules of connection ${connectionId}`, err));
  await sendConnectionAlerts({ db: deps.db, pacers: deps.pacers, loadConnection: (c) => deps.openStored(tenantId, c), publicUrl: deps.publicUrl, log: (m, err) => console.warn(m, err) }, fallen).catch(() => {});
}

/** The worker's Temporal client, inside an activity; undefined outside one. */
function workerClient(): Client | undefined {
  try {
    return Context.current().client;
  } catch {
    return undefined;
  }
}
