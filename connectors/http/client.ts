/**
 * The HTTP client every connector uses: pacing, timeouts, JSON/form bodies and error
 * classification, written once.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { AuthError, ConfigError, Conflict, type ConnectorError, NotFound, RateLimited, Transient, ValidationError } from './errors';
import type { Pacer } from './pacing';

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: Record<string, string>;
  /** A body sent as it is (SOAP, XML); its content-type goes in `headers`. */
  body?: string;
  headers?: Record<string, string>;
  /** Return the answer whatever its status, unclassified ("Testar conexao" shows it as it came). */
  raw?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** The raw body, for "Testar conexao" and error messages. */
  text: string;
  latencyMs: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Auth headers, resolved per request so a refreshed token is picked up. */
  authHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  pacer?: Pacer;
  timeoutMs?: number;
  /**
   * Provider-specific classification, tried before the status-based default. Return an error
   * to raise, `null` to accept the response, or `undefined` to fall back to the default.
   * This is where errors inside HTTP 200 (Tiny, Shopify GraphQL) are recognised.
   */
  classify?: (res: HttpResponse) => ConnectorError | null | undefined;
  /** Pulls the provider's human message out of an error body. */
  describeError?: (body: unknown) => string | undefined;
  /** Fallback delay when a 429 carries no Retry-After. */
  defaultRetryAfterMs?: number;
  /** Told of every call once it is classified (metrics). */
  observe?: (call: { status: number | null; throttled: boolean; latencyMs: number }) => void;
  /**
   * Who carries the requests: the process-wide keep-alive agent by default, or a connection's
   * own (mutual TLS: an Agent presenting its client certificate). A function is resolved per
   * request, so a certificate that cannot be loaded fails that request, not the connection's opening.
   */
  dispatcher?: Dispatcher | (() => Dispatcher);
  /**
   * A better error than "did not get an answer" for a request that got no HTTP answer (e.g. a
   * TLS handshake the server refused); undefined keeps the default Transient.
   */
  explainTransportError?: (error: Error & { code?: string }, url: string) => Promise<ConnectorError | undefined>;
}

export interface HttpClient {
  send<T = unknown>(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse<T>>;
}

// One keep-alive agent for the process: connectors talk to few origins, many times.
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    async send<T>(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse<T>> {
      await options.pacer?.take(signal);
      const dispatcher = typeof options.dispatcher === 'function' ? options.dispatcher() : (options.dispatcher ?? agent);
      // An absolute URL is the provider's on another host or path (e.g. a token endpoint outside the API base).
      const url = (/^https?:\/\//.test(req.path) ? req.path : base + req.path) + queryString(req.query);
      const headers: Record<string, string> = { accept: 'application/json', ...(await options.authHeaders?.()), ...req.headers };
      let body: string | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = 'application/json';
      } else if (req.form) {
        body = new URLSearchParams(req.form).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (req.body !== undefined) {
        body = req.body;
      }
      const started = performance.now();
      let res: HttpResponse;
      try {
        const r = await request(url, {
          method: req.method,
          headers,
          body,
          dispatcher,
          signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const text = await r.body.text();
        res = {
          status: r.statusCode,
          headers: flattenHeaders(r.headers),
          text,
          body: parseJson(text),
          latencyMs: Math.round(performance.now() - started),
        };
      } catch (err) {
        if (signal?.aborted) throw err;
        const e = err as Error & { code?: string };
        if (e.code === 'ERR_INVALID_URL' || e instanceof TypeError) {
          throw new ConfigError(`Invalid base URL "${options.baseUrl}": ${e.message}`);
        }
        options.observe?.({ status: null, throttled: false, latencyMs: Math.round(performance.now() - started) });
        const explained = await options.explainTransportError?.(e, url).catch(() => undefined);
        throw explained ?? new Transient(`${req.method} ${req.path} did not get an answer: ${e.code ?? e.message}`);
      }

      if (req.raw) {
        options.observe?.({ status: res.status, throttled: res.status === 429, latencyMs: res.latencyMs });
        return res as HttpResponse<T>;
      }
      // A provider-specific verdict first (errors inside HTTP 200), else the status decides.
      const custom = options.classify?.(res);
      const error = custom === undefined ? classifyByStatus(req, res, options) : custom;
      const throttled = error instanceof RateLimited;
      options.observe?.({ status: res.status, throttled, latencyMs: res.latencyMs });
      if (error) {
        // A throttle, also one recognised in the body, holds the pacer back.
        if (throttled) options.pacer?.pause(error.retryAfterMs);
        throw error;
      }
      return res as HttpResponse<T>;
    },
  };
}

/** The default classification, by HTTP status. */
export function classifyByStatus(req: HttpRequest, res: HttpResponse, options: Pick<HttpClientOptions, 'describeError' | 'defaultRetryAfterMs'> = {}): ConnectorError | null {
  const { status } = res;
  if (status < 400) return null;
  const providerMessage = options.describeError?.(res.body) ?? excerpt(res.text);
  const details = { status, providerMessage };
  const what = `${req.method} ${req.path} answered ${status}`;
  const message = providerMessage ? `${what}: ${providerMessage}` : what;
  if (status === 401 || status === 403) return new AuthError(message, details);
  if (status === 429) return new RateLimited(message, retryAfterMs(res.headers) ?? options.defaultRetryAfterMs ?? 1000, details);
  if (status === 404) return new NotFound(message, details);
  if (status === 409) return new Conflict(message, details);
  if (status === 408 || status >= 500) return new Transient(message, details);
  return new ValidationError(message, details);
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>): number | null {
  const value = headers['retry-after'];
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function excerpt(text: string, max = 300): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
