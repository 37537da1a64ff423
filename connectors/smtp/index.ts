/**
 * E-mail (SMTP): a channel a notify node sends through, over nodemailer. Not an HTTP API: the
 * connection's base URL is the SMTP server (`smtp://host:587` with STARTTLS, `smtps://host:465`
 * with TLS from the start), the login is a credential, and one pooled transport serves each
 * connection. SMTP's answer codes decide what a failure is: 5xx refuses the message for good (the
 * record fails), 4xx and a lost connection are retried, a refused login is a credentials problem.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { HttpResponse } from '../http/client';
import { AuthError, ConfigError, type ConnectorError, Transient, ValidationError } from '../http/errors';
import { type ConnectionContext, defineConnector, type OutgoingMessage } from '../types';

const transports = new Map<string, Transporter>();

function transportFor(ctx: ConnectionContext): Transporter {
  const key = `${ctx.connectionId}\u0000${ctx.baseUrl}\u0000${ctx.credentials.user ?? ''}\u0000${ctx.credentials.password ?? ''}`;
  let transport = transports.get(key);
  if (!transport) {
    let url: URL;
    try {
      url = new URL(ctx.baseUrl);
    } catch {
      throw new ConfigError(`The SMTP server must be a URL such as smtp://smtp.example.com:587 or smtps://smtp.example.com:465; got "${ctx.baseUrl}"`);
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(`The SMTP server URL must start with smtp:// or smtps://; got "${url.protocol}//"`);
    transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      auth: ctx.credentials.user ? { user: ctx.credentials.user, pass: ctx.credentials.password ?? '' } : undefined,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    transports.set(key, transport);
  }
  return transport;
}

/** What an SMTP failure means for the record and the run. */
function classify(err: unknown): ConnectorError {
  const e = err as Error & { code?: string; responseCode?: number; response?: string };
  const said = e.response ?? e.message;
  if (e.code === 'EAUTH' || e.responseCode === 535) return new AuthError(`The SMTP server refused the login: ${said}`, { status: e.responseCode, providerMessage: said });
  if (e.responseCode && e.responseCode >= 500) return new ValidationError(`The SMTP server refused the message: ${said}`, { status: e.responseCode, providerMessage: said });
  return new Transient(`The SMTP server did not take the message: ${said}`, { status: e.responseCode, providerMessage: said });
}

async function send(ctx: ConnectionContext, message: OutgoingMessage) {
  if (!ctx.credentials.from) throw new ConfigError('The e-mail connection has no sender ("from"); set it on the connection');
  let info;
  try {
    info = await transportFor(ctx).sendMail({
      from: ctx.credentials.from,
      to: message.to,
      subject: message.subject ?? '',
      text: message.text,
      // The same message keeps its Message-ID when sent again, so mail clients can tell.
      messageId: `<${message.id}@ponte>`,
      attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, encoding: a.encoding, contentType: a.contentType })),
    });
  } catch (err) {
    throw classify(err);
  }
  if (info.rejected?.length) throw new ValidationError(`The SMTP server refused the recipient ${info.rejected.join(', ')}`, { providerMessage: info.response });
  return { providerId: info.messageId ?? null, status: 'sent' as const };
}

async function test(ctx: ConnectionContext): Promise<HttpResponse> {
  const started = performance.now();
  const answer = (status: number, body: Record<string, unknown>): HttpResponse => ({ status, headers: {}, body, text: JSON.stringify(body, null, 2), latencyMs: Math.round(performance.now() - started) });
  try {
    await transportFor(ctx).verify();
    return answer(200, { ok: true, server: new URL(ctx.baseUrl).host, from: ctx.credentials.from ?? null });
  } catch (err) {
    const e = classify(err);
    return answer(e instanceof AuthError ? 401 : 503, { error: e.message });
  }
}

export const smtp = defineConnector({
  id: 'smtp',
  name: 'E-mail (SMTP)',
  description: 'Sends e-mail through an SMTP server: order confirmations, failure alerts, invoices as attachments.',
  role: 'other',
  defaultBaseUrl: 'smtp://{smtp-server}:587',
  urlSchemes: ['smtp:', 'smtps:'],
  credentialSchema: {
    type: 'object',
    required: ['from'],
    properties: {
      from: { type: 'string', title: 'Remetente', description: 'e.g. "Loja Exemplo <pedidos@loja.com.br>"' },
      user: { type: 'string', title: 'Usuário SMTP' },
      password: { type: 'string', title: 'Senha SMTP', secret: true },
    },
  },
  credentialHelp: 'Servidor SMTP do seu provedor de e-mail (ex.: smtp://smtp.gmail.com:587 com senha de app, ou o SMTP do SendGrid/SES), usuário e senha, e o remetente que aparece para o cliente.',
  // Most providers cap a few messages per second per account.
  rateLimit: { requestsPerSecond: 5 },
  authHeaders: () => ({}),
  entities: {},
  messaging: { channel: 'email', send },
  test,
});
