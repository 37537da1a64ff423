/** Shopify: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const shopify = defineConnector({
  id: 'shopify',
  name: 'Shopify',
  description: 'Shopify',
  defaultBaseUrl: 'https://{shop}.myshopify.com/admin/api/2025-07',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
