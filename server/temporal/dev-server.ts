/**
 * The embedded Temporal: `temporal server start-dev` as a child process, with its SQLite file
 * in the data folder and the Web UI on. It stops with Ponte; if it dies, Ponte says so loudly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const dir = join(options.dataDir, 'temporal');
  mkdirSync(dir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--db-filename', join(dir, 'temporal.sqlite'),
    '--namespace', options.namespace,
    '--log-level', 'warn',
  ];
  let stopping = false;
  let exited = false;
  const output: string[] = [];
  const child: ChildProcess = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      resolve();
      if (!stopping) options.onUnexpectedExit(code, signal);
    }),
  );

  // Wait until it answers gRPC (a fresh SQLite file takes a few seconds).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`The Temporal dev server exited at start:\n${output.join('').slice(-2000)}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal dev server did not answer on ${address} within 60 s: ${(err as Error).message}\n${output.join('').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
