/** Approvals API ("Aguardando confirmação"): what approval steps hold, and people's decisions. */
import type { FastifyInstance } from 'fastify';
import { audit } from '../audit/log';
import { actorOf } from '../auth/hooks';
import { inArray } from 'drizzle-orm';
import type { AppDeps } from '../app';
import { type Approval, type ApprovalFilter, decide, listApprovals } from '../approvals/store';
import { runs } from '../db/schema';
import { APPROVALS_DECIDED } from '../../workflows/types';

const approvalSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    flowId: { type: 'string' },
    runId: { type: 'string', description: 'The run that holds the record and writes it once confirmed' },
    nodeId: { type: 'string' },
    recordKey: { type: 'string' },
    summary: { type: ['string', 'null'] },
    record: { type: 'object', additionalProperties: true, description: 'The record as it reached the approval step (latest content)' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'expired'] },
    expiresAt: { type: 'string', format: 'date-time' },
    decidedBy: { type: ['string', 'null'] },
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    reason: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const publicApproval = (a: Approval) => ({
  id: a.id,
  flowId: a.flowId,
  runId: a.runId,
  nodeId: a.nodeId,
  recordKey: a.recordKey,
  summary: a.summary,
  record: a.record,
  status: a.status,
  expiresAt: a.expiresAt,
  decidedBy: a.decidedBy,
  decidedAt: a.decidedAt,
  reason: a.reason,
  createdAt: a.createdAt,
});

export function registerApprovalRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;

  app.get<{ Querystring: ApprovalFilter }>(
    '/api/approvals',
    { config: { permission: 'view' },
      schema: {
        tags: ['approvals'],
        summary: 'Records held by approval steps ("aguardando confirmação"), oldest pending first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'expired'] },
            flowId: { type: 'string' },
            runId: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: { type: 'object', properties: { approvals: { type: 'array', items: approvalSchema } } } },
      },
    },
    async (req) => ({ approvals: (await listApprovals(db, req.auth.tenantId, req.query)).map(publicApproval) }),
  );

  app.post<{ Body: { ids: number[]; decision: 'approve' | 'reject'; by?: string; reason?: string } }>(
    '/api/approvals/decide',
    { config: { permission: 'edit' },
      schema: {
        tags: ['approvals'],
        summary: 'Confirm or reject held records; the runs holding them write the confirmed ones at once. The first decision wins.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ids', 'decision'],
          properties: {
            ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } },
            decision: { type: 'string', enum: ['approve', 'reject'] },
            by: { type: 'string', minLength: 1, maxLength: 200, description: 'Ignored: the signed-in person (or token) is recorded as who decided' },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              decided: { type: 'array', items: { type: 'integer' } },
              refused: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, reason: { type: 'string' } } } },
            },
          },
        },
      },
    },
    async (req) => {
      const { ids, decision, reason } = req.body;
      const result = await decide(db, req.auth.tenantId, ids, decision, req.auth.name, reason);
      if (result.decided.length) await audit(db, actorOf(req), { action: 'approval.decide', targetType: 'approval', targetId: null, details: { decision, ids: result.decided, reason } });
      // The decision is stored; the signal only wakes the run. A run that is gone is picked up by the next run meeting the record.
      if (result.runIds.length) {
        const holders = await db.select({ workflowId: runs.workflowId }).from(runs).where(inArray(runs.id, result.runIds));
        await Promise.all(
          holders.map((h) =>
            deps.temporal.workflow
              .getHandle(h.workflowId)
              .signal(APPROVALS_DECIDED)
              .catch((err) => req.log.warn({ err, workflowId: h.workflowId }, 'could not wake the run holding decided records')),
          ),
        );
      }
      return { decided: result.decided, refused: result.refused };
    },
  );
}
