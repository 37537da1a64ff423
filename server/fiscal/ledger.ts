/**
 * The fiscal ledger: numbering and the documents an emit-nf node issued. The number, key and
 * signed XML are written before SEFAZ is called (A1.4.4 of the fiscal notes): whatever happens
 * next, a retry finds them and asks SEFAZ about that key instead of numbering again.
 */
import { and, asc, between, desc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client';
import { givenFilters, listLimit } from '../db/lists';
import { type FiscalStatus, fiscalDocuments, fiscalEvents, fiscalNumbering, fiscalVoids } from '../db/schema';

export type FiscalDocument = typeof fiscalDocuments.$inferSelect;
export type FiscalVoid = typeof fiscalVoids.$inferSelect;
export type FiscalEvent = typeof fiscalEvents.$inferSelect;

export interface NumberingKey {
  tenantId: string;
  issuerCnpj: string;
  model: number;
  environment: number;
  series: number;
}

/** The next number of the series, in one atomic statement (several workers may emit at once). */
export async function allocateNumber(db: Db, key: NumberingKey, firstNumber = 1): Promise<number> {
  const [row] = rowsOf<{ number: number }>(
    await db.execute(sql`
      insert into fiscal_numbering (issuer_cnpj, model, environment, series, tenant_id, next_number)
      values (${key.issuerCnpj}, ${key.model}, ${key.environment}, ${key.series}, ${key.tenantId}, ${firstNumber + 1})
      on conflict (issuer_cnpj, model, environment, series) do update set next_number = fiscal_numbering.next_number + 1
      returning next_number - 1 as number`),
  );
  return Number(row.number);
}

/** Which order a note is for: the order of a source connection, for an issuer in an environment; the flow's node for older rows. */
export interface DocumentScope {
  tenantId: string;
  issuerCnpj: string;
  environment: number;
  orderRef: string;
  flowId: string;
  nodeId: string;
  recordKey: string;
}

export const orderRefOf = (sourceConnectionId: string, recordKey: string) => `${sourceConnectionId}:${recordKey}`;

/** The note of an order, whichever flow issued it (or, for a row from before order_ref, this flow's node). */
export async function documentOf(db: Db, scope: DocumentScope): Promise<FiscalDocument | undefined> {
  const [row] = await db
    .select()
    .from(fiscalDocuments)
    .where(
      and(
        eq(fiscalDocuments.tenantId, scope.tenantId),
        eq(fiscalDocuments.issuerCnpj, scope.issuerCnpj),
        eq(fiscalDocuments.environment, scope.environment),
        or(
          eq(fiscalDocuments.orderRef, scope.orderRef),
          and(isNull(fiscalDocuments.orderRef), eq(fiscalDocuments.flowId, scope.flowId), eq(fiscalDocuments.nodeId, scope.nodeId), eq(fiscalDocuments.recordKey, scope.recordKey)),
        ),
      ),
    )
    .orderBy(asc(fiscalDocuments.id))
    .limit(1);
  return row;
}

/**
 * Stores a signed document; another worker's (or another flow's) row for the same order wins and
 * is returned instead. The number this caller drew is then skipped: a gap to void at SEFAZ
 * (POST /api/fiscal/voids), as after any race for the same order.
 */
export async function storeSigned(db: Db, doc: typeof fiscalDocuments.$inferInsert): Promise<{ row: FiscalDocument; stored: boolean }> {
  // Either unique key may be the one met: the order's (order_ref) or, for callers without one, the flow's node.
  const [row] = await db.insert(fiscalDocuments).values({ ...doc, status: 'signed' }).onConflictDoNothing().returning();
  if (row) return { row, stored: true };
  const [existing] = doc.orderRef
    ? await db
        .select()
        .from(fiscalDocuments)
        .where(and(eq(fiscalDocuments.tenantId, doc.tenantId), eq(fiscalDocuments.issuerCnpj, doc.issuerCnpj), eq(fiscalDocuments.environment, doc.environment), eq(fiscalDocuments.orderRef, doc.orderRef)))
    : await db.select().from(fiscalDocuments).where(and(eq(fiscalDocuments.flowId, doc.flowId), eq(fiscalDocuments.nodeId, doc.nodeId), eq(fiscalDocuments.recordKey, doc.recordKey)));
  return { row: existing, stored: false };
}

export async function updateDocument(
  db: Db,
  id: number,
  change: Partial<Pick<FiscalDocument, 'status' | 'cStat' | 'reason' | 'protocol' | 'procXml' | 'xml' | 'accessKey' | 'total' | 'runId' | 'authorizedAt'>> & { attempt?: boolean },
) {
  const { attempt, ...rest } = change;
  await db
    .update(fiscalDocuments)
    .set({ ...rest, ...(attempt ? { attempts: sql`${fiscalDocuments.attempts} + 1` } : {}), updatedAt: new Date() })
    .where(eq(fiscalDocuments.id, id));
}

export async function listDocuments(db: Db, tenantId: string, f: { status?: FiscalStatus; flowId?: string; recordKey?: string; limit?: number } = {}) {
  const conds = [eq(fiscalDocuments.tenantId, tenantId), ...givenFilters([fiscalDocuments.status, f.status], [fiscalDocuments.flowId, f.flowId], [fiscalDocuments.recordKey, f.recordKey])];
  return db
    .select()
    .from(fiscalDocuments)
    .where(and(...conds))
    .orderBy(desc(fiscalDocuments.id))
    .limit(listLimit(f.limit));
}

export async function getDocument(db: Db, tenantId: string, id: number): Promise<FiscalDocument | undefined> {
  const [row] = await db
    .select()
    .from(fiscalDocuments)
    .where(and(eq(fiscalDocuments.tenantId, tenantId), eq(fiscalDocuments.id, id)));
  return row;
}

/**
 * Numbers that will not be authorised as they stand (rejected, denied aside: a denial consumes
 * its number), per series: what the seller asks SEFAZ to void ("inutilizar") if the orders are dropped.
 */
export async function unusedNumbers(db: Db, tenantId: string) {
  return db
    .select({
      documentId: fiscalDocuments.id,
      connectionId: fiscalDocuments.connectionId,
      issuerCnpj: fiscalDocuments.issuerCnpj,
      model: fiscalDocuments.model,
      environment: fiscalDocuments.environment,
      series: fiscalDocuments.series,
      number: fiscalDocuments.number,
      recordKey: fiscalDocuments.recordKey,
      cStat: fiscalDocuments.cStat,
      reason: fiscalDocuments.reason,
    })
    .from(fiscalDocuments)
    .where(and(eq(fiscalDocuments.tenantId, tenantId), inArray(fiscalDocuments.status, ['rejected'])))
    .orderBy(fiscalDocuments.series, fiscalDocuments.number);
}

/** One series of one issuer in one environment: where numbers are drawn and voided. */
export type SeriesKey = Omit<NumberingKey, 'tenantId'>;

/** The account's invoices numbered `from`..`to` in a series. */
const inRange = (tenantId: string, key: SeriesKey, from: number, to: number) => [
  eq(fiscalDocuments.tenantId, tenantId),
  eq(fiscalDocuments.issuerCnpj, key.issuerCnpj),
  eq(fiscalDocuments.model, key.model),
  eq(fiscalDocuments.environment, key.environment),
  eq(fiscalDocuments.series, key.series),
  between(fiscalDocuments.number, from, to),
];

/** The invoices holding numbers `from`..`to` of a series. */
export async function documentsInRange(db: Db, tenantId: string, key: SeriesKey, from: number, to: number): Promise<FiscalDocument[]> {
  return db
    .select()
    .from(fiscalDocuments)
    .where(and(...inRange(tenantId, key, from, to)))
    .orderBy(fiscalDocuments.number);
}

/** The number the series gives next; undefined while Ponte has issued none in it. */
export async function nextNumberOf(db: Db, key: SeriesKey): Promise<number | undefined> {
  const [row] = await db
    .select({ next: fiscalNumbering.nextNumber })
    .from(fiscalNumbering)
    .where(and(eq(fiscalNumbering.issuerCnpj, key.issuerCnpj), eq(fiscalNumbering.model, key.model), eq(fiscalNumbering.environment, key.environment), eq(fiscalNumbering.series, key.series)));
  return row?.next;
}

/** Voidings SEFAZ homologated that share a number with `from`..`to`. */
export async function voidedOverlapping(db: Db, tenantId: string, key: SeriesKey, from: number, to: number): Promise<FiscalVoid[]> {
  return db
    .select()
    .from(fiscalVoids)
    .where(
      and(
        eq(fiscalVoids.tenantId, tenantId),
        eq(fiscalVoids.issuerCnpj, key.issuerCnpj),
        eq(fiscalVoids.model, key.model),
        eq(fiscalVoids.environment, key.environment),
        eq(fiscalVoids.series, key.series),
        eq(fiscalVoids.status, 'voided'),
        lte(fiscalVoids.fromNumber, to),
        gte(fiscalVoids.toNumber, from),
      ),
    );
}

export async function recordVoid(db: Db, row: typeof fiscalVoids.$inferInsert): Promise<FiscalVoid> {
  const [stored] = await db.insert(fiscalVoids).values(row).returning();
  return stored;
}

export async function updateVoid(db: Db, id: number, change: Partial<Pick<FiscalVoid, 'status' | 'cStat' | 'reason' | 'protocol' | 'procXml' | 'doneAt'>>): Promise<FiscalVoid> {
  const [row] = await db
    .update(fiscalVoids)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(fiscalVoids.id, id))
    .returning();
  return row;
}

/**
 * Once SEFAZ voided a range, the rejected invoices in it are `voided`: their numbers leave the
 * list of numbers to void, and the node does not send them again.
 */
export async function markVoided(db: Db, tenantId: string, key: SeriesKey, from: number, to: number): Promise<number[]> {
  const rows = await db
    .update(fiscalDocuments)
    .set({ status: 'voided', updatedAt: new Date() })
    .where(and(...inRange(tenantId, key, from, to), eq(fiscalDocuments.status, 'rejected')))
    .returning({ id: fiscalDocuments.id });
  return rows.map((r) => r.id);
}

export async function listVoids(db: Db, tenantId: string, f: { limit?: number } = {}): Promise<FiscalVoid[]> {
  return db
    .select()
    .from(fiscalVoids)
    .where(eq(fiscalVoids.tenantId, tenantId))
    .orderBy(desc(fiscalVoids.id))
    .limit(listLimit(f.limit));
}

export async function getVoid(db: Db, tenantId: string, id: number): Promise<FiscalVoid | undefined> {
  const [row] = await db
    .select()
    .from(fiscalVoids)
    .where(and(eq(fiscalVoids.tenantId, tenantId), eq(fiscalVoids.id, id)));
  return row;
}

export async function recordEvent(db: Db, row: typeof fiscalEvents.$inferInsert): Promise<FiscalEvent> {
  const [stored] = await db.insert(fiscalEvents).values(row).returning();
  return stored;
}

export async function updateEvent(db: Db, id: number, change: Partial<Pick<FiscalEvent, 'status' | 'cStat' | 'reason' | 'protocol' | 'procXml' | 'doneAt'>>): Promise<FiscalEvent> {
  const [row] = await db
    .update(fiscalEvents)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(fiscalEvents.id, id))
    .returning();
  return row;
}

/** The events registered for these invoices (what a list shows next to a cancelled one). */
export async function registeredEventsOf(db: Db, tenantId: string, documentIds: number[]): Promise<FiscalEvent[]> {
  if (!documentIds.length) return [];
  return db
    .select()
    .from(fiscalEvents)
    .where(and(eq(fiscalEvents.tenantId, tenantId), inArray(fiscalEvents.documentId, documentIds), eq(fiscalEvents.status, 'registered')))
    .orderBy(fiscalEvents.id);
}

export async function getEvent(db: Db, tenantId: string, id: number): Promise<FiscalEvent | undefined> {
  const [row] = await db
    .select()
    .from(fiscalEvents)
    .where(and(eq(fiscalEvents.tenantId, tenantId), eq(fiscalEvents.id, id)));
  return row;
}
