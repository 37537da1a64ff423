/**
 * Loja Integrada, API v1 (api.awsli.com.br): products with variations, stock, prices, orders
 * (status and tracking) and customers; order and product webhooks. The entities live in their
 * own modules; this file is the connector's card: auth, limits, errors.
 */
import { defineConnector } from '../types';
import { classifyLiResponse, describeLiError, liAuthHeaders } from './client';
import { customers } from './customers';
import { orders } from './orders';
import { products } from './products';
import { prices, stock } from './stock-and-prices';
import { lojaIntegradaWebhooks } from './webhooks';

export const lojaintegrada = defineConnector({
  id: 'lojaintegrada',
  role: 'channel',
  name: 'Loja Integrada',
  description: 'Loja virtual Loja Integrada (API v1): produtos com variações, estoque, preços, pedidos (situação e rastreio) e clientes.',
  defaultBaseUrl: 'https://api.awsli.com.br/v1',
  credentialSchema: {
    type: 'object',
    required: ['chaveApi', 'chaveAplicacao'],
    properties: {
      chaveApi: { type: 'string', title: 'Chave de API', description: 'A chave da loja, criada pelo lojista no painel.', secret: true },
      chaveAplicacao: { type: 'string', title: 'Chave de aplicação', description: 'A chave do integrador, emitida pela Loja Integrada para a aplicação.', secret: true },
      webhookToken: {
        type: 'string',
        title: 'Token do webhook',
        description: 'O token informado ao cadastrar o webhook (PUT /webhooks/v1/pedido); a Loja Integrada o envia como "Authorization: Bearer <token>".',
        secret: true,
      },
    },
  },
  credentialHelp:
    'No painel da Loja Integrada, vá em Configurações > Chave para API > Cadastrar nova chave, dê um nome (por exemplo "Ponte") e copie a chave gerada para "Chave de API". ' +
    'A "Chave de aplicação" identifica o integrador: é emitida pela equipe da Loja Integrada a pedido do provedor da integração (formulário de solicitação de chave de aplicação) e vale apenas a partir dos IPs cadastrados. ' +
    'O "Token do webhook" é um segredo que você escolhe ao cadastrar o webhook de pedidos e produtos.',
  // 100 requests per minute per store (chave_api, error 633) is the budget that binds; the
  // application (3,000/min, 533) and IP (1,200/min, 133) budgets are shared with other stores.
  // 90/min with a burst of 5 keeps any one-minute window under 100 whether LI counts in fixed
  // or sliding windows, leaving a little room for the seller's other apps.
  rateLimit: { requestsPerSecond: 1.5, burst: 5 },
  authHeaders: liAuthHeaders,
  http: {
    classify: classifyLiResponse,
    describeError: describeLiError,
    // LI documents no Retry-After and counts in one-minute windows: probe again after 5 s
    // (at most 12 wasted requests per window) while the connection's pacer holds every other call.
    defaultRetryAfterMs: 5000,
  },
  entities: { products, stock, prices, orders, customers },
  webhooks: lojaIntegradaWebhooks,
  // The smallest authenticated read: one product.
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/produto', query: { limit: 1 }, raw: true }, ctx.signal),
});
