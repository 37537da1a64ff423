/**
 * De-para (value maps): per connection, a named table that translates one system's codes into
 * the other's ("Correios / SEDEX 10" -> "ECT"), with an optional default. Flows call them from
 * expressions with `$depara(name, value)`; see lookup.ts for how a value is translated.
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { requireConnection, newId } from '../connections/store';
import { recordset } from '../db/bulk';
import type { Db } from '../db/client';
import { connections, valueMapEntries, valueMaps } from '../db/schema';
import { BadInput, ConflictError, NotFoundError } from '../errors';
import { type LoadedConnection, ValueMaps } from './lookup';

/**
 * Names for the fields sellers map most (issue 5). Any name matching NAME_PATTERN works; these
 * are the ones templates and the UI offer first.
 */
export const SUGGESTED_VALUE_MAP_NAMES = ['carrier', 'shipping_service', 'payment_method', 'order_status', 'category', 'unit', 'tax_situation'] as const;

export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const MAX_NAME = 64;
const MAX_LABEL = 200;
const MAX_VALUE = 1000;
export const MAX_ENTRIES = 20_000;

export type ValueMapRow = typeof valueMaps.$inferSelect;

export interface ValueMapEntry {
  from: string;
  to: string;
}

export interface ValueMapInput {
  name: string;
  label?: string | null;
  defaultValue?: string | null;
  entries?: ValueMapEntry[];
}

export type ValueMapPatch = Partial<Omit<ValueMapInput, 'entries'>>;

type Problem = { field: string; message: string };

export function publicValueMap(row: ValueMapRow) {
  return { id: row.id, connectionId: row.connectionId, name: row.name, label: row.label, defaultValue: row.defaultValue, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

// ---------------------------------------------------------------- validation

function checkName(name: unknown, problems: Problem[]) {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.length > MAX_NAME)
    problems.push({
      field: 'name',
      message: `name must start with a lowercase letter and hold only lowercase letters, digits and "_", at most ${MAX_NAME} characters (e.g. ${SUGGESTED_VALUE_MAP_NAMES.slice(0, 3).join(', ')}); got ${JSON.stringify(name)}`,
    });
}

/** A value as stored: trimmed, because a stray space is never a different carrier or status. */
function checkValue(value: unknown, field: string, problems: Problem[]): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    problems.push({ field, message: `${field} must be text; got ${JSON.stringify(value) ?? 'nothing'}` });
    return '';
  }
  const text = String(value).trim();
  if (!text) problems.push({ field, message: `${field} must not be blank` });
  else if (text.length > MAX_VALUE) problems.push({ field, message: `${field} must have at most ${MAX_VALUE} characters` });
  return text;
}

function checkFields(input: ValueMapPatch, problems: Problem[]): ValueMapPatch {
  const out: ValueMapPatch = {};
  if (input.name !== undefined) {
    checkName(input.name, problems);
    out.name = input.name;
  }
  if (input.label !== undefined) {
    if (input.label !== null && (typeof input.label !== 'string' || input.label.length > MAX_LABEL)) problems.push({ field: 'label', message: `label must be text of at most ${MAX_LABEL} characters, or null` });
    out.label = typeof input.label === 'string' ? input.label.trim() || null : null;
  }
  if (input.defaultValue !== undefined) out.defaultValue = input.defaultValue === null ? null : checkValue(input.defaultValue, 'defaultValue', problems);
  return out;
}

function checkEntries(entries: unknown, field: string, problems: Problem[]): ValueMapEntry[] {
  if (!Array.isArray(entries)) {
    problems.push({ field, message: `${field} must be a list of {"from", "to"}` });
    return [];
  }
  if (entries.length > MAX_ENTRIES) problems.push({ field, message: `${field} may hold at most ${MAX_ENTRIES} entries; got ${entries.length}` });
  const seen = new Map<string, number>();
  return entries.map((e, i) => {
    const at = `${field}[${i}]`;
    const entry = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
    const from = checkValue(entry.from, `${at}.from`, problems);
    const to = checkValue(entry.to, `${at}.to`, problems);
    const first = seen.get(from);
    if (from && first !== undefined) problems.push({ field: `${at}.from`, message: `${at}.from "${from}" repeats ${field}[${first}].from: each value may have one translation` });
    else seen.set(from, i);
    return { from, to };
  });
}

function refuse(problems: Problem[]) {
  if (problems.length) throw new BadInput(problems);
}

const duplicateName = (name: string) => new ConflictError(`This connection already has a de-para named "${name}"; pick another name or change that one`);

// ---------------------------------------------------------------- maps

export async function createValueMap(db: Db, tenantId: string, connectionId: string, input: ValueMapInput) {
  await requireConnection(db, tenantId, connectionId);
  const problems: Problem[] = [];
  if (input.name === undefined) problems.push({ field: 'name', message: 'name is required: expressions call the map by it, e.g. $depara("carrier", …)' });
  const fields = checkFields(input, problems);
  const entries = input.entries === undefined ? [] : checkEntries(input.entries, 'entries', problems);
  refuse(problems);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [row] = await tx
      .insert(valueMaps)
      .values({ id: newId('vmap'), tenantId, connectionId, name: input.name, label: fields.label ?? null, defaultValue: fields.defaultValue ?? null })
      .onConflictDoNothing({ target: [valueMaps.connectionId, valueMaps.name] })
      .returning();
    if (!row) throw duplicateName(input.name);
    await insertEntries(tx, tenantId, row.id, entries);
    return { ...publicValueMap(row), entries: await entriesOf(tx, row.id) };
  });
}

export async function listValueMaps(db: Db, tenantId: string, connectionId: string) {
  await requireConnection(db, tenantId, connectionId);
  const rows = await db
    .select({ map: valueMaps, entryCount: count(valueMapEntries.id) })
    .from(valueMaps)
    .leftJoin(valueMapEntries, eq(valueMapEntries.mapId, valueMaps.id))
    .where(and(eq(valueMaps.tenantId, tenantId), eq(valueMaps.connectionId, connectionId)))
    .groupBy(valueMaps.id)
    .orderBy(asc(valueMaps.name));
  return rows.map((r) => ({ ...publicValueMap(r.map), entryCount: Number(r.entryCount) }));
}

async function requireValueMap(db: Db, tenantId: string, id: string): Promise<ValueMapRow> {
  const [row] = await db.select().from(valueMaps).where(and(eq(valueMaps.tenantId, tenantId), eq(valueMaps.id, id)));
  if (!row) throw new NotFoundError(`De-para "${id}" not found`);
  return row;
}

async function entriesOf(db: Db, mapId: string): Promise<ValueMapEntry[]> {
  const rows = await db
    .select({ from: valueMapEntries.sourceValue, to: valueMapEntries.targetValue })
    .from(valueMapEntries)
    .where(eq(valueMapEntries.mapId, mapId))
    .orderBy(asc(valueMapEntries.sourceValue));
  return rows;
}

export async function getValueMap(db: Db, tenantId: string, id: string) {
  const row = await requireValueMap(db, tenantId, id);
  return { ...publicValueMap(row), entries: await entriesOf(db, row.id) };
}

export async function updateValueMap(db: Db, tenantId: string, id: string, patch: ValueMapPatch) {
  const current = await requireValueMap(db, tenantId, id);
  const problems: Problem[] = [];
  const fields = checkFields(patch, problems);
  refuse(problems);
  if (fields.name !== undefined && fields.name !== current.name) {
    const [taken] = await db
      .select({ id: valueMaps.id })
      .from(valueMaps)
      .where(and(eq(valueMaps.connectionId, current.connectionId), eq(valueMaps.name, fields.name)));
    if (taken) throw duplicateName(fields.name);
  }
  let row: ValueMapRow;
  try {
    [row] = await db
      .update(valueMaps)
      .set({ ...fields, updatedAt: new Date() })
      .where(and(eq(valueMaps.tenantId, tenantId), eq(valueMaps.id, id)))
      .returning();
  } catch (err) {
    // Two renames to one name at once: the unique index decides.
    if (fields.name !== undefined && isUniqueViolation(err)) throw duplicateName(fields.name);
    throw err;
  }
  return { ...publicValueMap(row), entries: await entriesOf(db, id) };
}

export async function deleteValueMap(db: Db, tenantId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(valueMaps)
    .where(and(eq(valueMaps.tenantId, tenantId), eq(valueMaps.id, id)))
    .returning({ id: valueMaps.id });
  if (!deleted.length) throw new NotFoundError(`De-para "${id}" not found`);
}

// ---------------------------------------------------------------- entries

async function insertEntries(tx: Db, tenantId: string, mapId: string, entries: ValueMapEntry[]) {
  if (!entries.length) return;
  await tx.execute(sql`
    insert into value_map_entries (tenant_id, map_id, source_value, target_value)
    select ${tenantId}, ${mapId}, r.source_value, r.target_value
    from ${recordset(
      entries.map((e) => ({ source_value: e.from, target_value: e.to })),
      { source_value: 'text', target_value: 'text' },
    )}`);
}

const touch = (tx: Db, mapId: string) => tx.update(valueMaps).set({ updatedAt: new Date() }).where(eq(valueMaps.id, mapId));

/** Replaces every entry of a map with the list given (an empty list empties the map). */
export async function replaceEntries(db: Db, tenantId: string, id: string, entries: unknown) {
  const row = await requireValueMap(db, tenantId, id);
  const problems: Problem[] = [];
  const checked = checkEntries(entries, 'entries', problems);
  refuse(problems);
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx.delete(valueMapEntries).where(eq(valueMapEntries.mapId, row.id));
    await insertEntries(tx, tenantId, row.id, checked);
    await touch(tx, row.id);
  });
  return getValueMap(db, tenantId, id);
}

/** Adds or changes the translation of one value. */
export async function putEntry(db: Db, tenantId: string, id: string, from: string, to: unknown) {
  const row = await requireValueMap(db, tenantId, id);
  const problems: Problem[] = [];
  const source = checkValue(from, 'from', problems);
  const target = checkValue(to, 'to', problems);
  refuse(problems);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [existing] = await tx
      .select({ id: valueMapEntries.id })
      .from(valueMapEntries)
      .where(and(eq(valueMapEntries.mapId, row.id), eq(valueMapEntries.sourceValue, source)));
    await tx
      .insert(valueMapEntries)
      .values({ tenantId, mapId: row.id, sourceValue: source, targetValue: target })
      .onConflictDoUpdate({ target: [valueMapEntries.mapId, valueMapEntries.sourceValue], set: { targetValue: target } });
    await touch(tx, row.id);
    return { from: source, to: target, created: !existing };
  });
}

export async function deleteEntry(db: Db, tenantId: string, id: string, from: string): Promise<void> {
  const row = await requireValueMap(db, tenantId, id);
  const source = from.trim();
  const deleted = await db
    .delete(valueMapEntries)
    .where(and(eq(valueMapEntries.mapId, row.id), eq(valueMapEntries.sourceValue, source)))
    .returning({ id: valueMapEntries.id });
  if (!deleted.length) throw new NotFoundError(`De-para "${row.name}" has no entry for "${source}"`);
  await touch(db, row.id);
}

// ---------------------------------------------------------------- run time

/**
 * Every map of these connections with all its entries, in one query, searched in the order
 * given (see ValueMaps). Connections are listed even without maps, so a missing map can be
 * reported with the names a person knows them by.
 */
export async function loadValueMaps(db: Db, tenantId: string, connectionIds: string[]): Promise<ValueMaps> {
  const ids = [...new Set(connectionIds)];
  if (!ids.length) return ValueMaps.none();
  const rows = await db
    .select({
      connectionId: connections.id,
      connectionName: connections.name,
      mapName: valueMaps.name,
      defaultValue: valueMaps.defaultValue,
      from: valueMapEntries.sourceValue,
      to: valueMapEntries.targetValue,
    })
    .from(connections)
    .leftJoin(valueMaps, and(eq(valueMaps.connectionId, connections.id), eq(valueMaps.tenantId, connections.tenantId)))
    .leftJoin(valueMapEntries, eq(valueMapEntries.mapId, valueMaps.id))
    .where(and(eq(connections.tenantId, tenantId), inArray(connections.id, ids)));
  const byId = new Map<string, LoadedConnection>();
  for (const r of rows) {
    let conn = byId.get(r.connectionId);
    if (!conn) byId.set(r.connectionId, (conn = { id: r.connectionId, name: r.connectionName, maps: new Map() }));
    if (r.mapName === null) continue;
    let map = conn.maps.get(r.mapName);
    if (!map) conn.maps.set(r.mapName, (map = { name: r.mapName, defaultValue: r.defaultValue, entries: new Map() }));
    if (r.from !== null && r.to !== null) map.entries.set(r.from, r.to);
  }
  return new ValueMaps(ids.map((id) => byId.get(id)).filter((c): c is LoadedConnection => c !== undefined));
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}
