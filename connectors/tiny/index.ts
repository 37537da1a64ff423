/** Tiny: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const tiny = defineConnector({
  id: 'tiny',
  name: 'Tiny',
  description: 'Tiny',
  defaultBaseUrl: 'https://api.tiny.com.br/api2',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
