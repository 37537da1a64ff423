/**
 * Mercado Livre (api.mercadolibre.com). Listings read and written (with variations kept whole),
 * stock and prices per listing or variation, orders read and their tracking written back,
 * notifications checked and parsed. There is no customer API: a buyer exists only inside an order.
 * docs/connectors/mercadolivre.md is the user's account of all this.
 */
import { defineConnector, oauth2Credentials } from '../types';
import { prices, stock } from './inventory';
import { orders } from './orders';
import { products } from './products';
import { mercadolivreWebhooks } from './webhooks';

export { mercadolivreWebhooks } from './webhooks';

export const mercadolivre = defineConnector({
  id: 'mercadolivre',
  role: 'channel',
  name: 'Mercado Livre',
  description: 'Marketplace Mercado Livre: anúncios (com variações), estoque, preços, pedidos e rastreamento.',
  defaultBaseUrl: 'https://api.mercadolibre.com',
  credentialSchema: oauth2Credentials({ clientId: 'App ID', clientSecret: 'Secret key' }),
  // Mercado Livre: client id and secret go in the form body, with the same redirect_uri as the
  // authorize step; each refresh token works once.
  oauth2: { authorizeUrl: 'https://auth.mercadolivre.com.br/authorization', tokenPath: '/oauth/token', clientAuth: 'body', sendsRedirectUri: true },
  // ML publishes no general number; integrators see throttling around 5-7 writes/s on items.
  rateLimit: { requestsPerSecond: 5, burst: 5 },
  authHeaders: (credentials) => ({ authorization: `Bearer ${credentials.accessToken}` }),
  http: {
    describeError(body) {
      // Two shapes: `{message, error, status, cause[]}` and the gateway's `{code, message}` (401s since ~2023).
      const b = body as { message?: string; error?: string; code?: string; error_description?: string; cause?: Array<{ code?: string; message?: string }> } | undefined;
      if (!b || typeof b !== 'object') return undefined;
      const causes = (Array.isArray(b.cause) ? b.cause : []).map((c) => [c.code, c.message].filter(Boolean).join(': ')).join('; ');
      const head = [b.error ?? b.code, b.message ?? b.error_description].filter(Boolean).join(': ');
      return head + (causes ? ` (${causes})` : '') || undefined;
    },
    // ML does not promise a Retry-After on 429.
    defaultRetryAfterMs: 2000,
  },
  entities: { products, stock, prices, orders },
  webhooks: mercadolivreWebhooks,
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/users/me', raw: true }, ctx.signal),
});
