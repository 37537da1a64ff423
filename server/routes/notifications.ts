/** Notifications API: the messages notify nodes and alerts sent, with what the provider said since. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import type { NotificationStatus } from '../db/schema';
import { listNotifications } from '../notify/store';

export function registerNotificationRoutes(app: FastifyInstance, deps: AppDeps) {
  const { db } = deps.database;
  app.get<{ Querystring: { runId?: string; status?: NotificationStatus; limit?: number } }>(
    '/api/notifications',
    { config: { permission: 'view' },
      schema: {
        tags: ['notifications'],
        summary: 'Messages sent (newest first): channel, recipient, status (sending, accepted, sent, delivered, read, failed) and the provider’s error',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            runId: { type: 'string' },
            status: { type: 'string', enum: ['sending', 'accepted', 'sent', 'delivered', 'read', 'failed'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => ({
      notifications: (await listNotifications(db, req.auth.tenantId, req.query)).map((n) => ({
        id: n.id,
        runId: n.runId,
        flowId: n.flowId,
        nodeId: n.nodeId,
        recordKey: n.recordKey,
        channel: n.channel,
        connectionId: n.connectionId,
        recipient: n.recipient,
        status: n.status,
        providerId: n.providerId,
        messageId: n.messageId,
        error: n.error,
        createdAt: n.createdAt,
        updatedAt: n.updatedAt,
      })),
    }),
  );
}
