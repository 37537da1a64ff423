/** Flows and connections the tests build through the public API. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import type { Harness } from './harness';

const example = JSON.parse(readFileSync(fileURLToPath(new URL('../../examples/bling-to-mercadolivre.json', import.meta.url)), 'utf8'));

export interface BlingToMlOptions {
  batchSize?: number;
  matchBy?: 'binding' | 'sku';
  /** Pacing of the Bling connection; off by default so tests run at full speed. */
  blingRateLimit?: { requestsPerSecond: number; burst?: number };
  incremental?: boolean;
  /** Store this token instead of the simulator's valid one. */
  blingAccessToken?: string;
}

/** Creates the two connections and the example flow (published), all through the API. */
export async function setUpBlingToMl(h: Harness, bling: BlingSimulator, ml: MercadoLivreSimulator, options: BlingToMlOptions = {}) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const blingConn = await h.api('POST', '/api/connections', {
    id: `bling-${suffix}`,
    name: 'Bling',
    provider: 'bling',
    baseUrl: `${bling.url}/Api/v3`,
    credentials: { accessToken: options.blingAccessToken ?? bling.credentials.accessToken },
    settings: { rateLimit: options.blingRateLimit ?? { requestsPerSecond: 0 } },
  });
  expect(blingConn.status).toBe(201);
  const mlConn = await h.api('POST', '/api/connections', {
    id: `ml-${suffix}`,
    name: 'Mercado Livre',
    provider: 'mercadolivre',
    baseUrl: ml.url,
    credentials: { accessToken: ml.credentials.accessToken },
    settings: { rateLimit: { requestsPerSecond: 0 } },
  });
  expect(mlConn.status).toBe(201);

  const document = structuredClone(example.document);
  for (const node of document.nodes) {
    if (node.params.connectionId === 'demo-bling') {
      node.params.connectionId = blingConn.body.id;
      node.params.batchSize = options.batchSize ?? 500;
      if (options.incremental) node.params.incremental = true;
    }
    if (node.params.connectionId === 'demo-mercadolivre') {
      node.params.connectionId = mlConn.body.id;
      node.params.matchBy = options.matchBy ?? 'binding';
    }
  }
  const flow = await h.api('POST', '/api/flows', { name: `Bling → ML ${suffix}`, document });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  const published = await h.api('POST', `/api/flows/${flow.body.id}/publish`);
  expect(published.status).toBe(201);
  return { flowId: flow.body.id as string, blingConnectionId: blingConn.body.id as string, mlConnectionId: mlConn.body.id as string, document };
}

export async function runFlow(h: Harness, flowId: string) {
  const started = await h.api('POST', `/api/flows/${flowId}/runs`);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return h.waitForRun(started.body.runId);
}

/** Every Bling product is on Mercado Livre exactly once, with its price and stock. */
export function expectMirrored(bling: BlingSimulator, ml: MercadoLivreSimulator) {
  expect(ml.items.size).toBe(bling.products.size);
  for (const p of bling.products.values()) {
    const listings = ml.itemsBySku(p.codigo);
    expect(listings, `listings for ${p.codigo}`).toHaveLength(1);
    expect(listings[0].price).toBe(p.preco);
    expect(listings[0].available_quantity).toBe(Math.floor(p.estoque.saldoVirtualTotal));
  }
}
