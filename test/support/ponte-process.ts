/**
 * Ponte as a separate OS process (all-in-one by default, or `--role server` / `--role worker`), so
 * a test can kill it with SIGKILL the way a power cut or an OOM kill would, and start it again on
 * the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Handed to every server process as PONTE_BOOTSTRAP_TOKEN: the admin token `api` calls with. */
export const PROCESS_ADMIN_TOKEN = `ptk_test_${randomBytes(24).toString('hex')}`;
export const processAuth = { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` };

export interface PonteProcess {
  url: string;
  /** The OS process id (a worker names itself host:pid in the runs it works on). */
  pid: number;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

export async function startPonteProcess(env: Record<string, string>, options: { role?: 'server' | 'worker' } = {}): Promise<PonteProcess> {
  const port = await freePort();
  const logs: string[] = [];
  const role = options.role ? ['--role', options.role] : [];
  // A worker serves no HTTP: it is ready when it says it polls (an info line).
  const level = options.role === 'worker' ? { LOG_LEVEL: 'info' } : { LOG_LEVEL: 'warn' };
  const child: ChildProcess = spawn(process.execPath, [...(process.env.PONTE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'server/main.ts', ...role], {
    cwd: root,
    env: { ...process.env, ...level, PONTE_BOOTSTRAP_TOKEN: PROCESS_ADMIN_TOKEN, ...env, PONTE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const api: PonteProcess['api'] = async (method, path, body) => {
    const res = await fetch(url + path, { method, headers: body === undefined ? processAuth : { ...processAuth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Ponte exited at start:\n${logs.join('')}`);
    if (options.role === 'worker') {
      if (logs.join('').includes('Worker: polling')) break;
    } else
      try {
        const res = await fetch(`${url}/health`);
        if (res.ok) break;
      } catch {
        // Not listening yet.
      }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Ponte did not become healthy:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    pid: child.pid!,
    api,
    output: () => logs.join(''),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
