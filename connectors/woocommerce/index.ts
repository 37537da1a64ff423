/** WooCommerce: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const woocommerce = defineConnector({
  id: 'woocommerce',
  name: 'WooCommerce',
  description: 'WooCommerce',
  defaultBaseUrl: 'https://{store}/wp-json/wc/v3',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
