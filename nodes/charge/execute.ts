/**
 * The charge node, one page at a time: each record's charge is claimed in the ledger with a
 * reference derived from the record (server/payments/ledger.ts), then created at the PSP or
 * bank under that reference, so a retried or reprocessed run gets the same charge back. The
 * record goes on with `cobranca` (copia e cola, barcode, line) for a notify node to send.
 */
import { ConfigError, ConnectorError, hintOf, messageOfError, ValidationError } from '../../connectors/http/errors';
import { withInlineRetry } from '../../connectors/http/retry';
import { openConnection } from '../../connectors/runtime';
import type { Charge, ChargeRequest, PaymentsSupport, SyncRecord } from '../../connectors/types';
import { amountToCents, buildBrCode, formatCents, parseDigitableLine } from '../../payments';
import { type ChargeKind, claimCharge, recordCharge } from '../../server/payments/ledger';
import type { EffectContext, EffectExecutor, OutcomeRow } from '../executor';
import { asText, compileRecordExpression, type RecordExpression } from '../record-expressions';
import { CHARGE_MESSAGES } from './messages';

interface Provider {
  payments: PaymentsSupport;
  ctx: Parameters<PaymentsSupport['createCharge']>[0];
  connectionId: string;
}

/** What a charge gives the payer, as downstream nodes read it. */
const publicCharge = (kind: ChargeKind, reference: string, charge: Omit<Charge, 'reference'>) => ({
  kind,
  reference,
  providerId: charge.providerId,
  status: charge.status,
  amount: charge.amount,
  pixCopiaECola: charge.pixCopiaECola,
  location: charge.location,
  barcode: charge.barcode,
  digitableLine: charge.digitableLine,
  nossoNumero: charge.nossoNumero,
});

export const chargeExecutor: EffectExecutor = {
  async executePage(ctx, params, records) {
    const kind = params.kind as ChargeKind;
    const provider = kind === 'pix-static' ? null : await openProvider(ctx, params.connectionId as string, kind);
    const exprs = Object.fromEntries(
      (['amount', 'dueDate', 'payerName', 'payerDocument', 'payerEmail', 'payerAddress', 'description'] as const).map((name) => [name, compileRecordExpression(params[name])]),
    ) as Record<'amount' | 'dueDate' | 'payerName' | 'payerDocument' | 'payerEmail' | 'payerAddress' | 'description', RecordExpression | null>;
    const value = async (name: keyof typeof exprs, record: SyncRecord) => {
      const e = exprs[name];
      return e ? asText(await e(record)).trim() : '';
    };

    const outcomes: OutcomeRow[] = [];
    const output: SyncRecord[] = [];
    for (const record of records) {
      let request: Omit<ChargeRequest, 'reference'>;
      try {
        const rawAmount = exprs.amount ? await exprs.amount(record) : undefined;
        const amount = formatCents(amountToCents(typeof rawAmount === 'number' ? rawAmount : asText(rawAmount), 'amount'));
        const payerName = await value('payerName', record);
        const payerDocument = (await value('payerDocument', record)).replace(/\D/g, '');
        request = {
          kind: kind === 'pix-static' ? 'pix' : kind,
          amount,
          dueDate: (await value('dueDate', record)) || undefined,
          expiresInSeconds: Math.round(((params.expiresInHours as number | undefined) ?? 24) * 3600),
          payer:
            payerName || payerDocument
              ? { name: payerName, document: payerDocument, email: (await value('payerEmail', record)) || undefined, address: await addressOf(exprs.payerAddress, record) }
              : undefined,
          description: (await value('description', record)) || undefined,
        };
      } catch (err) {
        const kindOf = err instanceof ConnectorError ? err.kind : 'TransformError';
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: kindOf, message: `${ctx.nodeId}: ${(err as Error).message}`, ...hintOf(kindOf), payload: record.data });
        continue;
      }

      const scope = { tenantId: ctx.tenantId, flowId: ctx.flowId, nodeId: ctx.nodeId, recordKey: record.key, sourceConnectionId: ctx.sourceConnectionId, runId: ctx.runId };
      const { row, created } = await claimCharge(ctx.db, scope, { connectionId: provider?.connectionId ?? null, kind, amount: request.amount });
      if (!created && (row.status === 'pending' || row.status === 'paid') && row.runId === ctx.runId && row.providerId) {
        // Created by this very run (an attempt that failed later in the page): reported as it was then.
        outcomes.push({ recordKey: record.key, outcome: 'created', externalId: row.providerId, ...CHARGE_MESSAGES.of('created', { reference: row.reference, amount: row.amount }), payload: row.details });
        output.push({ ...record, data: { ...record.data, cobranca: row.details } });
        continue;
      }
      if (!created && (row.status === 'pending' || row.status === 'paid')) {
        const newAmount = row.amount !== request.amount ? request.amount : null;
        outcomes.push({ recordKey: record.key, outcome: 'skipped', externalId: row.providerId, ...CHARGE_MESSAGES.of('createdBefore', { reference: row.reference, status: row.status, amount: row.amount, newAmount }) });
        output.push({ ...record, data: { ...record.data, cobranca: { ...row.details, status: row.status } } });
        continue;
      }
      try {
        const charge: Omit<Charge, 'reference'> =
          kind === 'pix-static'
            ? staticCharge(params, request.amount, row.reference)
            : await withInlineRetry(() => provider!.payments.createCharge(provider!.ctx, { ...request, reference: row.reference }), { signal: ctx.signal });
        if (charge.digitableLine) checkBoletoLine(charge.digitableLine, request.amount);
        const details = publicCharge(kind, row.reference, charge);
        await recordCharge(ctx.db, row.id, { status: charge.status === 'paid' ? 'paid' : 'pending', providerId: charge.providerId, details, error: null, runId: ctx.runId });
        outcomes.push({ recordKey: record.key, outcome: 'created', externalId: charge.providerId, ...CHARGE_MESSAGES.of('created', { reference: row.reference, amount: request.amount }), payload: details });
        output.push({ ...record, data: { ...record.data, cobranca: details } });
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.failsRun) throw err;
        await recordCharge(ctx.db, row.id, { status: 'failed', error: err.message });
        outcomes.push({ recordKey: record.key, outcome: 'failed', errorKind: err.kind, ...messageOfError(err), ...hintOf(err.kind), payload: { ...request, reference: row.reference } });
      }
      ctx.heartbeat();
    }
    return { outcomes, output, commit: async () => {} };
  },
};

async function openProvider(ctx: EffectContext, connectionId: string, kind: ChargeKind): Promise<Provider> {
  const { connector, ctx: connection } = openConnection(await ctx.loadConnection(connectionId), ctx.pacers, ctx.signal);
  const payments = connector.payments;
  if (!payments || !payments.kinds.includes(kind as ChargeRequest['kind']))
    throw new ConfigError(`Connection "${connectionId}" (${connector.name}) does not create ${kind} charges${payments ? `; it creates: ${payments.kinds.join(', ')}` : ''}`);
  return { payments, ctx: connection, connectionId };
}

/** A static BR Code: the seller's key, the amount and the reference as txid; no PSP involved. */
function staticCharge(params: Record<string, unknown>, amount: string, reference: string): Omit<Charge, 'reference'> {
  const pixCopiaECola = buildBrCode({ key: params.pixKey as string, merchantName: params.merchantName as string, merchantCity: params.merchantCity as string, amount, txid: reference });
  return { providerId: reference, status: 'pending', amount, pixCopiaECola };
}

/** The payer's address from its expression: an object with text fields, or nothing. */
async function addressOf(expression: RecordExpression | null, record: SyncRecord): Promise<NonNullable<ChargeRequest['payer']>['address']> {
  if (!expression) return undefined;
  const value = await expression(record);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const text = (k: string) => {
    const v = (value as Record<string, unknown>)[k];
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  return { street: text('street'), number: text('number'), district: text('district'), city: text('city'), state: text('state'), postalCode: text('postalCode')?.replace(/\D/g, '') };
}

/**
 * A boleto the bank issued is checked before the payer gets it: the line's FEBRABAN check digits
 * and its amount. A wrong line would be refused at every bank counter.
 */
function checkBoletoLine(line: string, amount: string) {
  const parsed = parseDigitableLine(line);
  if (parsed.amountCents !== amountToCents(amount)) throw new ValidationError(CHARGE_MESSAGES.of('boletoAmountMismatch', { boletoAmount: formatCents(parsed.amountCents), amount }));
}
