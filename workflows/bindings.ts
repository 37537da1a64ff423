/**
 * Workflows over bindings: discovery by SKU and orphan reconciliation. Each is one long,
 * heartbeating activity that reads whole catalogues (a paced provider can take minutes); as a
 * workflow it outlives a restart: the activity is handed to another worker and reads again from
 * the start, which is harmless because nothing is written until the read is complete.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { BindingActivities } from '../activities/bindings';
import { NON_RETRYABLE_KINDS } from '../connectors/http/errors';

export interface DiscoveryInput {
  tenantId: string;
  discoveryId: string;
}

export interface ReconciliationInput {
  tenantId: string;
  reconciliationId: string;
}

const control = proxyActivities<BindingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 50 },
});

const reading = proxyActivities<BindingActivities>({
  // Tiny paces at 30 requests a minute: 100,000 products take about an hour to read.
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', backoffCoefficient: 2, maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_KINDS },
});

function failureMessage(err: unknown): string | null {
  if (!(err instanceof ActivityFailure) && !(err instanceof ApplicationFailure)) return null;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause?.message ?? err.message;
}

export async function bindingDiscovery(input: DiscoveryInput) {
  try {
    return await reading.discoverBySku(input);
  } catch (err) {
    const message = failureMessage(err);
    if (message === null) throw err;
    await control.failDiscovery({ ...input, message });
    throw ApplicationFailure.nonRetryable(`Discovery ${input.discoveryId} failed: ${message}`, 'DiscoveryFailed');
  }
}

export async function bindingReconciliation(input: ReconciliationInput) {
  try {
    return await reading.reconcileIds(input);
  } catch (err) {
    const message = failureMessage(err);
    if (message === null) throw err;
    await control.failReconciliation({ ...input, message });
    throw ApplicationFailure.nonRetryable(`Reconciliation ${input.reconciliationId} failed: ${message}`, 'ReconciliationFailed');
  }
}
