/**
 * Talking to Shopify's Admin GraphQL API: one endpoint (`POST {base}/graphql.json`), the token
 * in `X-Shopify-Access-Token`, and errors that mostly come back in HTTP 200 — top-level
 * `errors[]` (THROTTLED, ACCESS_DENIED, validation) and `userErrors` inside mutation payloads —
 * so they are classified here, once, for the shared HTTP client.
 */
import { createHttpClient, excerpt, type HttpResponse } from '../http/client';
import { AuthError, ConfigError, Conflict, type ConnectorError, NotFound, RateLimited, Transient, ValidationError } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext } from '../types';

/** Shopify versions are supported for 12 months; 2026-04 has mandatory @idempotent and changeFromQuantity on inventory writes. */
export const API_VERSION = '2026-04';

/** Marks the SKU on a product or customer whose own fields cannot carry it (see `stampSku`). */
export const SKU_TAG_PREFIX = 'ponte-sku:';

export interface Connection<N> {
  nodes: N[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface GraphQLError {
  message: string;
  path?: unknown[];
  extensions?: { code?: string; problems?: Array<{ path?: unknown[]; explanation?: string }>; [k: string]: unknown };
}

interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[] | string | Record<string, unknown>;
  extensions?: { cost?: QueryCost; search?: Array<{ query?: string; warnings?: Array<{ field: string; message: string }> }> };
  error?: string;
  error_description?: string;
}

interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Calls

/** Runs one GraphQL operation and returns its `data`; every Shopify error arrives as a ConnectorError. */
export async function graphql<T>(ctx: ConnectionContext, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  assertStoreUrl(ctx.baseUrl);
  const headers = await tokenHeaders(ctx);
  const res = await ctx.http.send<GraphQLBody>({ method: 'POST', path: '/graphql.json', json: { query, variables }, headers }, ctx.signal);
  return (res.body?.data ?? {}) as T;
}

/**
 * A read made on its own or inside a page (the rest of a product's variants, a record for a
 * webhook): retried in place, so a throttle on it does not throw away what the page already read.
 */
export function graphqlRetrying<T>(ctx: ConnectionContext, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return withInlineRetry(() => graphql<T>(ctx, query, variables), { signal: ctx.signal });
}

/** "Testar conexão": the shop's name, the cheapest authenticated query (1 point), answered raw. */
export async function testConnection(ctx: ConnectionContext): Promise<HttpResponse> {
  assertStoreUrl(ctx.baseUrl);
  let headers: Record<string, string> | undefined;
  if (!ctx.credentials.accessToken) {
    const { clientId, clientSecret } = requireAppCredentials(ctx);
    const res = await requestToken(ctx.baseUrl, clientId, clientSecret, ctx.signal);
    // Shopify's own refusal of the app credentials is the most useful thing to show.
    if (res.status !== 200) return res;
    const token = rememberToken(ctx, res);
    headers = { 'x-shopify-access-token': token };
  }
  return ctx.http.send({ method: 'POST', path: '/graphql.json', json: { query: '{ shop { name myshopifyDomain } }' }, headers, raw: true }, ctx.signal);
}

/** The default base URL holds a `{shop}` placeholder: a connection must name its store. */
function assertStoreUrl(baseUrl: string) {
  if (/[{}]/.test(baseUrl)) throw new ConfigError(`Set the connection's base URL to the store's Admin API, e.g. https://minha-loja.myshopify.com/admin/api/${API_VERSION} (it is "${baseUrl}")`);
}

// ---------------------------------------------------------------------------------------------
// Tokens. A static token (legacy custom app, `shpat_…`) goes out through the connector's
// authHeaders. A Dev Dashboard app (the only kind that can be created since 1 January 2026)
// gets 24-hour tokens with the client credentials grant and no refresh token: Ponte asks for a
// new one before the old one expires. A 401 would mark the connection as failed, so expiry is
// never left to Shopify to report.

interface Token {
  token: string;
  obtainedAt: number;
  expiresAt: number;
}

const tokens = new Map<string, Promise<Token>>();

function tokenKey(ctx: ConnectionContext, clientId: string): string {
  return `${ctx.connectionId}\u0000${ctx.baseUrl}\u0000${clientId}`;
}

function requireAppCredentials(ctx: ConnectionContext): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = ctx.credentials;
  if (!clientId || !clientSecret) throw new ConfigError('Shopify: the connection needs an Admin API access token, or the Client ID and Client secret of the app (Dev Dashboard)');
  return { clientId, clientSecret };
}

/** Renew when a tenth of the lifetime (at most 5 minutes) is left. */
function stillFresh(t: Token, now = Date.now()): boolean {
  const margin = Math.min(300_000, (t.expiresAt - t.obtainedAt) / 10);
  return t.expiresAt - margin > now;
}

async function tokenHeaders(ctx: ConnectionContext): Promise<Record<string, string> | undefined> {
  if (ctx.credentials.accessToken) return undefined;
  return { 'x-shopify-access-token': await clientCredentialsToken(ctx) };
}

async function clientCredentialsToken(ctx: ConnectionContext): Promise<string> {
  const { clientId, clientSecret } = requireAppCredentials(ctx);
  const key = tokenKey(ctx, clientId);
  const cached = tokens.get(key);
  if (cached) {
    const t = await cached.catch(() => null);
    if (t && stillFresh(t)) return t.token;
    // Another request started the renewal while this one waited: share it.
    if (tokens.get(key) !== cached) return clientCredentialsToken(ctx);
  }
  const pending = requestToken(ctx.baseUrl, clientId, clientSecret, ctx.signal).then((res) => {
    if (res.status !== 200) throw tokenRefused(res);
    return tokenOf(res);
  });
  tokens.set(key, pending);
  pending.catch(() => {
    if (tokens.get(key) === pending) tokens.delete(key);
  });
  return (await pending).token;
}

function rememberToken(ctx: ConnectionContext, res: HttpResponse): string {
  const token = tokenOf(res);
  tokens.set(tokenKey(ctx, ctx.credentials.clientId), Promise.resolve(token));
  return token.token;
}

function tokenOf(res: HttpResponse): Token {
  const body = res.body as { access_token?: string; expires_in?: number };
  if (!body?.access_token) throw new Transient(`Shopify's token endpoint answered without an access_token: ${excerpt(res.text)}`);
  const now = Date.now();
  return { token: body.access_token, obtainedAt: now, expiresAt: now + (body.expires_in ?? 86_399) * 1000 };
}

/** Shopify's token endpoint sits outside the versioned API: `https://{shop}.myshopify.com/admin/oauth/access_token`. */
function requestToken(baseUrl: string, clientId: string, clientSecret: string, signal?: AbortSignal): Promise<HttpResponse> {
  const http = createHttpClient({ baseUrl: new URL(baseUrl).origin, describeError: describeShopifyError });
  return http.send({ method: 'POST', path: '/admin/oauth/access_token', form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, raw: true }, signal);
}

function tokenRefused(res: HttpResponse): ConnectorError {
  const why = describeShopifyError(res.body) ?? excerpt(res.text);
  const details = { status: res.status, providerMessage: why };
  if (res.status === 429) return new RateLimited(`Shopify's token endpoint is throttling: ${why}`, 2000, details);
  if (res.status >= 500) return new Transient(`Shopify's token endpoint failed (${res.status}): ${why}`, details);
  return new AuthError(`Shopify refused the app's Client ID and Client secret (${res.status}: ${why}). Check them in the Dev Dashboard and that the app is installed on this store`, details);
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Shopify's error bodies: `{"errors": "…"}`, `{"errors": {"field": ["…"]}}`, `{"errors": [{message}]}`, OAuth `{error, error_description}`. */
export function describeShopifyError(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return excerpt(body);
  const b = body as GraphQLBody;
  if (typeof b.errors === 'string') return b.errors;
  if (Array.isArray(b.errors)) return b.errors.map(explain).join('; ');
  if (b.errors && typeof b.errors === 'object') return Object.entries(b.errors).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; ');
  if (b.error) return [b.error, b.error_description].filter(Boolean).join(': ');
  return undefined;
}

function explain(e: GraphQLError): string {
  const problems = (e.extensions?.problems ?? []).map((p) => [p.path?.join('.'), p.explanation].filter(Boolean).join(': ')).filter(Boolean);
  return problems.length ? `${e.message} (${problems.join('; ')})` : e.message;
}

/**
 * Provider rules before the status-based default. HTTP 429 falls through to the default (it
 * carries Retry-After and pauses the connection's pacer); 401/403 and 5xx likewise.
 */
export function classifyShopifyResponse(res: HttpResponse): ConnectorError | null | undefined {
  const providerMessage = describeShopifyError(res.body);
  const details = { status: res.status, providerMessage };
  // Shopify: 402 Payment Required = the store is frozen or unpaid; 423 Locked = the shop is locked.
  if (res.status === 402) return new ConfigError(`Shopify answered 402 (${providerMessage ?? 'Payment Required'}): the store is frozen or its plan is unpaid; the merchant must settle the Shopify bill`, details);
  if (res.status === 423) return new ConfigError(`Shopify answered 423 (${providerMessage ?? 'Locked'}): the store is locked; the merchant must contact Shopify support`, details);
  // Everything goes to one endpoint, so a 404 is a wrong store address or API version, never a missing record.
  if (res.status === 404) return new ConfigError(`Shopify answered 404: check the store address and API version of the base URL, e.g. https://minha-loja.myshopify.com/admin/api/${API_VERSION}`, details);
  if (res.status !== 200) return undefined;

  const body = res.body as GraphQLBody | undefined;
  if (!body || typeof body !== 'object') return new Transient(`Shopify answered 200 without a GraphQL body: ${excerpt(res.text)}`, details);
  if (Array.isArray(body.errors) && body.errors.length) return fromGraphQLErrors(body.errors, body.extensions?.cost, details);
  const warnings = (body.extensions?.search ?? []).flatMap((s) => (s.warnings ?? []).map((w) => `${w.field}: ${w.message} (query "${s.query}")`));
  // A search filter Shopify did not understand would silently read the wrong records.
  if (warnings.length) return new ConfigError(`Shopify did not understand a search filter Ponte sent: ${warnings.join('; ')}. Check the API version of the base URL`, details);
  const userErrors = collectUserErrors(body.data);
  if (userErrors.length) return fromUserErrors(userErrors, details);
  return null;
}

function fromGraphQLErrors(errors: GraphQLError[], cost: QueryCost | undefined, details: { status: number; providerMessage?: string }): ConnectorError {
  const codes = errors.map((e) => e.extensions?.code);
  const text = errors.map(explain).join('; ');
  if (codes.includes('THROTTLED')) {
    const s = cost?.throttleStatus;
    const what = s ? ` (query cost ${cost?.requestedQueryCost}, ${s.currentlyAvailable} of ${s.maximumAvailable} points available, ${s.restoreRate}/s restored)` : '';
    return new RateLimited(`Shopify throttled the request${what}`, waitForPoints(cost), details);
  }
  if (codes.includes('ACCESS_DENIED'))
    return new AuthError(`Shopify denied access: ${text}. Give the app the access scope named in the message (Dev Dashboard → the app → Versions → Access scopes), then reinstall it on the store`, details);
  if (codes.some((c) => c === 'INTERNAL_SERVER_ERROR' || c === 'SERVICE_UNAVAILABLE' || c === 'TIMEOUT')) return new Transient(`Shopify failed to run the query: ${text}`, details);
  if (codes.includes('MAX_COST_EXCEEDED')) return new ConfigError(`Shopify refused a query as too expensive: ${text}`, details);
  // A variable Shopify refused is about this record's data (a field the mapping made up, an id that is not a Shopify id).
  if (errors.every((e) => e.message.startsWith('Variable $'))) return new ValidationError(`Shopify refused the record: ${text}`, details);
  return new ConfigError(`Shopify refused the query: ${text}. The API version of the base URL may not match ${API_VERSION}`, details);
}

/** Exactly as long as the bucket needs to hold the query again (`(cost - available) / restoreRate`). */
export function waitForPoints(cost: QueryCost | undefined): number {
  const s = cost?.throttleStatus;
  const requested = cost?.requestedQueryCost;
  if (!s || !requested || !(s.restoreRate > 0)) return 1000;
  const deficit = Math.max(0, requested - s.currentlyAvailable);
  return Math.max(100, Math.ceil((deficit / s.restoreRate) * 1000) + 50);
}

function collectUserErrors(data: Record<string, unknown> | null | undefined): Array<UserError & { root: string }> {
  const out: Array<UserError & { root: string }> = [];
  const seen = new Set<string>();
  for (const [root, payload] of Object.entries(data ?? {})) {
    if (!payload || typeof payload !== 'object') continue;
    for (const [key, list] of Object.entries(payload as Record<string, unknown>)) {
      if (!/userErrors$/i.test(key) || !Array.isArray(list)) continue;
      for (const e of list as UserError[]) {
        const id = `${root}|${(e.field ?? []).join('.')}|${e.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ ...e, root });
      }
    }
  }
  return out;
}

/** inventorySetQuantities' compare-and-set refused: the quantity moved between our read and our write. */
export const STALE_QUANTITY = 'CHANGE_FROM_QUANTITY_STALE';

/** userErrors codes that mean the record is gone at Shopify, or a duplicate, or a race worth retrying. */
const NOT_FOUND_CODES = new Set(['PRODUCT_DOES_NOT_EXIST', 'PRODUCT_VARIANT_DOES_NOT_EXIST', 'NOT_FOUND', 'INVALID_INVENTORY_ITEM']);
const CONFLICT_CODES = new Set(['TAKEN', 'HANDLE_NOT_UNIQUE']);

function fromUserErrors(errors: Array<UserError & { root: string }>, details: { status: number }): ConnectorError {
  const list = errors.map((e) => `${e.field?.length ? `${e.field.join('.')}: ` : ''}${e.message}${e.code ? ` (${e.code})` : ''}`).join('; ');
  const message = `Shopify refused ${[...new Set(errors.map((e) => e.root))].join(', ')}: ${list}`;
  const withMessage = { ...details, providerMessage: list };
  // A concurrent request with the same key, or a quantity that changed since it was read: try again.
  if (errors.some((e) => e.code === 'IDEMPOTENCY_CONCURRENT_REQUEST' || e.code === STALE_QUANTITY)) return new Transient(message, withMessage);
  if (errors.some((e) => e.code === 'INVALID_LOCATION')) return new ConfigError(`${message}. Check settings.locationId of the connection`, withMessage);
  if (errors.some((e) => (e.code && NOT_FOUND_CODES.has(e.code)) || /does not exist|could not be found|not found/i.test(e.message))) return new NotFound(message, withMessage);
  if (errors.some((e) => (e.code && CONFLICT_CODES.has(e.code)) || /has already been taken|already in use/i.test(e.message))) return new Conflict(message, withMessage);
  return new ValidationError(message, withMessage);
}

// ---------------------------------------------------------------------------------------------
// Search syntax

/** A value for Shopify's search syntax, quoted so hyphens, spaces and colons stay literal. */
export function searchValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The incremental filter: records changed at or after `since` (whole seconds, as Shopify stores them). */
export function updatedSince(since: string | null): string | null {
  if (!since) return null;
  const iso = new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `updated_at:>=${searchValue(iso)}`;
}

/** The SKU a record was stamped with as a tag, if any. */
export function skuFromTags(tags: unknown): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  const tag = (tags as string[]).find((t) => t.startsWith(SKU_TAG_PREFIX));
  return tag ? tag.slice(SKU_TAG_PREFIX.length) : undefined;
}
