/**
 * The "simulator" of a legacy ERP on PostgreSQL is a real PostgreSQL database: a fresh one on
 * the server named by an admin URL (DATABASE_URL in tests), with the tables a typical Brazilian
 * ERP of the 2000s has — Portuguese names, a serial key, numeric prices, a nullable
 * updated-at column, a mixed-case table — dropped again by `close()`.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface LegacyErpDatabase {
  /** Connection string of the new database (what a Ponte connection stores). */
  url: string;
  /** The ERP's own session, for tests to look at and change rows as the ERP would. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sql: postgres.Sql<any>;
  /** Inserts `count` products, codes SKU-000000…, as the ERP would. */
  seedProducts(count: number, options?: { startAt?: number; updatedAt?: string | null }): Promise<void>;
  close(): Promise<void>;
}

/** Tables of the legacy ERP. `produtos` has a serial key and a unique code; `"Clientes"` is mixed-case on purpose. */
export const LEGACY_SCHEMA = `
  create table categorias (
    id integer primary key,
    nome text not null
  );
  create table produtos (
    id serial primary key,
    codigo varchar(60) unique,
    descricao text not null,
    preco numeric(12,2) not null default 0,
    estoque integer not null default 0,
    ativo boolean not null default true,
    categoria_id integer references categorias(id),
    extra jsonb,
    atualizado_em timestamptz
  );
  create index produtos_atualizado on produtos (atualizado_em, id);
  create table "Clientes" (
    "CPF_CNPJ" varchar(18) primary key,
    "Nome" text not null,
    "Alterado Em" timestamp without time zone not null default localtimestamp
  );
  create table movimentos (
    id bigint generated always as identity primary key,
    produto_codigo varchar(60) not null,
    quantidade integer not null,
    total numeric(12,2) generated always as (quantidade * 2) stored,
    criado_em timestamptz not null default now()
  );
  create table log_sem_chave (
    codigo text,
    mensagem text,
    quando timestamptz
  );
  insert into categorias values (1, 'Geral'), (2, 'Eletrônicos');
`;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createLegacyErpDatabase(adminUrl: string): Promise<LegacyErpDatabase> {
  const name = `ponte_erp_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  await sql.unsafe(LEGACY_SCHEMA);
  return {
    url,
    sql,
    async seedProducts(count, { startAt = 0, updatedAt = '2026-01-01T12:00:00Z' } = {}) {
      await sql.unsafe(
        `insert into produtos (codigo, descricao, preco, estoque, categoria_id, atualizado_em)
         select 'SKU-' || lpad(i::text, 6, '0'), 'Produto ' || i, round((10 + (i % 500) * 1.37)::numeric, 2), (i * 7) % 50, 1 + i % 2, $3::timestamptz
           from generate_series($1::int, $2::int) as i`,
        [startAt, startAt + count - 1, updatedAt],
      );
    },
    async close() {
      await sql.end({ timeout: 5 });
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
