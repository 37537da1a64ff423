/**
 * Connections: where a provider lives, the credentials to reach it, what to sync and how often.
 * Credentials and the webhook token are sealed at rest and only opened on the server side, by
 * connection id; the API shows them masked.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { ConfigError } from '../../connectors/http/errors';
import { connectorFor, type OpenableConnection } from '../../connectors/runtime';
import type { Db } from '../db/client';
import { connections, flows } from '../db/schema';
import { certificateStatus } from './certificate';
import { NotFoundError } from '../errors';
import { maskSecret, type SecretBox } from '../secrets/crypto';
import type { ConnectionFields } from './validate';

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionStatus = ConnectionRow['status'];

export interface ConnectionInput extends ConnectionFields {
  id?: string;
  name: string;
  provider: string;
  credentials: Record<string, string>;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

const newWebhookToken = () => randomBytes(24).toString('base64url');

export async function createConnection(db: Db, box: SecretBox, tenantId: string, input: ConnectionInput): Promise<ConnectionRow> {
  const [row] = await db
    .insert(connections)
    .values({
      id: input.id ?? newId('conn'),
      tenantId,
      name: input.name.trim(),
      provider: input.provider,
      baseUrl: input.baseUrl ?? null,
      credentials: box.seal(input.credentials),
      settings: input.settings ?? {},
      direction: (input.direction as ConnectionRow['direction']) ?? 'bidirectional',
      entities: input.entities ?? [],
      frequency: input.frequency ?? 'manual',
      cron: input.frequency === 'cron' ? (input.cron ?? null) : null,
      branch: input.branch ?? null,
      backfillFrom: input.backfillFrom ? new Date(input.backfillFrom) : null,
      webhookToken: box.seal(newWebhookToken()),
    })
    .returning();
  return row;
}

export async function getConnection(db: Db, tenantId: string, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)));
  return row;
}

export async function requireConnection(db: Db, tenantId: string, id: string): Promise<ConnectionRow> {
  const row = await getConnection(db, tenantId, id);
  if (!row) throw new NotFoundError(`Connection "${id}" not found`);
  return row;
}

export async function listConnections(db: Db, tenantId: string): Promise<ConnectionRow[]> {
  return db.select().from(connections).where(eq(connections.tenantId, tenantId)).orderBy(asc(connections.name));
}

/** Applies a (validated) partial change; credential fields not sent keep their values. */
export async function updateConnection(db: Db, box: SecretBox, tenantId: string, id: string, patch: ConnectionFields): Promise<ConnectionRow> {
  const current = await requireConnection(db, tenantId, id);
  const credentials = patch.credentials ? box.seal({ ...box.open<Record<string, string>>(current.credentials), ...patch.credentials }) : undefined;
  const frequency = patch.frequency ?? current.frequency;
  const [row] = await db
    .update(connections)
    .set({
      name: patch.name?.trim(),
      baseUrl: patch.baseUrl,
      credentials,
      settings: patch.settings ? { ...current.settings, ...patch.settings } : undefined,
      direction: patch.direction as ConnectionRow['direction'] | undefined,
      entities: patch.entities,
      frequency,
      cron: frequency === 'cron' ? (patch.cron ?? current.cron) : null,
      branch: patch.branch,
      backfillFrom: patch.backfillFrom === undefined ? undefined : patch.backfillFrom ? new Date(patch.backfillFrom) : null,
      updatedAt: new Date(),
    })
    .where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)))
    .returning();
  return row;
}

/** Flows whose draft uses the connection: deleting it would break them. */
export async function flowsUsing(db: Db, tenantId: string, connectionId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await db.select({ id: flows.id, name: flows.name, document: flows.document }).from(flows).where(eq(flows.tenantId, tenantId));
  return rows.filter((f) => (f.document as { nodes?: Array<{ params?: { connectionId?: string } }> }).nodes?.some((n) => n.params?.connectionId === connectionId)).map(({ id, name }) => ({ id, name }));
}

export async function deleteConnection(db: Db, tenantId: string, id: string): Promise<void> {
  await requireConnection(db, tenantId, id);
  await db.delete(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)));
}

export async function setStatus(db: Db, tenantId: string, id: string, status: ConnectionStatus, reason: string | null): Promise<ConnectionRow> {
  const [row] = await db
    .update(connections)
    .set({ status, statusReason: reason, statusChangedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)))
    .returning();
  if (!row) throw new NotFoundError(`Connection "${id}" not found`);
  return row;
}

/** Changes the status only from `from` (two workers meeting the same refusal: one of them moves it). Null when it was not `from`. */
export async function moveStatus(db: Db, tenantId: string, id: string, from: ConnectionStatus, to: ConnectionStatus, reason: string | null): Promise<ConnectionRow | null> {
  const [row] = await db
    .update(connections)
    .set({ status: to, statusReason: reason, statusChangedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(connections.tenantId, tenantId), eq(connections.id, id), eq(connections.status, from)))
    .returning();
  return row ?? null;
}

export async function rotateWebhookToken(db: Db, box: SecretBox, tenantId: string, id: string): Promise<ConnectionRow> {
  await requireConnection(db, tenantId, id);
  const [row] = await db
    .update(connections)
    .set({ webhookToken: box.seal(newWebhookToken()), updatedAt: new Date() })
    .where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)))
    .returning();
  return row;
}

export function webhookUrl(publicUrl: string, row: ConnectionRow, box: SecretBox, reveal = false): string {
  const token = box.open<string>(row.webhookToken);
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${row.id}/${reveal ? token : maskSecret(token)}`;
}

/** The API's view: credentials and webhook token masked, never whole. */
export function publicConnection(row: ConnectionRow, box: SecretBox, publicUrl: string) {
  const connector = connectorFor(row.provider);
  const creds = box.open<Record<string, string>>(row.credentials);
  const masked: Record<string, string> = {};
  for (const [field, value] of Object.entries(creds)) masked[field] = connector.credentialSchema.properties[field]?.secret ? maskSecret(value) : value;
  const { credentials: _sealed, webhookToken: _token, ...rest } = row;
  return {
    ...rest,
    providerName: connector.name,
    baseUrl: row.baseUrl ?? connector.defaultBaseUrl,
    credentials: masked,
    webhookUrl: webhookUrl(publicUrl, row, box),
    certificate: certificateStatus(connector, creds),
  };
}

export interface ConnectionHooks {
  /** Writes refreshed OAuth2 tokens back, serialised per connection; returns the credentials to use. */
  refreshTokens?: (connectionId: string, staleAccessToken: string) => Promise<Record<string, string>>;
  /** Records that the provider refused the credentials. */
  onAuthFailure?: (connectionId: string, reason: string) => Promise<void>;
}

/** Server side: the connection with its credentials opened, for a connector to use. */
export async function loadOpenableConnection(
  db: Db,
  box: SecretBox,
  tenantId: string,
  id: string,
  hooks: ConnectionHooks = {},
  options: { evenIfStopped?: boolean } = {},
): Promise<OpenableConnection> {
  const row = await getConnection(db, tenantId, id);
  if (!row) throw new ConfigError(`Connection "${id}" does not exist (deleted after the flow was published?)`);
  if (!options.evenIfStopped && (row.status === 'paused' || row.status === 'disabled')) throw new ConfigError(`Connection "${row.name}" is ${row.status}; resume it to sync`);
  return {
    id: row.id,
    provider: row.provider,
    baseUrl: row.baseUrl,
    credentials: box.open(row.credentials),
    // The branch/warehouse chosen on the connection reaches connectors as a setting (stock per branch).
    settings: row.branch ? { ...row.settings, branch: row.branch } : row.settings,
    refreshTokens: hooks.refreshTokens ? (stale) => hooks.refreshTokens!(row.id, stale) : undefined,
    onAuthFailure: hooks.onAuthFailure ? (reason) => hooks.onAuthFailure!(row.id, reason) : undefined,
  };
}
