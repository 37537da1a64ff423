import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type Harness, startHarness } from './support/harness';

/** The editor's live preview: sample records from a connection, expressions evaluated over them. */
describe('expression preview API', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let blingId: string;

  beforeAll(async () => {
    h = await startHarness({ withoutWorker: true });
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(30);
    const res = await h.api('POST', '/api/connections', {
      name: 'Bling da loja',
      provider: 'bling',
      baseUrl: `${bling.url}/Api/v3`,
      credentials: { accessToken: bling.credentials.accessToken },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    blingId = res.body.id;
  });
  afterAll(async () => {
    await h?.close();
    await bling?.close();
  });

  const sample = async (limit = 3) => (await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'products', limit })).body.records as Array<{ key: string; data: any }>;
  const preview = (body: unknown) => h.api('POST', '/api/expressions/preview', body);

  it('reads the first records of an entity through the connector, without credentials', async () => {
    const res = await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'products', limit: 3 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ connectionId: blingId, entity: 'products' });
    expect(res.body.records).toHaveLength(3);
    for (const r of res.body.records) {
      expect(r.key).toMatch(/^\d+$/);
      expect(bling.products.get(Number(r.key))?.nome).toBe(r.data.nome);
    }
    expect(JSON.stringify(res.body)).not.toContain(bling.credentials.accessToken);
    // The default is five records.
    expect((await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'products' })).body.records).toHaveLength(5);
  });

  it('refuses a sample request it cannot answer, saying why', async () => {
    const tooMany = await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'products', limit: 21 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('limit');
    const noEntity = await h.api('POST', `/api/connections/${blingId}/sample`, {});
    expect(noEntity.status).toBe(400);
    expect(noEntity.body.message).toContain('entity');
    const unknownEntity = await h.api('POST', `/api/connections/${blingId}/sample`, { entity: 'spaceships' });
    expect(unknownEntity.status).toBe(400);
    const missing = await h.api('POST', '/api/connections/conn_nope/sample', { entity: 'products' });
    expect(missing.status).toBe(404);
  });

  it('maps sample records with the map executor, field by field', async () => {
    const records = (await sample()).map((r) => r.data);
    const res = await preview({ kind: 'map', params: { fields: { title: "nome & ' (novo)'", price: 'preco * 2', sku: 'codigo' } }, records });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.error).toBeUndefined();
    expect(res.body.results).toHaveLength(3);
    res.body.results.forEach((r: any, i: number) => {
      expect(r.output).toEqual({ title: `${records[i].nome} (novo)`, price: records[i].preco * 2, sku: records[i].codigo });
    });
    // keepUnmapped carries the source fields along, as in a run.
    const kept = await preview({ kind: 'map', params: { fields: { title: 'nome' }, keepUnmapped: true }, records: records.slice(0, 1) });
    expect(kept.body.results[0].output).toMatchObject({ title: records[0].nome, codigo: records[0].codigo });
  });

  it('answers an expression that does not parse with the field and the position where it breaks', async () => {
    const records = (await sample(2)).map((r) => r.data);
    const res = await preview({ kind: 'map', params: { fields: { title: 'nome', price: 'preco *' } }, records });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([]);
    expect(res.body.error).toMatchObject({ field: 'price', position: 7, code: 'S0207' });
    expect(res.body.error.message).toMatch(/end of expression/);
  });

  it('gives each record its own error when evaluating it fails', async () => {
    const records = [{ preco: '12.5' }, { preco: 'abc' }];
    const res = await preview({ kind: 'map', params: { fields: { title: "'x'", price: '$number(preco)' } }, records });
    expect(res.body.results[0]).toEqual({ output: { title: 'x', price: 12.5 } });
    expect(res.body.results[1].error).toMatchObject({ field: 'price', position: 8, code: 'D3030' });
    expect(res.body.results[1].error.message).toContain('abc');
  });

  it('translates through the de-para maps of the connections named, and says which value is missing', async () => {
    const made = await h.api('POST', `/api/connections/${blingId}/value-maps`, { name: 'unit', entries: [{ from: 'UN', to: 'unidade' }] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const records = [{ unidade: 'UN' }, { unidade: 'CX' }];
    const res = await preview({ kind: 'map', params: { fields: { unit: "$depara('unit', unidade)" } }, records, valueMapConnections: [blingId] });
    expect(res.body.results[0]).toEqual({ output: { unit: 'unidade' } });
    expect(res.body.results[1].error.message).toContain('has no entry for "CX"');
    expect(res.body.results[1].error.field).toBe('unit');
    // Without the connection, no map of that name exists.
    const none = await preview({ kind: 'map', params: { fields: { unit: "$depara('unit', unidade)" } }, records: records.slice(0, 1) });
    expect(none.body.results[0].error.message).toContain('De-para "unit" does not exist');
  });

  it('previews transforms (rewrite and filter) and approval conditions', async () => {
    const records = [{ total: 1500, id: 1 }, { total: 80, id: 2 }];
    const rewrite = await preview({ kind: 'transform', params: { mode: 'expression', expression: '{ "pedido": id, "alto": total > 1000 }' }, records });
    expect(rewrite.body.results).toEqual([{ output: { pedido: 1, alto: true } }, { output: { pedido: 2, alto: false } }]);
    const notObject = await preview({ kind: 'transform', params: { mode: 'expression', expression: 'total' }, records: records.slice(0, 1) });
    expect(notObject.body.results[0].error.message).toContain('must return an object');
    const filter = await preview({ kind: 'transform', params: { mode: 'filter', expression: 'total > 1000' }, records });
    expect(filter.body.results).toEqual([{ output: records[0], kept: true }, { output: null, kept: false }]);
    const condition = await preview({ kind: 'condition', params: { expression: 'total > 1000' }, records });
    expect(condition.body.results).toEqual([{ output: true, matches: true }, { output: false, matches: false }]);
  });

  it('stops an expression that never ends instead of holding the server', async () => {
    const started = Date.now();
    const res = await preview({ kind: 'transform', params: { mode: 'filter', expression: '($f := function($n){ $f($n + 1) }; $f(0))' }, records: [{}] });
    expect(res.status).toBe(200);
    expect(res.body.results[0].error.code).toBe('D1012');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses malformed preview requests with one problem per field', async () => {
    const kind = await preview({ kind: 'sql', params: {}, records: [] });
    expect(kind.status).toBe(400);
    expect(kind.body.message).toContain('kind');
    const tooMany = await preview({ kind: 'map', params: { fields: { a: 'b' } }, records: Array.from({ length: 21 }, () => ({})) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('records');
    const noFields = await preview({ kind: 'map', params: {}, records: [] });
    expect(noFields.status).toBe(400);
    expect(noFields.body.problems).toEqual([{ field: 'params.fields', message: expect.stringContaining('must be an object') }]);
    const blank = await preview({ kind: 'map', params: { fields: { title: '' } }, records: [] });
    expect(blank.body.problems).toEqual([{ field: 'params.fields.title', message: expect.stringContaining('non-empty') }]);
    const noExpression = await preview({ kind: 'transform', params: { mode: 'sort' }, records: [] });
    expect(noExpression.status).toBe(400);
    expect(noExpression.body.problems.map((p: any) => p.field).sort()).toEqual(['params.expression', 'params.mode']);
  });
});
