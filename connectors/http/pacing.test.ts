import { describe, expect, it, vi } from 'vitest';
import { createPacer } from './pacing';

describe('pacing', () => {
  it('spaces requests to the rate after the burst', async () => {
    const pacer = createPacer({ requestsPerSecond: 20, burst: 1 });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.take();
      times.push(Date.now());
    }
    // 5 requests at 20/s with no burst cannot fit in less than 4 gaps of 50 ms.
    expect(times[4] - times[0]).toBeGreaterThanOrEqual(190);
  });

  it('holds everyone back after the provider throttled anyway', async () => {
    const pacer = createPacer({ requestsPerSecond: 1000, burst: 10 });
    pacer.pause(150);
    const start = Date.now();
    await pacer.take();
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('never waits when the connection has no limit', async () => {
    vi.useFakeTimers();
    try {
      // With the clock frozen, any wait would hang this test: none happens.
      const pacer = createPacer({ requestsPerSecond: 0 });
      await Promise.all(Array.from({ length: 1000 }, () => pacer.take()));
    } finally {
      vi.useRealTimers();
    }
  });
});
