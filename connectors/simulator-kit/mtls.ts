/**
 * The part every mutual-TLS payment API shares, for simulators (API Pix PSPs, Banco Inter):
 * an HTTPS server that refuses clients without a certificate from its throwaway CA, an OAuth2
 * client-credentials token endpoint with scopes and expiry, bearer tokens bound to the client
 * certificate they were issued to (RFC 8705 style), and the injected faults tests use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestPki, type TestPki } from './certificates';
import { basicAuth, bearerToken, type RunningSimulator, type SimRequest, type SimResponse, type SimRoute, startSimServer } from './server';
import { FaultPlan } from './throttle';

export interface MtlsCredentials {
  clientId: string;
  clientSecret: string;
  certificate: string;
  privateKey: string;
  caCertificate: string;
}

export interface MtlsSimulatorOptions {
  port?: number;
  /** Shown in the certificates' subjects. */
  organization: string;
  /** Token endpoint path, e.g. `/oauth/token` (API Pix) or `/oauth/v2/token` (Inter). */
  tokenPath: string;
  /** How the client authenticates at the token endpoint: HTTP Basic or form fields. */
  clientAuth: 'basic' | 'body';
  /** Every scope the application was granted; a request for another is `invalid_scope`. */
  scopes: string[];
  tokenLifetimeSeconds?: number;
  routes: SimRoute[];
  /** The scope a route needs (null: none), decided from method and path. */
  scopeFor(req: SimRequest): string | null;
  /** Provider checks after the token's (e.g. an account header); a response refuses the request. */
  check?: (req: SimRequest) => SimResponse | null;
  /** The provider's error bodies for a bad token, a missing scope and the injected faults. */
  errors: {
    unauthorized(detail: string): SimResponse;
    forbidden(detail: string): SimResponse;
    throttled(retryAfterSeconds: number): SimResponse;
    unavailable(): SimResponse;
  };
  notFound?: (req: SimRequest) => SimResponse;
}

export interface IssuedToken {
  accessToken: string;
  scopes: Set<string>;
  expiresAt: number;
  /** The client certificate the token was issued to. */
  certificate: string;
}

export interface MtlsSimulator extends RunningSimulator {
  readonly pki: TestPki;
  readonly credentials: MtlsCredentials;
  readonly faults: FaultPlan;
  /** `calls` counts the API routes by pattern, e.g. `calls['PUT /v2/cob/:txid']`. */
  readonly stats: { requests: number; tokenRequests: number; tokensIssued: number; handshakeRefusals: number; calls: Record<string, number> };
  /** Invalidates every issued token (as a provider restart or a revoked key would). */
  revokeTokens(): void;
}

/** RFC 6749 §5.2 error answer of a token endpoint. */
function tokenError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description }, headers: status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {} };
}

export async function startMtlsSimulator(options: MtlsSimulatorOptions): Promise<MtlsSimulator> {
  const pki = createTestPki({ organization: options.organization, clientName: 'ponte-app' });
  const credentials: MtlsCredentials = {
    clientId: randomUUID(),
    clientSecret: randomBytes(18).toString('base64url'),
    certificate: pki.client.cert,
    privateKey: pki.client.key,
    caCertificate: pki.caCertificate,
  };
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const tokens = new Map<string, IssuedToken>();
  const faults = new FaultPlan();
  const stats = { requests: 0, tokenRequests: 0, tokensIssued: 0, handshakeRefusals: 0, calls: {} as Record<string, number> };

  const issueToken = (req: SimRequest): SimResponse => {
    stats.tokenRequests++;
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const basic = basicAuth(req);
    const id = options.clientAuth === 'basic' ? (basic ? decodeURIComponent(basic.user) : undefined) : form.client_id;
    const secret = options.clientAuth === 'basic' ? (basic ? decodeURIComponent(basic.password) : undefined) : form.client_secret;
    if (id !== credentials.clientId || secret !== credentials.clientSecret) return tokenError(401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret');
    if (form.grant_type !== 'client_credentials') return tokenError(400, 'unsupported_grant_type', `grant_type must be client_credentials, got "${form.grant_type ?? ''}"`);
    const asked = (form.scope ?? '').split(/\s+/).filter(Boolean);
    const unknown = asked.filter((s) => !options.scopes.includes(s));
    if (unknown.length) return tokenError(400, 'invalid_scope', `Scopes not granted to this application: ${unknown.join(' ')}`);
    const scopes = asked.length ? asked : options.scopes;
    const accessToken = randomBytes(24).toString('base64url');
    tokens.set(accessToken, { accessToken, scopes: new Set(scopes), expiresAt: Date.now() + lifetime * 1000, certificate: req.clientCertificate?.fingerprint256 ?? '' });
    stats.tokensIssued++;
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope: scopes.join(' ') } };
  };

  const sim = await startSimServer({
    port: options.port,
    tls: { ...pki.server, ca: pki.caCertificate, onHandshakeRefused: () => stats.handshakeRefusals++ },
    before(req) {
      stats.requests++;
      if (req.method === 'POST' && req.path === options.tokenPath) return issueToken(req);
      const token = tokens.get(bearerToken(req) ?? '');
      if (!token || token.expiresAt <= Date.now()) return options.errors.unauthorized('The access token is missing, expired or revoked: obtain a new one');
      if (token.certificate !== (req.clientCertificate?.fingerprint256 ?? '')) return options.errors.unauthorized('The access token was issued to another client certificate');
      const scope = options.scopeFor(req);
      if (scope && !token.scopes.has(scope)) return options.errors.forbidden(`The access token lacks the scope ${scope}`);
      const refused = options.check?.(req);
      if (refused) return refused;
      const fault = faults.next();
      if (fault === 'throttle') return options.errors.throttled(1);
      if (fault === 'fail') return options.errors.unavailable();
      return null;
    },
    notFound: options.notFound,
    // Counted per route pattern ("PUT /v2/cob/:txid"), so a test can say how often each was called.
    routes: options.routes.map((r) => ({
      ...r,
      handler: (req: SimRequest) => {
        const name = `${r.method} ${r.path}`;
        stats.calls[name] = (stats.calls[name] ?? 0) + 1;
        return r.handler(req);
      },
    })),
  });

  return { ...sim, pki, credentials, faults, stats, revokeTokens: () => tokens.clear() };
}
