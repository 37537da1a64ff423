/**
 * Opens the database: PostgreSQL when DATABASE_URL is set, otherwise PGlite (PostgreSQL in
 * WebAssembly) in the data folder. Same schema, same migrations, applied at start.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_TENANT = 'default';

/** The rows of `db.execute(sql…)`: postgres.js answers an array, PGlite an object holding `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
/** Arbitrary key of the PostgreSQL advisory lock held while migrating. */
const MIGRATION_LOCK = 7_265_636_101;
const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenDatabaseOptions {
  /** postgres://… to use a real PostgreSQL server. */
  databaseUrl?: string;
  /** Folder for the embedded PGlite database; omitted: in memory (tests). */
  pgliteDir?: string;
  /** Max connections in the pool (PostgreSQL only). */
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let database: Database;
  if (options.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // Several servers and workers may start at once: one migrates, the others wait on the lock.
    const migrator = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(drizzle(migrator, { schema }), { migrationsFolder });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    const client = postgres(options.databaseUrl, { max: options.poolSize ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema });
    database = {
      db: db as unknown as Db,
      kind: 'postgres',
      ping: async () => void (await client`select 1`),
      close: () => client.end({ timeout: 5 }),
    };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
    const client = options.pgliteDir ? await PGlite.create(options.pgliteDir) : await PGlite.create();
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder });
    database = {
      db: db as unknown as Db,
      kind: 'pglite',
      ping: async () => void (await client.query('select 1')),
      close: () => client.close(),
    };
  }
  await database.db.execute(sql`insert into tenants (id, name) values (${DEFAULT_TENANT}, 'Default') on conflict (id) do nothing`);
  return database;
}
