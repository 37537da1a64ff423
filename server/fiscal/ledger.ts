/**
 * The fiscal ledger: numbering and the documents an emit-nf node issued. The number, key and
 * signed XML are written before SEFAZ is called (A1.4.4 of the fiscal notes): whatever happens
 * next, a retry finds them and asks SEFAZ about that key instead of numbering again.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client';
import { type FiscalStatus, fiscalDocuments } from '../db/schema';

export type FiscalDocument = typeof fiscalDocuments.$inferSelect;

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

export async function documentOf(db: Db, scope: { flowId: string; nodeId: string; recordKey: string }): Promise<FiscalDocument | undefined> {
  const [row] = await db
    .select()
    .from(fiscalDocuments)
    .where(and(eq(fiscalDocuments.flowId, scope.flowId), eq(fiscalDocuments.nodeId, scope.nodeId), eq(fiscalDocuments.recordKey, scope.recordKey)));
  return row;
}

/** Stores a signed document; another worker's row for the same order wins (returned instead). */
export async function storeSigned(db: Db, doc: typeof fiscalDocuments.$inferInsert): Promise<{ row: FiscalDocument; stored: boolean }> {
  const [row] = await db
    .insert(fiscalDocuments)
    .values({ ...doc, status: 'signed' })
    .onConflictDoNothing({ target: [fiscalDocuments.flowId, fiscalDocuments.nodeId, fiscalDocuments.recordKey] })
    .returning();
  if (row) return { row, stored: true };
  return { row: (await documentOf(db, doc))!, stored: false };
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
  const conds = [eq(fiscalDocuments.tenantId, tenantId)];
  if (f.status) conds.push(eq(fiscalDocuments.status, f.status));
  if (f.flowId) conds.push(eq(fiscalDocuments.flowId, f.flowId));
  if (f.recordKey) conds.push(eq(fiscalDocuments.recordKey, f.recordKey));
  return db
    .select()
    .from(fiscalDocuments)
    .where(and(...conds))
    .orderBy(desc(fiscalDocuments.id))
    .limit(Math.min(f.limit ?? 100, 500));
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
    .select({ issuerCnpj: fiscalDocuments.issuerCnpj, model: fiscalDocuments.model, environment: fiscalDocuments.environment, series: fiscalDocuments.series, number: fiscalDocuments.number, recordKey: fiscalDocuments.recordKey, cStat: fiscalDocuments.cStat, reason: fiscalDocuments.reason })
    .from(fiscalDocuments)
    .where(and(eq(fiscalDocuments.tenantId, tenantId), inArray(fiscalDocuments.status, ['rejected'])))
    .orderBy(fiscalDocuments.series, fiscalDocuments.number);
}
