/**
 * Webhook deliveries a simulator makes to the URL a connection registered (a PSP's Pix
 * notification, Inter's boleto callback), kept so a test can deliver the same bytes again: the
 * providers deliver at least once, and a redelivery must not become a second payment.
 */
import { request } from 'undici';

export interface SimDelivery {
  /** Where it was posted (the registered URL plus any suffix the provider adds). */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
  /** The receiver's HTTP status; null when it could not be reached. */
  status: number | null;
  error?: string;
}

export async function postDelivery(url: string, rawBody: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<SimDelivery> {
  const delivery: SimDelivery = { url, headers, rawBody, status: null };
  try {
    const res = await request(url, { method: 'POST', headers, body: rawBody, headersTimeout: 5_000, bodyTimeout: 5_000 });
    await res.body.text();
    delivery.status = res.statusCode;
  } catch (err) {
    delivery.error = (err as Error).message;
  }
  return delivery;
}

/** The same delivery once more, as a provider retrying it would send it. */
export function redeliver(delivery: SimDelivery): Promise<SimDelivery> {
  return postDelivery(delivery.url, delivery.rawBody, delivery.headers);
}

/** Whether a webhook URL a client registers is an http(s) URL (real providers demand https; simulators also take http for tests). */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
