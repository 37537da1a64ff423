/**
 * What every Loja Integrada entity shares: the auth header, the error body, Tastypie lists,
 * Brasília-time filters and resource URIs. Plumbing (retry, pacing, pagination) comes from
 * connectors/http; this file only knows Loja Integrada's conventions.
 */
import { AuthError, ConfigError, Conflict, type ConnectorError, NotFound } from '../http/errors';
import type { HttpResponse, QueryValue } from '../http/client';
import { collectBatch, nextTastypieOffset } from '../http/pagination';
import type { ConnectionContext, ReadRequest, ReadResult, SyncRecord } from '../types';

/**
 * Page size for every list. LI documents a maximum of 50 only for `pedido/search` (the old docs
 * said 100) and none for the other lists; 50 is accepted everywhere.
 */
export const PAGE_LIMIT = 50;

export interface TastypieMeta {
  limit: number;
  next: string | null;
  offset: number;
  previous: string | null;
  total_count: number;
}

export interface TastypieList<T> {
  meta: TastypieMeta;
  objects: T[];
}

/**
 * `Authorization: chave_api <store key> aplicacao <integrator key>`. LI also takes them as query
 * parameters (legacy) but the header keeps them out of URLs and logs.
 */
export function liAuthHeaders(credentials: Record<string, string>): Record<string, string> {
  const { chaveApi, chaveAplicacao } = credentials;
  if (!chaveApi || !chaveAplicacao) throw new ConfigError('Loja Integrada needs both the chave de API (chaveApi) and the chave de aplicação (chaveAplicacao)');
  return { authorization: `chave_api ${chaveApi} aplicacao ${chaveAplicacao}` };
}

/** LI's throttle codes (spec "Limites"): which budget ran out. All three are per minute. */
const LIMIT_CODES: Record<number, string> = {
  633: 'limit per store (100 requests/min per chave_api)',
  533: 'limit per application (3,000 requests/min per chave_aplicacao)',
  133: 'limit per IP (1,200 requests/min)',
};

/**
 * LI has no single error schema: Tastypie answers `{"error": "..."}` or `{"error_message": "..."}`,
 * form validation answers `{"<resource>": {"<field>": ["..."]}}`, some endpoints a bare JSON
 * string ("Slug already in use."), the integration endpoints `{"error_response": {...}}`, and
 * a 429 carries the code of the budget that ran out.
 */
export function describeLiError(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const message = firstString(b.error, b.error_message, b.message, b.detail) ?? integrationErrors(b.error_response) ?? fieldErrors(b);
  const code = Number(b.code ?? b.codigo);
  const limit = LIMIT_CODES[code];
  if (limit) return `${message ?? 'too many requests'} (code ${code}: ${limit})`;
  return Number.isFinite(code) && code ? `${message ?? 'error'} (code ${code})` : message;
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.trim()) return v.trim();
  return undefined;
}

/** `{"produto": {"nome": ["Este campo é obrigatório."]}}` → `nome: Este campo é obrigatório.` */
function fieldErrors(body: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const resource of Object.values(body)) {
    if (!resource || typeof resource !== 'object' || Array.isArray(resource)) continue;
    for (const [field, messages] of Object.entries(resource as Record<string, unknown>)) {
      const list = Array.isArray(messages) ? messages : [messages];
      parts.push(`${field}: ${list.filter((m) => typeof m === 'string').join(' ')}`);
    }
  }
  return parts.length ? parts.join('; ') : undefined;
}

function integrationErrors(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const e = value as { general_errors?: Array<{ message?: string }>; validation_errors?: Array<{ message_complete?: string; message?: string }> };
  const parts = [...(e.general_errors ?? []).map((g) => g.message), ...(e.validation_errors ?? []).map((v) => v.message_complete ?? v.message)].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * Provider rules before the status-based default:
 * - 401/403 come with an empty body (Tastypie's default), and an application key is only
 *   accepted from the IPs registered for it: say what to check;
 * - a second product with the same SKU or id_externo is a 400 ("Erro de integridade,
 *   verifique se o SKU ou ID Externo estão duplicados."): a duplicate, not bad content.
 */
export function classifyLiResponse(res: HttpResponse): ConnectorError | undefined {
  if (res.status === 401 || res.status === 403) {
    const providerMessage = describeLiError(res.body);
    return new AuthError(
      `Loja Integrada refused the keys (${res.status}${providerMessage ? `: ${providerMessage}` : ''}). Check the chave de API and the chave de aplicação, and that this server's IP is registered for the application`,
      { status: res.status, providerMessage },
    );
  }
  if (res.status === 400 && /integridade|duplicad/i.test(res.text)) {
    const providerMessage = describeLiError(res.body);
    return new Conflict(`Loja Integrada refused a duplicate: ${providerMessage ?? res.text}`, { status: res.status, providerMessage });
  }
  return undefined;
}

/**
 * LI's date filters take Brasília wall-clock time without an offset (`2023-06-01T08:30:22`
 * on pedido/cliente search, `2023-06-01 08:30:22` on produto). Brazil has no daylight saving
 * since 2019, so UTC-3 all year.
 */
export function toBrasiliaTime(iso: string, separator: 'T' | ' '): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ConfigError(`Not a date: "${iso}"`);
  return new Date(ms - 3 * 3600_000).toISOString().slice(0, 19).replace('T', separator);
}

/** LI links resources by URI (`/api/v1/produto/123`); the id is the last path segment. */
export function idFromUri(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  const m = /\/(\d+)\/?(?:\?.*)?$/.exec(uri);
  return m ? m[1] : undefined;
}

export function productUri(id: string | number): string {
  return `/api/v1/produto/${id}`;
}

/**
 * Reads a Tastypie list (`{meta, objects}`) with limit/offset until the batch is full. The
 * cursor is the next offset. `toRecords` may enrich a page (orders fetch their detail).
 */
export async function readTastypieList<T>(
  ctx: ConnectionContext,
  req: ReadRequest,
  path: string,
  query: Record<string, QueryValue>,
  toRecords: (objects: T[]) => SyncRecord[] | Promise<SyncRecord[]>,
): Promise<ReadResult> {
  const start = req.cursor ? Number(req.cursor) : 0;
  const batch = await collectBatch<SyncRecord, number>(
    start,
    req.batchSize,
    async (offset) => {
      const res = await ctx.http.send<TastypieList<T>>({ method: 'GET', path, query: { ...query, limit: PAGE_LIMIT, offset } }, ctx.signal);
      const objects = res.body?.objects ?? [];
      // The next offset comes from `meta` (the limit LI applied), never from the limit we asked for.
      return { items: await toRecords(objects), next: nextTastypieOffset(res.body?.meta, objects.length) };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
}

/** First object of a Tastypie search, or null. */
export async function findFirst<T>(ctx: ConnectionContext, path: string, query: Record<string, QueryValue>): Promise<T | null> {
  const res = await ctx.http.send<TastypieList<T>>({ method: 'GET', path, query: { ...query, limit: 1 } }, ctx.signal);
  return res.body?.objects?.[0] ?? null;
}

/** GET of one resource; null when LI says 404 (gone or never existed). */
export async function getOrNull<T>(ctx: ConnectionContext, path: string, query?: Record<string, QueryValue>): Promise<T | null> {
  try {
    const res = await ctx.http.send<T>({ method: 'GET', path, query }, ctx.signal);
    return res.body ?? null;
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

/** A path segment from an id that came from outside (a binding, a webhook). */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
