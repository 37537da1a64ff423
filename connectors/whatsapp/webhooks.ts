/**
 * WhatsApp Cloud API webhooks (field `messages` of the `whatsapp_business_account` object).
 *
 * - Subscription: Meta sends `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` when the
 *   callback URL is saved; the answer is the challenge, as plain text, if the token is ours.
 * - Deliveries: POSTs signed with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body,
 *   keyed with the app secret>`. Meta escapes non-ASCII characters in the body it signs, so only
 *   the raw bytes verify.
 * - Status updates (`entry[].changes[].value.statuses[]`: sent, delivered, read, failed) become
 *   `messages` events. They are at-least-once and may arrive out of order, so the event id is the
 *   message id, the status and its timestamp.
 * - Customer messages (`value.messages[]`) and other fields produce no event.
 */
import { jsonObjectBody, safeEqual, verifyHmac } from '../http/signatures';
import type { IncomingWebhook, MessageStatusUpdate, WebhookEvent, WebhookSupport } from '../types';

interface StatusError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

interface Status {
  id?: string;
  status?: string;
  timestamp?: string | number;
  recipient_id?: string;
  biz_opaque_callback_data?: string;
  errors?: StatusError[];
}

interface Change {
  field?: string;
  value?: { metadata?: { phone_number_id?: string; display_phone_number?: string }; statuses?: Status[]; messages?: unknown[] };
}

interface Payload {
  object?: string;
  entry?: Array<{ id?: string; changes?: Change[] }>;
}

const STATUSES = new Set<MessageStatusUpdate['status']>(['sent', 'delivered', 'read', 'failed']);

function payloadOf(req: IncomingWebhook): Payload | null {
  return jsonObjectBody<Payload>(req.rawBody);
}

function changesOf(payload: Payload): Change[] {
  if (payload.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) return [];
  return payload.entry.flatMap((e) => (Array.isArray(e?.changes) ? e.changes : [])).filter((c) => c?.field === 'messages' && c.value);
}

/** "131047: Re-engagement message", from the first error of a failed status. */
function errorOf(status: Status): string | undefined {
  const e = status.errors?.[0];
  if (!e) return undefined;
  const words = e.title ?? e.message ?? e.error_data?.details ?? 'no reason given';
  return e.code !== undefined ? `${e.code}: ${words}` : words;
}

function isoFrom(timestamp: Status['timestamp']): string {
  const seconds = Number(timestamp);
  return new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now()).toISOString();
}

export const webhooks: WebhookSupport = {
  challenge(query, credentials) {
    const expected = credentials.verifyToken;
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] !== 'subscribe' || !expected || !token || !challenge) return null;
    return safeEqual(token, expected) ? challenge : null;
  },

  verify(req, credentials) {
    if (!verifyHmac({ key: credentials.appSecret, rawBody: req.rawBody, signature: req.headers['x-hub-signature-256'], encoding: 'hex', prefix: 'sha256=' })) return 'invalid';
    // One app secret signs the deliveries of every number the app serves, and Meta sends them all
    // to the app's callback URL: acknowledge, without events, a delivery only about other numbers.
    const own = credentials.phoneNumberId;
    const payload = payloadOf(req);
    const numbers = payload ? changesOf(payload).map((c) => c.value?.metadata?.phone_number_id) : [];
    if (own && numbers.length && numbers.every((n) => n !== undefined && String(n) !== String(own))) return 'ping';
    return 'valid';
  },

  parse(req) {
    const payload = payloadOf(req);
    if (!payload) return [];
    const events: WebhookEvent[] = [];
    for (const change of changesOf(payload)) {
      for (const status of change.value?.statuses ?? []) {
        const state = status?.status as MessageStatusUpdate['status'];
        // Other values (`deleted`, `warning`…) say nothing about delivery.
        if (!status?.id || !STATUSES.has(state)) continue;
        const messageStatus: MessageStatusUpdate = { status: state, at: isoFrom(status.timestamp) };
        if (state === 'failed') messageStatus.error = errorOf(status) ?? 'failed without a reason';
        events.push({
          eventId: `${status.id}:${state}:${status.timestamp ?? ''}`,
          topic: 'statuses',
          entity: 'messages',
          action: 'updated',
          resourceId: status.id,
          messageStatus,
          // The status as Meta sent it; `biz_opaque_callback_data` is Ponte's own message id.
          record: { key: status.id, data: { ...status, phone_number_id: change.value?.metadata?.phone_number_id } },
        });
      }
      // `change.value.messages` (what customers write) is not handled: Ponte only follows what it sent.
    }
    return events;
  },
};
