/**
 * What follows a connection's change of status, wherever it happened (a user's action, a passing
 * "Testar conexão", an OAuth2 re-authorisation, a worker meeting refused credentials): the
 * schedules of the flows that use it stop while it is paused, disabled or failing, and start
 * again with it; webhook events that waited for it start their runs once it is active.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { syncSchedulesOfConnection } from '../schedules/sync';
import { dispatchPending } from '../webhooks/dispatch';
import { getConnection } from './store';

export interface StatusEffectDeps {
  client: Client;
  taskQueue: string;
  maxHistoryEvents?: number;
}

export async function afterStatusChange(db: Db, deps: StatusEffectDeps, tenantId: string, connectionId: string): Promise<void> {
  await syncSchedulesOfConnection(db, deps, tenantId, connectionId);
  const row = await getConnection(db, tenantId, connectionId);
  if (row?.status === 'active') await dispatchPending(db, deps, { tenantId, connectionId });
}
