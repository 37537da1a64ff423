/** Nuvemshop: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const nuvemshop = defineConnector({
  id: 'nuvemshop',
  name: 'Nuvemshop',
  description: 'Nuvemshop',
  defaultBaseUrl: 'https://api.nuvemshop.com.br/v1/{store_id}',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
