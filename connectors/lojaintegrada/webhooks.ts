/**
 * Loja Integrada webhooks. Registered with `PUT /webhooks/v1/pedido` (or `/produto`) and a body
 * `{notifyUrl, token}`; every delivery then carries `Authorization: Bearer <that token>`. There
 * is no HMAC over the body: the token is a shared secret, compared in constant time with the
 * connection's `webhookToken`, and a connection without one refuses every delivery.
 *
 * Payloads: the order webhook sends one full order; the product webhook an array of products.
 * Both differ in shape from the REST resources (numbers instead of decimal strings, other
 * field names), so events carry only the id and Ponte reads the record with `get`: the record
 * then looks exactly like what `read` returns. LI sends no event id and says duplicates happen;
 * the dedupe key is the resource and its modification time (plus the status, for orders).
 */
import { safeEqual } from '../http/signatures';
import type { IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';

interface OrderPayload {
  numero: number | string;
  data_criacao?: string;
  data_modificacao?: string;
  situacao?: { codigo?: string; situacao_alterada?: boolean };
}

interface ProductPayload {
  id: number | string;
  removido?: boolean;
  data_criacao?: string;
  data_modificacao?: string;
}

function bearer(headers: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m?.[1];
}

/** New when LI has not modified it since it was created. */
function actionOf(created: string | undefined, modified: string | undefined): 'created' | 'updated' {
  return created && modified && Date.parse(created) === Date.parse(modified) ? 'created' : 'updated';
}

function orderEvent(o: OrderPayload): WebhookEvent {
  const numero = String(o.numero);
  return {
    eventId: `pedido:${numero}:${o.situacao?.codigo ?? ''}:${o.data_modificacao ?? ''}`,
    topic: 'pedido',
    entity: 'orders',
    action: actionOf(o.data_criacao, o.data_modificacao),
    resourceId: numero,
  };
}

function productEvent(p: ProductPayload): WebhookEvent {
  const id = String(p.id);
  return {
    eventId: `produto:${id}:${p.data_modificacao ?? ''}`,
    topic: 'produto',
    entity: 'products',
    action: p.removido ? 'deleted' : actionOf(p.data_criacao, p.data_modificacao),
    resourceId: id,
  };
}

export const lojaIntegradaWebhooks: WebhookSupport = {
  verify(req: IncomingWebhook, credentials: Record<string, string>) {
    const expected = credentials.webhookToken;
    const sent = bearer(req.headers);
    if (!expected || !sent) return 'invalid';
    return safeEqual(sent, expected) ? 'valid' : 'invalid';
  },
  parse(req: IncomingWebhook) {
    const body = JSON.parse(req.rawBody) as unknown;
    if (Array.isArray(body)) return (body as ProductPayload[]).filter((p) => p && p.id !== undefined).map(productEvent);
    if (body && typeof body === 'object' && (body as OrderPayload).numero !== undefined) return [orderEvent(body as OrderPayload)];
    return [];
  },
};
