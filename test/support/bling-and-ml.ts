/**
 * The set-up most sync tests share: a Ponte harness (real Temporal dev server, the test database,
 * a worker) with the Bling and Mercado Livre simulators, started before a file's (or describe
 * block's) tests and closed after them.
 *
 *   let h: Harness; let bling: BlingSimulator; let ml: MercadoLivreSimulator;
 *   useBlingAndMl({ products: 600 }, (s) => ({ h, bling, ml } = s));
 */
import { afterAll, beforeAll } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import { type Harness, startHarness } from './harness';

export interface BlingAndMl {
  h: Harness;
  bling: BlingSimulator;
  ml: MercadoLivreSimulator;
}

export interface BlingAndMlOptions {
  /** Bling products seeded before the tests. */
  products?: number;
  harness?: Parameters<typeof startHarness>[0];
  /** Bling's own pacing (requests per second); 0 (none) unless a test is about pacing. */
  blingRequestsPerSecond?: number;
}

export function useBlingAndMl(options: BlingAndMlOptions, ready: (suite: BlingAndMl) => void): void {
  let suite: Partial<BlingAndMl> = {};
  beforeAll(async () => {
    suite.h = await startHarness(options.harness);
    suite.bling = await startBlingSimulator({ requestsPerSecond: options.blingRequestsPerSecond ?? 0 });
    suite.ml = await startMercadoLivreSimulator();
    if (options.products) suite.bling.seedProducts(options.products);
    ready(suite as BlingAndMl);
  });
  afterAll(async () => {
    await suite.h?.close();
    await suite.bling?.close();
    await suite.ml?.close();
    suite = {};
  });
}
