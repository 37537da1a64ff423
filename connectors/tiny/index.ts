/**
 * Tiny ERP (Olist Tiny), API v2: products (with variations), stock, prices, sales orders and
 * contacts, and its webhooks. See docs/connectors/tiny.md for what a seller needs to know.
 */
import { defineConnector } from '../types';
import { classifyTinyAnswer, describeTinyError, RETRY_AFTER_LAST_MINUTE_MS } from './client';
import { customers } from './entities/customers';
import { orders } from './entities/orders';
import { prices } from './entities/prices';
import { products } from './entities/products';
import { stock } from './entities/stock';
import { tinyWebhooks } from './webhooks';

/**
 * Tiny limits requests per minute by plan and counts them over the last minute. 30 a minute is
 * the lowest plan with API access; a connection on a larger plan raises it with
 * `settings.rateLimit` (60/min: `{requestsPerSecond: 1}`). At most burst + 60 × rate requests
 * fit in any minute: 1 + 29 = 30.
 */
export const TINY_DEFAULT_RATE_LIMIT = { requestsPerSecond: 29 / 60, burst: 1 };

export const tiny = defineConnector({
  id: 'tiny',
  role: 'erp',
  name: 'Tiny',
  description: 'ERP Tiny (Olist Tiny, API v2): produtos com variações, estoque, preços, pedidos de venda, contatos e webhooks.',
  defaultBaseUrl: 'https://api.tiny.com.br/api2',
  credentialSchema: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string', title: 'Token da API', description: 'Token gerado no Tiny em Configurações → Outras configurações → Token API.', secret: true },
      webhookSecret: {
        type: 'string',
        title: 'Segredo dos webhooks',
        description: 'Uma senha longa escolhida por você; vai no fim da URL de notificação cadastrada no Tiny como ?secret=…',
        secret: true,
      },
    },
  },
  credentialHelp:
    'No Tiny, instale a extensão "Token API" em Início → Extensões. Depois abra Configurações → Outras configurações → Token API, clique em "Gerar token" e cole-o aqui. ' +
    'Para receber notificações, invente um segredo longo, guarde-o no campo "Segredo dos webhooks" e cadastre no Tiny a URL de webhook desta conexão terminada em ?secret=<o segredo> ' +
    '(vendas: Configurações → aba Geral → Outras configurações → Webhooks; estoque e preços: Configurações → E-commerce → Integrações → sua integração → aba Webhook).',
  rateLimit: TINY_DEFAULT_RATE_LIMIT,
  // Tiny authenticates with the `token` form field of every call (see client.ts), not a header.
  authHeaders: () => ({}),
  http: {
    classify: classifyTinyAnswer,
    describeError: describeTinyError,
    defaultRetryAfterMs: RETRY_AFTER_LAST_MINUTE_MS,
  },
  entities: { products, stock, prices, orders, customers },
  webhooks: tinyWebhooks,
  // "Informações da conta" is the cheapest authenticated method.
  test: (ctx) => ctx.http.send({ method: 'POST', path: '/info.php', form: { token: ctx.credentials.token ?? '', formato: 'json' }, raw: true }, ctx.signal),
});
