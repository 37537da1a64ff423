/**
 * Mutual TLS for connections whose provider requires a client certificate (API Pix PSPs,
 * Banco Inter): an undici Agent per connection that presents the certificate, and plain-words
 * errors when the TLS handshake fails, which undici reports only as "other side closed".
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { connect, createSecureContext, rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { CredentialSchema } from '../types';
import { AuthError, ConfigError, type ConnectorError } from './errors';

/** What a connector's `tls(credentials)` returns; an empty cert/key means the connection has none. */
export interface ClientTls {
  cert: string;
  key: string;
  ca?: string;
  passphrase?: string;
}

/**
 * A PEM as people paste it: CRLF line ends, "\n" typed as two characters (a JSON or .env
 * habit), or the whole file base64-encoded (how some systems export it). Empty stays empty.
 */
export function normalizePem(value: string | undefined): string {
  let text = String(value ?? '').trim();
  if (!text) return '';
  if (!text.includes('-----BEGIN') && /^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) text = decoded.trim();
  }
  return `${text.replace(/\r\n?/g, '\n').replace(/\\n/g, '\n')}\n`;
}

const agents = new Map<string, { fingerprint: string; agent: Agent }>();

function fingerprintOf(tls: ClientTls): string {
  return createHash('sha256').update(JSON.stringify([tls.cert, tls.key, tls.ca ?? '', tls.passphrase ?? ''])).digest('hex');
}

/**
 * The connection's Agent, made once per certificate: keep-alive connections survive between
 * requests, and a renewed certificate gets a fresh Agent (the old one is closed). Throws a
 * ConfigError naming the field when the PEMs cannot be used, before anything is sent.
 */
export function tlsDispatcher(connectionId: string, tls: ClientTls): Dispatcher {
  const fingerprint = fingerprintOf(tls);
  const cached = agents.get(connectionId);
  if (cached?.fingerprint === fingerprint) return cached.agent;
  const options = connectOptions(tls);
  try {
    createSecureContext(options);
  } catch (err) {
    throw new ConfigError(`The connection's client certificate cannot be used: ${describePemProblem(tls, err as Error)}`);
  }
  const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000, pipelining: 1, connect: options });
  agents.set(connectionId, { fingerprint, agent });
  if (cached) void cached.agent.close().catch(() => {});
  return agent;
}

function connectOptions(tls: ClientTls) {
  return {
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
    // Node's `ca` replaces the public roots: a sandbox CA is added to them, not swapped in,
    // so a connection that sets one still reaches a provider with a public certificate.
    ...(tls.ca ? { ca: [...rootCertificates, tls.ca] } : {}),
  };
}

function describePemProblem(tls: ClientTls, err: Error): string {
  if (tls.cert) {
    try {
      new X509Certificate(tls.cert);
    } catch {
      return 'the certificate is not a PEM certificate ("-----BEGIN CERTIFICATE-----"). Paste the .crt/.pem file the provider issued.';
    }
  }
  if (tls.key) {
    try {
      createPrivateKey({ key: tls.key, passphrase: tls.passphrase });
    } catch {
      return 'the private key is not a PEM private key ("-----BEGIN PRIVATE KEY-----"), or its passphrase is wrong. Paste the .key file downloaded with the certificate.';
    }
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(`${(err as { code?: string }).code} ${err.message}`)) {
    return 'the private key does not belong to the certificate. Use the .key downloaded together with that .crt.';
  }
  return err.message;
}

/** Subject, issuer and validity of a client certificate, for messages ("CN=…, valid until …"). */
export function certificateSummary(pem: string): string {
  try {
    const x = new X509Certificate(pem);
    const cn = (s: string) => /CN=([^\n,]+)/.exec(s)?.[1] ?? s.replace(/\n/g, ', ');
    const expired = Date.parse(x.validTo) < Date.now();
    return `CN=${cn(x.subject)}, issued by ${cn(x.issuer)}, ${expired ? 'expired on' : 'valid until'} ${new Date(x.validTo).toISOString().slice(0, 10)}`;
  } catch {
    return 'unreadable certificate';
  }
}

// Codes Node uses when the server's certificate cannot be verified against the trusted CAs.
const SERVER_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS alerts a server sends when it does not accept the client's certificate (RFC 8446 §6.2). */
const CLIENT_CERT_ALERTS = /ALERT_(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|DECRYPT_ERROR)/;

/** What a bare TLS handshake with the same certificate says about the server's verdict. */
type ProbeVerdict = { kind: 'refused'; alert?: string } | { kind: 'accepted' } | { kind: 'other'; code?: string; message: string };

/**
 * Opens one TLS connection with the connection's options and sends nothing. A server refusing
 * the client certificate sends an alert or hangs up right after the handshake; a server that
 * accepted it waits for a request. Only run after a request failed, so it costs nothing normally.
 */
function probeHandshake(url: URL, tls: ClientTls, timeoutMs = 2_500): Promise<ProbeVerdict> {
  return new Promise((resolve) => {
    let verdict: ProbeVerdict | null = null;
    let handshakeDone = false;
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
      ...connectOptions(tls),
    });
    const settle = (v: ProbeVerdict) => {
      verdict ??= v;
      socket.destroy();
    };
    const timer = setTimeout(() => settle(handshakeDone ? { kind: 'accepted' } : { kind: 'other', message: 'the TLS handshake timed out' }), timeoutMs);
    socket.once('secureConnect', () => {
      handshakeDone = true;
      // An idle, accepted connection stays open for seconds; a refusal closes it at once.
      setTimeout(() => settle({ kind: 'accepted' }), Math.min(800, timeoutMs));
    });
    socket.on('error', (err: Error & { code?: string }) => {
      const code = err.code ?? '';
      settle(CLIENT_CERT_ALERTS.test(code) ? { kind: 'refused', alert: code } : { kind: 'other', code, message: err.message });
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (!verdict && handshakeDone) verdict = { kind: 'refused' };
      resolve(verdict ?? { kind: 'other', message: 'the connection closed during the TLS handshake' });
    });
  });
}

const TRANSPORT_CODES = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE|EPROTO|ERR_SSL_)/;

/**
 * Turns a transport error of an mTLS connection into what a person can act on: the server's
 * certificate is not trusted (ConfigError: the CA field), or the server refused ours
 * (AuthError, naming the fields to fill or the certificate it refused). Undefined when the
 * handshake is not the cause (a real network failure, retried as usual).
 */
export async function explainTlsFailure(
  err: Error & { code?: string },
  target: { url: string; tls: ClientTls; provider: string; certificateFields: string; caField: string },
): Promise<ConnectorError | undefined> {
  const code = err.code ?? '';
  if (SERVER_TRUST_CODES.has(code)) {
    return new ConfigError(
      `${target.provider}: the server's TLS certificate is not trusted (${code}: ${err.message}). ` +
        `For a sandbox or simulator, fill in ${target.caField} with the CA certificate it uses; in production, check the base URL.`,
    );
  }
  if (!TRANSPORT_CODES.test(code)) return undefined;
  const url = new URL(target.url);
  if (url.protocol !== 'https:') return undefined;
  const verdict = await probeHandshake(url, target.tls);
  if (verdict.kind !== 'refused') return undefined;
  const alert = verdict.alert ? ` (${verdict.alert})` : '';
  if (!target.tls.cert || !target.tls.key) {
    return new AuthError(
      `${target.provider} refused the TLS handshake${alert}: it requires a client certificate and this connection has none. ` +
        `Fill in ${target.certificateFields} with the certificate and private key the provider issued for this application.`,
    );
  }
  return new AuthError(
    `${target.provider} refused this connection's client certificate at the TLS handshake${alert} (${certificateSummary(target.tls.cert)}). ` +
      `Check that ${target.certificateFields} hold the certificate issued for this application (not another account's or an expired one).`,
  );
}

/**
 * The `tls(credentials)` of a connector whose provider requires mutual TLS, from the fields
 * `certificate`, `privateKey`, optional `caCertificate` and `certificatePassphrase`. Returned
 * even when they are empty, so a missing certificate is explained when the handshake fails.
 */
export function clientTlsFromCredentials(credentials: Record<string, string>): ClientTls {
  const ca = normalizePem(credentials.caCertificate);
  return {
    cert: normalizePem(credentials.certificate),
    key: normalizePem(credentials.privateKey),
    ...(ca ? { ca } : {}),
    ...(credentials.certificatePassphrase ? { passphrase: credentials.certificatePassphrase } : {}),
  };
}

/**
 * The credential fields of an application that authenticates with client credentials over
 * mutual TLS: Client ID and Secret, the certificate and its private key (PEM), and an optional
 * CA for sandboxes. `where` says, in the provider's menu words, where each is found.
 */
export function mtlsAppCredentialFields(where: { clientId: string; clientSecret: string; certificate: string; privateKey: string }): CredentialSchema['properties'] {
  return {
    clientId: { type: 'string', title: 'Client ID', description: where.clientId },
    clientSecret: { type: 'string', title: 'Client Secret', description: where.clientSecret, secret: true },
    certificate: { type: 'string', title: 'Certificado (.crt / .pem)', description: where.certificate, secret: true },
    privateKey: { type: 'string', title: 'Chave privada (.key)', description: where.privateKey, secret: true },
    certificatePassphrase: { type: 'string', title: 'Senha da chave privada (opcional)', description: 'Só se a chave privada estiver protegida por senha.', secret: true },
    caCertificate: {
      type: 'string',
      title: 'Certificado da CA (opcional)',
      description: 'Só para ambientes de teste (sandbox, simulador) cujo certificado de servidor não é de uma autoridade pública: cole o certificado da CA em PEM.',
    },
  };
}
