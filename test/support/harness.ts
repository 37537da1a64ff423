/**
 * An in-process Ponte for a test file: the real API (driven with fastify's inject), a real
 * worker on its own task queue against the shared Temporal dev server, and a fresh database.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { PacerRegistry } from '../../connectors/http/pacing';
import { buildApp, REDACT_PATHS } from '../../server/app';
import { hashPassword } from '../../server/auth/passwords';
import { createApiToken, createUser, setPassword } from '../../server/auth/store';
import { DEFAULT_TENANT } from '../../server/db/client';
import { SecretBox } from '../../server/secrets/crypto';
import { createMetrics } from '../../server/metrics';
import { createWorker, installTemporalRuntime } from '../../server/temporal/worker';
import { openTestDatabase, type TestDatabase } from './database';

export interface Harness {
  app: FastifyInstance;
  box: SecretBox;
  database: TestDatabase;
  client: Client;
  taskQueue: string;
  /** Calls the API as the default tenant's admin (through an admin API token). */
  api<T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** The admin's API token, for requests made without `api` (inject, fetch, websocket). */
  adminToken: string;
  /** `authorization` header carrying the admin token. */
  auth: { authorization: string };
  /** The admin's e-mail and password, for signing in through the UI. */
  admin: { id: string; email: string; password: string };
  /** Returns when the run is no longer `running` (finished, or `waiting` for approvals). */
  waitForRun(runId: string, timeoutMs?: number): Promise<any>;
  /** Returns when the run has ended: success, partial or error. */
  waitForRunEnd(runId: string, timeoutMs?: number): Promise<any>;
  /** Stops the worker (its in-memory state is gone) and starts a fresh one on the same task queue. */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  maxHistoryEvents?: number;
  /** Start no worker (API-only tests, or tests that run workers elsewhere). */
  withoutWorker?: boolean;
  /** Receives every line the API logs (at trace level), e.g. to prove no secret is logged. */
  logLines?: string[];
  /** Where "abrir chamado" sends tickets. */
  ticketUrl?: string;
  /** The Temporal Web UI the browser UI links runs to (GET /api/ui-config). */
  temporalUiUrl?: string;
  /** PONTE_METRICS_TOKEN: scrapes of /metrics must carry it. */
  metricsToken?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  installTemporalRuntime();
  const address = inject('temporalAddress');
  const database = await openTestDatabase();
  const box = SecretBox.fromKeyMaterial(randomBytes(32).toString('hex'));
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  let stopWorker = async () => {};
  const startWorker = async () => {
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { db: database.db, box, pacers: new PacerRegistry() },
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    };
  };
  if (!options.withoutWorker) await startWorker();

  const logger = options.logLines ? { level: 'trace', redact: REDACT_PATHS, stream: { write: (line: string) => void options.logLines!.push(line) } } : false;
  const app = await buildApp({ database, box, metrics: createMetrics({ role: 'all', db: database.db }), temporal: client, taskQueue, publicUrl: 'http://ponte.test', maxHistoryEvents: options.maxHistoryEvents, ticketUrl: options.ticketUrl, temporalUiUrl: options.temporalUiUrl, metricsToken: options.metricsToken, logger });
  await app.ready();
  const admin = await createUser(database.db, { tenantId: DEFAULT_TENANT, email: `admin-${taskQueue}@ponte.test`, role: 'admin' });
  const adminPassword = `pw-${randomBytes(9).toString('base64url')}`;
  await setPassword(database.db, admin.id, await hashPassword(adminPassword));
  const { token: adminToken } = await createApiToken(database.db, { tenantId: DEFAULT_TENANT, userId: admin.id, name: 'test harness', role: 'admin' });
  const auth = { authorization: `Bearer ${adminToken}` };

  const api: Harness['api'] = async (method, url, body) => {
    const res = await app.inject({ method, url, payload: body as object | undefined, headers: auth });
    return { status: res.statusCode, body: res.body ? res.json() : (undefined as never) };
  };

  const waitFor = async (runId: string, still: string[], timeoutMs = 150_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api('GET', `/api/runs/${runId}`);
      if (!still.includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`Run ${runId} still ${body.status} after ${timeoutMs} ms: ${JSON.stringify(body.counters)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  return {
    app,
    box,
    database,
    client,
    taskQueue,
    api,
    adminToken,
    auth,
    admin: { id: admin.id, email: admin.email, password: adminPassword },
    waitForRun: (runId, timeoutMs) => waitFor(runId, ['running'], timeoutMs),
    waitForRunEnd: (runId, timeoutMs) => waitFor(runId, ['running', 'waiting'], timeoutMs),
    async restartWorker() {
      await stopWorker();
      stopWorker = async () => {};
      await startWorker();
    },
    async close() {
      await app.close();
      await stopWorker();
      await connection.close();
      await database.close();
    },
  };
}
