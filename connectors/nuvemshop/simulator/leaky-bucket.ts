/**
 * Nuvemshop's rate limit: a leaky bucket per app and store that holds 40 requests and drains 2 per
 * second. Every answer reports it in `X-Rate-Limit-Limit` (bucket size), `X-Rate-Limit-Remaining`
 * (room left) and `X-Rate-Limit-Reset` (milliseconds until the bucket is empty).
 */

export interface BucketReading {
  allowed: boolean;
  headers: Record<string, string>;
}

export function leakyBucket(size: number, leakPerSecond: number) {
  const buckets = new Map<string, { level: number; at: number }>();
  const read = (level: number): Record<string, string> => ({
    'x-rate-limit-limit': String(size),
    'x-rate-limit-remaining': String(Math.max(0, Math.floor(size - level))),
    'x-rate-limit-reset': String(leakPerSecond > 0 ? Math.ceil((level / leakPerSecond) * 1000) : 0),
  });
  return {
    /** Pours one request in; a full bucket refuses it and keeps its level. 0 leak turns the limit off. */
    take(key: string): BucketReading {
      if (!(leakPerSecond > 0)) return { allowed: true, headers: read(0) };
      const now = Date.now();
      const bucket = buckets.get(key) ?? { level: 0, at: now };
      bucket.level = Math.max(0, bucket.level - ((now - bucket.at) / 1000) * leakPerSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      const allowed = bucket.level + 1 <= size;
      if (allowed) bucket.level += 1;
      return { allowed, headers: read(bucket.level) };
    },
    /** The headers of a full bucket, for injected 429s. */
    fullHeaders: () => read(size),
  };
}
