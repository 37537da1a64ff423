/** Loja Integrada: placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const lojaintegrada = defineConnector({
  id: 'lojaintegrada',
  name: 'Loja Integrada',
  description: 'Loja Integrada',
  defaultBaseUrl: 'https://api.awsli.com.br/v1',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
