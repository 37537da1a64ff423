/**
 * Helpers for connector tests against a simulator: a connection opened through the runtime, as a
 * flow opens it (auth, mutual TLS, error classification), and the error a call failed with.
 */
import type { ConnectorError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext } from '../types';

let opened = 0;

/**
 * A fresh connection (its own id, so its own token and agent), pacing off. A credential given as
 * `undefined` is left out, to test a connection that lacks it.
 */
export function connectTo(provider: string, baseUrl: string, credentials: Record<string, string | undefined>, settings: Record<string, unknown> = {}): ConnectionContext {
  const present = Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return openConnection(
    { id: `${provider}-test-${++opened}`, provider, baseUrl, credentials: present, settings: { rateLimit: { requestsPerSecond: 0 }, ...settings } },
    new PacerRegistry(),
  ).ctx;
}

/** The error a call failed with; a call that succeeds fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected the call to fail');
}
