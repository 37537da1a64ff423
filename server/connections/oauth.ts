/**
 * OAuth2 for connections: the authorize/callback dance, and token refreshes that are
 * serialised per connection across processes (a row lock) so that a single-use refresh token
 * (Mercado Livre's) is spent once, and the rotated tokens are written back sealed.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { authorizeUrl, exchangeCode, expiresSoon, refreshTokens } from '../../connectors/oauth2';
import { connectorFor } from '../../connectors/runtime';
import type { Db } from '../db/client';
import { connections, oauthStates } from '../db/schema';
import { BadInput, NotFoundError } from '../errors';
import type { SecretBox } from '../secrets/crypto';
import { requireConnection, setStatus } from './store';
import { CONNECTION_PROBLEMS, fieldProblem } from './validate';

/** An authorisation not completed within this time must start again. */
const STATE_TTL_MS = 15 * 60_000;

export async function startAuthorization(db: Db, box: SecretBox, tenantId: string, connectionId: string, redirectUri: string): Promise<{ authorizeUrl: string; state: string }> {
  const row = await requireConnection(db, tenantId, connectionId);
  const connector = connectorFor(row.provider);
  if (!connector.oauth2) throw new BadInput([fieldProblem('provider', CONNECTION_PROBLEMS.oauthNotUsed(connector.name))]);
  const credentials = box.open<Record<string, string>>(row.credentials);
  if (!credentials.clientId || !credentials.clientSecret)
    throw new BadInput([fieldProblem('credentials.clientId', CONNECTION_PROBLEMS.oauthAppMissing(connector.name))]);
  const state = randomBytes(24).toString('base64url');
  await db.delete(oauthStates).where(lt(oauthStates.createdAt, new Date(Date.now() - STATE_TTL_MS)));
  await db.insert(oauthStates).values({ state, tenantId, connectionId, redirectUri });
  const override = typeof row.settings.authorizeUrl === 'string' ? row.settings.authorizeUrl : undefined;
  return { state, authorizeUrl: authorizeUrl(connector, { clientId: credentials.clientId, state, redirectUri, override }) };
}

/** The provider sent the seller back with a code: trade it for tokens and store them. */
export async function completeAuthorization(db: Db, box: SecretBox, state: string, code: string): Promise<{ tenantId: string; connectionId: string }> {
  const [pending] = await db.delete(oauthStates).where(eq(oauthStates.state, state)).returning();
  if (!pending || pending.createdAt.getTime() < Date.now() - STATE_TTL_MS)
    throw new BadInput([fieldProblem('state', CONNECTION_PROBLEMS.oauthStateUnknown())]);
  const row = await requireConnection(db, pending.tenantId, pending.connectionId);
  const connector = connectorFor(row.provider);
  const credentials = box.open<Record<string, string>>(row.credentials);
  const tokens = await exchangeCode(connector, row.baseUrl ?? connector.defaultBaseUrl, credentials, code, pending.redirectUri);
  await db
    .update(connections)
    .set({ credentials: box.seal(withTokens(credentials, tokens)), updatedAt: new Date() })
    .where(eq(connections.id, row.id));
  if (row.status === 'error') await setStatus(db, row.tenantId, row.id, 'active', 'Authorised again');
  return { tenantId: row.tenantId, connectionId: row.id };
}

function withTokens(credentials: Record<string, string>, tokens: { accessToken: string; refreshToken?: string; expiresAt?: string }): Record<string, string> {
  const next: Record<string, string> = { ...credentials, accessToken: tokens.accessToken };
  if (tokens.refreshToken) next.refreshToken = tokens.refreshToken;
  if (tokens.expiresAt) next.expiresAt = tokens.expiresAt;
  return next;
}

/**
 * Refreshes a connection's tokens unless another process already did: the row is locked, and
 * if the stored token is no longer the stale one the caller had, the stored one is returned.
 */
export async function refreshConnectionTokens(db: Db, box: SecretBox, tenantId: string, connectionId: string, staleAccessToken: string): Promise<Record<string, string>> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.tenantId, tenantId), eq(connections.id, connectionId)))
      .for('update');
    if (!row) throw new NotFoundError(`Connection "${connectionId}" not found`);
    const credentials = box.open<Record<string, string>>(row.credentials);
    if (credentials.accessToken !== staleAccessToken && !expiresSoon(credentials)) return credentials;
    const connector = connectorFor(row.provider);
    const tokens = await refreshTokens(connector, row.baseUrl ?? connector.defaultBaseUrl, credentials);
    const next = withTokens(credentials, tokens);
    await tx.update(connections).set({ credentials: box.seal(next), updatedAt: new Date() }).where(eq(connections.id, row.id));
    return next;
  });
}
