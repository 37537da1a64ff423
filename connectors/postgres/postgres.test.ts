import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, Conflict, Transient, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, SyncRecord } from '../types';
import { postgres } from './index';
import { closePools } from './pool';
import { createLegacyErpDatabase, type LegacyErpDatabase, withDatabase } from './simulator';
import { testConnection } from '../../server/connections/test-connection';

let seq = 0;
function connect(connectionString: string, settings: Record<string, unknown>): ConnectionContext {
  return openConnection({ id: `pg-test-${++seq}`, provider: 'postgres', baseUrl: null, credentials: { connectionString }, settings }, new PacerRegistry()).ctx;
}

const products = { table: 'produtos', keyColumn: 'id', updatedAtColumn: 'atualizado_em', skuColumn: 'codigo' };

async function readAll(ctx: ConnectionContext, entity: 'products' | 'customers', batchSize: number, since: string | null = null, between?: (page: number) => Promise<void>) {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await postgres.entities[entity]!.read!.read(ctx, { cursor, since, batchSize });
    records.push(...page.records);
    cursor = page.nextCursor;
    pages++;
    await between?.(pages);
  } while (cursor);
  return { records, pages };
}

describe('PostgreSQL (ERP legado) settings, checked before any database is needed', () => {
  afterAll(() => closePools());

  it('asks for the connection string, in the postgres:// form', async () => {
    const none = connect('', { entities: { products } });
    await expect(postgres.entities.products!.read!.read(none, { cursor: null, since: null, batchSize: 10 })).rejects.toThrow(/connectionString is required/);
    const http = connect('https://erp.example.com', { entities: { products } });
    const err = await postgres.entities.products!.read!.read(http, { cursor: null, since: null, batchSize: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/must start with postgres:\/\//);
  });

  it('names the missing setting of an entity', async () => {
    const ctx = connect('postgres://u:p@127.0.0.1:1/erp', { entities: { products: { table: 'produtos' } } });
    await expect(postgres.entities.products!.read!.read(ctx, { cursor: null, since: null, batchSize: 10 })).rejects.toThrow(/settings\.entities\.products\.keyColumn is required/);
    await expect(postgres.entities.orders!.read!.read(ctx, { cursor: null, since: null, batchSize: 10 })).rejects.toThrow(/settings\.entities\.orders is not set.*Configured: products/);
  });

  it('reports a database that does not answer as transient, and "Testar conexão" as unreachable, without the password', async () => {
    const ctx = connect('postgres://ponte:s3cr3t-pass@127.0.0.1:1/erp', { entities: { products } });
    const err = await postgres.entities.products!.read!.read(ctx, { cursor: null, since: null, batchSize: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err.message).toMatch(/did not answer at 127\.0\.0\.1:1/);
    expect(err.message).not.toContain('s3cr3t');
    const outcome = await testConnection({ id: 'pg-unreachable', provider: 'postgres', baseUrl: null, credentials: { connectionString: 'postgres://ponte:s3cr3t-pass@127.0.0.1:1/erp' }, settings: {} });
    expect(outcome.ok).toBe(false);
    expect(outcome.diagnosis.code).toBe('unreachable');
    expect(JSON.stringify(outcome)).not.toContain('s3cr3t');
  });

  it('marks the connection string secret and explains it in Portuguese', () => {
    expect(postgres.credentialSchema.properties.connectionString.secret).toBe(true);
    expect(postgres.credentialHelp).toMatch(/string de conexão/);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL (ERP legado) against a real database (needs DATABASE_URL; the CI PostgreSQL leg runs it)', () => {
  let erp: LegacyErpDatabase;
  let ctx: ConnectionContext;

  beforeAll(async () => {
    erp = await createLegacyErpDatabase(process.env.DATABASE_URL!);
  });
  afterAll(async () => {
    await closePools();
    await erp?.close();
  });
  beforeEach(async () => {
    await erp.sql`truncate produtos restart identity cascade`;
    ctx = connect(erp.url, { timeZone: 'UTC', entities: { products, customers: { table: 'Clientes', keyColumn: 'CPF_CNPJ', updatedAtColumn: 'Alterado Em' } } });
  });

  it('reads every row exactly once, page by page, with the SKU and JSON-ready values', async () => {
    await erp.seedProducts(250);
    const { records, pages } = await readAll(ctx, 'products', 100);
    expect(pages).toBe(3);
    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.key)).size).toBe(250);
    const first = records.find((r) => r.sku === 'SKU-000007')!;
    expect(first.data).toMatchObject({ codigo: 'SKU-000007', descricao: 'Produto 7', preco: 19.59, estoque: 49, ativo: true, atualizado_em: '2026-01-01T12:00:00Z' });
  });

  it('does not skip rows when the ERP changes rows while a run is reading (keyset, not OFFSET)', async () => {
    await erp.seedProducts(250);
    const { records } = await readAll(ctx, 'products', 100, null, async (page) => {
      if (page !== 1) return;
      // Rows already read move to the end; with OFFSET the unread rows would shift back and be skipped.
      await erp.sql`update produtos set preco = preco + 1, atualizado_em = now() where id <= 20`;
      await erp.sql`insert into produtos (codigo, descricao, atualizado_em) values ('SKU-NEW', 'Novo', now())`;
    });
    const keys = new Set(records.map((r) => r.key));
    expect(keys.size).toBe(251);
    // The 20 changed rows come again with their new price.
    expect(records.filter((r) => r.key === '1')).toHaveLength(2);
    expect(records.filter((r) => r.key === '1').at(-1)!.data.preco).toBe(11);
  });

  it('reads only rows changed since the last run, rows without an updated-at included in full reads', async () => {
    await erp.seedProducts(50);
    await erp.sql`update produtos set atualizado_em = null where id = 50`;
    await erp.sql`update produtos set descricao = 'Mudou', atualizado_em = '2026-03-01T10:00:00Z' where id in (3, 30)`;
    const changed = await readAll(ctx, 'products', 10, '2026-02-01T00:00:00.000Z');
    expect(changed.records.map((r) => r.key).sort()).toEqual(['3', '30']);
    expect(changed.records[0].data.descricao).toBe('Mudou');
    const all = await readAll(ctx, 'products', 10);
    expect(all.records).toHaveLength(50);
    expect(all.records[0].key).toBe('50');
  });

  it('compares since with a timestamp-without-time-zone column in the session time zone', async () => {
    await erp.sql`insert into "Clientes" values ('11.111.111/0001-11', 'Loja A', '2026-03-01 09:00:00'), ('22.222.222/0001-22', 'Loja B', '2026-03-01 11:00:00')`;
    const utc = await readAll(ctx, 'customers', 10, '2026-03-01T10:00:00.000Z');
    expect(utc.records.map((r) => r.data.Nome)).toEqual(['Loja B']);
    // The ERP writes Brasília wall time: 09:00 there is 12:00Z, after since.
    const brt = connect(erp.url, { timeZone: 'America/Sao_Paulo', entities: { customers: { table: 'Clientes', keyColumn: 'CPF_CNPJ', updatedAtColumn: 'Alterado Em' } } });
    const local = await readAll(brt, 'customers', 10, '2026-03-01T10:00:00.000Z');
    expect(local.records.map((r) => r.data.Nome)).toEqual(['Loja A', 'Loja B']);
    expect(local.records[0].data['Alterado Em']).toBe('2026-03-01T09:00:00');
  });

  it('creates a row with a generated key, stamps the SKU, and updates it by key touching only the fields sent', async () => {
    const writer = postgres.entities.products!.write!;
    const { externalId } = await writer.create(ctx, { data: { descricao: 'Cadeira', preco: 199.9, estoque: 3, extra: { cor: 'azul' } }, sku: 'CAD-1' });
    expect(externalId).toBe('1');
    let [row] = await erp.sql`select * from produtos where id = 1`;
    expect(row).toMatchObject({ codigo: 'CAD-1', descricao: 'Cadeira', preco: '199.90', estoque: 3, ativo: true, extra: { cor: 'azul' } });
    expect(row.atualizado_em).not.toBeNull();
    const touched = row.atualizado_em as Date;

    await writer.update(ctx, externalId, { data: { preco: 149.9, ativo: 'não' }, sku: 'CAD-1' });
    [row] = await erp.sql`select * from produtos where id = 1`;
    expect(row).toMatchObject({ codigo: 'CAD-1', descricao: 'Cadeira', preco: '149.90', estoque: 3, ativo: false });
    expect((row.atualizado_em as Date).getTime()).toBeGreaterThanOrEqual(touched.getTime());
    expect(await erp.sql`select count(*)::int as n from produtos`).toEqual([{ n: 1 }]);

    expect(await writer.findBySku!(ctx, 'CAD-1')).toBe('1');
    expect(await writer.findBySku!(ctx, 'NOPE')).toBeNull();
    expect(await postgres.entities.products!.get!(ctx, '1')).toMatchObject({ key: '1', sku: 'CAD-1', data: { descricao: 'Cadeira', preco: 149.9, ativo: false } });
    expect(await postgres.entities.products!.get!(ctx, '999')).toBeNull();
  });

  it('upserts by key: creating a row whose key exists updates it instead of duplicating it', async () => {
    const byCode = connect(erp.url, { entities: { products: { table: 'produtos', keyColumn: 'codigo', skuColumn: 'codigo', updatedAtColumn: 'atualizado_em', columns: { nome: 'descricao', valor: 'preco' } } } });
    const writer = postgres.entities.products!.write!;
    expect(await writer.create(byCode, { data: { nome: 'Mesa', valor: 500 }, sku: 'MESA-1' })).toEqual({ externalId: 'MESA-1' });
    expect(await writer.create(byCode, { data: { nome: 'Mesa redonda', valor: 550 }, sku: 'MESA-1' })).toEqual({ externalId: 'MESA-1' });
    expect(await erp.sql`select codigo, descricao, preco from produtos`).toEqual([{ codigo: 'MESA-1', descricao: 'Mesa redonda', preco: '550.00' }]);
    // Reads speak the same field names as the map.
    const { records } = await readAll(byCode, 'products', 10);
    expect(records).toEqual([{ key: 'MESA-1', sku: 'MESA-1', data: { nome: 'Mesa redonda', valor: 550 } }]);
  });

  it('fails only the record when the database refuses its content, with the reason', async () => {
    const writer = postgres.entities.products!.write!;
    const bad = await writer.create(ctx, { data: { descricao: 'X', preco: 'caro' }, sku: 'X-1' }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.message).toMatch(/invalid input syntax for type numeric: "caro"/);
    const missing = await writer.create(ctx, { data: { preco: 10 }, sku: 'X-2' }).catch((e) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing.message).toMatch(/descricao.*not-null/);
    const object = await writer.create(ctx, { data: { descricao: { pt: 'X' } }, sku: 'X-3' }).catch((e) => e);
    expect(object).toBeInstanceOf(ValidationError);
    expect(object.message).toMatch(/Field "descricao" is an object, but column "descricao" is of type text/);
    await writer.create(ctx, { data: { descricao: 'A' }, sku: 'DUP' });
    const { externalId } = await writer.create(ctx, { data: { descricao: 'B' }, sku: 'OTHER' });
    const duplicate = await writer.update(ctx, externalId, { data: { descricao: 'B' }, sku: 'DUP' }).catch((e) => e);
    expect(duplicate).toBeInstanceOf(Conflict);
    expect(duplicate.message).toMatch(/produtos_codigo_key/);
  });

  it('refuses table and column names the database does not have, with a clear message, and never puts them into SQL', async () => {
    const read = (entity: Record<string, unknown>) =>
      postgres.entities.products!.read!.read(connect(erp.url, { entities: { products: entity } }), { cursor: null, since: null, batchSize: 10 }).catch((e) => e);
    const table = await read({ ...products, table: 'produtoz' });
    expect(table).toBeInstanceOf(ConfigError);
    expect(table.message).toMatch(/Table "produtoz" \(settings\.entities\.products\.table\) does not exist in schema "public".*Did you mean "produtos"\?.*Tables there: Clientes, categorias, log_sem_chave, movimentos, produtos/);
    const column = await read({ ...products, updatedAtColumn: 'atualizado' });
    expect(column.message).toMatch(/Column "atualizado" \(settings\.entities\.products\.updatedAtColumn\) is not in table public\.produtos\. Did you mean "atualizado_em"\?/);
    const mapped = await read({ ...products, columns: { nome: 'nome' } });
    expect(mapped.message).toMatch(/Column "nome" \(settings\.entities\.products\.columns\.nome\) is not in table public\.produtos.*Its columns: id, codigo, descricao/);
    const injected = await read({ ...products, table: 'produtos"; drop table produtos; --' });
    expect(injected).toBeInstanceOf(ConfigError);
    expect(injected.message).toMatch(/does not exist/);
    const caseOnly = await read({ ...products, table: 'PRODUTOS' });
    expect(caseOnly.message).toMatch(/Did you mean "produtos"\?/);
    const schema = await read({ ...products, schema: 'erp' });
    expect(schema.message).toMatch(/Schema "erp" \(settings\.entities\.products\.schema\) does not exist/);
    const type = await read({ ...products, updatedAtColumn: 'descricao' });
    expect(type.message).toMatch(/"descricao".*is of type text; the updated-at column must be a date, timestamp or timestamptz/);
    expect(await erp.sql`select to_regclass('public.produtos') is not null as present`).toEqual([{ present: true }]);
  });

  it('refuses writes it cannot do safely: unknown fields, keys without a unique index, generated columns, query-only entities', async () => {
    const writer = postgres.entities.products!.write!;
    const unknown = await writer.create(ctx, { data: { descricao: 'A', cor: 'azul' } }).catch((e) => e);
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toMatch(/Field "cor" has no column in table public\.produtos: map it in settings\.entities\.products\.columns/);
    const noKey = connect(erp.url, { entities: { products: { table: 'log_sem_chave', keyColumn: 'codigo' } } });
    const noUnique = await writer.create(noKey, { data: { codigo: 'A', mensagem: 'x' } }).catch((e) => e);
    expect(noUnique.message).toMatch(/Column "codigo" \(settings\.entities\.products\.keyColumn\) of table public\.log_sem_chave has no primary key or unique index/);
    const generated = connect(erp.url, { entities: { products: { table: 'movimentos', keyColumn: 'id', columns: { total: 'total' } } } });
    const gen = await writer.create(generated, { data: { total: 3 } }).catch((e) => e);
    expect(gen.message).toMatch(/Column "total".*generated by the database/);
    const queryOnly = connect(erp.url, { entities: { products: { query: 'select * from produtos', keyColumn: 'id' } } });
    const q = await writer.create(queryOnly, { data: { descricao: 'A' } }).catch((e) => e);
    expect(q.message).toMatch(/settings\.entities\.products\.table is required to write products/);
  });

  it('writes to a table with a GENERATED ALWAYS identity key, and updates by that key', async () => {
    const moves = connect(erp.url, { entities: { products: { table: 'movimentos', keyColumn: 'id', updatedAtColumn: 'criado_em', skuColumn: 'produto_codigo' } } });
    const writer = postgres.entities.products!.write!;
    const { externalId } = await writer.create(moves, { data: { quantidade: 2 }, sku: 'SKU-1' });
    await writer.update(moves, externalId, { data: { quantidade: 5 }, sku: 'SKU-1' });
    expect(await erp.sql`select produto_codigo, quantidade, total::int from movimentos where id = ${externalId}`).toEqual([{ produto_codigo: 'SKU-1', quantidade: 5, total: 10 }]);
  });

  it('reads through a read-only SQL query, and a query that writes is refused', async () => {
    await erp.seedProducts(30);
    const joined = connect(erp.url, {
      entities: {
        products: {
          query: 'select p.id, p.codigo, p.descricao, c.nome as categoria, p.atualizado_em from produtos p join categorias c on c.id = p.categoria_id where p.ativo -- só ativos\n;',
          keyColumn: 'id',
          updatedAtColumn: 'atualizado_em',
          skuColumn: 'codigo',
        },
      },
    });
    const { records } = await readAll(joined, 'products', 7);
    expect(records).toHaveLength(30);
    expect(records[0].data).toEqual({ id: 1, codigo: 'SKU-000000', descricao: 'Produto 0', categoria: 'Geral', atualizado_em: '2026-01-01T12:00:00Z' });
    expect(await postgres.entities.products!.write!.findBySku!(joined, 'SKU-000003')).toBe('4');

    const writing = connect(erp.url, { entities: { products: { query: 'select * from produtos; delete from produtos', keyColumn: 'id' } } });
    const err = await postgres.entities.products!.read!.read(writing, { cursor: null, since: null, batchSize: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(await erp.sql`select count(*)::int as n from produtos`).toEqual([{ n: 30 }]);
  });

  it('"Testar conexão" runs select 1 and checks every configured entity', async () => {
    const ok = await postgres.test(ctx);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: 1, user: 'postgres', entities: { products: 'ok: table public.produtos', customers: 'ok: table public.Clientes' } });
    const typo = await postgres.test(connect(erp.url, { entities: { products: { ...products, skuColumn: 'sku' } } }));
    expect(typo.status).toBe(422);
    expect((typo.body as { entities: Record<string, string> }).entities.products).toMatch(/Column "sku"/);

    const wrongPassword = new URL(erp.url);
    wrongPassword.password = 'wrong-password';
    const refused = await testConnection({ id: 'pg-wrong', provider: 'postgres', baseUrl: null, credentials: { connectionString: wrongPassword.toString() }, settings: {} });
    expect(refused.status).toBe(401);
    expect(refused.diagnosis.code).toBe('auth');
    expect(refused.body).toMatch(/password authentication failed/);
    expect(refused.body).not.toContain('wrong-password');
    const read = await postgres.entities.products!.read!.read(connect(wrongPassword.toString(), { entities: { products } }), { cursor: null, since: null, batchSize: 1 }).catch((e) => e);
    expect(read).toBeInstanceOf(AuthError);

    const noDb = await testConnection({ id: 'pg-nodb', provider: 'postgres', baseUrl: null, credentials: { connectionString: withDatabase(erp.url, 'no_such_db') }, settings: {} });
    expect(noDb.diagnosis.code).toBe('not_found');
    expect(noDb.body).toMatch(/database "no_such_db" does not exist\. Check the database name/);
  });
});
