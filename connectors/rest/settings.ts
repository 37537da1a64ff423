/**
 * Settings of the generic REST connector: how each entity maps onto the API's paths and JSON,
 * checked when used, each problem named by its setting. Auth lives in the credentials (the
 * connector's authHeaders sees only those).
 */
import { ConfigError } from '../http/errors';
import type { ConnectionContext } from '../types';
import { checkPath, isDottedPath } from './json-path';

export const PAGINATION_STYLES = ['page', 'offset', 'next', 'link', 'cursor', 'none'] as const;
export type PaginationStyle = (typeof PAGINATION_STYLES)[number];

export interface Pagination {
  style: PaginationStyle;
  /** page: the page number's query parameter (default `page`) and the first page (default 1). */
  pageParam?: string;
  firstPage?: number;
  /** page, link, next, cursor: the page-size parameter and size (e.g. `per_page`, 100). */
  sizeParam?: string;
  size?: number;
  /** offset: parameter names (default `offset` / `limit`), page size (default 100), and where the total is, if the API says. */
  offsetParam?: string;
  limitParam?: string;
  limit?: number;
  totalPath?: string;
  /** next: where the next page's URL is in the body (default `next`). */
  nextPath?: string;
  /** cursor: where the next cursor token is in the body, and the parameter that sends it back. */
  cursorPath?: string;
  cursorParam?: string;
}

export interface RestEntitySettings {
  listPath: string;
  getPath: string;
  createPath: string;
  createMethod: 'POST' | 'PUT';
  updatePath: string;
  updateMethod: 'PUT' | 'PATCH' | 'POST';
  /** The items array in a list answer; unset: the body if it is an array, else its `data`/`items`/`results`. */
  itemsPath?: string;
  /** The record in a get/create/update answer; unset: the body (or its `data` object). */
  itemPath?: string;
  idPath: string;
  skuPath?: string;
  /** Where writes put the SKU (dotted path); defaults to skuPath when that is a dotted path. */
  skuField?: string;
  /** findBySku: GET listPath?<skuQueryParam>=<sku>. */
  skuQueryParam?: string;
  /** Wraps write bodies: `{"<bodyEnvelope>": data}` (e.g. `product`). */
  bodyEnvelope?: string;
  /** Fixed query parameters of every list request (e.g. `{"status": "active"}`). */
  query: Record<string, string | number | boolean>;
  pagination: Pagination;
  /** Incremental reads send `since` in this parameter. */
  sinceParam?: string;
  sinceFormat: 'iso' | 'epoch' | 'epochMs' | 'date';
}

const where = (entity: string, key: string) => `settings.entities.${entity}.${key}`;

function text(s: Record<string, unknown>, key: string, entity: string): string | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v.trim()) throw new ConfigError(`${where(entity, key)} must be a non-empty text`);
  return v.trim();
}

function path(s: Record<string, unknown>, key: string, entity: string, fallback?: string): string | undefined {
  const v = text(s, key, entity) ?? fallback;
  if (v !== undefined && !v.startsWith('/')) throw new ConfigError(`${where(entity, key)} must start with "/" (it is added to the base URL), e.g. "/products"; got "${v}"`);
  if (v !== undefined && /^\/\//.test(v)) throw new ConfigError(`${where(entity, key)} must be a path on the base URL, not another address; got "${v}"`);
  return v;
}

function oneOf<T extends string>(s: Record<string, unknown>, key: string, entity: string, allowed: readonly T[], fallback: T): T {
  if (s[key] === undefined) return fallback;
  const match = allowed.find((a) => a.toLowerCase() === String(s[key]).toLowerCase());
  if (!match) throw new ConfigError(`${where(entity, key)} must be one of ${allowed.join(', ')}; got "${String(s[key])}"`);
  return match;
}

function positive(v: unknown, setting: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ConfigError(`${setting} must be a whole number; got ${JSON.stringify(v)}`);
  return v;
}

export function restEntitySettings(ctx: ConnectionContext, entity: string): RestEntitySettings {
  const all = (ctx.settings.entities ?? {}) as Record<string, unknown>;
  const raw = all[entity];
  if (!raw || typeof raw !== 'object') {
    const configured = Object.keys(all);
    throw new ConfigError(`settings.entities.${entity} is not set: tell Ponte the API's paths for ${entity}, e.g. {"listPath": "/products"}${configured.length ? `. Configured: ${configured.join(', ')}` : ''}`);
  }
  const s = raw as Record<string, unknown>;
  const listPath = path(s, 'listPath', entity);
  if (!listPath) throw new ConfigError(`${where(entity, 'listPath')} is required, e.g. "/products"`);
  const getPath = path(s, 'getPath', entity, `${listPath.replace(/\/+$/, '')}/{id}`)!;
  for (const key of ['getPath', 'updatePath'] as const)
    if (s[key] !== undefined && !String(s[key]).includes('{id}')) throw new ConfigError(`${where(entity, key)} must hold {id} where the record's id goes, e.g. "/products/{id}"`);

  const p = (s.pagination ?? { style: 'page' }) as Record<string, unknown>;
  if (typeof p !== 'object' || p === null) throw new ConfigError(`${where(entity, 'pagination')} must be an object like {"style": "page", "pageParam": "page"}`);
  const style = oneOf(p, 'style', `${entity}.pagination`, PAGINATION_STYLES, 'page');
  const pagination: Pagination = {
    style,
    pageParam: text(p, 'pageParam', `${entity}.pagination`) ?? 'page',
    firstPage: positive(p.firstPage, where(entity, 'pagination.firstPage')) ?? 1,
    sizeParam: text(p, 'sizeParam', `${entity}.pagination`),
    size: positive(p.size, where(entity, 'pagination.size')),
    offsetParam: text(p, 'offsetParam', `${entity}.pagination`) ?? 'offset',
    limitParam: text(p, 'limitParam', `${entity}.pagination`) ?? 'limit',
    limit: positive(p.limit, where(entity, 'pagination.limit')) ?? 100,
    totalPath: text(p, 'totalPath', `${entity}.pagination`),
    nextPath: text(p, 'nextPath', `${entity}.pagination`) ?? 'next',
    cursorPath: text(p, 'cursorPath', `${entity}.pagination`),
    cursorParam: text(p, 'cursorParam', `${entity}.pagination`),
  };
  if (pagination.size !== undefined && !pagination.sizeParam) throw new ConfigError(`${where(entity, 'pagination.sizeParam')} is required with pagination.size: the parameter that asks for ${pagination.size} per page`);
  if (style === 'cursor' && (!pagination.cursorPath || !pagination.cursorParam))
    throw new ConfigError(`${where(entity, 'pagination')} with style "cursor" needs cursorPath (where the token is in the answer) and cursorParam (the parameter that sends it back)`);
  checkPath(pagination.totalPath, where(entity, 'pagination.totalPath'));
  checkPath(pagination.nextPath, where(entity, 'pagination.nextPath'));
  checkPath(pagination.cursorPath, where(entity, 'pagination.cursorPath'));

  const query = (s.query ?? {}) as Record<string, string | number | boolean>;
  if (typeof query !== 'object' || Array.isArray(query) || Object.values(query).some((v) => !['string', 'number', 'boolean'].includes(typeof v)))
    throw new ConfigError(`${where(entity, 'query')} must be an object of fixed parameters, e.g. {"status": "active"}`);

  const skuPath = text(s, 'skuPath', entity);
  const skuField = text(s, 'skuField', entity) ?? (skuPath && isDottedPath(skuPath) ? skuPath : undefined);
  if (skuField && !isDottedPath(skuField)) throw new ConfigError(`${where(entity, 'skuField')} must be a dotted path like "sku" or "attributes.sku"; got "${skuField}"`);
  const settings: RestEntitySettings = {
    listPath,
    getPath,
    createPath: path(s, 'createPath', entity, listPath)!,
    createMethod: oneOf(s, 'createMethod', entity, ['POST', 'PUT'] as const, 'POST'),
    updatePath: path(s, 'updatePath', entity, getPath)!,
    updateMethod: oneOf(s, 'updateMethod', entity, ['PUT', 'PATCH', 'POST'] as const, 'PUT'),
    itemsPath: text(s, 'itemsPath', entity),
    itemPath: text(s, 'itemPath', entity),
    idPath: text(s, 'idPath', entity) ?? 'id',
    skuPath,
    skuField,
    skuQueryParam: text(s, 'skuQueryParam', entity),
    bodyEnvelope: text(s, 'bodyEnvelope', entity),
    query,
    pagination,
    sinceParam: text(s, 'sinceParam', entity),
    sinceFormat: oneOf(s, 'sinceFormat', entity, ['iso', 'epoch', 'epochMs', 'date'] as const, 'iso'),
  };
  for (const key of ['itemsPath', 'itemPath', 'idPath', 'skuPath'] as const) checkPath(settings[key], where(entity, key));
  return settings;
}

export const AUTH_TYPES = ['none', 'bearer', 'basic', 'apiKeyHeader', 'apiKeyQuery'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** The auth in use: `authType` when set, else guessed from which credentials are filled. */
export function authOf(credentials: Record<string, string>): { type: AuthType; name: string } {
  const declared = credentials.authType?.trim();
  let type: AuthType;
  if (declared) {
    const match = AUTH_TYPES.find((t) => t.toLowerCase() === declared.toLowerCase());
    if (!match) throw new ConfigError(`credentials.authType must be one of ${AUTH_TYPES.join(', ')}; got "${declared}"`);
    type = match;
  } else type = credentials.token ? 'bearer' : credentials.username ? 'basic' : credentials.apiKey ? 'apiKeyHeader' : 'none';
  const name = credentials.apiKeyName?.trim() || (type === 'apiKeyQuery' ? 'api_key' : 'X-API-Key');
  if (type === 'bearer' && !credentials.token) throw new ConfigError('credentials.token is required with authType "bearer"');
  if (type === 'basic' && !credentials.username) throw new ConfigError('credentials.username (and password) are required with authType "basic"');
  if ((type === 'apiKeyHeader' || type === 'apiKeyQuery') && !credentials.apiKey) throw new ConfigError(`credentials.apiKey is required with authType "${type}"`);
  return { type, name };
}

export function authHeaders(credentials: Record<string, string>): Record<string, string> {
  const auth = authOf(credentials);
  if (auth.type === 'bearer') return { authorization: `Bearer ${credentials.token}` };
  if (auth.type === 'basic') return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}` };
  if (auth.type === 'apiKeyHeader') return { [auth.name.toLowerCase()]: credentials.apiKey };
  return {};
}
