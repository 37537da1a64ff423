/**
 * Nuvemshop webhooks: a thin JSON payload `{store_id, event, id}` signed with
 * `X-Linkedstore-HMAC-SHA256` = hex HMAC-SHA256 of the raw body with the app's client secret.
 * The payload carries no record, so Ponte fetches it with the entity's `get`.
 */
import { jsonObjectBody, verifyHmac } from '../http/signatures';
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';

interface Payload {
  store_id?: number | string;
  event?: string;
  id?: number | string;
}

/** Event prefixes that name a record Ponte syncs (`category/…`, `app/…`, `theme/…` do not). */
const ENTITY_OF: Record<string, EntityName> = { product: 'products', order: 'orders', customer: 'customers' };

function payloadOf(req: IncomingWebhook): Payload | null {
  return jsonObjectBody<Payload>(req.rawBody);
}

function actionOf(verb: string): WebhookEvent['action'] {
  if (verb === 'created' || verb === 'deleted') return verb;
  // order/paid, order/fulfilled, order/packed, order/cancelled, order/edited… all change the order.
  return verb ? 'updated' : 'other';
}

export const webhooks: WebhookSupport = {
  verify(req, credentials) {
    // Some frameworks rename the header HTTP_X_LINKEDSTORE_HMAC_SHA256 (Nuvemshop docs).
    const signature = req.headers['x-linkedstore-hmac-sha256'] ?? req.headers.http_x_linkedstore_hmac_sha256;
    if (!verifyHmac({ key: credentials.clientSecret, rawBody: req.rawBody, signature, encoding: 'hex' })) return 'invalid';
    // The app's secret signs every store's deliveries: one for another store is not this connection's.
    const payload = payloadOf(req);
    if (!payload || (credentials.storeId && String(payload.store_id) !== String(credentials.storeId))) return 'invalid';
    return 'valid';
  },

  parse(req) {
    const payload = payloadOf(req);
    if (!payload?.event || payload.id === undefined) return [];
    const [kind, verb = ''] = payload.event.split('/');
    const entity = ENTITY_OF[kind];
    if (!entity) return [];
    return [
      {
        // Nuvemshop sends no delivery id, and every update of a record sends the same body. Ponte keeps
        // event ids forever, so the key carries the minute it arrived: redeliveries within it are
        // deduped, and a later real update of the same record still runs (a late retry runs again
        // harmlessly: the record is read fresh and an unchanged one is skipped).
        eventId: `${payload.store_id}:${payload.event}:${payload.id}:${Math.floor(Date.now() / 60_000)}`,
        topic: payload.event,
        entity,
        action: actionOf(verb),
        resourceId: String(payload.id),
      },
    ];
  },
};
