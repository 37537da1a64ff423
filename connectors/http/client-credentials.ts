/**
 * OAuth2 client credentials (RFC 6749 §4.4) for machine-to-machine APIs: API Pix PSPs and
 * Banco Inter. The token is obtained over the connection's own transport (its mutual TLS: the
 * token endpoint checks the client certificate too), kept per connection until shortly before
 * it expires, and fetched by one request at a time however many pages ask for it at once.
 */
import { createHash } from 'node:crypto';
import type { AuthContext } from '../types';
import { AuthError, ConfigError, ConnectorError } from './errors';

export interface ClientCredentialsGrant {
  /** Provider name, for messages. */
  provider: string;
  /** Token endpoint: a path under the connection's base URL, or an absolute URL. */
  tokenPath: string;
  /** Space-separated scopes; omitted from the request when empty. */
  scope?: string;
  /** HTTP Basic with the client id and secret, or both as form fields (`client_id`, `client_secret`). */
  clientAuth: 'basic' | 'body';
}

interface CachedToken {
  key: string;
  accessToken: string;
  /** When to stop using it (already shortened by the margin). */
  renewAt: number;
  obtainedAt: number;
}

interface TokenResponse {
  access_token?: string;
  token_type?: string;
  expires_in?: number | string;
}

const tokens = new Map<string, CachedToken>();
const inFlight = new Map<string, { key: string; promise: Promise<CachedToken> }>();

/** When the provider does not say how long a token lives, it is reused this long at most. */
const UNKNOWN_LIFETIME_MS = 5 * 60_000;

/** Renew one minute before expiry, or a tenth of the lifetime for short-lived tokens. */
function renewAt(expiresInSeconds: number | undefined, now: number): number {
  const lifetime = expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds * 1000 : UNKNOWN_LIFETIME_MS;
  return now + lifetime - Math.min(60_000, lifetime / 10);
}

/** A token is only reused for the same app, secret, certificate, endpoint and scopes. */
function cacheKey(credentials: Record<string, string>, conn: AuthContext, grant: ClientCredentialsGrant): string {
  return createHash('sha256')
    .update(JSON.stringify([credentials.clientId, credentials.clientSecret, credentials.certificate ?? '', conn.baseUrl, grant.tokenPath, grant.scope ?? '']))
    .digest('hex');
}

async function fetchToken(credentials: Record<string, string>, conn: AuthContext, grant: ClientCredentialsGrant, key: string): Promise<CachedToken> {
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (grant.scope) form.scope = grant.scope;
  const headers: Record<string, string> = {};
  if (grant.clientAuth === 'basic') {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
    const user = `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  } else {
    form.client_id = credentials.clientId;
    form.client_secret = credentials.clientSecret;
  }
  const started = Date.now();
  let body: TokenResponse;
  try {
    const res = await conn.http.send<TokenResponse>({ method: 'POST', path: grant.tokenPath, form, headers }, conn.signal);
    body = (res.body && typeof res.body === 'object' ? res.body : {}) as TokenResponse;
  } catch (err) {
    // 400 (invalid_client, invalid_scope) and 401 are the provider refusing the app: a person must fix it.
    if (err instanceof ConnectorError && (err.status === 400 || err.status === 401 || err.status === 403)) {
      throw new AuthError(`${grant.provider} refused the client credentials (HTTP ${err.status}): ${err.providerMessage || err.message}. Check the Client ID, the Client Secret and the scopes enabled for the application.`, {
        status: err.status,
        providerMessage: err.providerMessage,
      });
    }
    throw err;
  }
  if (!body.access_token) throw new AuthError(`${grant.provider}'s token endpoint answered without an access_token`);
  const expiresIn = Number(body.expires_in);
  return { key, accessToken: body.access_token, renewAt: renewAt(Number.isFinite(expiresIn) ? expiresIn : undefined, started), obtainedAt: Date.now() };
}

/** The connection's access token: the cached one while it is fresh, else one new request shared by all callers. */
export async function clientCredentialsToken(credentials: Record<string, string>, conn: AuthContext | undefined, grant: ClientCredentialsGrant): Promise<string> {
  if (!conn) throw new ConfigError(`${grant.provider} obtains its token per connection; it must be opened through the connector runtime`);
  if (!credentials.clientId || !credentials.clientSecret) throw new AuthError(`${grant.provider}: the connection needs the Client ID and the Client Secret of the application`);
  const key = cacheKey(credentials, conn, grant);
  const cached = tokens.get(conn.connectionId);
  if (cached && cached.key === key && Date.now() < cached.renewAt) return cached.accessToken;
  let pending = inFlight.get(conn.connectionId);
  if (!pending || pending.key !== key) {
    const promise = fetchToken(credentials, conn, grant, key).finally(() => {
      if (inFlight.get(conn.connectionId)?.promise === promise) inFlight.delete(conn.connectionId);
    });
    pending = { key, promise };
    inFlight.set(conn.connectionId, pending);
  }
  const token = await pending.promise;
  tokens.set(conn.connectionId, token);
  return token.accessToken;
}

/**
 * The provider answered 401 to a request sent at `requestStartedAt`: drops the token that
 * request carried (revoked, or the provider restarted) unless a newer one replaced it already.
 * True when the connection uses client credentials, so one more try with a fresh token may help.
 */
export function forgetClientCredentialsToken(connectionId: string, requestStartedAt: number): boolean {
  const cached = tokens.get(connectionId);
  if (cached) {
    if (cached.obtainedAt <= requestStartedAt) tokens.delete(connectionId);
    return true;
  }
  return inFlight.has(connectionId);
}

/** `Authorization: Bearer` with the connection's client-credentials token. */
export async function bearerFromClientCredentials(credentials: Record<string, string>, conn: AuthContext | undefined, grant: ClientCredentialsGrant): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await clientCredentialsToken(credentials, conn, grant)}` };
}
