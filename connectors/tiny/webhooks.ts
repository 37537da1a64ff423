/**
 * Tiny webhooks (API v2): a JSON POST `{versao, cnpj, tipo, dados}` with no signature and no
 * delivery id. Tiny resends until it gets HTTP 200 (up to 10 times, 5 more minutes each time).
 *
 * - Authenticity: the seller registers the webhook URL with `?secret=<webhookSecret>`; the
 *   query value is compared in constant time with the connection's credential.
 * - Dedupe key: a resend carries the same body, so the hash of the raw body identifies a delivery.
 */
import { createHash } from 'node:crypto';
import { jsonObjectBody, safeEqual } from '../http/signatures';
import type { EntityName, IncomingWebhook, WebhookEvent, WebhookSupport } from '../types';

/** The query parameter of the webhook URL that carries the secret. */
export const WEBHOOK_SECRET_PARAM = 'secret';

interface TinyWebhookBody {
  versao?: string;
  cnpj?: string;
  tipo?: string;
  dados?: Record<string, unknown>;
}

interface TopicRule {
  entity: EntityName;
  action: WebhookEvent['action'];
  /** Where the id of the record is in `dados`. */
  idField: string;
}

/**
 * The `tipo` values Tiny sends: sales notifications (`inclusao_pedido`, `atualizacao_pedido`),
 * and the e-commerce integration webhooks for stock (`estoque`), prices (`precos`) and
 * products (`produto`). Anything else is acknowledged and ignored.
 */
const TOPICS: Record<string, TopicRule> = {
  inclusao_pedido: { entity: 'orders', action: 'created', idField: 'id' },
  atualizacao_pedido: { entity: 'orders', action: 'updated', idField: 'id' },
  estoque: { entity: 'stock', action: 'updated', idField: 'idProduto' },
  precos: { entity: 'prices', action: 'updated', idField: 'idProduto' },
  produto: { entity: 'products', action: 'updated', idField: 'idProduto' },
};

function bodyOf(req: IncomingWebhook): TinyWebhookBody | null {
  return jsonObjectBody<TinyWebhookBody>(req.rawBody);
}

export const tinyWebhooks: WebhookSupport = {
  verify(req, credentials) {
    const expected = credentials.webhookSecret;
    const given = req.query[WEBHOOK_SECRET_PARAM];
    if (!expected || !given) return 'invalid';
    return safeEqual(given, expected) ? 'valid' : 'invalid';
  },

  parse(req) {
    const body = bodyOf(req);
    const rule = body?.tipo ? TOPICS[body.tipo] : undefined;
    if (!body || !rule) return [];
    const dados = body.dados ?? {};
    // Product webhooks carry `idProduto`; some carry only `id`.
    const id = dados[rule.idField] ?? dados.id;
    if (id === undefined || id === null || id === '') return [];
    return [
      {
        eventId: createHash('sha256').update(req.rawBody, 'utf8').digest('base64url').slice(0, 32),
        topic: body.tipo!,
        entity: rule.entity,
        action: rule.action,
        resourceId: String(id),
      },
    ];
  },
};
