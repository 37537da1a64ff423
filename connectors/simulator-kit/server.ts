/**
 * A tiny HTTP server for provider simulators: a route table, JSON bodies and the knobs tests
 * need (throttling, injected faults). Real HTTP on loopback, so the connector under test goes
 * through exactly the code it uses in production.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface SimRoute {
  method: string;
  /** Path pattern with `:name` segments, e.g. `/items/:id`. */
  path: string;
  handler: SimHandler;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface SimServerOptions {
  routes: SimRoute[];
  /** Runs before routing (auth, throttling, faults); a response short-circuits the route. */
  before?: (req: SimRequest) => SimResponse | null | undefined;
  notFound?: (req: SimRequest) => SimResponse;
  port?: number;
  host?: string;
}

interface CompiledRoute extends SimRoute {
  regex: RegExp;
  names: string[];
}

export async function startSimServer(options: SimServerOptions): Promise<RunningSimulator> {
  const routes: CompiledRoute[] = options.routes.map((r) => {
    const names: string[] = [];
    const pattern = r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
    return { ...r, regex: new RegExp(`^${pattern}/?$`), names };
  });

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim');
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params: {},
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    let out: SimResponse;
    try {
      out = options.before?.(simReq) ?? (await route(simReq));
    } catch (err) {
      out = { status: 500, body: { message: String((err as Error).message) } };
    }
    const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
    res.end(payload);
  });
  server.keepAliveTimeout = 60_000;

  async function route(req: SimRequest): Promise<SimResponse> {
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const m = r.regex.exec(req.path);
      if (!m) continue;
      r.names.forEach((n, i) => (req.params[n] = decodeURIComponent(m[i + 1])));
      return r.handler(req);
    }
    return options.notFound?.(req) ?? { status: 404, body: { message: `No route ${req.method} ${req.path}` } };
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function bearerToken(req: SimRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1] : null;
}

export function basicAuth(req: SimRequest): { user: string; password: string } | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Basic\s+(.+)$/i.exec(h) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
