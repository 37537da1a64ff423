/**
 * HTTP/REST genérico: any JSON API without a dedicated connector, described by settings —
 * per entity the list/get/create/update paths, where the items, id and SKU are in the JSON
 * (dotted paths or JSONata), the pagination style (page number, offset/limit, `next` URL in the
 * body, Link header, cursor token) and the `since` parameter; auth none, Bearer, Basic or an API
 * key in a header or query parameter. Everything goes through the shared HTTP client: pacing,
 * 429/Retry-After, error classification.
 */
import { excerpt, type HttpRequest, type HttpResponse, type QueryValue } from '../http/client';
import { ConfigError, NotFound } from '../http/errors';
import { collectBatch, linkHeaderNext, nextOffset } from '../http/pagination';
import { defineConnector, ENTITIES, type ConnectionContext, type EntityName, type EntitySupport, type SyncRecord, type WriteInput } from '../types';
import { evaluate, setAtPath } from './json-path';
import { authHeaders, authOf, type RestEntitySettings, restEntitySettings } from './settings';

/** Sends through the connection's client, adding the API key when it travels as a query parameter. */
async function send<T = unknown>(ctx: ConnectionContext, req: HttpRequest): Promise<HttpResponse<T>> {
  const auth = authOf(ctx.credentials);
  const query: Record<string, QueryValue> = {};
  let path = req.path;
  const q = path.indexOf('?');
  if (q >= 0) {
    // A next-page URL carries its own query: keep it whole, repeated parameters included.
    const params = new URLSearchParams(path.slice(q + 1));
    for (const key of new Set(params.keys())) {
      const all = params.getAll(key);
      query[key] = all.length > 1 ? all : all[0];
    }
    path = path.slice(0, q);
  }
  Object.assign(query, req.query);
  if (auth.type === 'apiKeyQuery') query[auth.name] = ctx.credentials.apiKey;
  return ctx.http.send<T>({ ...req, path, query }, ctx.signal);
}

/**
 * A next-page URL as a path on the base URL. Pages elsewhere are refused: following them would
 * send the connection's credentials to another server.
 */
function onBase(ctx: ConnectionContext, next: string, current: string, entity: string): string {
  const base = new URL(`${ctx.baseUrl.replace(/\/+$/, '')}/`);
  let url: URL;
  try {
    url = new URL(next, new URL(current.replace(/^\//, ''), base));
  } catch {
    throw new ConfigError(`The API's next-page link for ${entity} is not a URL: "${excerpt(next, 200)}"`);
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  if (url.origin !== base.origin || !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)))
    throw new ConfigError(
      `The API's next page of ${entity} is at ${url.origin}${url.pathname}, outside the connection's base URL ${base.origin}${basePath}; Ponte does not send the credentials there. Fix the base URL`,
    );
  return (url.pathname.slice(basePath.length) || '/') + url.search;
}

const fill = (template: string, id: string) => template.split('{id}').join(encodeURIComponent(id));

async function itemsOf(body: unknown, s: RestEntitySettings, entity: string, req: string): Promise<unknown[]> {
  if (s.itemsPath) {
    const v = await evaluate(s.itemsPath, body, `settings.entities.${entity}.itemsPath`);
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    if (typeof v === 'object') return [v];
    throw new ConfigError(`settings.entities.${entity}.itemsPath "${s.itemsPath}" points at ${typeof v} in the answer to ${req}, not a list of records`);
  }
  if (body === undefined || body === null || body === '') return [];
  if (Array.isArray(body)) return body;
  if (typeof body === 'object') for (const key of ['data', 'items', 'results', 'records']) if (Array.isArray((body as Record<string, unknown>)[key])) return (body as Record<string, unknown[]>)[key];
  throw new ConfigError(`The answer to ${req} has no list of records where Ponte looks (the body, data, items, results, records): set settings.entities.${entity}.itemsPath. It starts: ${excerpt(JSON.stringify(body) ?? '', 200)}`);
}

async function toRecord(item: unknown, s: RestEntitySettings, entity: string): Promise<SyncRecord> {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ConfigError(`A ${entity} item in the answer is ${JSON.stringify(item)}, not a record (object); check settings.entities.${entity}.itemsPath`);
  const id = await evaluate(s.idPath, item, `settings.entities.${entity}.idPath`);
  if (id === undefined || id === null || id === '' || typeof id === 'object')
    throw new ConfigError(`A ${entity} record has no id at "${s.idPath}" (settings.entities.${entity}.idPath): ${excerpt(JSON.stringify(item), 200)}`);
  const sku = s.skuPath ? await evaluate(s.skuPath, item, `settings.entities.${entity}.skuPath`) : undefined;
  return { key: String(id), sku: sku === undefined || sku === null || sku === '' ? undefined : String(sku), data: item as Record<string, unknown> };
}

/** The record in a get/create/update answer: itemPath, else the body or its `data` / envelope object. */
async function itemOf(body: unknown, s: RestEntitySettings, entity: string): Promise<unknown> {
  if (s.itemPath) return evaluate(s.itemPath, body, `settings.entities.${entity}.itemPath`);
  if (body && typeof body === 'object' && !Array.isArray(body) && (await evaluate(s.idPath, body, `settings.entities.${entity}.idPath`)) === undefined) {
    for (const key of [s.bodyEnvelope, 'data']) {
      const inner = key ? (body as Record<string, unknown>)[key] : undefined;
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner;
    }
  }
  return body;
}

function formatSince(since: string, format: RestEntitySettings['sinceFormat']): string | number {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new ConfigError(`since must be an ISO date-time; got "${since}"`);
  if (format === 'epoch') return Math.floor(ms / 1000);
  if (format === 'epochMs') return ms;
  if (format === 'date') return new Date(ms).toISOString().slice(0, 10);
  return new Date(ms).toISOString();
}

/** Where the next provider page is: a page number, an offset, a URL on the base, or a cursor token. */
interface PageState {
  page?: number;
  offset?: number;
  url?: string;
  token?: string;
}

async function read(ctx: ConnectionContext, entity: EntityName, cursor: string | null, since: string | null, batchSize: number) {
  const s = restEntitySettings(ctx, entity);
  const p = s.pagination;
  if (since && !s.sinceParam) throw new ConfigError(`Incremental reads of ${entity} need settings.entities.${entity}.sinceParam: the list parameter that takes "changed since"`);
  let start: PageState = {};
  if (cursor) {
    try {
      start = JSON.parse(cursor) as PageState;
    } catch {
      throw new ConfigError(`The read cursor ${excerpt(cursor, 100)} does not fit the entity's settings; start the run again`);
    }
  }
  const base: Record<string, QueryValue> = { ...s.query };
  if (since && s.sinceParam) base[s.sinceParam] = formatSince(since, s.sinceFormat);
  if (p.sizeParam && p.size) base[p.sizeParam] = p.size;
  let previous: string | null = null;

  const batch = await collectBatch<SyncRecord, PageState>(
    start,
    batchSize,
    async (state) => {
      let path = s.listPath;
      let query: Record<string, QueryValue> = base;
      if (p.style === 'page') query = { ...base, [p.pageParam!]: state.page ?? p.firstPage! };
      else if (p.style === 'offset') query = { ...base, [p.offsetParam!]: state.offset ?? 0, [p.limitParam!]: p.limit! };
      else if (p.style === 'cursor') query = { ...base, [p.cursorParam!]: state.token };
      else if ((p.style === 'next' || p.style === 'link') && state.url) {
        // Follow the API's own link as it is: it already carries the filter and page size.
        path = state.url;
        query = {};
      }
      const label = `GET ${path.split('?')[0]}`;
      const res = await send(ctx, { method: 'GET', path, query });
      const items = await itemsOf(res.body, s, entity, label);
      const records = await Promise.all(items.map((item) => toRecord(item, s, entity)));

      // An API that ignores the page parameter answers the same page forever: stop, and say why.
      const signature = records.length ? `${records.length}:${records[0].key}:${records[records.length - 1].key}` : null;
      if (signature && signature === previous && (p.style === 'page' || p.style === 'offset' || p.style === 'cursor'))
        throw new ConfigError(
          `The API answered the next page of ${entity} with the same records as the page before: it does not understand the ${p.style === 'page' ? `"${p.pageParam}"` : p.style === 'offset' ? `"${p.offsetParam}"` : `"${p.cursorParam}"`} parameter. Check settings.entities.${entity}.pagination`,
        );
      previous = signature;

      let next: PageState | null = null;
      if (records.length > 0) {
        if (p.style === 'page') next = { page: (state.page ?? p.firstPage!) + 1 };
        else if (p.style === 'offset') {
          const offset = state.offset ?? 0;
          const said = p.totalPath ? await evaluate(p.totalPath, res.body, `settings.entities.${entity}.pagination.totalPath`) : undefined;
          // A total the answer does not give (null, missing) must not end the read early.
          const total = typeof said === 'number' || (typeof said === 'string' && said.trim() !== '') ? Number(said) : NaN;
          const after = Number.isFinite(total) ? nextOffset(offset, p.limit!, total, records.length) : offset + records.length;
          next = after === null ? null : { offset: after };
        } else if (p.style === 'cursor') {
          const token = await evaluate(p.cursorPath, res.body, `settings.entities.${entity}.pagination.cursorPath`);
          next = token === undefined || token === null || token === '' || token === false ? null : { token: String(token) };
        } else if (p.style === 'next' || p.style === 'link') {
          const link = p.style === 'next' ? await evaluate(p.nextPath, res.body, `settings.entities.${entity}.pagination.nextPath`) : linkHeaderNext(res.headers.link);
          if (typeof link === 'string' && link) {
            const url = onBase(ctx, link, path, entity);
            if (url === state.url) throw new ConfigError(`The API's next-page link of ${entity} points at the page just read (${url}); it would never end`);
            next = { url };
          }
        }
      }
      return { items: records, next };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : JSON.stringify(batch.next) };
}

function writeBody(s: RestEntitySettings, input: WriteInput): unknown {
  const data = input.sku !== undefined && s.skuField ? setAtPath(input.data, s.skuField, input.sku) : input.data;
  return s.bodyEnvelope ? { [s.bodyEnvelope]: data } : data;
}

async function create(ctx: ConnectionContext, entity: EntityName, input: WriteInput): Promise<{ externalId: string }> {
  const s = restEntitySettings(ctx, entity);
  const res = await send(ctx, { method: s.createMethod, path: s.createPath, json: writeBody(s, input) });
  const item = await itemOf(res.body, s, entity);
  const id = item && typeof item === 'object' ? await evaluate(s.idPath, item, `settings.entities.${entity}.idPath`) : undefined;
  if (id !== undefined && id !== null && id !== '' && typeof id !== 'object') return { externalId: String(id) };
  // 201 Created with a Location header and no body is common too.
  const location = res.headers.location?.split('?')[0].replace(/\/+$/, '');
  if (location) return { externalId: decodeURIComponent(location.slice(location.lastIndexOf('/') + 1)) };
  throw new ConfigError(
    `${s.createMethod} ${s.createPath} created the record but its answer has no id at "${s.idPath}" and no Location header; set settings.entities.${entity}.itemPath/idPath. Answer: ${excerpt(res.text, 200)}`,
  );
}

async function update(ctx: ConnectionContext, entity: EntityName, externalId: string, input: WriteInput): Promise<void> {
  const s = restEntitySettings(ctx, entity);
  await send(ctx, { method: s.updateMethod, path: fill(s.updatePath, externalId), json: writeBody(s, input) });
}

async function getOne(ctx: ConnectionContext, entity: EntityName, id: string): Promise<SyncRecord | null> {
  const s = restEntitySettings(ctx, entity);
  let res: HttpResponse;
  try {
    res = await send(ctx, { method: 'GET', path: fill(s.getPath, id) });
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
  const item = await itemOf(res.body, s, entity);
  return item === undefined || item === null ? null : toRecord(item, s, entity);
}

async function findBySku(ctx: ConnectionContext, entity: EntityName, sku: string): Promise<string | null> {
  const s = restEntitySettings(ctx, entity);
  if (!s.skuQueryParam)
    throw new ConfigError(`Finding ${entity} by SKU needs settings.entities.${entity}.skuQueryParam: the list parameter that filters by SKU (GET ${s.listPath}?sku=…)`);
  const res = await send(ctx, { method: 'GET', path: s.listPath, query: { ...s.query, [s.skuQueryParam]: sku } });
  const records = await Promise.all((await itemsOf(res.body, s, entity, `GET ${s.listPath}`)).map((item) => toRecord(item, s, entity)));
  // Searches are often "contains": only an exact SKU counts.
  const match = s.skuPath ? records.find((r) => r.sku === sku) : records[0];
  return match?.key ?? null;
}

function support(entity: EntityName): EntitySupport {
  return {
    read: { read: (ctx, req) => read(ctx, entity, req.cursor, req.since, req.batchSize) },
    write: {
      create: (ctx, input) => create(ctx, entity, input),
      update: (ctx, id, input) => update(ctx, entity, id, input),
      findBySku: (ctx, sku) => findBySku(ctx, entity, sku),
    },
    get: (ctx, id) => getOne(ctx, entity, id),
  };
}

export const rest = defineConnector({
  id: 'rest',
  role: 'other',
  name: 'HTTP/REST genérico',
  description: 'Qualquer API JSON sem conector próprio: caminhos, paginação, campos e autenticação descritos nas configurações da conexão.',
  defaultBaseUrl: 'https://api.example.com',
  credentialSchema: {
    type: 'object',
    properties: {
      authType: { type: 'string', title: 'Auth type', description: 'none, bearer, basic, apiKeyHeader or apiKeyQuery (guessed from the fields filled when empty)' },
      token: { type: 'string', title: 'Bearer token', secret: true },
      username: { type: 'string', title: 'Username (Basic)' },
      password: { type: 'string', title: 'Password (Basic)', secret: true },
      apiKey: { type: 'string', title: 'API key', secret: true },
      apiKeyName: { type: 'string', title: 'API key header or parameter name', description: 'e.g. X-API-Key (header) or api_key (query parameter)' },
    },
  },
  credentialHelp:
    'Use a credencial que a documentação da API indicar. Token Bearer: preencha "token" (authType "bearer"). Usuário e senha (HTTP Basic): "username" e "password" (authType "basic"). ' +
    'Chave de API: "apiKey", com o nome do cabeçalho (ex.: X-API-Key, authType "apiKeyHeader") ou do parâmetro da URL (ex.: api_key, authType "apiKeyQuery") em "apiKeyName". ' +
    'Sem autenticação: authType "none". Os caminhos, a paginação e os campos de cada entidade ficam em "settings.entities".',
  // No provider to quote: a conservative default; set settings.rateLimit to the API's published limit.
  rateLimit: { requestsPerSecond: 5, burst: 5 },
  authHeaders,
  http: {
    describeError(body) {
      if (!body || typeof body !== 'object') return undefined;
      const b = body as Record<string, unknown>;
      const error = b.error as Record<string, unknown> | string | undefined;
      const message = b.message ?? b.error_description ?? b.detail ?? b.title ?? (typeof error === 'string' ? error : error?.message);
      let errors: string | undefined;
      if (Array.isArray(b.errors))
        errors = b.errors
          .map((e) => (typeof e === 'string' ? e : [(e as Record<string, unknown>).field ?? (e as Record<string, unknown>).path, (e as Record<string, unknown>).message].filter(Boolean).join(': ')))
          .join('; ');
      else if (b.errors && typeof b.errors === 'object')
        errors = Object.entries(b.errors as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
          .join('; ');
      const out = [typeof message === 'string' ? message : undefined, errors].filter(Boolean).join(' — ');
      return out || undefined;
    },
    defaultRetryAfterMs: 1000,
  },
  entities: Object.fromEntries(ENTITIES.map((e) => [e, support(e)])) as Record<EntityName, EntitySupport>,
  /** "Testar conexão": GET settings.testPath, else the first configured entity's list path. */
  async test(ctx) {
    const started = performance.now();
    try {
      authOf(ctx.credentials);
      const entities = (ctx.settings.entities ?? {}) as Record<string, { listPath?: string; query?: Record<string, QueryValue> }>;
      const first = ENTITIES.find((e) => entities[e]);
      const path = (ctx.settings.testPath as string | undefined) ?? (first ? restEntitySettings(ctx, first).listPath : '/');
      return await send(ctx, { method: 'GET', path, query: first && !ctx.settings.testPath ? entities[first].query : undefined, raw: true });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const body = { error: err.message };
      return { status: 400, headers: {}, body, text: err.message, latencyMs: Math.round(performance.now() - started) };
    }
  },
});

