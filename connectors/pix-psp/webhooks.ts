/**
 * API Pix notifications: the PSP POSTs `{"pix": [{endToEndId, txid, valor, horario, …}]}` to
 * `{webhookUrl}/pix` when Pix with a txid arrive (several may come in one delivery), and again
 * when a refund of one reaches a final status.
 *
 * Authentication: the spec protects the callback with mutual TLS, the PSP being the client.
 * Ponte's reverse proxy terminates that TLS (and may check the PSP's certificate); what reaches
 * `verify` is authenticated by the secret token in the connection's webhook URL, checked by
 * Ponte before it. The payload is never trusted as a payment: events carry no record, and
 * Ponte reads each Pix back with `GET /v2/pix/{e2eid}`, so a forged delivery cannot invent one.
 */
import { jsonObjectBody } from '../http/signatures';
import type { WebhookEvent, WebhookSupport } from '../types';
import { E2EID_PATTERN } from './client';

interface Notification {
  pix?: Array<{ endToEndId?: string; txid?: string; devolucoes?: unknown }>;
}

/** The final statuses of a refund ("devolução") the PSP notifies. */
function refundsOf(item: { devolucoes?: unknown }): Array<{ id?: string; status?: string }> {
  const d = item.devolucoes;
  // The spec's example writes a single refund as an object, its schema as an array.
  const list = Array.isArray(d) ? d : d && typeof d === 'object' ? [d] : [];
  return (list as Array<{ id?: string; status?: string }>).filter((r) => r && (r.status === 'DEVOLVIDO' || r.status === 'NAO_REALIZADO'));
}

export const webhooks: WebhookSupport = {
  verify(req) {
    // The PSP appends "/pix" to the registered URL; a PSP configured to post to the URL itself sends nothing after it.
    const path = (req.path ?? '').replace(/\/+$/, '');
    if (path !== '/pix' && path !== '') return 'invalid';
    const body = jsonObjectBody<Notification>(req.rawBody);
    if (!body || Array.isArray(body)) return 'invalid';
    // PSPs test the URL when it is registered with a body of their own: acknowledged, nothing runs.
    return Array.isArray(body.pix) ? 'valid' : 'ping';
  },

  parse(req) {
    const body = jsonObjectBody<Notification>(req.rawBody);
    const events: WebhookEvent[] = [];
    for (const item of Array.isArray(body?.pix) ? body.pix : []) {
      const e2e = item?.endToEndId;
      if (typeof e2e !== 'string' || !E2EID_PATTERN.test(e2e)) continue;
      // The endToEndId is the dedupe key: the same payment delivered twice is one event.
      events.push({ eventId: e2e, topic: 'pix', entity: 'payments', action: 'created', resourceId: e2e });
      const refunds = refundsOf(item);
      if (refunds.length) {
        events.push({
          eventId: `${e2e}:devolucao:${refunds.map((r) => `${r.id ?? ''}=${r.status}`).join(',')}`,
          topic: 'pix/devolucao',
          entity: 'payments',
          action: 'updated',
          resourceId: e2e,
        });
      }
    }
    return events;
  },
};
