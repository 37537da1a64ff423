/**
 * Pacing keeps a flow under a provider's published limit so that 429s are the exception.
 *
 * A token bucket per connection: `requestsPerSecond` tokens refill continuously, up to `burst`.
 * Callers `await pacer.take()` before each request. These buckets live in one process; with
 * several workers, server/pacing/shared-pacer.ts keeps one bucket per connection in PostgreSQL
 * (the registry is given its factory).
 */

export interface RateLimitPolicy {
  /** Sustained requests per second the provider allows. 0 or undefined: no pacing. */
  requestsPerSecond?: number;
  /** How many requests may go at once after an idle period. Defaults to one second's worth. */
  burst?: number;
}

export interface Pacer {
  take(signal?: AbortSignal): Promise<void>;
  /** Called when the provider throttled us anyway: nobody sends until `ms` has passed. */
  pause(ms: number): void;
}

const unpaced: Pacer = { take: async () => {}, pause: () => {} };

export function createPacer(policy: RateLimitPolicy | undefined): Pacer {
  const rate = policy?.requestsPerSecond ?? 0;
  if (!(rate > 0)) return unpaced;
  const capacity = Math.max(1, policy?.burst ?? Math.ceil(rate));
  let tokens = capacity;
  let last = Date.now();
  let blockedUntil = 0;
  // Waiters are served in order so one busy page cannot starve another.
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = Date.now();
    tokens = Math.min(capacity, tokens + ((now - last) / 1000) * rate);
    last = now;
  };

  const takeOne = async (signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      if (now < blockedUntil) {
        await sleep(blockedUntil - now, signal);
        continue;
      }
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) / rate) * 1000), signal);
    }
  };

  return {
    take(signal) {
      const turn = queue.then(() => takeOne(signal));
      queue = turn.catch(() => {});
      return turn;
    },
    pause(ms) {
      blockedUntil = Math.max(blockedUntil, Date.now() + ms);
      tokens = 0;
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type PacerFactory = (key: string, policy: RateLimitPolicy | undefined) => Pacer;

/** One pacer per key (a connection id), created on first use: in this process unless given another factory. */
export class PacerRegistry {
  private readonly pacers = new Map<string, Pacer>();
  constructor(private readonly create: PacerFactory = (_key, policy) => createPacer(policy)) {}
  get(key: string, policy: RateLimitPolicy | undefined): Pacer {
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = this.create(key, policy);
      this.pacers.set(key, pacer);
    }
    return pacer;
  }
  /** Forget a key, e.g. when its connection's limit changes. */
  reset(key: string): void {
    this.pacers.delete(key);
  }
}
