/**
 * WhatsApp Business Cloud API simulator, built from Meta's Cloud API reference:
 * - paths `/{version}/{phone-number-id}` and `/{version}/{phone-number-id}/messages`; another
 *   object id is "Unsupported get/post request" (code 100, subcode 33);
 * - `Authorization: Bearer TOKEN`; a missing or wrong token is HTTP 401, code 190;
 * - the message body as Meta checks it: `messaging_product: "whatsapp"`, `recipient_type`
 *   `individual`, a `to`, a supported `type`; text needs `text.body` (≤ 4,096 characters);
 *   a template must be approved in that language (else 132001) and get as many body parameters as
 *   it has variables (else 132000), each a non-empty text (else 131009);
 * - the answer `{messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid.…"}]}`;
 * - optional throughput limit (error 130429, "Rate limit hit"), and injected faults;
 * - status webhooks as Meta posts them: object `whatsapp_business_account`, entry → changes →
 *   value with metadata and statuses, non-ASCII escaped, signed with `X-Hub-Signature-256`.
 * Graph answers errors with HTTP 400 except the token (401) and server faults (500).
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../http/signatures';
import { bearerToken, type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, tokenBucket } from '../../simulator-kit/throttle';
import { API_VERSION } from '../client';

/** An approved template: the languages it was approved in and how many body variables ({{1}}, {{2}}…) it has. */
export interface SimTemplate {
  languages: string[];
  bodyParameters: number;
}

export interface WhatsAppSimulatorOptions {
  port?: number;
  phoneNumberId?: string;
  accessToken?: string;
  appSecret?: string;
  verifyToken?: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  /** WhatsApp Business Account id, sent as `entry[].id` in webhooks. */
  wabaId?: string;
  /** Approved templates by name (default: `pedido_enviado` pt_BR with 2 variables, `hello_world` en_US with none). */
  templates?: Record<string, SimTemplate>;
  /** Messages per second before error 130429; 0 (default) turns the limit off. */
  messagesPerSecond?: number;
}

/** A message Meta accepted. */
export interface SentMessage {
  id: string;
  /** `to` as the request sent it. */
  to: string;
  waId: string;
  /** The request body, as parsed. */
  body: Record<string, unknown>;
  at: Date;
}

export interface SimWebhookDelivery {
  headers: Record<string, string>;
  rawBody: string;
  query: Record<string, string>;
}

export interface WhatsAppSimulator extends RunningSimulator {
  readonly credentials: { phoneNumberId: string; accessToken: string; appSecret: string; verifyToken: string };
  /** Base URL for a connection: `…/v26.0`. */
  readonly baseUrl: string;
  readonly templates: Map<string, SimTemplate>;
  /** Every accepted message, in order. */
  readonly sent: SentMessage[];
  readonly faults: FaultPlan;
  readonly stats: { requests: number; throttled: number };
  /**
   * The signed POST Meta would deliver for a status change of a sent message, ready for a test to
   * post to Ponte's webhook URL. `failed` carries `errors[0]` with the code and title given.
   */
  statusWebhook(wamid: string, status: 'sent' | 'delivered' | 'read' | 'failed', options?: { errorCode?: number; errorTitle?: string; errorDetails?: string; timestamp?: number }): SimWebhookDelivery;
  /** The signed POST Meta delivers when a customer writes to the business (text message). */
  incomingMessageWebhook(from: string, text: string): SimWebhookDelivery;
  /** The query of Meta's subscription GET (`hub.mode`, `hub.verify_token`, `hub.challenge`). */
  challengeQuery(challenge: string, verifyToken?: string): Record<string, string>;
  /** `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, as in X-Hub-Signature-256. */
  sign(rawBody: string): string;
}

const DEFAULT_TEMPLATES: Record<string, SimTemplate> = {
  pedido_enviado: { languages: ['pt_BR'], bodyParameters: 2 },
  hello_world: { languages: ['en_US'], bodyParameters: 0 },
};

const MAX_TEXT = 4096;

function fbtrace(): string {
  return randomBytes(9).toString('base64').replace(/[+/=]/g, 'A');
}

/** A Graph API error answer. */
export function graphError(status: number, code: number, message: string, extra: { type?: string; subcode?: number; details?: string } = {}): SimResponse {
  const error: Record<string, unknown> = { message, type: extra.type ?? 'OAuthException', code };
  if (extra.details) error.error_data = { messaging_product: 'whatsapp', details: extra.details };
  if (extra.subcode !== undefined) error.error_subcode = extra.subcode;
  error.fbtrace_id = fbtrace();
  return { status, body: { error } };
}

const invalidParameter = (details: string) => graphError(400, 100, '(#100) Invalid parameter', { details });

/** Meta escapes non-ASCII characters (and "/") in webhook bodies; the signature covers those exact bytes. */
function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

export async function startWhatsAppSimulator(options: WhatsAppSimulatorOptions = {}): Promise<WhatsAppSimulator> {
  const credentials = {
    phoneNumberId: options.phoneNumberId ?? '106540352242922',
    accessToken: options.accessToken ?? `EAAG${randomBytes(24).toString('hex')}`,
    appSecret: options.appSecret ?? randomBytes(16).toString('hex'),
    verifyToken: options.verifyToken ?? randomBytes(12).toString('hex'),
  };
  const display = options.displayPhoneNumber ?? '+55 11 4000-1234';
  const wabaId = options.wabaId ?? '102290129340398';
  const templates = new Map(Object.entries(options.templates ?? DEFAULT_TEMPLATES));
  const sent: SentMessage[] = [];
  const faults = new FaultPlan();
  const stats = { requests: 0, throttled: 0 };
  const throughput = tokenBucket(options.messagesPerSecond ?? 0, Math.max(1, options.messagesPerSecond ?? 0));

  const unsupported = (req: SimRequest, id: string) =>
    graphError(400, 100, `Unsupported ${req.method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, {
      type: 'GraphMethodException',
      subcode: 33,
    });

  /** Meta's checks on a send request, in the order it reports them; null when the message is acceptable. */
  function refusal(body: unknown): SimResponse | null {
    if (!isObject(body)) return invalidParameter('The request body must be a JSON object');
    if (body.messaging_product !== 'whatsapp') return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') return invalidParameter('recipient_type must be individual');
    if (typeof body.to !== 'string' || !body.to.trim()) return graphError(400, 100, '(#100) The parameter to is required.');
    // Meta accepts "+", spaces, hyphens and parentheses around the digits.
    if (!/^\+?[\d\s()-]+$/.test(body.to)) return graphError(400, 131009, '(#131009) Parameter value is not valid', { details: `Invalid phone number: ${body.to}` });
    const type = body.type ?? 'text';
    if (type === 'text') {
      const text = body.text;
      if (!isObject(text) || typeof text.body !== 'string' || !text.body) return graphError(400, 100, "(#100) The parameter text['body'] is required.");
      if (text.body.length > MAX_TEXT) return invalidParameter(`text['body'] is longer than ${MAX_TEXT} characters`);
      return null;
    }
    if (type === 'template') {
      const t = body.template;
      if (!isObject(t) || typeof t.name !== 'string' || !t.name) return graphError(400, 100, "(#100) The parameter template['name'] is required.");
      const language = isObject(t.language) ? t.language.code : undefined;
      if (typeof language !== 'string' || !language) return graphError(400, 100, "(#100) The parameter template['language']['code'] is required.");
      const approved = templates.get(t.name);
      if (!approved || !approved.languages.includes(language)) {
        return graphError(400, 132001, '(#132001) Template name does not exist in the translation', { details: `template name (${t.name}) does not exist in ${language}` });
      }
      const components = Array.isArray(t.components) ? t.components : [];
      const bodyComponent = components.find((c) => isObject(c) && c.type === 'body') as Record<string, unknown> | undefined;
      const parameters = Array.isArray(bodyComponent?.parameters) ? (bodyComponent.parameters as unknown[]) : [];
      if (parameters.length !== approved.bodyParameters) {
        return graphError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', {
          details: `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${approved.bodyParameters})`,
        });
      }
      for (const p of parameters) {
        if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string' || !p.text.trim()) {
          return graphError(400, 131009, '(#131009) Parameter value is not valid', { details: 'body parameters must be non-empty text' });
        }
      }
      return null;
    }
    return invalidParameter(`Unsupported message type: ${String(type)}`);
  }

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      stats.requests++;
      const m = /^\/v\d+\.\d+\/([^/]+)(\/.*)?$/.exec(req.path);
      if (!m) return graphError(400, 2500, `Unknown path components: ${req.path} (the simulator serves versioned paths, e.g. /${API_VERSION}/{phone-number-id}/messages)`);
      const token = bearerToken(req);
      if (token !== credentials.accessToken) {
        return { ...graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token'), headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' } };
      }
      if (m[1] !== credentials.phoneNumberId) return unsupported(req, m[1]);
      const fault = faults.next();
      if (fault === 'throttle') {
        stats.throttled++;
        return graphError(400, 130429, '(#130429) Rate limit hit', { details: 'Cloud API message throughput has been reached.' });
      }
      if (fault === 'fail') return graphError(500, 131000, '(#131000) Something went wrong', { details: 'Something went wrong. Please try again later.' });
      return null;
    },
    notFound: (req) => unsupported(req, req.path.split('/')[2] ?? ''),
    routes: [
      {
        method: 'GET',
        path: '/:version/:phoneNumberId',
        handler: (req) => {
          const record: Record<string, unknown> = {
            verified_name: options.verifiedName ?? 'Loja Simulada',
            display_phone_number: display,
            quality_rating: 'GREEN',
            code_verification_status: 'VERIFIED',
            id: credentials.phoneNumberId,
          };
          const fields = req.query.get('fields');
          if (!fields) return { status: 200, body: { verified_name: record.verified_name, display_phone_number: display, id: record.id } };
          const wanted = new Set([...fields.split(',').map((f) => f.trim()), 'id']);
          return { status: 200, body: Object.fromEntries(Object.entries(record).filter(([k]) => wanted.has(k))) };
        },
      },
      {
        method: 'POST',
        path: '/:version/:phoneNumberId/messages',
        handler: (req) => {
          if (!throughput(credentials.phoneNumberId).allowed) {
            stats.throttled++;
            return graphError(400, 130429, '(#130429) Rate limit hit', { details: 'Cloud API message throughput has been reached.' });
          }
          const refused = refusal(req.body);
          if (refused) return refused;
          const body = req.body as Record<string, unknown>;
          const to = body.to as string;
          const waId = to.replace(/\D/g, '');
          const id = `wamid.${Buffer.from(`${waId}:${randomBytes(12).toString('hex')}`).toString('base64')}`;
          sent.push({ id, to, waId, body, at: new Date() });
          const message: Record<string, unknown> = { id };
          if (body.type === 'template') message.message_status = 'accepted';
          return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: waId }], messages: [message] } };
        },
      },
    ],
  });

  const sign = (rawBody: string) => `sha256=${hmacSha256(credentials.appSecret, rawBody, 'hex')}`;
  const delivery = (value: Record<string, unknown>): SimWebhookDelivery => {
    const rawBody = metaJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: wabaId,
          changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: display.replace(/\D/g, ''), phone_number_id: credentials.phoneNumberId }, ...value }, field: 'messages' }],
        },
      ],
    });
    return { headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', 'x-hub-signature-256': sign(rawBody) }, rawBody, query: {} };
  };

  return {
    ...sim,
    baseUrl: `${sim.url}/${API_VERSION}`,
    credentials,
    templates,
    sent,
    faults,
    stats,
    sign,
    statusWebhook(wamid, status, { errorCode, errorTitle, errorDetails, timestamp } = {}) {
      const message = sent.find((s) => s.id === wamid);
      const at = timestamp ?? Math.floor(Date.now() / 1000);
      const entry: Record<string, unknown> = { id: wamid, status, timestamp: String(at), recipient_id: message?.waId ?? '0' };
      if (typeof message?.body.biz_opaque_callback_data === 'string') entry.biz_opaque_callback_data = message.body.biz_opaque_callback_data;
      if (status === 'sent' || status === 'delivered') {
        entry.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: message?.body.type === 'template' ? 'utility' : 'service' };
      }
      if (status === 'failed') {
        const code = errorCode ?? 131026;
        const title = errorTitle ?? 'Message undeliverable';
        entry.errors = [
          {
            code,
            title,
            message: title,
            error_data: { details: errorDetails ?? title },
            href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
          },
        ];
      }
      return delivery({ statuses: [entry] });
    },
    incomingMessageWebhook(from, text) {
      const waId = from.replace(/\D/g, '');
      return delivery({
        contacts: [{ profile: { name: 'Cliente' }, wa_id: waId }],
        messages: [{ from: waId, id: `wamid.${randomBytes(12).toString('base64')}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
      });
    },
    challengeQuery: (challenge, verifyToken = credentials.verifyToken) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge }),
  };
}
