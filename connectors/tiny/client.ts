/**
 * How Tiny API v2 is called and how its answers are read. Written once for every entity:
 *
 * - every method is `POST <base>/<method>` with a form body `token=…&formato=json&…`; records
 *   being written travel as one JSON-encoded form field (`produto`, `pedido`, `estoque`…);
 * - every answer is `{"retorno": {status_processamento, status: "OK"|"Erro", codigo_erro,
 *   erros: [{erro}], …}}`, and errors come with HTTP 200, so `classifyTinyAnswer` reads the
 *   envelope before the status-based default is ever consulted;
 * - lists carry `pagina` and `numero_paginas` and a fixed page size (100) the client cannot choose.
 */
import type { HttpResponse } from '../http/client';
import { AuthError, ConfigError, Conflict, type ConnectorError, NotFound, RateLimited, Transient, ValidationError } from '../http/errors';
import type { ConnectionContext } from '../types';

export interface TinyError {
  erro: string;
}

/** The envelope of every answer. Tiny sends numbers as numbers or as strings depending on the method. */
export interface TinyRetorno {
  status_processamento?: number | string;
  status?: 'OK' | 'Erro' | 'Parcial';
  codigo_erro?: number | string;
  erros?: TinyError[] | TinyError;
  pagina?: number | string;
  numero_paginas?: number | string;
  registros?: TinyRegistro[] | TinyRegistro;
  [field: string]: unknown;
}

/** One outcome of a write (`produto.incluir`, `pedido.incluir`, `produto.atualizar.precos`…). */
export interface TinyRegistro {
  registro: {
    sequencia?: number | string;
    status?: 'OK' | 'Erro';
    codigo_erro?: number | string;
    erros?: TinyError[] | TinyError;
    id?: number | string;
    numero?: number | string;
    [field: string]: unknown;
  };
}

export type TinyParams = Record<string, string | number | undefined | null>;

/** Error codes from Tiny's table "Códigos de erro" (API v2). */
export const TINY_ERROR = {
  tokenMissing: 1,
  tokenInvalid: 2,
  apiBlocked: 5,
  tooManyInLastMinute: 6,
  accountSpaceFull: 7,
  companyBlocked: 8,
  tooManyConcurrent: 11,
  noRecords: 20,
  pageDoesNotExist: 23,
  duplicate: 30,
  validation: 31,
  notFound: 32,
  foundTwice: 33,
  unexpected: 35,
  maintenance: 99,
} as const;

/**
 * Tiny sends no Retry-After. Code 6 means "too many requests in the last minute" (a sliding
 * minute): a slot frees up within seconds when we were pacing close to the plan's limit, so we
 * wait a few seconds rather than the whole minute. Code 11 (too many at once) clears as soon as
 * one in-flight request finishes.
 */
export const RETRY_AFTER_LAST_MINUTE_MS = 5_000;
export const RETRY_AFTER_CONCURRENT_MS = 1_000;

/** Tiny lists 100 records per page on every search method; the client cannot change it. */
export const TINY_PAGE_SIZE = 100;

export function asList<T>(value: T[] | T | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Sends one Tiny method: POST, form-encoded, with the token and `formato=json` Tiny requires. */
export async function callTiny<T extends TinyRetorno = TinyRetorno>(ctx: ConnectionContext, method: string, params: TinyParams = {}): Promise<T> {
  const form: Record<string, string> = { token: ctx.credentials.token ?? '', formato: 'json' };
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) form[key] = String(value);
  const res = await ctx.http.send<{ retorno: T }>({ method: 'POST', path: `/${method}`, form }, ctx.signal);
  return res.body.retorno;
}

/** The first error code of an answer: on the envelope, or on the first refused record of a write. */
export function errorCodeOf(retorno: TinyRetorno): number | undefined {
  if (retorno.codigo_erro !== undefined && retorno.codigo_erro !== '') return Number(retorno.codigo_erro);
  const refused = asList(retorno.registros).find((r) => r.registro?.status === 'Erro');
  return refused?.registro.codigo_erro !== undefined ? Number(refused.registro.codigo_erro) : undefined;
}

/** Tiny's own words: the envelope's `erros`, then those of every refused record. */
export function messagesOf(retorno: TinyRetorno): string[] {
  const messages = asList(retorno.erros).map((e) => e.erro);
  for (const r of asList(retorno.registros)) if (r.registro?.status === 'Erro') messages.push(...asList(r.registro.erros).map((e) => e.erro));
  return messages.filter(Boolean);
}

export function describeTinyError(body: unknown): string | undefined {
  const retorno = (body as { retorno?: TinyRetorno } | undefined)?.retorno;
  if (!retorno || typeof retorno !== 'object') return undefined;
  const code = errorCodeOf(retorno);
  const messages = messagesOf(retorno).join('; ');
  return code !== undefined ? `codigo_erro ${code}: ${messages}` : messages || undefined;
}

/**
 * The `classify` hook: Tiny's errors arrive with HTTP 200, so the envelope decides.
 * `null` accepts the answer, `undefined` leaves non-200 answers to the status-based default.
 */
export function classifyTinyAnswer(res: HttpResponse): ConnectorError | null | undefined {
  if (res.status !== 200) return undefined;
  const retorno = (res.body as { retorno?: TinyRetorno } | undefined)?.retorno;
  if (!retorno || typeof retorno !== 'object') {
    // Tiny answers XML when `formato=json` is missing, and its maintenance page is HTML.
    return new Transient(`Tiny answered without the JSON envelope: ${res.text.slice(0, 200)}`, { status: res.status });
  }
  if (retorno.status !== 'Erro') return null;
  const code = errorCodeOf(retorno);
  const providerMessage = describeTinyError(res.body);
  const details = { status: res.status, providerMessage };
  const message = `Tiny refused the request: ${providerMessage ?? 'no message'}`;
  switch (code) {
    case TINY_ERROR.tokenMissing:
    case TINY_ERROR.tokenInvalid:
    case TINY_ERROR.companyBlocked:
      return new AuthError(message, details);
    case TINY_ERROR.tooManyInLastMinute:
      return new RateLimited(message, RETRY_AFTER_LAST_MINUTE_MS, details);
    case TINY_ERROR.tooManyConcurrent:
      return new RateLimited(message, RETRY_AFTER_CONCURRENT_MS, details);
    // "No records" and "page does not exist" are how Tiny ends a list: the list readers see them.
    case TINY_ERROR.noRecords:
    case TINY_ERROR.pageDoesNotExist:
      return null;
    case TINY_ERROR.duplicate:
    case TINY_ERROR.foundTwice:
      return new Conflict(message, details);
    case TINY_ERROR.notFound:
      return new NotFound(message, details);
    case TINY_ERROR.unexpected:
    case TINY_ERROR.maintenance:
      return new Transient(message, details);
    // The token works but the API (or the extension a method needs) is not enabled for the account.
    case TINY_ERROR.apiBlocked:
    case TINY_ERROR.accountSpaceFull:
      return new ConfigError(message, details);
    default:
      return new ValidationError(message, details);
  }
}

/** True when a list answer is Tiny's "no records" or "page does not exist" (an empty page). */
export function isEmptyList(retorno: TinyRetorno): boolean {
  if (retorno.status !== 'Erro') return false;
  const code = errorCodeOf(retorno);
  return code === TINY_ERROR.noRecords || code === TINY_ERROR.pageDoesNotExist;
}

/** The next `pagina` of a Tiny list, or null after the last (`numero_paginas`). */
export function nextTinyPage(retorno: TinyRetorno, requested: number, itemsOnPage: number): number | null {
  if (itemsOnPage === 0 || isEmptyList(retorno)) return null;
  const current = Number(retorno.pagina ?? requested);
  const total = Number(retorno.numero_paginas ?? current);
  return current < total ? current + 1 : null;
}

/** `work`'s result, or null when Tiny says the record does not exist (código 32). */
export async function unlessNotFound<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

/** The id Tiny gave a record written alone (`registros[0].registro.id`). */
export function writtenId(retorno: TinyRetorno, what: string): string {
  const id = asList(retorno.registros)[0]?.registro?.id;
  if (id === undefined || id === null || id === '') throw new Transient(`Tiny accepted the ${what} but returned no id`);
  return String(id);
}

// Tiny works in Brasília time (UTC-3, no daylight saving since 2019).
const BRASILIA_OFFSET_MS = 3 * 3600_000;

function brasilia(iso: string): { date: string; time: string } {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ConfigError(`Not a date: "${iso}"`);
  const d = new Date(ms - BRASILIA_OFFSET_MS).toISOString();
  return { date: `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`, time: d.slice(11, 19) };
}

/** ISO time to Tiny's `dd/mm/yyyy hh:mm:ss` in Brasília time (dataAtualizacao, dataAlteracao…). */
export function toTinyDateTime(iso: string): string {
  const { date, time } = brasilia(iso);
  return `${date} ${time}`;
}

/** ISO time to Tiny's `dd/mm/yyyy` in Brasília time (dataInicial, data_pedido…). */
export function toTinyDate(iso: string): string {
  return brasilia(iso).date;
}
