/**
 * The HTTP side of OAuth2 (authorization code + refresh token), for every connector that
 * declares `oauth2`. Storage and serialisation of refreshes are the server's job
 * (server/connections/oauth.ts); this module only talks to the provider.
 */
import { createHttpClient } from './http/client';
import { AuthError, ConfigError } from './http/errors';
import type { ConnectorDefinition, OAuth2Definition } from './types';

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token stops working. */
  expiresAt?: string;
}

/** Refresh this long before the provider's expiry, so a request never races it. */
export const REFRESH_MARGIN_MS = 120_000;

export function oauthOf(connector: ConnectorDefinition): OAuth2Definition {
  if (!connector.oauth2) throw new ConfigError(`${connector.name} does not use OAuth2`);
  return connector.oauth2;
}

export function authorizeUrl(connector: ConnectorDefinition, options: { clientId: string; state: string; redirectUri: string; override?: string }): string {
  const oauth = oauthOf(connector);
  const url = new URL(options.override ?? oauth.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('state', options.state);
  url.searchParams.set('redirect_uri', options.redirectUri);
  if (oauth.scope) url.searchParams.set('scope', oauth.scope);
  return url.toString();
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

async function tokenRequest(connector: ConnectorDefinition, baseUrl: string, credentials: Record<string, string>, form: Record<string, string>): Promise<TokenSet> {
  const oauth = oauthOf(connector);
  if (!credentials.clientId || !credentials.clientSecret) throw new AuthError(`${connector.name}: the connection needs clientId and clientSecret to obtain tokens`);
  const headers: Record<string, string> = {};
  const body = { ...form };
  if (oauth.clientAuth === 'basic') headers.authorization = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
  else Object.assign(body, { client_id: credentials.clientId, client_secret: credentials.clientSecret });
  const http = createHttpClient({ baseUrl, ...connector.http });
  try {
    const res = await http.send<TokenResponse>({ method: 'POST', path: oauth.tokenPath, form: body, headers });
    return {
      accessToken: res.body.access_token,
      refreshToken: res.body.refresh_token ?? credentials.refreshToken,
      expiresAt: res.body.expires_in ? new Date(Date.now() + res.body.expires_in * 1000).toISOString() : undefined,
    };
  } catch (err) {
    // invalid_grant and friends answer 400: for a token request that means a person must re-authorise.
    if (err instanceof Error && 'status' in err && (err as { status?: number }).status === 400)
      throw new AuthError(`${connector.name} refused the token request: ${err.message}. Authorise the connection again.`, { status: 400 });
    throw err;
  }
}

export function exchangeCode(connector: ConnectorDefinition, baseUrl: string, credentials: Record<string, string>, code: string, redirectUri: string): Promise<TokenSet> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code };
  if (oauthOf(connector).sendsRedirectUri) form.redirect_uri = redirectUri;
  return tokenRequest(connector, baseUrl, credentials, form);
}

export function refreshTokens(connector: ConnectorDefinition, baseUrl: string, credentials: Record<string, string>): Promise<TokenSet> {
  if (!credentials.refreshToken) throw new AuthError(`${connector.name}: the access token expired and the connection has no refresh token. Authorise it again.`);
  return tokenRequest(connector, baseUrl, credentials, { grant_type: 'refresh_token', refresh_token: credentials.refreshToken });
}

export function expiresSoon(credentials: Record<string, string>, now = Date.now()): boolean {
  const at = credentials.expiresAt ? Date.parse(credentials.expiresAt) : NaN;
  return Number.isFinite(at) && at - REFRESH_MARGIN_MS <= now;
}
