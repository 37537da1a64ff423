/**
 * Mercado Livre notifications. ML POSTs a thin, unsigned pointer to the app's callback URL:
 * `{_id, resource, user_id, topic, application_id, attempts, sent, received, actions}`. With no
 * signature to check, a delivery is accepted only when it is for this connection's app
 * (`application_id` = the connection's client id), for its seller (`user_id`), and points at a
 * resource of the expected form. The record itself is never in the payload: Ponte fetches it
 * with the entity's `get`, which also means a forged notification can only make Ponte re-read
 * one of the seller's own records.
 */
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';
import { knownSellerId } from './client';

/** Topics Ponte acts on: the entity, and the resource path with the id to fetch. */
const TOPICS: Record<string, { entity: EntityName; resource: RegExp }> = {
  orders_v2: { entity: 'orders', resource: /^\/orders\/(\d+)$/ },
  // Legacy order topics, still sent to old apps.
  orders: { entity: 'orders', resource: /^\/orders\/(\d+)$/ },
  created_orders: { entity: 'orders', resource: /^\/orders\/(\d+)$/ },
  items: { entity: 'products', resource: /^\/items\/([A-Z]{3}\d+)$/ },
};

/** Other topics an app may subscribe to (questions, shipments, payments…): acknowledged, nothing runs. */
const OTHER_RESOURCE = /^\/[a-z_]+(?:\/[A-Za-z0-9_-]+){1,4}$/;

interface Notification {
  _id?: unknown;
  resource?: unknown;
  user_id?: unknown;
  topic?: unknown;
  application_id?: unknown;
  sent?: unknown;
}

function read(req: IncomingWebhook): Notification | null {
  try {
    const body = JSON.parse(req.rawBody) as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Notification) : null;
  } catch {
    return null;
  }
}

const idText = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? String(v).trim() : '');

export const mercadolivreWebhooks: WebhookSupport = {
  verify(req, credentials, settings) {
    const n = read(req);
    if (!n) return 'invalid';
    const app = idText(credentials.clientId);
    if (!app || idText(n.application_id) !== app) return 'invalid';
    const seller = knownSellerId(credentials, settings);
    if (!seller || idText(n.user_id) !== seller) return 'invalid';
    if (typeof n.topic !== 'string' || typeof n.resource !== 'string') return 'invalid';
    const rule = TOPICS[n.topic];
    if (!(rule ? rule.resource : OTHER_RESOURCE).test(n.resource)) return 'invalid';
    if (!idText(n._id) && !idText(n.sent)) return 'invalid';
    return 'valid';
  },

  parse(req): WebhookEvent[] {
    const n = read(req);
    if (!n || typeof n.topic !== 'string' || typeof n.resource !== 'string') return [];
    const rule = TOPICS[n.topic];
    const match = rule?.resource.exec(n.resource);
    if (!rule || !match) return [];
    return [
      {
        // ML delivers again (attempts 2, 3…) under the same _id; older payloads without one dedupe on resource + sent.
        eventId: idText(n._id) || `${n.resource}@${idText(n.sent)}`,
        topic: n.topic,
        entity: rule.entity,
        // ML does not say what changed: the record is fetched as it is now.
        action: 'updated',
        resourceId: match[1],
      },
    ];
  },
};
