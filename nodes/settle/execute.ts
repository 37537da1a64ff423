/**
 * The settle node, one page of payments at a time: the payment's reference names the charge a
 * charge node created; the charge names the order; the order's receivable at the ERP is settled.
 * The payment is claimed first (server/payments/ledger.ts), so a payment notified twice, read
 * again by a reprocess, or retried after a crash is settled once.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { ConnectorError, hintOf, MappingNotFound, messageOfError } from '../../connectors/http/errors';
import { withInlineRetry } from '../../connectors/http/retry';
import { openConnection } from '../../connectors/runtime';
import type { PaymentRecordData, SyncRecord } from '../../connectors/types';
import type { Db } from '../../server/db/client';
import { bindings } from '../../server/db/schema';
import { type ChargeRow, chargeByReference, claimSettlement, markChargePaid, recordSettlement } from '../../server/payments/ledger';
import type { EffectExecutor, OutcomeRow } from '../executor';
import { SETTLE_MESSAGES } from './messages';

export const settleExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const erpId = params.connectionId as string;
    const { connector, ctx: erp } = openConnection(await ctx.loadConnection(erpId), ctx.pacers, ctx.signal);
    const receivables = connector.receivables!;
    const outcomes: OutcomeRow[] = [];
    const output: SyncRecord[] = [];

    for (const record of records) {
      const payment = record.data as unknown as PaymentRecordData;
      const charge = payment.reference ? await chargeByReference(ctx.db, ctx.tenantId, payment.reference) : undefined;
      if (!charge) {
        outcomes.push({ recordKey: record.key, outcome: 'skipped', ...SETTLE_MESSAGES.of('notOurCharge', { paymentId: payment.paymentId, reference: payment.reference || null }) });
        continue;
      }
      const claim = await claimSettlement(ctx.db, {
        tenantId: ctx.tenantId,
        paymentConnectionId: ctx.sourceConnectionId,
        paymentId: payment.paymentId,
        reference: charge.reference,
        chargeId: charge.id,
        erpConnectionId: erpId,
        amount: payment.amount,
        runId: ctx.runId,
      });
      if (!claim.settle && claim.row.status === 'settled' && claim.row.runId === ctx.runId) {
        // Settled by this very run (an attempt that failed later in the page): reported as it was then.
        const settled = { paymentId: payment.paymentId, reference: charge.reference, orderId: claim.row.orderId, receivableId: claim.row.receivableId, outcome: 'settled' };
        outcomes.push({ recordKey: record.key, outcome: 'updated', externalId: claim.row.receivableId, ...settledMessage(claim.row.receivableId, claim.row.orderId, payment.amount), payload: settled });
        output.push({ ...record, data: { ...record.data, baixa: settled } });
        continue;
      }
      if (!claim.settle) {
        const said = claim.inFlight
          ? SETTLE_MESSAGES.of('beingSettled', { paymentId: payment.paymentId, runId: claim.row.runId })
          : SETTLE_MESSAGES.of('settledBefore', { paymentId: payment.paymentId, status: claim.row.status, runId: claim.row.runId });
        outcomes.push({ recordKey: record.key, outcome: 'skipped', externalId: claim.row.receivableId, ...said });
        continue;
      }
      try {
        const orderId = await erpOrderOf(ctx.db, charge, erpId);
        const note = `Pix ${payment.paymentId} (cobrança ${charge.reference})`;
        const result = await withInlineRetry(() => receivables.settle(erp, { orderId, amount: payment.amount, paidAt: payment.paidAt, paymentId: payment.paymentId, note, retry: claim.retry }), { signal: ctx.signal });
        // Together: nobody reads a settled payment whose charge is still pending.
        await ctx.db.transaction(async (txRaw) => {
          const tx = txRaw as unknown as Db;
          await recordSettlement(tx, claim.row.id, ctx.runId, { status: result.outcome === 'settled' ? 'settled' : 'already', orderId, receivableId: result.receivableId, error: null });
          await markChargePaid(tx, charge.id, payment.paidAt);
        });
        const settled = { paymentId: payment.paymentId, reference: charge.reference, orderId, receivableId: result.receivableId, outcome: result.outcome };
        outcomes.push({
          recordKey: record.key,
          outcome: result.outcome === 'settled' ? 'updated' : 'skipped',
          externalId: result.receivableId,
          ...(result.outcome === 'settled' ? settledMessage(result.receivableId, orderId, payment.amount) : SETTLE_MESSAGES.of('alreadyReceived', { receivableId: result.receivableId, orderId })),
          payload: settled,
        });
        output.push({ ...record, data: { ...record.data, baixa: settled } });
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.failsRun) throw err;
        await recordSettlement(ctx.db, claim.row.id, ctx.runId, { status: 'failed', error: err.message });
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, ...messageOfError(err), ...hintOf(err.kind), payload: payment });
      }
      ctx.heartbeat();
    }
    return { outcomes, output, commit: async () => {} };
  },
};

/**
 * The order at the ERP the charge was for: the charge's own record when the charging flow read
 * the ERP, otherwise the twin its orders flow bound (either direction).
 */
async function erpOrderOf(db: Db, charge: ChargeRow, erpId: string): Promise<string> {
  if (charge.sourceConnectionId === erpId) return charge.recordKey;
  const [forward] = await db
    .select({ id: bindings.externalId })
    .from(bindings)
    .where(and(eq(bindings.connectionId, erpId), eq(bindings.sourceConnectionId, charge.sourceConnectionId), eq(bindings.entity, 'orders'), eq(bindings.internalId, charge.recordKey), isNotNull(bindings.externalId)));
  if (forward?.id) return forward.id;
  const [reverse] = await db
    .select({ id: bindings.internalId })
    .from(bindings)
    .where(and(eq(bindings.connectionId, charge.sourceConnectionId), eq(bindings.sourceConnectionId, erpId), eq(bindings.entity, 'orders'), eq(bindings.externalId, charge.recordKey)));
  if (reverse?.id) return reverse.id;
  throw new MappingNotFound(SETTLE_MESSAGES.of('orderWithoutTwin', { orderId: charge.recordKey, connectionId: charge.sourceConnectionId }));
}

const settledMessage = (receivableId: string | null, orderId: string | null, amount: string) => SETTLE_MESSAGES.of('settled', { receivableId, orderId, amount });
