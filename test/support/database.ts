/**
 * A fresh database per test file: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by DATABASE_URL (the CI runs the suite both ways).
 */
import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '../../server/db/client';

export interface TestDatabase extends Database {
  /** A URL another process can use, when the database is a PostgreSQL one. */
  url?: string;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return openDatabase({});
  const { default: postgres } = await import('postgres');
  const name = `ponte_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Environment for a Ponte child process: on the PostgreSQL leg, a new empty database on the
 * server (dropped by `drop`); on the PGlite leg, nothing (the process keeps PGlite in its data folder).
 */
export async function childDatabaseEnv(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return { env: {}, drop: async () => {} };
  const { default: postgres } = await import('postgres');
  const name = `ponte_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    env: { DATABASE_URL: withDatabase(adminUrl, name) },
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
