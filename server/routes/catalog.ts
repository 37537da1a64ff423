/** What can be used in a flow: node types (the UI draws forms from their schemas) and connectors. */
import type { FastifyInstance } from 'fastify';
import { connectors } from '../../connectors/registry';
import { ENTITIES } from '../../connectors/types';
import { nodeDefinitions } from '../../nodes/registry';

export function registerCatalogRoutes(app: FastifyInstance) {
  app.get('/api/node-types', { config: { permission: 'view' }, schema: { tags: ['catalog'], summary: 'Node types with their parameter schemas and ports' } }, async () => ({ nodeTypes: nodeDefinitions }));

  app.get('/api/connectors', { config: { permission: 'view' }, schema: { tags: ['catalog'], summary: 'Providers Ponte can connect to' } }, async () => ({
    connectors: Object.values(connectors).map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      defaultBaseUrl: c.defaultBaseUrl,
      credentialSchema: c.credentialSchema,
      credentialHelp: c.credentialHelp ?? null,
      oauth2: Boolean(c.oauth2),
      webhooks: Boolean(c.webhooks),
      /** What the connection can do for notify, charge, settle and emit-nf nodes. */
      messaging: c.messaging?.channel ?? null,
      payments: c.payments?.kinds ?? [],
      receivables: Boolean(c.receivables),
      fiscal: Boolean(c.fiscal),
      rateLimit: c.rateLimit,
      entities: ENTITIES.filter((e) => c.entities[e]).map((e) => ({ entity: e, read: !!c.entities[e]?.read, write: !!c.entities[e]?.write })),
    })),
  }));
}
