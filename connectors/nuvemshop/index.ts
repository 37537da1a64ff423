/**
 * Nuvemshop / Tiendanube, API v1: products with variants, stock, prices, orders and customers,
 * and the store's webhooks. Facts from the official docs (TiendaNube/api-docs); see
 * docs/connectors/nuvemshop.md for what a seller needs to know.
 */
import { defineConnector } from '../types';
import { authHeaders, BUCKET_SIZE, classify, describeError, LEAK_PER_SECOND, storePath } from './client';
import { customers } from './customers';
import { orders } from './orders';
import { products } from './products';
import { prices, stock } from './variants';
import { webhooks } from './webhooks';

export const nuvemshop = defineConnector({
  id: 'nuvemshop',
  role: 'channel',
  name: 'Nuvemshop',
  description: 'Loja virtual Nuvemshop / Tiendanube (API v1): produtos com variações, estoque, preços, pedidos e clientes.',
  // The store id is appended to every path (`/v1/{store_id}/products`); it comes from the credentials.
  defaultBaseUrl: 'https://api.nuvemshop.com.br/v1',
  credentialSchema: {
    type: 'object',
    required: ['storeId', 'accessToken'],
    properties: {
      storeId: { type: 'string', title: 'ID da loja', description: 'Número da loja na Nuvemshop: o "user_id" que vem junto com o access token.' },
      accessToken: { type: 'string', title: 'Access token', description: 'Token do aplicativo instalado na loja. Não expira; deixa de valer se o app for desinstalado.', secret: true },
      appId: { type: 'string', title: 'ID do aplicativo', description: 'Identifica o app no cabeçalho User-Agent, como a Nuvemshop pede.' },
      clientSecret: { type: 'string', title: 'Client secret do aplicativo', description: 'Usado só para conferir a assinatura dos webhooks.', secret: true },
    },
  },
  // Where a seller finds each credential (Nuvemshop docs: README "Where do I start?" and resources/authentication.md).
  credentialHelp:
    'A Nuvemshop só libera a API por meio de um aplicativo. Cadastre-se como parceiro em nuvemshop.com.br/parceiros e, ' +
    'no painel de parceiro, seção "Aplicativos", crie um app (ou use o do seu integrador) com as permissões de produtos, ' +
    'pedidos e clientes (leitura e escrita). A página do app mostra o ID do aplicativo e o Client secret. ' +
    'Instale o app na loja abrindo https://www.nuvemshop.com.br/apps/<ID do aplicativo>/authorize com a conta da loja: ' +
    'a Nuvemshop redireciona com um "code", que se troca por POST em https://www.nuvemshop.com.br/apps/authorize/token ' +
    '(client_id, client_secret, grant_type=authorization_code, code). A resposta traz o access_token e o user_id, ' +
    'que é o ID da loja. O token não expira; só deixa de valer se o app for desinstalado ou se um novo token for gerado.',
  // Nuvemshop: leaky bucket of 40 requests draining 2 per second per app and store (×10 on the
  // top plans; raise it in the connection's settings there).
  rateLimit: { requestsPerSecond: LEAK_PER_SECOND, burst: BUCKET_SIZE },
  authHeaders,
  // 429 is classified here (its wait comes from the X-Rate-Limit-* headers), so no default delay is needed.
  http: { classify, describeError },
  entities: { products, stock, prices, orders, customers },
  webhooks,
  // GET /store: the store's own record, one small authenticated call.
  test: (ctx) => ctx.http.send({ method: 'GET', path: storePath(ctx, '/store'), query: { fields: 'id,name' }, raw: true }, ctx.signal),
});
