/**
 * Sending one message through a channel connection, exactly once per content: claim it in the
 * ledger, send with its stable id, record the outcome. Used by the notify node and by run alerts.
 */
import { withInlineRetry } from '../../connectors/http/retry';
import { ConfigError, ConnectorError } from '../../connectors/http/errors';
import type { PacerRegistry } from '../../connectors/http/pacing';
import { openConnection, type OpenableConnection } from '../../connectors/runtime';
import type { RecordMessage } from '../../connectors/localized';
import type { OutgoingMessage } from '../../connectors/types';
import { contentHash } from '../../nodes/upsert/hash';
import type { Db } from '../db/client';
import { claimMessage, markFailed, markSent } from './store';

export interface SendScope {
  db: Db;
  tenantId: string;
  runId: string;
  /** Who sends: the flow and node (or `alert:<flowId>` and the alert), and the record it is about. */
  flowId: string;
  nodeId: string;
  recordKey: string;
  pacers: PacerRegistry;
  signal?: AbortSignal;
}

/** Statuses of a message that left Ponte (a later delivery status may have moved it on). */
const SENT = new Set(['accepted', 'sent', 'delivered', 'read']);

/** Not sent: `reason` says why, as a record's message (spread into its outcome). */
export type SendOutcome = { sent: true; providerId: string | null; status: 'accepted' | 'sent' } | { sent: false; reason: RecordMessage };

/** Opens the channel once for several messages. */
export function channelOf(conn: OpenableConnection, pacers: PacerRegistry, signal?: AbortSignal) {
  const { connector, ctx } = openConnection(conn, pacers, signal);
  if (!connector.messaging) throw new ConfigError(`Connection "${conn.id}" (${connector.name}) sends no messages`);
  return { messaging: connector.messaging, ctx, connectionId: conn.id };
}

export async function sendOnce(scope: SendScope, channel: ReturnType<typeof channelOf>, message: Omit<OutgoingMessage, 'id'>): Promise<SendOutcome> {
  // Attachments count by name: a DANFE rendered again carries a new timestamp, but it is the same message.
  const hashed = message.attachments ? { ...message, attachments: message.attachments.map((a) => a.filename) } : message;
  const messageHash = contentHash({ sku: channel.messaging.channel, data: hashed as Record<string, unknown> });
  const claim = await claimMessage(
    scope.db,
    { tenantId: scope.tenantId, flowId: scope.flowId, nodeId: scope.nodeId, recordKey: scope.recordKey, messageHash },
    { runId: scope.runId, connectionId: channel.connectionId, channel: channel.messaging.channel, recipient: message.to },
  );
  if (!claim.send) {
    // Sent by this very run (an attempt that failed later in the page): reported as it was then.
    const earlier = claim.existing;
    if (earlier && earlier.runId === scope.runId && SENT.has(earlier.status)) return { sent: true, providerId: earlier.providerId, status: earlier.status === 'accepted' ? 'accepted' : 'sent' };
    return { sent: false, reason: claim.reason };
  }
  try {
    const result = await withInlineRetry(() => channel.messaging.send(channel.ctx, { ...message, id: claim.messageId }), { signal: scope.signal });
    await markSent(scope.db, claim.messageId, result);
    return { sent: true, ...result };
  } catch (err) {
    // A refusal of this message is recorded and reported; anything that fails the run leaves the claim to be retried.
    if (err instanceof ConnectorError && !err.failsRun) await markFailed(scope.db, claim.messageId, err.message);
    throw err;
  }
}
