/**
 * The one place where connector errors become Temporal failures: the error kind is the
 * failure type (matched against nonRetryableErrorTypes), RateLimited carries the provider's delay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError, NON_RETRYABLE_KINDS, RateLimited, hintOf } from '../connectors/http/errors';

export function toTemporalFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ConnectorError) {
    return ApplicationFailure.create({
      type: err.kind,
      message: err.message,
      nonRetryable: NON_RETRYABLE_KINDS.includes(err.kind),
      nextRetryDelay: err instanceof RateLimited ? Math.max(err.retryAfterMs, 100) : undefined,
      // The workflow hands the hint code to finishRun: the run's error shows it in the reader's language.
      details: [{ status: err.status ?? null, ...hintOf(err.kind) }],
    });
  }
  return err;
}

/** Wraps every activity so that no connector error leaves untranslated. */
export function translatingFailures<T extends Record<string, (...args: any[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toTemporalFailure(err);
      }
    };
  }
  return wrapped as T;
}
