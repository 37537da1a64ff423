/** PostgreSQL (ERP legado): placeholder until its connector is built (issue 4). */
import { defineConnector } from '../types';

export const postgres = defineConnector({
  id: 'postgres',
  name: 'PostgreSQL (ERP legado)',
  description: 'PostgreSQL (ERP legado)',
  defaultBaseUrl: 'postgres://user:password@host:5432/erp',
  credentialSchema: { type: 'object', properties: {} },
  rateLimit: {},
  authHeaders: () => ({}),
  entities: {},
  test: (ctx) => ctx.http.send({ method: 'GET', path: '/', raw: true }, ctx.signal),
});
