/**
 * WooCommerce webhooks (WooCommerce → Configurações → Avançado → Webhooks).
 *
 * - Deliveries carry `X-WC-Webhook-Signature`: base64 HMAC-SHA256 of the raw body with the
 *   webhook's secret (the connection's `webhookSecret`).
 * - Saving or activating a webhook sends an unsigned ping: form-encoded `webhook_id=<id>` with
 *   no X-WC-Webhook-* headers. It must get a 200 or WooCommerce keeps the webhook pending.
 * - `X-WC-Webhook-Delivery-ID` is a hash of the webhook id and the current second, so two
 *   deliveries of one webhook in the same second share it: the event id adds the resource id.
 * - The payload is the resource's REST representation (only `{"id"}` when deleted). A variation
 *   change arrives on `product.updated` as a product of type `variation`: the event points to
 *   its parent product.
 * - WooCommerce never retries a failed delivery and disables the webhook after 5 failures in a
 *   row, so flows should also read incrementally to catch up.
 */
import { verifyHmac } from '../http/signatures';
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';
import { customerRecord } from './customers';
import type { WooObject } from './client';
import { orderRecord } from './orders';
import { productRecord } from './products';

const ENTITY_OF: Record<string, EntityName> = { product: 'products', order: 'orders', customer: 'customers' };
const ACTION_OF: Record<string, WebhookEvent['action']> = { created: 'created', updated: 'updated', deleted: 'deleted', restored: 'updated', published: 'updated' };

function isPing(req: IncomingWebhook): boolean {
  return !req.headers['x-wc-webhook-signature'] && !req.headers['x-wc-webhook-topic'] && /^webhook_id=\d+$/.test(req.rawBody.trim());
}

export const webhooks: WebhookSupport = {
  verify(req, credentials) {
    if (isPing(req)) return 'ping';
    const ok = verifyHmac({ key: credentials.webhookSecret, rawBody: req.rawBody, signature: req.headers['x-wc-webhook-signature'], encoding: 'base64' });
    return ok ? 'valid' : 'invalid';
  },

  parse(req) {
    const topic = req.headers['x-wc-webhook-topic'] ?? '';
    const [resource, event] = topic.split('.');
    const entity = ENTITY_OF[req.headers['x-wc-webhook-resource'] ?? resource];
    if (!entity) return []; // coupons and action.* topics: nothing Ponte syncs
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.rawBody) as Record<string, unknown>;
    } catch {
      return [];
    }
    if (typeof body?.id !== 'number' && typeof body?.id !== 'string') return [];
    const action = ACTION_OF[req.headers['x-wc-webhook-event'] ?? event] ?? 'other';
    const id = String(body.id);
    const delivery = req.headers['x-wc-webhook-delivery-id'] ?? `${req.headers['x-wc-webhook-id'] ?? '?'}:${String(body.date_modified_gmt ?? '')}`;
    const base = { eventId: `${delivery}:${resource}:${id}`, topic, entity };

    if (entity === 'products' && body.type === 'variation' && body.parent_id) return [{ ...base, action: 'updated', resourceId: String(body.parent_id) }];
    if (action === 'deleted') return [{ ...base, action, resourceId: id }];
    // A variable product's payload lists its variations as ids: Ponte fetches it whole with `get`.
    const complete = entity !== 'products' || body.type !== 'variable';
    const record = complete ? recordOf(entity, body) : undefined;
    return [{ ...base, action, resourceId: id, record }];
  },
};

function recordOf(entity: EntityName, body: Record<string, unknown>) {
  const data = body as WooObject;
  return entity === 'products' ? productRecord(data) : entity === 'customers' ? customerRecord(data) : orderRecord(data);
}
