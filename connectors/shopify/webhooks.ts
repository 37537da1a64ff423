/**
 * Shopify webhooks. Shopify signs the raw body: `X-Shopify-Hmac-Sha256` is the base64
 * HMAC-SHA256 of the bytes as sent, keyed with the app's client secret ("API secret key" of a
 * legacy custom app). `X-Shopify-Webhook-Id` identifies the delivery (the dedupe key: Shopify
 * retries a delivery up to 8 times over 4 hours with the same id).
 *
 * The body is the REST form of the resource (snake_case), not the GraphQL form the readers
 * return, so events carry only the resource's id (`admin_graphql_api_id`) and Ponte fetches the
 * record with `get`: a flow sees the same shape whether a record came by webhook or by polling.
 */
import { verifyHmac } from '../http/signatures';
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';

type Action = WebhookEvent['action'];

/** Topic -> what it is about. Topics not listed (shop/redact, app/uninstalled…) produce no event. */
const TOPICS: Record<string, { entity: EntityName; action: Action; resource: (body: Record<string, unknown>) => string | undefined }> = {};

const own = (type: string) => (b: Record<string, unknown>) => (typeof b.admin_graphql_api_id === 'string' ? b.admin_graphql_api_id : b.id != null ? `gid://shopify/${type}/${b.id}` : undefined);
const ref = (type: string, field: string) => (b: Record<string, unknown>) => (b[field] != null ? `gid://shopify/${type}/${b[field]}` : undefined);

function topics(entity: EntityName, resource: (b: Record<string, unknown>) => string | undefined, actions: Record<string, Action>) {
  for (const [topic, action] of Object.entries(actions)) TOPICS[topic] = { entity, action, resource };
}

topics('products', own('Product'), { 'products/create': 'created', 'products/update': 'updated', 'products/delete': 'deleted' });
topics('orders', own('Order'), {
  'orders/create': 'created',
  'orders/updated': 'updated',
  'orders/edited': 'updated',
  'orders/paid': 'updated',
  'orders/cancelled': 'updated',
  'orders/fulfilled': 'updated',
  'orders/partially_fulfilled': 'updated',
  'orders/delete': 'deleted',
});
topics('orders', ref('Order', 'order_id'), { 'fulfillments/create': 'updated', 'fulfillments/update': 'updated', 'refunds/create': 'updated' });
topics('customers', own('Customer'), { 'customers/create': 'created', 'customers/update': 'updated', 'customers/enable': 'updated', 'customers/disable': 'updated', 'customers/delete': 'deleted' });
// Compliance topics: a person decides what erasing or exporting a customer means for the ERP.
topics('customers', (b) => ref('Customer', 'id')((b.customer as Record<string, unknown>) ?? {}), { 'customers/redact': 'other', 'customers/data_request': 'other' });
topics('stock', ref('InventoryItem', 'inventory_item_id'), { 'inventory_levels/update': 'updated', 'inventory_levels/connect': 'created', 'inventory_levels/disconnect': 'deleted' });
topics('stock', own('InventoryItem'), { 'inventory_items/create': 'created', 'inventory_items/update': 'updated', 'inventory_items/delete': 'deleted' });

export const shopifyWebhooks: WebhookSupport = {
  verify(req: IncomingWebhook, credentials: Record<string, string>) {
    return verifyHmac({ key: credentials.clientSecret, rawBody: req.rawBody, signature: req.headers['x-shopify-hmac-sha256'], encoding: 'base64' }) ? 'valid' : 'invalid';
  },
  parse(req: IncomingWebhook): WebhookEvent[] {
    const topic = req.headers['x-shopify-topic'] ?? '';
    const known = TOPICS[topic];
    if (!known) return [];
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.rawBody) as Record<string, unknown>;
    } catch {
      return [];
    }
    const resourceId = known.resource(body);
    if (!resourceId) return [];
    const eventId = req.headers['x-shopify-webhook-id'] ?? req.headers['x-shopify-event-id'] ?? `${topic}:${resourceId}:${req.headers['x-shopify-triggered-at'] ?? ''}`;
    return [{ eventId, topic, entity: known.entity, action: known.action, resourceId }];
  },
};
