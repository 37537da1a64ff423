/**
 * PostgreSQL (ERP legado): a legacy ERP that keeps its data in a PostgreSQL database, read and
 * written directly. Not an HTTP API: the connection string is a (secret) credential, statements
 * go through one small postgres.js pool per connection, and `ctx.http` is never used.
 *
 * - Reads page by keyset, `(updated_at, key) > (cursor)` ordered by both, never OFFSET: a row
 *   written while a run reads moves to the end of the order instead of shifting the others.
 * - `since` filters on the updated-at column. Creates upsert by key (`insert … on conflict (key)
 *   do update`); updates change the row by key, and upsert it if the ERP deleted it meanwhile.
 *   Both stamp the SKU column, which findBySku reads back.
 * - Every table and column named in the settings is checked against information_schema first;
 *   only names found there are quoted and put into SQL.
 */
import { ConfigError, ConnectorError, ValidationError } from '../http/errors';
import type { HttpResponse } from '../http/client';
import { defineConnector, ENTITIES, type ConnectionContext, type EntityName, type EntitySupport, type SyncRecord, type WriteInput } from '../types';
import { type Column, entitySettings, forgetCatalog, quoteIdent, readSource, type ReadSource, writeTarget } from './entity';
import { classifyPgError } from './errors';
import { poolFor } from './pool';

type Row = Record<string, unknown>;

/** Runs one parameterised statement (extended protocol: one statement, values never in the text). */
async function exec(ctx: ConnectionContext, what: string, text: string, params: unknown[], readOnly = false): Promise<Row[]> {
  const { sql, pacer } = poolFor(ctx);
  await pacer.take(ctx.signal);
  const options = { prepare: true, simple: false };
  try {
    if (readOnly) return (await sql.begin('read only', (tx) => tx.unsafe(text, params as never[], options))) as unknown as Row[];
    const query = sql.unsafe(text, params as never[], options);
    const cancel = () => void query.cancel();
    ctx.signal?.addEventListener('abort', cancel, { once: true });
    try {
      return (await query) as unknown as Row[];
    } finally {
      ctx.signal?.removeEventListener('abort', cancel);
    }
  } catch (err) {
    const error = classifyPgError(err, what);
    // A table changed under us (column dropped, renamed): look at the catalog again next time.
    if (error instanceof ConfigError) forgetCatalog();
    throw error;
  }
}

const CURSOR_U = '__ponte_u';
const CURSOR_K = '__ponte_k';

/** The updated-at expression: NULLs sort first as -infinity, so keyset comparisons never lose them. */
function updatedAtExpr(column: Column): string {
  const q = quoteIdent(column.name);
  return column.nullable ? `coalesce(${q}, '-infinity')` : q;
}

function selectList(src: ReadSource): string {
  if (!src.fields) return '*';
  const names = new Set(src.fields.map(([, column]) => column));
  if (src.sku) names.add(src.sku.name);
  return [...names].map(quoteIdent).join(', ');
}

function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  return value;
}

function toRecord(src: ReadSource, row: Row, key: string): SyncRecord {
  const data: Record<string, unknown> = {};
  if (src.fields) for (const [field, column] of src.fields) data[field] = plain(row[column]);
  else for (const [column, value] of Object.entries(row)) if (column !== CURSOR_U && column !== CURSOR_K) data[column] = plain(value);
  const sku = src.sku ? row[src.sku.name] : undefined;
  return { key, sku: sku === null || sku === undefined || sku === '' ? undefined : String(sku), data };
}

function parseCursor(cursor: string, withUpdatedAt: boolean): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = null;
  }
  const size = withUpdatedAt ? 2 : 1;
  if (!Array.isArray(parsed) || parsed.length !== size || !parsed.every((v) => typeof v === 'string'))
    throw new ConfigError(`The read cursor ${cursor} does not fit the entity's settings (was updatedAtColumn changed during a run?); start the run again`);
  return parsed as string[];
}

async function read(ctx: ConnectionContext, entity: EntityName, cursor: string | null, since: string | null, batchSize: number) {
  const src = await readSource(ctx, entity);
  if (since && !src.updatedAt) throw new ConfigError(`Incremental reads of ${entity} need settings.entities.${entity}.updatedAtColumn: the column that says when a row last changed`);
  if (since && Number.isNaN(Date.parse(since))) throw new ConfigError(`since must be an ISO date-time; got "${since}"`);
  const limit = Math.max(1, Math.min(Math.floor(batchSize) || 500, 10_000));
  const K = quoteIdent(src.key.name);
  const params: unknown[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  let order: string;
  let select = `${selectList(src)}, ${K}::text as ${quoteIdent(CURSOR_K)}`;
  if (src.updatedAt) {
    const U = updatedAtExpr(src.updatedAt);
    select += `, ${U}::text as ${quoteIdent(CURSOR_U)}`;
    order = `${U}, ${K}`;
    if (since) conditions.push(src.updatedAt.kind === 'date' ? `${U} >= cast(${p(since)}::timestamptz as date)` : `${U} >= ${p(since)}::timestamptz`);
    if (cursor) {
      const [u, k] = parseCursor(cursor, true);
      conditions.push(`(${U}, ${K}) > (${p(u)}, ${p(k)})`);
    }
  } else {
    order = K;
    if (cursor) conditions.push(`${K} > ${p(parseCursor(cursor, false)[0])}`);
  }
  const text = `select ${select} from ${src.from}${conditions.length ? ` where ${conditions.join(' and ')}` : ''} order by ${order} limit ${p(limit)}`;
  const rows = await exec(ctx, `reading ${entity} from ${src.label}`, text, params, src.readOnlyTx);
  const records = rows.map((row) => toRecord(src, row, String(row[CURSOR_K])));
  const last = rows[rows.length - 1];
  const nextCursor = rows.length < limit ? null : JSON.stringify(src.updatedAt ? [String(last[CURSOR_U]), String(last[CURSOR_K])] : [String(last[CURSOR_K])]);
  return { records, nextCursor };
}

async function getOne(ctx: ConnectionContext, entity: EntityName, id: string): Promise<SyncRecord | null> {
  const src = await readSource(ctx, entity);
  const K = quoteIdent(src.key.name);
  const rows = await exec(ctx, `reading ${entity} ${id} from ${src.label}`, `select ${selectList(src)}, ${K}::text as ${quoteIdent(CURSOR_K)} from ${src.from} where ${K} = $1 limit 1`, [id], src.readOnlyTx);
  return rows[0] ? toRecord(src, rows[0], String(rows[0][CURSOR_K])) : null;
}

const TRUE = /^(true|t|1|yes|y|sim|s|on)$/i;
const FALSE = /^(false|f|0|no|n|não|nao|off)$/i;

/** A record value as a statement parameter for this column, or a ValidationError naming the field. */
function toParam(value: unknown, column: Column, field: string): unknown {
  if (value === null) return null;
  const refuse = (what: string) => new ValidationError(`Field "${field}" is ${what}, but column "${column.name}" is of type ${column.type}`);
  if (column.kind === 'json') return value;
  if (column.kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
    if (typeof value === 'string' && TRUE.test(value.trim())) return true;
    if (typeof value === 'string' && FALSE.test(value.trim())) return false;
    throw refuse(`${JSON.stringify(value)} (not true or false)`);
  }
  if (Array.isArray(value)) {
    if (column.kind === 'array') return value;
    throw refuse('a list');
  }
  if (typeof value === 'object') throw refuse('an object');
  if (typeof value === 'number' && !Number.isFinite(value)) throw refuse(String(value));
  return value;
}

async function upsert(ctx: ConnectionContext, entity: EntityName, input: WriteInput, externalId?: string): Promise<string> {
  const t = await writeTarget(ctx, entity);
  const values = new Map<string, unknown>();
  for (const [field, value] of Object.entries(input.data)) {
    if (value === undefined) continue;
    const name = t.fieldToColumn.get(field) ?? (t.columns.has(field) ? field : undefined);
    if (!name)
      throw new ConfigError(
        `Field "${field}" has no column in ${t.label}: map it in settings.entities.${entity}.columns or leave it out of the flow's map. Columns: ${[...t.columns.keys()].join(', ')}`,
      );
    const column = t.columns.get(name)!;
    if (column.readOnly && name !== t.key.name) throw new ConfigError(`Field "${field}" goes to column "${name}", which the database generates and cannot be written; leave it out of the flow's map`);
    values.set(name, toParam(value, column, field));
  }
  if (input.sku !== undefined && t.sku) values.set(t.sku.name, input.sku);
  if (externalId !== undefined) values.set(t.key.name, externalId);
  const key = quoteIdent(t.key.name);
  if ((values.get(t.key.name) ?? null) === null) {
    if (!t.key.hasDefault)
      throw new ValidationError(`The record has no value for the key column "${t.key.name}" of ${t.label}, and the column has no default: map a field to it (or make it the SKU column)`);
    values.delete(t.key.name);
  }
  const touch = t.updatedAt && t.touchUpdatedAt && !values.has(t.updatedAt.name) ? quoteIdent(t.updatedAt.name) : null;
  const what = `writing ${entity} to ${t.label}`;

  if (externalId !== undefined) {
    // An update sends only some fields: an INSERT would trip NOT NULL columns it leaves out before
    // ON CONFLICT is considered, so change the row in place, and upsert only if the ERP deleted it.
    const sets = [...values.keys()].filter((c) => c !== t.key.name);
    const params = sets.map((c) => values.get(c));
    const assignments = sets.map((c, i) => `${quoteIdent(c)} = $${i + 1}`);
    if (touch) assignments.push(`${touch} = current_timestamp`);
    if (assignments.length) {
      const rows = await exec(ctx, what, `update ${t.table} set ${assignments.join(', ')} where ${key} = $${params.length + 1} returning ${key}::text as key`, [...params, externalId]);
      if (rows.length) return String(rows[0].key);
    }
  }

  const columns = [...values.keys()];
  const params = [...values.values()];
  const insertColumns = columns.map(quoteIdent);
  const insertValues = params.map((_, i) => `$${i + 1}`);
  const updates = columns.filter((c) => c !== t.key.name).map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
  if (touch) {
    insertColumns.push(touch);
    insertValues.push('current_timestamp');
    updates.push(`${touch} = current_timestamp`);
  }
  if (updates.length === 0) updates.push(`${key} = excluded.${key}`);
  // A GENERATED ALWAYS identity key takes an explicit value only when told to.
  const overriding = t.key.readOnly && values.has(t.key.name) ? ' overriding system value' : '';
  const text = insertColumns.length
    ? `insert into ${t.table} (${insertColumns.join(', ')})${overriding} values (${insertValues.join(', ')}) on conflict (${key}) do update set ${updates.join(', ')} returning ${key}::text as key`
    : `insert into ${t.table} default values returning ${key}::text as key`;
  const rows = await exec(ctx, what, text, params);
  return String(rows[0].key);
}

async function findBySku(ctx: ConnectionContext, entity: EntityName, sku: string): Promise<string | null> {
  const s = entitySettings(ctx, entity);
  if (!s.skuColumn) throw new ConfigError(`Finding ${entity} by SKU needs settings.entities.${entity}.skuColumn: the column that holds the SKU`);
  const t = s.table ? await writeTarget(ctx, entity) : await readSource(ctx, entity);
  const from = 'table' in t ? t.table : t.from;
  const K = quoteIdent(t.key.name);
  const rows = await exec(ctx, `finding ${entity} by SKU in ${t.label}`, `select ${K}::text as key from ${from} where ${quoteIdent(t.sku!.name)} = $1 order by ${K} limit 1`, [sku], !('table' in t));
  return rows[0] ? String(rows[0].key) : null;
}

function support(entity: EntityName): EntitySupport {
  return {
    read: { read: (ctx, req) => read(ctx, entity, req.cursor, req.since, req.batchSize) },
    write: {
      create: async (ctx, input) => ({ externalId: await upsert(ctx, entity, input) }),
      update: async (ctx, externalId, input) => void (await upsert(ctx, entity, input, externalId)),
      findBySku: (ctx, sku) => findBySku(ctx, entity, sku),
    },
    get: (ctx, id) => getOne(ctx, entity, id),
  };
}

/** "Testar conexão": `select 1`, then every configured entity checked against the catalog. */
async function test(ctx: ConnectionContext): Promise<HttpResponse> {
  const started = performance.now();
  const answer = (status: number, body: Record<string, unknown>): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body,
    text: typeof body.error === 'string' ? body.error : JSON.stringify(body, null, 2),
    latencyMs: Math.round(performance.now() - started),
  });
  let server: Row;
  try {
    [server] = await exec(ctx, 'testing the connection', 'select 1 as ok, current_database() as database, current_user as "user", current_setting($1) as "serverVersion"', ['server_version']);
  } catch (err) {
    const e = err instanceof ConnectorError ? err : classifyPgError(err, 'testing the connection');
    // Synthesised statuses so the diagnosis reads right: refused login 401, missing privilege 403, no such database 404.
    if (e.kind === 'AuthError') return answer(e.providerMessage?.startsWith('42501') ? 403 : 401, { error: e.message });
    if (e.kind === 'ConfigError') return answer(e.providerMessage?.startsWith('3D000') ? 404 : 400, { error: e.message });
    throw e; // no answer: shown as unreachable
  }
  const latencyMs = Math.round(performance.now() - started);
  const entities: Record<string, string> = {};
  const configured = Object.keys((ctx.settings.entities ?? {}) as object).filter((e): e is EntityName => (ENTITIES as readonly string[]).includes(e));
  let problems = 0;
  for (const entity of configured) {
    try {
      const src = await readSource(ctx, entity);
      if (entitySettings(ctx, entity).table) await writeTarget(ctx, entity);
      entities[entity] = `ok: ${src.label}`;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      entities[entity] = err.message;
      problems++;
    }
  }
  const body = { ok: 1, database: server.database, user: server.user, serverVersion: server.serverVersion, ...(configured.length ? { entities } : {}) };
  return { ...answer(problems ? 422 : 200, body), latencyMs };
}

export const postgres = defineConnector({
  id: 'postgres',
  role: 'erp',
  name: 'PostgreSQL (ERP legado)',
  description: 'ERP legado num banco PostgreSQL: lê e grava tabelas (ou lê uma consulta SQL) de produtos, estoque, preços, pedidos, clientes e notas.',
  // Not an HTTP API: the address is in the connection string (a secret credential); base URL is unused.
  defaultBaseUrl: 'postgres://',
  credentialSchema: {
    type: 'object',
    required: ['connectionString'],
    properties: {
      connectionString: {
        type: 'string',
        title: 'Connection string',
        description: 'postgres://usuario:senha@servidor:5432/banco (add ?sslmode=require for TLS)',
        secret: true,
      },
    },
  },
  credentialHelp:
    'Peça ao responsável pelo banco do ERP um usuário só para o Ponte, com SELECT nas tabelas que serão lidas e INSERT/UPDATE nas que serão gravadas. ' +
    'Monte a string de conexão assim: postgres://usuario:senha@servidor:5432/nome_do_banco (acrescente ?sslmode=require se o servidor exige TLS). ' +
    'O servidor precisa aceitar conexões do endereço do Ponte (pg_hba.conf e firewall). Depois, em "settings.entities", diga qual tabela guarda cada entidade.',
  // No published limit: the pool (settings.poolSize, default 4 sessions) bounds the load on the
  // ERP's database; settings.rateLimit paces statements if the DBA asks for it.
  rateLimit: {},
  authHeaders: () => ({}),
  entities: Object.fromEntries(ENTITIES.map((e) => [e, support(e)])) as Record<EntityName, EntitySupport>,
  test,
});
