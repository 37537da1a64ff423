/** HTTP/REST genérico: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const rest = defineConnector({
  id: 'rest',
  name: 'HTTP/REST genérico',
  description: 'HTTP/REST genérico',
  defaultBaseUrl: 'https://api.example.com',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
