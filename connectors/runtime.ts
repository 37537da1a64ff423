/**
 * Turns a stored connection (decrypted by the caller) into a ready-to-call context: the shared
 * HTTP client with the connector's auth, error parsing and the connection's pacer.
 */
import { createHttpClient } from './http/client';
import { ConfigError } from './http/errors';
import type { PacerRegistry, RateLimitPolicy } from './http/pacing';
import { getConnector } from './registry';
import type { ConnectionContext, ConnectorDefinition, EntityName, EntityReader, EntityWriter } from './types';

export interface OpenableConnection {
  id: string;
  provider: string;
  baseUrl: string | null;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
}

export function connectorFor(provider: string): ConnectorDefinition {
  const connector = getConnector(provider);
  if (!connector) throw new ConfigError(`Unknown provider "${provider}"`);
  return connector;
}

export function openConnection(conn: OpenableConnection, pacers: PacerRegistry, signal?: AbortSignal): { connector: ConnectorDefinition; ctx: ConnectionContext } {
  const connector = connectorFor(conn.provider);
  const baseUrl = conn.baseUrl || connector.defaultBaseUrl;
  const rateLimit = (conn.settings.rateLimit as RateLimitPolicy | undefined) ?? connector.rateLimit;
  const http = createHttpClient({
    baseUrl,
    authHeaders: () => connector.authHeaders(conn.credentials),
    pacer: pacers.get(conn.id, rateLimit),
    ...connector.http,
  });
  return { connector, ctx: { connectionId: conn.id, baseUrl, credentials: conn.credentials, settings: conn.settings, http, signal } };
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
