/** What the browser UI needs to know about this installation and cannot find out by itself. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';

export function registerUiConfigRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get(
    '/api/ui-config',
    { config: { permission: 'view' },
      schema: {
        tags: ['ui'],
        summary: 'Settings for the browser UI: where the Temporal Web UI is (null: no "Ver no Temporal" links) and the namespace runs live in',
        response: {
          200: {
            type: 'object',
            properties: { temporalUiUrl: { type: ['string', 'null'] }, temporalNamespace: { type: 'string' } },
          },
        },
      },
    },
    // The client's namespace is the one runs are started in, whatever the configuration called it.
    async () => ({ temporalUiUrl: deps.temporalUiUrl ?? null, temporalNamespace: deps.temporal.options.namespace }),
  );
}
