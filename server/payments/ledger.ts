/**
 * The ledgers behind charge and settle nodes. A charge is claimed with its reference before the
 * provider is called, so every retry asks for the same charge; a payment is claimed before the
 * ERP is told, so a payment notified twice (or read again by a reprocess) is settled once.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { givenFilters, listLimit } from '../db/lists';
import { type ChargeStatus, charges, settlements } from '../db/schema';

export type ChargeKind = (typeof charges.$inferSelect)['kind'];
export type ChargeRow = typeof charges.$inferSelect;
export type SettlementRow = typeof settlements.$inferSelect;

/**
 * The charge's id at the provider, derived from what it is for — the order (its source and key),
 * the kind and the PSP or bank — so neither a retry nor a second flow can mint another: API Pix
 * txid 26-35 letters and digits; Pix static txid at most 25; Inter's seuNumero at most 15.
 */
export function chargeReference(order: { tenantId: string; sourceConnectionId: string; recordKey: string }, kind: ChargeKind, connectionId: string | null): string {
  const digest = createHash('sha256')
    .update([order.tenantId, order.sourceConnectionId, order.recordKey, kind, connectionId ?? 'static'].join('\u0000'))
    .digest('hex');
  const length = kind === 'boleto' ? 15 : kind === 'pix-static' ? 25 : 32;
  return `PNT${digest}`.slice(0, length).toUpperCase();
}

export interface ChargeScope {
  tenantId: string;
  flowId: string;
  nodeId: string;
  recordKey: string;
  sourceConnectionId: string;
  runId: string;
}

/** The order's charge: a fresh claim (`created: true`), or the one an earlier run (of any flow) made. */
export async function claimCharge(db: Db, scope: ChargeScope, input: { connectionId: string | null; kind: ChargeKind; amount: string }): Promise<{ row: ChargeRow; created: boolean }> {
  const reference = chargeReference(scope, input.kind, input.connectionId);
  const [row] = await db
    .insert(charges)
    .values({ ...scope, connectionId: input.connectionId, kind: input.kind, reference, amount: input.amount })
    .onConflictDoNothing({ target: [charges.tenantId, charges.reference] })
    .returning();
  if (row) return { row, created: true };
  return { row: (await chargeByReference(db, scope.tenantId, reference))!, created: false };
}

export async function recordCharge(db: Db, id: number, change: { status: ChargeStatus; providerId?: string | null; details?: Record<string, unknown>; error?: string | null; runId?: string }) {
  await db
    .update(charges)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(charges.id, id));
}

export async function chargeByReference(db: Db, tenantId: string, reference: string): Promise<ChargeRow | undefined> {
  const [row] = await db.select().from(charges).where(and(eq(charges.tenantId, tenantId), eq(charges.reference, reference)));
  return row;
}

/**
 * How long a claim in `settling` belongs to the run that made it. Within it, another run (a second
 * flow listening to the same PSP, a reprocess) leaves the payment to that run; after it, the claim
 * is taken over (that run died between the ERP and the ledger).
 */
export const SETTLEMENT_LEASE_MS = 2 * 60_000;

/**
 * Claims a payment for settlement: `settle` when this run should tell the ERP (a fresh claim, its
 * own unfinished one — an activity retry — or one whose lease ran out: `retry`, it may have
 * landed), or the state that makes it someone else's: done, or being settled by another run now.
 */
export async function claimSettlement(
  db: Db,
  input: { tenantId: string; paymentConnectionId: string; paymentId: string; reference: string; chargeId: number | null; erpConnectionId: string; amount: string; runId: string },
): Promise<{ settle: true; row: SettlementRow; retry: boolean } | { settle: false; row: SettlementRow; inFlight: boolean }> {
  const [row] = await db.insert(settlements).values(input).onConflictDoNothing({ target: [settlements.paymentConnectionId, settlements.paymentId] }).returning();
  if (row) return { settle: true, row, retry: false };
  const key = and(eq(settlements.paymentConnectionId, input.paymentConnectionId), eq(settlements.paymentId, input.paymentId));
  const [existing] = await db.select().from(settlements).where(key);
  if (existing.status !== 'settling' && existing.status !== 'failed') return { settle: false, row: existing, inFlight: false };
  // Taken over in one conditional update: of two runs racing for a stale claim, one wins.
  const staleBefore = new Date(Date.now() - SETTLEMENT_LEASE_MS).toISOString();
  const [taken] = await db
    .update(settlements)
    .set({ runId: input.runId, status: 'settling', updatedAt: new Date() })
    .where(
      and(
        key,
        eq(settlements.status, existing.status),
        existing.status === 'settling' ? sql`(${settlements.runId} = ${input.runId} or ${settlements.updatedAt} < ${staleBefore}::timestamptz)` : sql`true`,
      ),
    )
    .returning();
  if (!taken) return { settle: false, row: existing, inFlight: true };
  return { settle: true, row: taken, retry: existing.status === 'settling' };
}

/** Records the outcome, only while this run holds the claim: a late writer never overwrites it. */
export async function recordSettlement(db: Db, id: number, runId: string, change: { status: SettlementRow['status']; orderId?: string | null; receivableId?: string | null; error?: string | null }) {
  await db
    .update(settlements)
    .set({ ...change, updatedAt: new Date() })
    .where(and(eq(settlements.id, id), eq(settlements.runId, runId), eq(settlements.status, 'settling')));
}

/** A charge paid: settled (or found settled) at the ERP. */
export async function markChargePaid(db: Db, id: number, paidAt: string) {
  await db.update(charges).set({ status: 'paid', paidAt: sql`${paidAt}::timestamptz`, updatedAt: new Date() }).where(eq(charges.id, id));
}

export interface ChargeFilter {
  status?: ChargeStatus;
  flowId?: string;
  recordKey?: string;
  limit?: number;
}

export async function listCharges(db: Db, tenantId: string, f: ChargeFilter = {}) {
  const conds = [eq(charges.tenantId, tenantId), ...givenFilters([charges.status, f.status], [charges.flowId, f.flowId], [charges.recordKey, f.recordKey])];
  return db
    .select()
    .from(charges)
    .where(and(...conds))
    .orderBy(desc(charges.id))
    .limit(listLimit(f.limit));
}

export async function listSettlements(db: Db, tenantId: string, f: { reference?: string; status?: SettlementRow['status']; limit?: number } = {}) {
  const conds = [eq(settlements.tenantId, tenantId), ...givenFilters([settlements.reference, f.reference], [settlements.status, f.status])];
  return db
    .select()
    .from(settlements)
    .where(and(...conds))
    .orderBy(desc(settlements.id))
    .limit(listLimit(f.limit));
}
