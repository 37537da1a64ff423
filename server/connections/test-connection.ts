/**
 * "Testar conexao": one cheap authenticated call, shown raw (status, latency, headers, body
 * excerpt with secrets blanked), with a diagnosis in plain words.
 */
import { excerpt, type HttpResponse } from '../../connectors/http/client';
import { ConnectorError } from '../../connectors/http/errors';
import { PacerRegistry } from '../../connectors/http/pacing';
import { type OpenableConnection, openConnection } from '../../connectors/runtime';

export type DiagnosisCode = 'ok' | 'auth' | 'not_found' | 'rate_limited' | 'provider_error' | 'rejected' | 'unreachable';

export interface TestOutcome {
  ok: boolean;
  request: { method: string; url: string };
  status: number | null;
  latencyMs: number | null;
  headers: Record<string, string>;
  body: string;
  diagnosis: { code: DiagnosisCode; message: string };
}

const DIAGNOSES: Record<DiagnosisCode, string> = {
  ok: 'The provider accepted the credentials. The connection works.',
  auth: 'The provider refused the credentials (401/403). Renew the key or token, or authorise the connection again.',
  not_found: 'The address was not found (404). Check the base URL and the API version.',
  rate_limited: 'The provider is limiting requests (429). Lower the sync frequency, or try again in a minute.',
  provider_error: 'The provider is failing (5xx). It is not your configuration; try again later.',
  rejected: 'The provider rejected the request. Read its answer below.',
  unreachable: 'Ponte could not reach the provider. Check the base URL and that the server can reach the internet.',
};

export function diagnose(status: number | null): TestOutcome['diagnosis'] {
  const code: DiagnosisCode =
    status === null ? 'unreachable' : status < 300 ? 'ok' : status === 401 || status === 403 ? 'auth' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status >= 500 ? 'provider_error' : 'rejected';
  return { code, message: DIAGNOSES[code] };
}

function diagnoseKind(kind: ConnectorError['kind']): TestOutcome['diagnosis'] {
  const code: DiagnosisCode = kind === 'AuthError' ? 'auth' : kind === 'RateLimited' ? 'rate_limited' : kind === 'Transient' ? 'provider_error' : kind === 'NotFound' ? 'not_found' : 'rejected';
  return { code, message: DIAGNOSES[code] };
}

const HIDDEN_HEADERS = new Set(['set-cookie', 'authorization', 'cookie', 'www-authenticate', 'proxy-authenticate']);

/** Blanks every credential value wherever the provider echoed it. */
export function redactSecrets(text: string, credentials: Record<string, string>): string {
  let out = text;
  for (const value of Object.values(credentials)) if (value && value.length >= 4) out = out.split(value).join('••••');
  return out;
}

export async function testConnection(conn: OpenableConnection): Promise<TestOutcome> {
  // A test has its own pacer: it must not wait behind a running sync, nor count against it.
  const { connector, ctx } = openConnection({ ...conn, refreshTokens: undefined, onAuthFailure: undefined }, new PacerRegistry());
  let res: HttpResponse | null = null;
  let error: string | null = null;
  try {
    res = await connector.test(ctx);
  } catch (err) {
    error = err instanceof ConnectorError ? err.message : String(err);
  }
  // Some providers answer errors inside HTTP 200 (Tiny): diagnose by what the connector reads in the body.
  const inBody = res ? connector.http?.classify?.(res) : undefined;
  const diagnosis = inBody ? diagnoseKind(inBody.kind) : diagnose(res?.status ?? null);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res?.headers ?? {})) headers[k] = HIDDEN_HEADERS.has(k) ? '••••' : redactSecrets(v, conn.credentials);
  return {
    ok: diagnosis.code === 'ok',
    request: { method: 'GET', url: redactSecrets(ctx.baseUrl, conn.credentials) },
    status: res?.status ?? null,
    latencyMs: res?.latencyMs ?? null,
    headers,
    body: redactSecrets(res ? excerpt(res.text, 2000) : (error ?? ''), conn.credentials),
    diagnosis,
  };
}
