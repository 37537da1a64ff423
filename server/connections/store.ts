/**
 * Connections: where a provider lives and the credentials to reach it. Credentials are sealed
 * at rest and only ever opened on the activity side, by connection id.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { ConfigError } from '../../connectors/http/errors';
import { connectorFor, type OpenableConnection } from '../../connectors/runtime';
import type { Db } from '../db/client';
import { connections } from '../db/schema';
import { maskSecret, type SecretBox } from '../secrets/crypto';

export type ConnectionRow = typeof connections.$inferSelect;

export interface ConnectionInput {
  id?: string;
  name: string;
  provider: string;
  baseUrl?: string | null;
  credentials: Record<string, string>;
  settings?: Record<string, unknown>;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export async function createConnection(db: Db, box: SecretBox, tenantId: string, input: ConnectionInput): Promise<ConnectionRow> {
  const [row] = await db
    .insert(connections)
    .values({
      id: input.id ?? newId('conn'),
      tenantId,
      name: input.name,
      provider: input.provider,
      baseUrl: input.baseUrl ?? null,
      credentials: box.seal(input.credentials),
      settings: input.settings ?? {},
    })
    .returning();
  return row;
}

export async function getConnection(db: Db, tenantId: string, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)));
  return row;
}

export async function listConnections(db: Db, tenantId: string): Promise<ConnectionRow[]> {
  return db.select().from(connections).where(eq(connections.tenantId, tenantId)).orderBy(asc(connections.name));
}

/** The API's view: credentials masked, never whole. */
export function publicConnection(row: ConnectionRow, box: SecretBox) {
  const connector = connectorFor(row.provider);
  const creds = box.open<Record<string, string>>(row.credentials);
  const masked: Record<string, string> = {};
  for (const [field, value] of Object.entries(creds)) masked[field] = connector.credentialSchema.properties[field]?.secret ? maskSecret(value) : value;
  const { credentials: _sealed, ...rest } = row;
  return { ...rest, baseUrl: row.baseUrl ?? connector.defaultBaseUrl, credentials: masked };
}

/** Activity side: the connection with its credentials opened. */
export async function loadOpenableConnection(db: Db, box: SecretBox, tenantId: string, id: string): Promise<OpenableConnection> {
  const row = await getConnection(db, tenantId, id);
  if (!row) throw new ConfigError(`Connection "${id}" does not exist (deleted after the flow was published?)`);
  if (row.status === 'paused' || row.status === 'disabled') throw new ConfigError(`Connection "${row.name}" is ${row.status}; resume it to sync`);
  return { id: row.id, provider: row.provider, baseUrl: row.baseUrl, credentials: box.open(row.credentials), settings: row.settings };
}
