/** Webhook deliveries as WC_Webhook::deliver and ::deliver_ping send them. */
import { hmacSha256 } from '../../http/signatures';

export interface WebhookDelivery {
  headers: Record<string, string>;
  rawBody: string;
}

const USER_AGENT = 'WooCommerce/9.4.0 Hookshot (WordPress/6.7.1)';

/** WordPress's JSON encoder escapes slashes; the signature covers these exact bytes. */
const wpJson = (value: unknown) => JSON.stringify(value).replace(/\//g, '\\/');

export function signWebhook(secret: string, rawBody: string): string {
  return hmacSha256(secret, rawBody, 'base64');
}

export function buildDelivery(options: { topic: string; payload: unknown; secret: string; webhookId: number; siteUrl: string }): WebhookDelivery {
  const [resource, event] = options.topic.split('.');
  const rawBody = wpJson(options.payload);
  // get_new_delivery_id(): wp_hash of the webhook id and the current second.
  const deliveryId = hmacSha256('wp_hash', `${options.webhookId}${Math.floor(Date.now() / 1000)}`, 'hex').slice(0, 32);
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'x-wc-webhook-source': `${options.siteUrl}/`,
      'x-wc-webhook-topic': options.topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signWebhook(options.secret, rawBody),
      'x-wc-webhook-id': String(options.webhookId),
      'x-wc-webhook-delivery-id': deliveryId,
    },
  };
}

/** The ping sent when a webhook is saved: form-encoded, no X-WC-Webhook-* headers, no signature. */
export function buildPing(webhookId: number): WebhookDelivery {
  return { rawBody: `webhook_id=${webhookId}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT } };
}
