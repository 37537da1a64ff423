/** Flows and connections the tests build through the public API. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { BlingSimulator } from '../../connectors/bling/simulator';
import type { MercadoLivreSimulator } from '../../connectors/mercadolivre/simulator';
import type { FlowDocument } from '../../nodes/flow-model/document';
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

/** Creates a connection through the API of a Ponte (a harness or a Ponte process); the test fails with the API's answer if it refuses. */
export async function createConnection(ponte: { api: Harness['api'] }, body: object): Promise<string> {
  const res = await ponte.api('POST', '/api/connections', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
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

export interface FlowEnd {
  /** Body for POST /api/connections (its id is generated). */
  connection: Record<string, unknown>;
  entity: string;
}

/**
 * Any source to any target through the API: two connections and a published flow
 * trigger -> fetch -> map -> upsert. For connector tests ("5,000 products from Bling to X").
 */
export async function setUpFlow(h: Harness, options: { source: FlowEnd & { batchSize?: number; incremental?: boolean }; target: FlowEnd & { matchBy?: 'binding' | 'sku' }; fields: Record<string, string>; filter?: string }) {
  const make = async (body: Record<string, unknown>) => {
    const res = await h.api('POST', '/api/connections', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const sourceId = await make(options.source.connection);
  const targetId = await make(options.target.connection);
  const nodes: Array<Record<string, unknown>> = [
    { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
    { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: sourceId, entity: options.source.entity, batchSize: options.source.batchSize ?? 500, incremental: options.source.incremental ?? false } },
  ];
  const order = ['start', 'read'];
  if (options.filter) {
    nodes.push({ id: 'filter', type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: options.filter } });
    order.push('filter');
  }
  nodes.push({ id: 'map', type: 'map', typeVersion: 1, params: { fields: options.fields } });
  nodes.push({ id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: targetId, entity: options.target.entity, matchBy: options.target.matchBy ?? 'binding' } });
  order.push('map', 'write');
  const edges = order.slice(1).map((to, i) => ({ from: order[i], fromPort: 'out', to }));
  const flow = await h.api('POST', '/api/flows', { name: `flow ${Math.random().toString(36).slice(2, 8)}`, document: { schemaVersion: 1, nodes, edges } });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
  return { flowId: flow.body.id as string, sourceId, targetId };
}

/**
 * Mercado Livre orders → Bling orders, the buyer bound or created first: the flow integrators draw
 * for a marketplace. `trigger` webhook (default) reads each notified order, manual reads them all;
 * `approve` puts an approval step ("aguardar confirmação") with these params before the write.
 */
export function mlOrdersToBling(mlId: string, blingId: string, options: { trigger?: 'webhook' | 'manual'; approve?: Record<string, unknown> } = {}): FlowDocument {
  const chain = [
    options.trigger === 'manual' ? { id: 'on-order', type: 'trigger.manual', typeVersion: 1, params: {} } : { id: 'on-order', type: 'trigger.webhook', typeVersion: 1, params: { connectionId: mlId, entity: 'orders' } },
    { id: 'read-order', type: 'fetch', typeVersion: 1, params: { connectionId: mlId, entity: 'orders' } },
    {
      id: 'to-bling',
      type: 'map',
      typeVersion: 1,
      params: {
        fields: {
          numeroLoja: '$string(id)',
          data: '$substring(date_created, 0, 10)',
          contato: '{"id": buyer.id, "nome": buyer.nickname}',
          itens: '[order_items.{"codigo": item.seller_sku, "descricao": item.title, "quantidade": quantity, "valor": unit_price}]',
        },
      },
    },
    ...(options.approve ? [{ id: 'confirm', type: 'approve', typeVersion: 1, params: options.approve }] : []),
    { id: 'write-order', type: 'upsert', typeVersion: 1, params: { connectionId: blingId, entity: 'orders', dependencies: [{ entity: 'customers', field: 'contato', create: true }] } },
  ];
  return { schemaVersion: 1, nodes: chain, edges: chain.slice(1).map((n, i) => ({ from: chain[i].id, fromPort: 'out', to: n.id })) };
}
