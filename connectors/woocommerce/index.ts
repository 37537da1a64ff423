/**
 * WooCommerce REST API v3 (`https://<loja>/wp-json/wc/v3`): products with variations, stock,
 * prices, orders and customers; signed webhooks. See docs/connectors/woocommerce.md.
 */
import { defineConnector } from '../types';
import { basicAuthorization, send, wooHttp } from './client';
import { customers } from './customers';
import { prices, stock } from './inventory';
import { orders } from './orders';
import { products } from './products';
import { webhooks } from './webhooks';

export const woocommerce = defineConnector({
  id: 'woocommerce',
  role: 'channel',
  name: 'WooCommerce',
  description: 'Loja WooCommerce (REST API v3): produtos e variações, estoque, preços, pedidos, clientes, webhooks.',
  // Each store is its own site; the connection's base URL names it.
  defaultBaseUrl: 'https://{store}/wp-json/wc/v3',
  credentialSchema: {
    type: 'object',
    required: ['consumerKey', 'consumerSecret'],
    properties: {
      consumerKey: { type: 'string', title: 'Chave do consumidor (Consumer key)', description: 'Começa com ck_' },
      consumerSecret: { type: 'string', title: 'Segredo do consumidor (Consumer secret)', description: 'Começa com cs_', secret: true },
      webhookSecret: {
        type: 'string',
        title: 'Segredo do webhook',
        description: 'O mesmo "Segredo" digitado em cada webhook da loja; confere a assinatura X-WC-Webhook-Signature',
        secret: true,
      },
    },
  },
  credentialHelp:
    'No painel do WordPress, vá em WooCommerce → Configurações → Avançado → API REST e clique em "Adicionar chave". ' +
    'Escolha um usuário administrador, a permissão "Leitura/Gravação" e clique em "Gerar chave de API": copie a Chave do consumidor (ck_…) ' +
    'e o Segredo do consumidor (cs_…) na hora, porque o segredo não aparece de novo. A loja precisa de HTTPS e de links permanentes ' +
    'diferentes de "Simples" (Configurações → Links permanentes). Para webhooks, em WooCommerce → Configurações → Avançado → Webhooks, ' +
    'crie um webhook com a URL de webhook desta conexão e copie o mesmo "Segredo" para o campo Segredo do webhook.',
  // WooCommerce core publishes no limit, but every call runs PHP and MySQL on the seller's own
  // host (often shared hosting) and hosts/WAFs answer 429 when pushed. 5 requests per second
  // keeps a small store responsive; batch writes carry up to 100 records per request.
  rateLimit: { requestsPerSecond: 5, burst: 5 },
  authHeaders: basicAuthorization,
  http: wooHttp,
  entities: { products, stock, prices, orders, customers },
  webhooks,
  // The cheapest authenticated call: one product id. A listing needs read permission, so a
  // wrong key or a host that strips the Authorization header shows here.
  test: (ctx) => send(ctx, { method: 'GET', path: '/products', query: { per_page: 1, _fields: 'id' }, raw: true }),
});
