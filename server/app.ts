/**
 * The HTTP face of Ponte: REST API (OpenAPI at /docs), health, and the UI's static files.
 * Everything here is stateless, so several servers can run behind a load balancer.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ConnectorError, ERROR_HINTS } from '../connectors/http/errors';
import type { Database } from './db/client';
import { installAuth } from './auth/hooks';
import { BadInput, ConflictError, Forbidden, TooManyAttempts, Unauthenticated } from './errors';
import { registerAuthRoutes } from './routes/auth';
import { registerUserRoutes } from './routes/users';
import { FlowInvalid, NotFoundError } from './flows/service';
import { schemaErrorPortuguese } from '../nodes/flow-model/problems';
import { registerConnectionRoutes } from './routes/connections';
import { registerFlowRoutes } from './routes/flows';
import { registerPreviewRoutes } from './routes/preview';
import { registerRunActionRoutes, registerRunRoutes } from './routes/runs';
import { registerApprovalRoutes } from './routes/approvals';
import { registerNotificationRoutes } from './routes/notifications';
import { registerPaymentRoutes } from './routes/payments';
import { registerFiscalRoutes } from './routes/fiscal';
import { registerBindingRoutes } from './routes/bindings';
import { registerDiscoveryRoutes } from './routes/discoveries';
import { registerReconciliationRoutes } from './routes/reconciliations';
import { registerCatalogRoutes } from './routes/catalog';
import { registerTemplateRoutes } from './routes/templates';
import { registerUiConfigRoutes } from './routes/ui-config';
import { registerValueMapRoutes } from './routes/value-maps';
import { registerWebhookIngress } from './webhooks/ingress';
import { RunWatcher } from './live/run-watcher';
import { type Metrics, metricsScrapeAllowed } from './metrics';
import { NotPublished } from './runs/service';
import type { SecretBox } from './secrets/crypto';

export interface AppDeps {
  database: Database;
  box: SecretBox;
  temporal: Client;
  taskQueue: string;
  /** Where providers and browsers reach this server (webhook URLs, OAuth2 callbacks). */
  publicUrl: string;
  /** Where "abrir chamado" sends tickets; unset: they are only recorded. */
  ticketUrl?: string;
  /** The Temporal Web UI browsers can open (GET /api/ui-config); null or unset: the UI shows no link. */
  temporalUiUrl?: string | null;
  /** Passed to each run: continue-as-new past this many history events. */
  maxHistoryEvents?: number;
  /** Extra status lines for /health (e.g. the embedded Temporal child). */
  healthChecks?: Record<string, () => Promise<void>>;
  /** Served at /metrics for Prometheus; unset: no /metrics. */
  metrics?: Metrics;
  /** When set, /metrics needs `Authorization: Bearer <token>` (PONTE_METRICS_TOKEN). */
  metricsToken?: string;
  logger?: FastifyServerOptions['logger'];
  /** Behind a reverse proxy: trust X-Forwarded-For (true, or the proxy's addresses). */
  trustProxy?: boolean | string;
}

/** Log paths that may hold secrets; pino replaces them, so no discipline is needed. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.credentials',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.password',
  '*.token',
];

const uiDist = fileURLToPath(new URL('../ui/dist', import.meta.url));
const uiPlaceholder = fileURLToPath(new URL('../ui/placeholder', import.meta.url));

/** Webhook URLs carry the connection's token in the path: logs get it masked. */
export function redactUrl(url: string): string {
  return url.replace(/^(\/webhooks\/[^/?]+\/)[^/?]+/, '$1••••');
}

/** The request as logged: method and URL, with secrets in the URL masked. */
const requestSerializer = (req: { method: string; url: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), reqId: req.id });

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger && typeof deps.logger === 'object' ? { ...deps.logger, serializers: { req: requestSerializer, ...deps.logger.serializers } } : (deps.logger ?? false);
  const app = Fastify({
    logger,
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Ponte API', version: '0.1.0', description: 'Flows, connections and runs of the Ponte integration server.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);
  // The UI loads only its own files; nothing may frame it. API answers are never cached.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: deps.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: deps.publicUrl.startsWith('https:') ? { maxAge: 31536000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  installAuth(app, deps.database.db);

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof Unauthenticated) return reply.code(401).send({ error: 'Unauthenticated', message: err.message });
    if (err instanceof Forbidden) return reply.code(403).send({ error: 'Forbidden', message: err.message });
    if (err instanceof TooManyAttempts) return reply.code(429).header('retry-after', String(err.retryAfterSeconds)).send({ error: 'TooManyAttempts', message: err.message });
    if (err instanceof FlowInvalid) return reply.code(422).send({ error: 'FlowInvalid', message: err.message, problems: err.problems });
    if (err instanceof NotFoundError) return reply.code(404).send({ error: 'NotFound', message: err.message });
    if (err instanceof NotPublished) return reply.code(409).send({ error: 'NotPublished', message: err.message });
    if (err instanceof ConflictError) return reply.code(409).send({ error: 'Conflict', message: err.message, details: err.details });
    if (err instanceof BadInput) return reply.code(400).send({ error: 'BadRequest', message: err.message, problems: err.problems });
    if (err instanceof ConnectorError) return reply.code(502).send({ error: err.kind, message: err.message, hint: ERROR_HINTS[err.kind].en, hintText: ERROR_HINTS[err.kind] });
    const e = err as { validation?: Array<{ keyword: string; instancePath: string; message?: string; params?: Record<string, unknown> }>; statusCode?: number; message: string; validationContext?: string };
    if (e.validation) {
      const problems = e.validation.map((v) => {
        const field = [e.validationContext, ...v.instancePath.split('/').filter(Boolean), v.params?.missingProperty as string | undefined].filter(Boolean).join('.');
        const message = `${field} ${v.message ?? 'is invalid'}`;
        // The reason in both languages, as validators' problems carry it (the UI shows the reader's).
        return { field, message, text: { en: message, 'pt-BR': schemaErrorPortuguese(field, { keyword: v.keyword, params: v.params ?? {}, message: v.message }) } };
      });
      return reply.code(400).send({ error: 'BadRequest', message: problems.map((p) => p.message).join('; '), problems });
    }
    if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: 'BadRequest', message: e.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'InternalError', message: 'Something went wrong on the server; the log has the details.' });
  });

  app.get('/health', { config: { permission: 'public' }, schema: { tags: ['health'], summary: 'Database and Temporal status' } }, async (_req, reply) => {
    const checks: Record<string, () => Promise<void>> = {
      database: () => deps.database.ping(),
      temporal: async () => void (await deps.temporal.workflowService.getSystemInfo({})),
      ...deps.healthChecks,
    };
    const results: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          results[name] = { ok: true };
        } catch (err) {
          results[name] = { ok: false, error: (err as Error).message };
        }
      }),
    );
    const ok = Object.values(results).every((r) => r.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database: deps.database.kind, checks: results });
  });

  const metrics = deps.metrics;
  if (metrics)
    app.get('/metrics', { config: { permission: 'public' }, schema: { tags: ['health'], summary: 'Prometheus metrics: runs, records, provider calls and throttles, webhook lag, process' } }, async (req, reply) => {
      if (!metricsScrapeAllowed(req.headers.authorization, deps.metricsToken)) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthenticated', message: 'This /metrics needs the PONTE_METRICS_TOKEN as a Bearer token' });
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const watcher = new RunWatcher(deps.database.db);
  app.addHook('onClose', async () => watcher.stop());
  app.get('/api/live', { config: { permission: 'view' }, websocket: true, schema: { tags: ['runs'], summary: 'Live run updates (websocket): run.started, run.progress, record.failed, run.finished' } }, (socket, req) => {
    const unsubscribe = watcher.subscribe(req.auth.tenantId, (event) => socket.send(JSON.stringify(event)));
    socket.on('close', unsubscribe);
  });

  registerAuthRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerCatalogRoutes(app);
  registerConnectionRoutes(app, deps);
  registerValueMapRoutes(app, deps);
  registerFlowRoutes(app, deps);
  registerPreviewRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerRunActionRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerBindingRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerFiscalRoutes(app, deps);
  registerDiscoveryRoutes(app, deps);
  registerReconciliationRoutes(app, deps);
  registerUiConfigRoutes(app, deps);
  await registerWebhookIngress(app, deps);

  // wildcard: files are looked up per request, so a UI rebuilt while the server runs is served at once.
  await app.register(fastifyStatic, { root: existsSync(uiDist) ? uiDist : uiPlaceholder, wildcard: true });
  return app;
}
