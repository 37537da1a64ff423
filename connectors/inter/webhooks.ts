/**
 * Banco Inter's cobrança callback: a POST to the registered URL with an array of cobrança
 * updates (`codigoSolicitacao`, `seuNumero`, `situacao`, `dataHoraSituacao`,
 * `valorTotalRecebido`, `origemRecebimento`, boleto and Pix data). Inter signs nothing: the
 * callback arrives over TLS from Inter (its client certificate can be checked at Ponte's reverse
 * proxy), and what reaches `verify` is authenticated by the secret token in the connection's
 * webhook URL. A RECEBIDO update becomes a `payments` event without a record: Ponte reads the
 * cobrança back with `get`, so a forged delivery cannot invent a payment. Other updates are
 * `other` events, which start nothing.
 */
import type { IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';
import type { InterCallback } from './client';

/** The updates of a delivery: Inter posts an array; a single object is taken as one update. */
function updatesOf(req: IncomingWebhook): InterCallback[] | null {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody);
  } catch {
    return null;
  }
  if (Array.isArray(body)) return body.filter((u) => u && typeof u === 'object') as InterCallback[];
  if (body && typeof body === 'object') return 'codigoSolicitacao' in body ? [body as InterCallback] : [];
  return null;
}

export const webhooks: WebhookSupport = {
  verify(req) {
    // Inter posts to the registered URL itself, with nothing after it.
    if ((req.path ?? '').replace(/\/+$/, '') !== '') return 'invalid';
    const updates = updatesOf(req);
    if (!updates) return 'invalid';
    return updates.length ? 'valid' : 'ping';
  },

  parse(req) {
    const events: WebhookEvent[] = [];
    for (const u of updatesOf(req) ?? []) {
      const codigo = u.codigoSolicitacao;
      if (typeof codigo !== 'string' || !codigo) continue;
      const situacao = String(u.situacao ?? '');
      // A cobrança is received once: its code and RECEBIDO name the payment, the same on every redelivery.
      if (situacao === 'RECEBIDO') {
        events.push({ eventId: `${codigo}:RECEBIDO`, topic: situacao, entity: 'payments', action: 'created', resourceId: codigo });
      } else {
        events.push({ eventId: `${codigo}:${situacao}:${u.dataHoraSituacao ?? ''}`, topic: situacao, entity: 'payments', action: 'other', resourceId: codigo });
      }
    }
    return events;
  },
};
