/**
 * A tiny HTTP server for provider simulators: a route table, JSON bodies and the knobs tests
 * need (throttling, injected faults). Real HTTP on loopback, so the connector under test goes
 * through exactly the code it uses in production. With `tls` it is HTTPS, and with a CA it asks
 * for a client certificate and refuses the handshake without one (mutual TLS, as API Pix PSPs
 * and Banco Inter do).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  /** Mutual TLS: the certificate the client presented (the handshake refused anyone without one). */
  clientCertificate?: { commonName: string; fingerprint256: string };
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Close the connection without answering: the client sees a transport failure, whatever the handler did. */
  drop?: boolean;
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

export interface SimTlsOptions {
  cert: string;
  key: string;
  /** CA whose client certificates are accepted; when given, a client without one is refused at the handshake. */
  ca?: string;
  /** Told of every refused handshake (a missing or foreign client certificate). */
  onHandshakeRefused?: (error: Error) => void;
}

export interface SimServerOptions {
  routes: SimRoute[];
  tls?: SimTlsOptions;
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

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
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
      clientCertificate: peerCertificate(req),
    };
    let out: SimResponse;
    try {
      out = options.before?.(simReq) ?? (await route(simReq));
    } catch (err) {
      out = { status: 500, body: { message: String((err as Error).message) } };
    }
    if (out.drop) {
      req.socket.destroy();
      return;
    }
    const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
    res.end(payload);
  };
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: Boolean(tls.ca), rejectUnauthorized: Boolean(tls.ca) }, handler)
    : createServer(handler);
  if (tls?.onHandshakeRefused) server.on('tlsClientError', tls.onHandshakeRefused);
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
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function peerCertificate(req: IncomingMessage): SimRequest['clientCertificate'] {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.fingerprint256) return undefined;
  const cn = peer.subject?.CN;
  return { commonName: Array.isArray(cn) ? cn[0] : (cn ?? ''), fingerprint256: peer.fingerprint256 };
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
