/**
 * Bling webhooks (API v3). Each delivery is one event:
 *   `{"eventId":"<uuid>","date":"<ISO>","version":"v1","event":"order.created","companyId":"…","data":{…}}`
 * signed with `X-Bling-Signature-256: sha256=<hex HMAC-SHA256(raw body, the app's client secret)>`.
 * Bling retries and may deliver out of order, so `eventId` is the dedupe key. `data` differs per
 * resource (a stock event carries one deposit's balance, an order event a summary without items),
 * so events carry no record: Ponte fetches the current one with the entity's `get`.
 */
import { verifyHmac } from '../http/signatures';
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';
import { isObject } from './client';

/** Bling resource (the part of `event` before the dot) → Ponte entity. */
const ENTITY_OF: Record<string, EntityName> = {
  order: 'orders',
  product: 'products',
  stock: 'stock',
  virtual_stock: 'stock',
  contact: 'customers',
  invoice: 'invoices',
  consumer_invoice: 'invoices',
};

const ACTIONS = new Set(['created', 'updated', 'deleted']);

export const SIGNATURE_HEADER = 'x-bling-signature-256';

export const blingWebhooks: WebhookSupport = {
  verify(req: IncomingWebhook, credentials: Record<string, string>) {
    const ok = verifyHmac({ key: credentials.clientSecret, rawBody: req.rawBody, signature: req.headers[SIGNATURE_HEADER], encoding: 'hex', prefix: 'sha256=' });
    return ok ? 'valid' : 'invalid';
  },

  parse(req: IncomingWebhook): WebhookEvent[] {
    let envelope: unknown;
    try {
      envelope = JSON.parse(req.rawBody);
    } catch {
      return [];
    }
    if (!isObject(envelope) || typeof envelope.event !== 'string' || typeof envelope.eventId !== 'string') return [];
    const [resource, action = ''] = envelope.event.split('.');
    const entity = ENTITY_OF[resource];
    if (!entity) return [];
    const data = isObject(envelope.data) ? envelope.data : {};
    // Stock events name the product in `produto.id`; every other resource has its own `id`.
    const rawId = entity === 'stock' ? (isObject(data.produto) ? data.produto.id : undefined) : data.id;
    if (rawId === undefined || rawId === null) return [];
    return [
      {
        eventId: envelope.eventId,
        topic: envelope.event,
        entity,
        action: ACTIONS.has(action) ? (action as WebhookEvent['action']) : 'other',
        resourceId: String(rawId),
      },
    ];
  },
};
