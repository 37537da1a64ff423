/**
 * Short in-process retries for one request inside a page. A single 429 or 5xx on record 37
 * of 500 should not throw the page back to Temporal; a provider that stays down should.
 */
import { ConnectorError, RateLimited, Transient } from './errors';
import { sleep } from './pacing';

export interface InlineRetryOptions {
  attempts?: number;
  /** Longest single wait; a provider asking for more is handed to Temporal's retry instead. */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

export async function withInlineRetry<T>(fn: () => Promise<T>, options: InlineRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectorError) || attempt >= attempts) throw err;
      let wait: number;
      if (err instanceof RateLimited) wait = err.retryAfterMs;
      else if (err instanceof Transient) wait = Math.min(250 * 2 ** (attempt - 1), 4_000) * (0.5 + Math.random() / 2);
      else throw err;
      if (wait > maxWaitMs) throw err;
      await sleep(wait, options.signal);
    }
  }
}
