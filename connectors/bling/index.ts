/**
 * Bling ERP, API v3: produtos (with variations), estoque (balances per deposit, movements
 * B/E/S), preços (the product's own or per sales channel), pedidos de venda (with status
 * changes), contatos, contas a receber (baixa of a paid charge), and signed webhooks. See docs/connectors/bling.md.
 */
import { defineConnector, oauth2Credentials } from '../types';
import { describeBlingError } from './client';
import { customers } from './customers';
import { orders } from './orders';
import { prices } from './prices';
import { products } from './products';
import { receivables } from './receivables';
import { stock } from './stock';
import { blingWebhooks } from './webhooks';

export { BLING_ORDER_STATUS, changeOrderStatus } from './orders';
export { launchStock } from './stock';
export { blingWebhooks } from './webhooks';
export { toBlingDate } from './client';

export const bling = defineConnector({
  id: 'bling',
  role: 'erp',
  name: 'Bling',
  description: 'ERP Bling (API v3): produtos, estoque, preços, pedidos de venda, contatos.',
  defaultBaseUrl: 'https://api.bling.com.br/Api/v3',
  credentialSchema: oauth2Credentials(),
  credentialHelp:
    'No Bling, abra Central de Extensões → Área do Integrador e clique em "Criar novo aplicativo" (visibilidade Privado, tipo API). ' +
    'Em "Link de redirecionamento" informe <endereço da Ponte>/api/oauth/callback e marque os escopos de produtos, estoques e depósitos, pedidos de venda, contatos e produtos-lojas. ' +
    'Salve e copie o Client ID e o Client Secret exibidos no aplicativo para esta conexão; depois autorize a conexão: entre no Bling com a conta da empresa e aprove o acesso. ' +
    'O Client Secret também confere a assinatura dos webhooks (aba Webhooks do aplicativo, com a URL de webhook desta conexão).',
  // Bling: the token endpoint takes the app's credentials as HTTP Basic; state is mandatory.
  oauth2: { authorizeUrl: 'https://www.bling.com.br/Api/v3/oauth/authorize', tokenPath: '/oauth/token', clientAuth: 'basic', sendsRedirectUri: false },
  // Bling: 3 requests per second and 120,000 per day per account, counted in fixed one-second
  // windows; Bling advises at least 350 ms between calls, so no bursts.
  rateLimit: { requestsPerSecond: 2.85, burst: 1 },
  authHeaders: (credentials) => ({ authorization: `Bearer ${credentials.accessToken}` }),
  http: {
    describeError: describeBlingError,
    // Bling sends no Retry-After; its window is one second.
    defaultRetryAfterMs: 1000,
  },
  entities: { products, stock, prices, orders, customers },
  receivables,
  webhooks: blingWebhooks,
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/produtos', query: { pagina: 1, limite: 1 }, raw: true }, ctx.signal),
});
