/**
 * Turns a stored connection (opened by the server) into a ready-to-call context: the shared
 * HTTP client with the connector's auth, error parsing, the connection's pacer, OAuth2
 * tokens refreshed before they expire or when the provider says 401, and the connection's
 * client certificate when the provider requires mutual TLS.
 */
import { forgetClientCredentialsToken } from './http/client-credentials';
import { reportProviderCall } from './http/observe';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http/client';
import { AuthError, ConfigError } from './http/errors';
import { explainTlsFailure, tlsDispatcher } from './http/tls';
import type { PacerRegistry, RateLimitPolicy } from './http/pacing';
import { expiresSoon } from './oauth2';
import { getConnector } from './registry';
import type { ConnectionContext, ConnectorDefinition, EntityName, EntityReader, EntityWriter } from './types';

export interface OpenableConnection {
  id: string;
  provider: string;
  baseUrl: string | null;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  /** Refreshes OAuth2 tokens (serialised and stored by the server); returns the new credentials. */
  refreshTokens?: (staleAccessToken: string) => Promise<Record<string, string>>;
  /** Told when the provider refuses the credentials for good. */
  onAuthFailure?: (reason: string) => Promise<void>;
}

export function connectorFor(provider: string): ConnectorDefinition {
  const connector = getConnector(provider);
  if (!connector) throw new ConfigError(`Unknown provider "${provider}"`);
  return connector;
}

// Refreshes in flight in this process, per connection: concurrent pages share one.
const refreshing = new Map<string, Promise<Record<string, string>>>();

export function openConnection(conn: OpenableConnection, pacers: PacerRegistry, signal?: AbortSignal): { connector: ConnectorDefinition; ctx: ConnectionContext } {
  const connector = connectorFor(conn.provider);
  const baseUrl = conn.baseUrl || connector.defaultBaseUrl;
  const rateLimit = (conn.settings.rateLimit as RateLimitPolicy | undefined) ?? connector.rateLimit;
  const ctx: ConnectionContext = { connectionId: conn.id, baseUrl, credentials: conn.credentials, settings: conn.settings, http: undefined as never, signal };
  const observe: HttpClientOptions['observe'] = (call) => reportProviderCall({ provider: conn.provider, connectionId: conn.id, ...call });
  const transport = mutualTls(connector, conn);
  // Unauthenticated, unpaced, over the same transport: what authHeaders uses to obtain a token.
  const bare = createHttpClient({ baseUrl, observe, ...connector.http, ...transport });
  const base = createHttpClient({
    baseUrl,
    authHeaders: () => connector.authHeaders(ctx.credentials, { connectionId: conn.id, baseUrl, settings: conn.settings, http: bare, signal }),
    pacer: pacers.get(conn.id, rateLimit),
    observe,
    ...connector.http,
    ...transport,
  });
  const canRefresh = Boolean(connector.oauth2 && conn.refreshTokens);

  /** `stale` is the token the refused request carried: if it is no longer current, another request already refreshed. */
  const refresh = async (stale: string) => {
    if (ctx.credentials.accessToken !== stale) return;
    let pending = refreshing.get(conn.id);
    if (!pending) {
      pending = conn.refreshTokens!(stale).finally(() => refreshing.delete(conn.id));
      refreshing.set(conn.id, pending);
    }
    ctx.credentials = await pending;
  };

  const authFailed = async (err: AuthError): Promise<never> => {
    await conn.onAuthFailure?.(err.message).catch(() => {});
    throw err;
  };

  const http: HttpClient = {
    async send(req, sig) {
      let used = ctx.credentials.accessToken;
      const startedAt = Date.now();
      try {
        if (canRefresh && expiresSoon(ctx.credentials)) await refresh(used);
        used = ctx.credentials.accessToken;
        return await base.send(req, sig);
      } catch (err) {
        if (!(err instanceof AuthError) || req.raw) throw err;
        // A client-credentials token refused before its expiry (revoked, provider restarted): one fresh token, one more try.
        if (err.status === 401 && forgetClientCredentialsToken(conn.id, startedAt)) {
          try {
            return await base.send(req, sig);
          } catch (again) {
            if (again instanceof AuthError) return authFailed(again);
            throw again;
          }
        }
        if (!canRefresh || err.status === undefined || err.status === 400) return authFailed(err);
        // The token may have been revoked or expired early: one refresh, one more try.
        try {
          await refresh(used);
        } catch (refreshError) {
          if (refreshError instanceof AuthError) return authFailed(new AuthError(`${err.message}. Renewing the token failed: ${refreshError.message}`, { status: err.status }));
          throw refreshError;
        }
        try {
          return await base.send(req, sig);
        } catch (again) {
          if (again instanceof AuthError) return authFailed(again);
          throw again;
        }
      }
    },
  };
  ctx.http = http;
  return { connector, ctx };
}

/** The connection's client certificate, when its connector requires mutual TLS. */
function mutualTls(connector: ConnectorDefinition, conn: OpenableConnection): Pick<HttpClientOptions, 'dispatcher' | 'explainTransportError'> {
  const tls = connector.tls?.(conn.credentials);
  if (!tls) return {};
  // By convention the PEMs live in `certificate`/`privateKey` and a sandbox CA in `caCertificate`.
  const title = (field: string) => `"${connector.credentialSchema.properties[field]?.title ?? field}"`;
  // A connector whose certificate is one PKCS#12 file (SEFAZ's A1) has no separate key field to name.
  const certificateFields = ['certificate', 'privateKey'].filter((f) => connector.credentialSchema.properties[f]).map(title).join(' and ') || title('certificate');
  const target = { tls, provider: connector.name, certificateFields, caField: title('caCertificate') };
  return {
    dispatcher: () => tlsDispatcher(conn.id, tls),
    explainTransportError: (error, url) => explainTlsFailure(error, { ...target, url }),
  };
}

export function readerFor(connector: ConnectorDefinition, entity: EntityName): EntityReader {
  const reader = connector.entities[entity]?.read;
  if (!reader) throw new ConfigError(`${connector.name} cannot read ${entity}`);
  return reader;
}

export function writerFor(connector: ConnectorDefinition, entity: EntityName): EntityWriter {
  const writer = connector.entities[entity]?.write;
  if (!writer) throw new ConfigError(`${connector.name} cannot write ${entity}`);
  return writer;
}
