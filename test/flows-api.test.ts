import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness';

const trigger = { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} };

describe('flows API', () => {
  let h: Harness;
  let blingId: string;
  let mlId: string;

  beforeAll(async () => {
    h = await startHarness({ withoutWorker: true });
    blingId = (await h.api('POST', '/api/connections', { name: 'Bling', provider: 'bling', credentials: { accessToken: 'secret-token-1234' } })).body.id;
    mlId = (await h.api('POST', '/api/connections', { name: 'ML', provider: 'mercadolivre', credentials: { accessToken: 'APP_USR-abcdefgh' } })).body.id;
  });
  afterAll(async () => h?.close());

  const validDocument = () => ({
    schemaVersion: 1,
    nodes: [
      trigger,
      { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: blingId, entity: 'products' } },
      { id: 'map', type: 'map', typeVersion: 1, params: { fields: { title: 'nome' } } },
      { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products' } },
    ],
    edges: [
      { from: 'start', fromPort: 'out', to: 'read' },
      { from: 'read', fromPort: 'out', to: 'map' },
      { from: 'map', fromPort: 'out', to: 'write' },
    ],
    layout: { start: { x: 0, y: 0 } },
  });

  it('rejects an invalid flow with one message per problem, each naming its node', async () => {
    const res = await h.api('POST', '/api/flows', {
      name: 'Broken',
      document: {
        schemaVersion: 1,
        nodes: [
          trigger,
          { id: 'read', type: 'fetch', typeVersion: 1, params: { connectionId: 'conn_missing', entity: 'products' } },
          { id: 'mystery', type: 'teleport', typeVersion: 1, params: {} },
          { id: 'map', type: 'map', typeVersion: 1, params: { fields: 'title' } },
          { id: 'a', type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: 'true' } },
          { id: 'b', type: 'transform', typeVersion: 1, params: { mode: 'filter', expression: 'true' } },
          { id: 'write', type: 'upsert', typeVersion: 1, params: { connectionId: mlId, entity: 'products', matchBy: 'name' } },
        ],
        edges: [
          { from: 'start', fromPort: 'out', to: 'read' },
          { from: 'read', fromPort: 'out', to: 'map' },
          { from: 'map', fromPort: 'out', to: 'write' },
          { from: 'start', fromPort: 'out', to: 'write' },
          { from: 'a', fromPort: 'out', to: 'b' },
          { from: 'b', fromPort: 'out', to: 'a' },
          { from: 'read', fromPort: 'out', to: 'ghost' },
        ],
      },
    });
    expect(res.status).toBe(422);
    const problems = res.body.problems as Array<{ nodeId?: string; message: string }>;
    const about = (nodeId: string) => problems.filter((p) => p.nodeId === nodeId).map((p) => p.message);
    expect(about('read')).toEqual(expect.arrayContaining([expect.stringContaining('Connection "conn_missing" does not exist')]));
    expect(about('mystery')).toEqual([expect.stringContaining('Unknown node type "teleport"')]);
    expect(about('map')).toEqual(expect.arrayContaining([expect.stringContaining('params.fields must be object')]));
    expect(about('write')).toEqual(
      expect.arrayContaining([expect.stringContaining('params.matchBy must be one of: binding, sku'), expect.stringContaining('Cannot connect "start" to "write"'), expect.stringContaining('has 2 incoming links')]),
    );
    expect(about('a')).toEqual(expect.arrayContaining([expect.stringContaining('part of a cycle')]));
    expect(about('b')).toEqual(expect.arrayContaining([expect.stringContaining('part of a cycle')]));
    expect(problems.some((p) => p.message.includes('ends at node "ghost", which does not exist'))).toBe(true);
    // Nothing half-saved.
    expect((await h.api('GET', '/api/flows')).body.flows).toHaveLength(0);
  });

  it('refuses a connection that cannot do what the node asks', async () => {
    const doc = validDocument();
    // Mercado Livre has no customer API.
    doc.nodes[1].params = { connectionId: mlId, entity: 'customers' };
    const res = await h.api('POST', '/api/flows', { name: 'ML customers', document: doc });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([expect.objectContaining({ nodeId: 'read', field: 'params.entity', message: expect.stringContaining('cannot read customers') })]);
  });

  it('saves, publishes immutable versions with a content hash, and lists them', async () => {
    const created = await h.api('POST', '/api/flows', { name: 'Produtos', document: validDocument() });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const v1 = await h.api('POST', `/api/flows/${id}/publish`);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, created: true, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // Moving nodes on the canvas is not a new version.
    const moved = validDocument();
    moved.layout = { start: { x: 100, y: 50 } };
    expect((await h.api('PUT', `/api/flows/${id}`, { document: moved })).status).toBe(200);
    const again = await h.api('POST', `/api/flows/${id}/publish`);
    expect(again.body).toMatchObject({ version: 1, created: false });

    const changed = validDocument();
    changed.nodes[2].params = { fields: { title: 'nome', price: 'preco' } };
    expect((await h.api('PUT', `/api/flows/${id}`, { document: changed })).status).toBe(200);
    const v2 = await h.api('POST', `/api/flows/${id}/publish`);
    expect(v2.body).toMatchObject({ version: 2, created: true });
    expect(v2.body.contentHash).not.toBe(v1.body.contentHash);

    const versions = await h.api('GET', `/api/flows/${id}/versions`);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    // The published document of v1 is untouched by later edits.
    const bad = await h.api('PUT', `/api/flows/${id}`, { document: { ...changed, nodes: changed.nodes.slice(0, 2) } });
    expect(bad.status).toBe(422);
  });

  it('refuses to run a flow that was never published', async () => {
    const created = await h.api('POST', '/api/flows', { name: 'Rascunho', document: validDocument() });
    const res = await h.api('POST', `/api/flows/${created.body.id}/runs`);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('publish it first');
  });

  it('answers bad request bodies with the field at fault', async () => {
    const res = await h.api('POST', '/api/flows', { document: validDocument() });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('name');
    const conn = await h.api('POST', '/api/connections', { name: 'X', provider: 'bling', credentials: {} });
    expect(conn.status).toBe(400);
    expect(conn.body.problems).toEqual([expect.objectContaining({ field: 'credentials.accessToken' })]);
  });

  it('never returns credentials whole', async () => {
    const list = await h.api('GET', '/api/connections');
    const text = JSON.stringify(list.body);
    expect(text).not.toContain('secret-token-1234');
    expect(text).toContain('••••1234');
  });

  it('lists node types with their parameter schemas and ports', async () => {
    const res = await h.api('GET', '/api/node-types');
    const types = res.body.nodeTypes.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['trigger.manual', 'fetch', 'map', 'transform', 'upsert']));
    const upsert = res.body.nodeTypes.find((t: { type: string }) => t.type === 'upsert');
    expect(upsert.params.required).toEqual(['connectionId', 'entity']);
    expect(upsert.inputs[0]).toMatchObject({ name: 'in', type: 'records' });
  });
});
