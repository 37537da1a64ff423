/**
 * Shopify, through the Admin GraphQL API (2026-04). Shopify made REST legacy on 1 October 2024
 * and deprecated its /products and /variants endpoints (they stop at 100 variants), and it
 * points ERP integrations to `productSet`; so this connector speaks GraphQL only.
 *
 * Entities: products (with variants and SKUs), stock (per location), prices (per variant),
 * orders (read; status and tracking written back) and customers. Webhooks: verified with the
 * app's client secret; events name the resource and Ponte fetches it with `get`.
 */
import { defineConnector } from '../types';
import { API_VERSION, classifyShopifyResponse, describeShopifyError, testConnection } from './client';
import { customers } from './customers';
import { orders } from './orders';
import { prices } from './prices';
import { products } from './products';
import { stock } from './stock';
import { shopifyWebhooks } from './webhooks';

export const shopify = defineConnector({
  id: 'shopify',
  role: 'channel',
  name: 'Shopify',
  description: 'Loja Shopify (Admin API GraphQL): produtos e variações, estoque por local, preços, pedidos (status e rastreio) e clientes.',
  defaultBaseUrl: `https://{shop}.myshopify.com/admin/api/${API_VERSION}`,
  credentialSchema: {
    type: 'object',
    required: [],
    properties: {
      accessToken: {
        type: 'string',
        title: 'Token de acesso da Admin API',
        description: 'shpat_… de um app personalizado criado no admin da loja. Deixe vazio se usar Client ID e Client secret.',
        secret: true,
      },
      clientId: { type: 'string', title: 'Client ID', description: 'Do app no Dev Dashboard; com o Client secret, a Ponte obtém tokens de 24 h sozinha.' },
      clientSecret: { type: 'string', title: 'Client secret (chave secreta da API)', description: 'Valida a assinatura dos webhooks; com o Client ID, obtém os tokens.', secret: true },
    },
  },
  credentialHelp: [
    'Base URL: https://SUA-LOJA.myshopify.com/admin/api/2026-04 — o endereço .myshopify.com aparece no admin em Configurações → Domínios.',
    'App do Dev Dashboard (o único tipo que pode ser criado desde janeiro de 2026): em dev.shopify.com, abra Apps → seu app → Settings e copie o Client ID e o Client secret. Na versão do app, conceda os escopos read_products, write_products, read_inventory, write_inventory, read_locations, read_orders, write_orders, read_merchant_managed_fulfillment_orders, write_merchant_managed_fulfillment_orders, read_customers e write_customers, e instale o app na loja.',
    'App personalizado antigo (criado no admin): Configurações → Apps e canais de vendas → Desenvolver apps → seu app → Credenciais da API. Copie o "Token de acesso da Admin API" (shpat_…, mostrado uma única vez) e a "Chave secreta da API" (para os webhooks).',
  ].join('\n'),
  // Shopify limits GraphQL by query cost, not by request count: Standard plan 100 points/s
  // restored into a 2,000-point bucket (Advanced 200, Plus 1,000). A write costs about 10
  // points, so 5 requests/s keeps writes at half the budget and leaves room for reads. When
  // Shopify throttles anyway, Ponte waits exactly what extensions.cost.throttleStatus says.
  rateLimit: { requestsPerSecond: 5, burst: 20 },
  authHeaders: (credentials): Record<string, string> => (credentials.accessToken ? { 'x-shopify-access-token': credentials.accessToken } : {}),
  http: {
    classify: classifyShopifyResponse,
    describeError: describeShopifyError,
    // A 429 with no Retry-After: Shopify restores the bucket continuously; one second is plenty.
    defaultRetryAfterMs: 1000,
  },
  entities: { products, stock, prices, orders, customers },
  webhooks: shopifyWebhooks,
  test: testConnection,
});
