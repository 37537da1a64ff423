/**
 * What every Bling entity shares: the date format of its filters, `pagina`/`limite` lists read
 * until an empty page, one record by id, products found by código (SKU), and the deposit a
 * stock movement goes to.
 */
import type { QueryValue } from '../http/client';
import { ConfigError, NotFound, ValidationError } from '../http/errors';
import { collectBatch, nextPageNumberUntilEmpty } from '../http/pagination';
import type { ConnectionContext, ReadRequest, ReadResult, SyncRecord } from '../types';

/** Bling caps `limite` at 100. */
export const PAGE_LIMIT = 100;

/** Product ids per `GET /estoques/saldos` call. */
export const BALANCE_IDS_PER_CALL = 50;

/** Bling answers lists as `{"data": [...]}` and one record as `{"data": {...}}`. */
export interface BlingEnvelope<T> {
  data?: T;
}

/** A row of `GET /produtos` (the list carries no variations, no stock per deposit). */
export interface BlingProductRow {
  id: number;
  nome: string;
  codigo: string;
  idProdutoPai?: number;
  preco?: number;
  precoCusto?: number;
  tipo?: string;
  situacao?: string;
  formato?: string;
  estoque?: { saldoVirtualTotal?: number };
  [field: string]: unknown;
}

/** ISO time to Bling's "YYYY-MM-DD HH:MM:SS" (Bling works in Brasília time; we send UTC-3). */
export function toBlingDate(iso: string): string {
  const d = new Date(Date.parse(iso) - 3 * 3600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{id: 5}`, `5` or `"5"` as a positive integer id, else undefined. */
export function idOf(value: unknown): number | undefined {
  const raw = isObject(value) ? value.id : value;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A numeric field of a record being written, or a ValidationError naming it. */
export function numberField(data: Record<string, unknown>, field: string, options: { min?: number; fallback?: string[] } = {}): number {
  const names = [field, ...(options.fallback ?? [])];
  const name = names.find((n) => data[n] !== undefined && data[n] !== null && data[n] !== '');
  const value = name === undefined ? undefined : typeof data[name] === 'string' ? Number(data[name]) : data[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError(`Bling needs a numeric "${field}" in the record; got ${JSON.stringify(name === undefined ? undefined : data[name])}`);
  if (options.min !== undefined && value < options.min) throw new ValidationError(`"${field}" must be at least ${options.min}; got ${value}`);
  return value;
}

/** Ids go into paths: refuse anything but digits rather than call a wrong URL. */
export function idPath(id: string): string {
  if (!/^\d+$/.test(id)) throw new ValidationError(`"${id}" is not a Bling id (Bling ids are numbers)`);
  return id;
}

/**
 * Reads a Bling list from `cursor` (a page number) until the batch is full or a page comes back
 * empty. `since` becomes `dataAlteracaoInicial`, which produtos, pedidos/vendas, contatos and
 * produtos/lojas all take. `toRecords` may call Bling again (balances, order details).
 */
export async function readPages<T>(
  ctx: ConnectionContext,
  req: ReadRequest,
  path: string,
  toRecords: (rows: T[]) => SyncRecord[] | Promise<SyncRecord[]>,
  query: Record<string, QueryValue> = {},
): Promise<ReadResult> {
  const start = req.cursor ? Number(req.cursor) : 1;
  const batch = await collectBatch<SyncRecord, number>(
    start,
    req.batchSize,
    async (pagina) => {
      const res = await ctx.http.send<BlingEnvelope<T[]>>(
        { method: 'GET', path, query: { ...query, pagina, limite: PAGE_LIMIT, dataAlteracaoInicial: req.since ? toBlingDate(req.since) : undefined } },
        ctx.signal,
      );
      const rows = res.body?.data ?? [];
      return { items: await toRecords(rows), next: nextPageNumberUntilEmpty(pagina, rows.length) };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
}

/** `GET path` → its `data`, or null when Bling answers 404. */
export async function getOne<T>(ctx: ConnectionContext, path: string, query?: Record<string, QueryValue>): Promise<T | null> {
  try {
    const res = await ctx.http.send<BlingEnvelope<T>>({ method: 'GET', path, query }, ctx.signal);
    return res.body?.data ?? null;
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

/** The first row of a filtered list, or null. */
export async function firstRow<T>(ctx: ConnectionContext, path: string, query: Record<string, QueryValue>, match: (row: T) => boolean = () => true): Promise<T | null> {
  const res = await ctx.http.send<BlingEnvelope<T[]>>({ method: 'GET', path, query: { ...query, pagina: 1, limite: PAGE_LIMIT } }, ctx.signal);
  return (res.body?.data ?? []).find(match) ?? null;
}

/** The product (or variation) whose código is `sku`: `GET /produtos?codigos[]=`. */
export function findProductBySku(ctx: ConnectionContext, sku: string): Promise<BlingProductRow | null> {
  return firstRow<BlingProductRow>(ctx, '/produtos', { 'codigos[]': [sku] }, (p) => p.codigo === sku);
}

/** Like findProductBySku, for writers that need the product: a record-level NotFound when there is none. */
export async function requireProductBySku(ctx: ConnectionContext, sku: string | undefined, what: string): Promise<BlingProductRow> {
  if (!sku) throw new ValidationError(`A ${what} record needs a SKU (the product's código in Bling) to find its product`);
  const product = await findProductBySku(ctx, sku);
  if (!product) throw new NotFound(`Bling has no product with código "${sku}"; create the product first`);
  return product;
}

// The default deposit of an account rarely changes: ask once per connection and process.
const defaultDeposits = new Map<string, Promise<number>>();

/**
 * Where a stock movement goes: the record's `deposito.id`, else the connection's setting
 * `depositoId` or `branch`, else the account's default deposit (`GET /depositos`, `padrao`).
 */
export async function depositFor(ctx: ConnectionContext, data: Record<string, unknown>): Promise<number> {
  const explicit = idOf(data.deposito) ?? idOf(ctx.settings.depositoId) ?? idOf(ctx.settings.branch);
  if (explicit) return explicit;
  const key = `${ctx.connectionId}|${ctx.baseUrl}`;
  let pending = defaultDeposits.get(key);
  if (!pending) {
    pending = (async () => {
      const res = await ctx.http.send<BlingEnvelope<Array<{ id: number; situacao?: number; padrao?: boolean }>>>(
        { method: 'GET', path: '/depositos', query: { pagina: 1, limite: PAGE_LIMIT, situacao: 1 } },
        ctx.signal,
      );
      const list = res.body?.data ?? [];
      const chosen = list.find((d) => d.padrao) ?? list[0];
      if (!chosen) throw new ConfigError('The Bling account has no active deposit; set "depositoId" (or the branch) on the connection');
      return chosen.id;
    })();
    defaultDeposits.set(key, pending);
    pending.catch(() => defaultDeposits.delete(key));
  }
  return pending;
}

export function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A copy of `data` without `keys`. */
export function omit(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...data };
  for (const k of keys) delete out[k];
  return out;
}

/** Digits only, for CPF/CNPJ. */
export function digits(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D+/g, '') : '';
}

/** Bling's error body, in one line: type, description and the fields it names. */
export function describeBlingError(body: unknown): string | undefined {
  const e = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (!e) return undefined;
  const head = [e.type, e.description ?? e.message].filter((x) => typeof x === 'string' && x).join(': ');
  const fields: string[] = [];
  if (Array.isArray(e.fields)) {
    for (const f of e.fields) if (isObject(f)) fields.push([f.element, f.msg].filter((x) => typeof x === 'string' && x).join(': '));
  } else if (isObject(e.fields)) {
    for (const [k, v] of Object.entries(e.fields)) fields.push(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  }
  const named = fields.filter(Boolean);
  return named.length ? `${head} (${named.join('; ')})` : head || undefined;
}
