/**
 * Ponte's command line. One codebase, three roles:
 *   (default)      all-in-one: API + UI + worker, embedded PGlite and Temporal unless configured
 *   --role server  API + UI + webhooks only (stateless; run several)
 *   --role worker  workflows and activities only (run N of them)
 * Add --demo to start the provider simulators and a sample flow.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { PacerRegistry } from '../connectors/http/pacing';
import { retryStuckAlerts } from './notify/alert-retries';
import { buildApp, REDACT_PATHS } from './app';
import { ConfigProblem, loadConfig } from './config';
import { DEFAULT_TENANT, openDatabase } from './db/client';
import { startDemo } from './demo';
import { SecretBox } from './secrets/crypto';
import { checkSecretKey } from './secrets/key-check';
import { type DevServer, startDevServer } from './temporal/dev-server';
import { ensureTemporalCli, PIP_INSTALL_COMMAND } from './temporal/locate-cli';
import { createWorker, installTemporalRuntime } from './temporal/worker';
import { dispatchPending } from './webhooks/dispatch';
import { pruneOldPayloads } from './runs/retention';
import { pacerFactory } from './pacing/shared-pacer';
import { createMetrics, serveMetrics } from './metrics';
import { temporalConnectionOptions } from './temporal/connection-options';
import { startDueReconciliationsOfAllTenants } from './bindings/reconcile';
import { bootstrapAdmin } from './auth/bootstrap';

async function main() {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' }, demo: { type: 'boolean', default: false } } });
  const role = values.role as 'all' | 'server' | 'worker';
  if (!['all', 'server', 'worker'].includes(role)) throw new ConfigProblem(`--role must be all, server or worker; got "${role}"`);
  const config = loadConfig();
  // People at a terminal get readable lines; services and log shippers get JSON.
  const transport = process.stdout.isTTY ? { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } : undefined;
  const log = pino({ level: config.logLevel, redact: REDACT_PATHS, transport });

  if (role !== 'all' && !config.databaseUrl)
    throw new ConfigProblem(`--role ${role} needs DATABASE_URL: the embedded PGlite database belongs to one process, so separate servers and workers share a PostgreSQL server.`);
  if (role !== 'all' && !config.temporalAddress) throw new ConfigProblem(`--role ${role} needs TEMPORAL_ADDRESS (host:port of the Temporal server the other processes use).`);

  const closers: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('Stopping…');
    for (const close of closers.reverse()) await close().catch((err) => log.error({ err }, 'error while stopping'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'db'), poolSize: config.dbPoolSize });
  closers.push(() => database.close());
  log.info(database.kind === 'pglite' ? `Database: embedded PGlite in ${join(config.dataDir, 'db')}` : 'Database: PostgreSQL (DATABASE_URL)');

  const { box, source } = SecretBox.load(config.secretKey, join(config.dataDir, 'secret.key'));
  if (source === 'new-file') log.info(`Created a new secret key in ${join(config.dataDir, 'secret.key')} (mode 0600); back it up, or set PONTE_SECRET_KEY`);
  await checkSecretKey(database.db, box);

  let address = config.temporalAddress;
  let devServer: DevServer | undefined;
  if (!address) {
    const cli = ensureTemporalCli(config.temporalCli, (m) => log.info(m));
    if (!cli) {
      log.fatal(
        config.temporalCli
          ? `TEMPORAL_CLI points to "${config.temporalCli}", which is not an executable file.`
          : `Could not find or install the Temporal CLI. Install it with:\n\n    ${PIP_INSTALL_COMMAND}\n\nor set TEMPORAL_CLI to its path, or TEMPORAL_ADDRESS to a running Temporal server.`,
      );
      await shutdown(1);
      return;
    }
    devServer = await startDevServer({
      cliPath: cli,
      dataDir: config.dataDir,
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      namespace: config.temporalNamespace,
      onUnexpectedExit(code, signal) {
        log.fatal(`THE EMBEDDED TEMPORAL SERVER DIED (exit code ${code}, signal ${signal}). Runs cannot progress; Ponte is stopping.`);
        void shutdown(2);
      },
    });
    closers.push(() => devServer!.stop());
    address = devServer.address;
    log.info(`Temporal: embedded dev server at ${address}; Web UI at ${devServer.uiUrl}`);
  } else {
    log.info(`Temporal: ${address} (namespace ${config.temporalNamespace})`);
  }

  // The embedded dev server is plain gRPC on localhost; a configured one may need TLS or an API key.
  const temporalTarget = () => (devServer ? { address: address! } : temporalConnectionOptions({ address: address!, apiKey: config.temporalApiKey, tlsCert: config.temporalTlsCert, tlsKey: config.temporalTlsKey }));
  installTemporalRuntime(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN', config.temporalMetricsBind);
  // One registry per process: the server serves it at /metrics, a worker-only process on PONTE_METRICS_PORT.
  const metrics = createMetrics({ role, db: database.db });
  if (role === 'worker' && config.metricsPort !== undefined) {
    const server = await serveMetrics(metrics, config.host, config.metricsPort, config.metricsToken);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    log.info(`Metrics: http://${config.host}:${config.metricsPort}/metrics`);
  }
  // With PostgreSQL, several workers may write to one provider account: they share its buckets there.
  const pacers = new PacerRegistry(pacerFactory(database.db, database.kind));
  let worker: Worker | undefined;
  if (role === 'all' || role === 'worker') {
    const nativeConnection = await NativeConnection.connect(temporalTarget());
    worker = await createWorker({ connection: nativeConnection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, deps: { db: database.db, box, pacers, publicUrl: config.publicUrl }, maxConcurrentActivities: config.workerActivities });
    const running = worker.run();
    closers.push(async () => {
      worker!.shutdown();
      await running;
      await nativeConnection.close();
    });
    running.catch((err) => {
      log.fatal({ err }, 'The worker stopped');
      void shutdown(3);
    });
    log.info(`Worker: polling task queue "${config.taskQueue}"`);
  }

  if (role === 'all' || role === 'server') {
    const connection = await Connection.connect(temporalTarget());
    const client = new Client({ connection, namespace: config.temporalNamespace });
    closers.push(() => connection.close());
    const app = await buildApp({
      database,
      box,
      temporal: client,
      taskQueue: config.taskQueue,
      trustProxy: config.trustProxy,
      publicUrl: config.publicUrl,
      ticketUrl: config.ticketUrl,
      temporalUiUrl: config.temporalUiUrl ?? devServer?.uiUrl ?? null,
      metrics,
      metricsToken: config.metricsToken,
      logger: { level: config.logLevel, redact: REDACT_PATHS, transport },
    });
    const first = await bootstrapAdmin(database.db, { tenantId: DEFAULT_TENANT, publicUrl: config.publicUrl, adminEmail: config.adminEmail, bootstrapToken: config.bootstrapToken });
    if (first.registeredToken) log.info('PONTE_BOOTSTRAP_TOKEN registered as an admin API token');
    if (first.loginLink)
      log.warn(`${first.createdAdmin ? 'First start: an admin was created' : 'No admin has chosen a password yet'} (${first.adminEmail}). Open this one-time link within 24 hours to choose the password:\n\n    ${first.loginLink}\n`);
    await app.listen({ host: config.host, port: config.port });
    // Retention: prune old record payloads now and every hour.
    const prune = () => void pruneOldPayloads(database.db, config.retentionDays).catch((err) => log.error({ err }, 'retention pruning failed'));
    prune();
    const pruner = setInterval(prune, 3600_000);
    closers.push(async () => clearInterval(pruner));
    // Orphan detection: today's reconciliation of each bound (connection, entity). Its ids are per day, so
    // checking every hour starts it once a day, whichever of several servers gets there first.
    const reconcile = () =>
      void startDueReconciliationsOfAllTenants(database.db, { client, taskQueue: config.taskQueue })
        .then(({ failed }) => failed.forEach((f) => log.warn(`Reconciliation of ${f.entity} at connection ${f.connectionId} could not start: ${f.error}`)))
        .catch((err) => log.error({ err }, 'starting reconciliations failed'));
    reconcile();
    const reconciler = setInterval(reconcile, 3600_000);
    closers.push(async () => clearInterval(reconciler));
    // Run alerts whose channel was down when the run ended go again, every two minutes, for a day.
    const retryAlerts = () =>
      void retryStuckAlerts({ db: database.db, box, pacers, publicUrl: config.publicUrl, log: (msg, err) => log.warn({ err }, msg) }).catch((err) => log.error({ err }, 'alert retries failed'));
    const alertRetrier = setInterval(retryAlerts, 2 * 60_000);
    closers.push(async () => clearInterval(alertRetrier));
    // Webhook events stored but not dispatched (a crash right after the 202) go now.
    void dispatchPending(database.db, { client, taskQueue: config.taskQueue }, {}, (msg, err) => log.error({ err }, msg)).catch((err) => log.error({ err }, 'webhook sweep failed'));
    closers.push(() => app.close());
    log.info(`Ponte is up: http://${config.host}:${config.port}  (API docs: /docs, health: /health)`);

    if (values.demo) {
      const demo = await startDemo({ db: database.db, box, tenantId: DEFAULT_TENANT, starter: { client, taskQueue: config.taskQueue }, log });
      closers.push(() => demo.close());
    }
  } else if (values.demo) {
    log.warn('--demo needs the server role; ignored');
  }
}

main().catch((err) => {
  if (err instanceof ConfigProblem) {
    console.error(`Ponte cannot start: ${err.message}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
