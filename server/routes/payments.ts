/** Payments API: charges the charge nodes created, and the payments settled at the ERP. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import type { ChargeStatus } from '../db/schema';
import { type ChargeFilter, listCharges, listSettlements, type SettlementRow } from '../payments/ledger';

export function registerPaymentRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  app.get<{ Querystring: ChargeFilter }>(
    '/api/charges',
    {
      config: { permission: 'view' },
      schema: {
        tags: ['payments'],
        summary: 'Charges (Pix, boleto) created by flows, newest first: order, amount, status (creating, pending, paid, cancelled, failed), copia e cola, barcode and line',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['creating', 'pending', 'paid', 'cancelled', 'failed'] satisfies ChargeStatus[] },
            flowId: { type: 'string' },
            recordKey: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => ({
      charges: (await listCharges(db, req.auth.tenantId, req.query)).map(({ tenantId: _t, ...c }) => c),
    }),
  );

  app.get<{ Querystring: { reference?: string; status?: SettlementRow['status']; limit?: number } }>(
    '/api/settlements',
    {
      config: { permission: 'view' },
      schema: {
        tags: ['payments'],
        summary: 'Payments settled at the ERP ("baixas"), newest first: one per payment, with the receivable and the outcome',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            reference: { type: 'string' },
            status: { type: 'string', enum: ['settling', 'settled', 'already', 'failed'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => ({
      settlements: (await listSettlements(db, req.auth.tenantId, req.query)).map(({ tenantId: _t, ...s }) => s),
    }),
  );
}
