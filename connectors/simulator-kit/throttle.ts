/** Rate-limit models the providers use, for simulators to answer 429 the way the real API does. */

export interface ThrottleDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/** Fixed window per key: Bling's 3 requests per second per account. 0 turns it off. */
export function fixedWindow(limit: number, windowMs: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string): ThrottleDecision => {
    if (!(limit > 0)) return { allowed: true, retryAfterMs: 0 };
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    return w.count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: w.start + windowMs - now };
  };
}

/** Token bucket per key (Mercado Livre per app and endpoint). 0 turns it off. */
export function tokenBucket(ratePerSecond: number, burst: number) {
  const buckets = new Map<string, { tokens: number; last: number }>();
  return (key: string): ThrottleDecision => {
    if (!(ratePerSecond > 0)) return { allowed: true, retryAfterMs: 0 };
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: burst, last: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 1000) * ratePerSecond);
    b.last = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - b.tokens) / ratePerSecond) * 1000) };
  };
}

/** Counts requests and lets a test make the next N of them fail. */
export class FaultPlan {
  private throttleLeft = 0;
  private failLeft = 0;
  private passFirst = 0;
  requests = 0;
  throttled = 0;

  /** The next `n` requests answer 429. */
  throttleNext(n: number): void {
    this.throttleLeft = n;
  }
  /** The next `n` requests answer 503. */
  failNext(n: number): void {
    this.failLeft = n;
  }
  /** The next `passing` requests go through, then `n` answer 503 (a provider going down mid-page). */
  failAfter(passing: number, n: number): void {
    this.passFirst = passing;
    this.failLeft = n;
  }
  /** Called once per request; says which injected fault, if any, applies. */
  next(): 'throttle' | 'fail' | null {
    this.requests++;
    if (this.throttleLeft > 0) {
      this.throttleLeft--;
      this.throttled++;
      return 'throttle';
    }
    if (this.passFirst > 0) {
      this.passFirst--;
      return null;
    }
    if (this.failLeft > 0) {
      this.failLeft--;
      return 'fail';
    }
    return null;
  }
}
