/**
 * The shape every connector has. A connector is one object (see `defineConnector`) that tells
 * Ponte how to authenticate, how fast it may go, what entities it reads and writes, and how to
 * test a connection. It runs on the activity side only: never imported by workflow code.
 */
import type { EventOutcome, InutilizationOutcome, Model, SefazOutcome } from '../fiscal/types';
import type { HttpClient, HttpClientOptions, HttpResponse } from './http/client';
import type { RateLimitPolicy } from './http/pacing';

export const ENTITIES = ['products', 'stock', 'prices', 'orders', 'customers', 'invoices', 'payments'] as const;
export type EntityName = (typeof ENTITIES)[number];

/** A record as it travels through a flow: the source's key and SKU beside its data. */
export interface SyncRecord {
  /** The source system's id for the record (the "internal id" of a binding). */
  key: string;
  /** SKU / code, used for matching by SKU. */
  sku?: string;
  data: Record<string, unknown>;
}

/** What an entity reader or writer gets: the connection, ready to call. Credentials stay here. */
export interface ConnectionContext {
  connectionId: string;
  baseUrl: string;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  http: HttpClient;
  signal?: AbortSignal;
}

export interface ReadRequest {
  /** Opaque cursor returned by the previous batch; null for the first. */
  cursor: string | null;
  /** Only records changed since this ISO time (incremental sync); null reads everything. */
  since: string | null;
  /** The reader returns at least this many records unless the source ends first. */
  batchSize: number;
}

export interface ReadResult {
  records: SyncRecord[];
  nextCursor: string | null;
}

export interface EntityReader {
  read(ctx: ConnectionContext, req: ReadRequest): Promise<ReadResult>;
}

/** What a writer gets: the mapped data, and the SKU it must stamp so the record can be found again. */
export interface WriteInput {
  data: Record<string, unknown>;
  sku?: string;
}

export interface EntityWriter {
  create(ctx: ConnectionContext, input: WriteInput): Promise<{ externalId: string }>;
  update(ctx: ConnectionContext, externalId: string, input: WriteInput): Promise<void>;
  /** The external id of the record with this SKU at the provider, if the API can search by SKU. */
  findBySku?(ctx: ConnectionContext, sku: string): Promise<string | null>;
}

export interface EntitySupport {
  read?: EntityReader;
  write?: EntityWriter;
  /** One record by the provider's id (an order's detail, the resource a webhook points to); null when gone. */
  get?(ctx: ConnectionContext, id: string): Promise<SyncRecord | null>;
}

/** A webhook request as it arrived: header names lower-cased, the body exactly as sent (signatures cover the raw bytes). */
export interface IncomingWebhook {
  headers: Record<string, string>;
  rawBody: string;
  query: Record<string, string>;
  /** What followed the connection's webhook URL, e.g. `/pix` (API Pix posts to `{webhookUrl}/pix`); '' when nothing. */
  path?: string;
}

export interface WebhookEvent {
  /** The provider's id of this event or delivery (X-Shopify-Webhook-Id, Bling eventId, ML `_id`…): the dedupe key. */
  eventId: string;
  /** The provider's topic or event name, as sent (e.g. `orders/create`, `order.created`, `orders_v2`). */
  topic: string;
  /** What the event is about; `messages`: the delivery status of a message Ponte sent (see `messageStatus`). */
  entity: EntityName | 'messages';
  action: 'created' | 'updated' | 'deleted' | 'other';
  /** The provider's id of the record the event is about. */
  resourceId: string;
  /** The record itself, when the payload carries it; otherwise Ponte fetches it with `get`. */
  record?: SyncRecord;
  /** For `messages` events: a message Ponte sent moved on (WhatsApp's status webhook). `resourceId` is the provider's message id. */
  messageStatus?: MessageStatusUpdate;
}

export interface MessageStatusUpdate {
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** When the provider says it happened (ISO). */
  at: string;
  /** Why it failed, in the provider's words with its code (e.g. "131047: Re-engagement message"). */
  error?: string;
}

/** A message a notify node sends through a channel connection (e-mail, WhatsApp, webhook, SMS). */
export interface OutgoingMessage {
  /** Stable id of this message, the same on a resend (Message-ID, webhook-id): receivers can dedupe by it. */
  id: string;
  to: string;
  subject?: string;
  /** The text (e-mail body, SMS, WhatsApp free-form text inside the 24 h window). */
  text: string;
  /** WhatsApp: an approved template, its language and the body parameters in order. */
  template?: { name: string; language: string; parameters: string[] };
  /** Webhook: the JSON body to send (default: the record). */
  data?: unknown;
  attachments?: Array<{ filename: string; content: string; encoding?: 'base64' | 'utf8'; contentType?: string }>;
}

/**
 * A charge to create at a PSP or bank: an order's Pix (immediate or with a due date) or boleto.
 * `reference` is Ponte's id for it, the same on every retry (API Pix `txid`, boleto `seuNumero`),
 * so a charge is created once however often the run is retried.
 */
export interface ChargeRequest {
  reference: string;
  kind: 'pix' | 'pix-due' | 'boleto';
  /** Reais with two decimals, e.g. "59.90". */
  amount: string;
  /** `pix`: seconds the charge stays payable (API Pix `calendario.expiracao`). */
  expiresInSeconds?: number;
  /** `pix-due` and `boleto`: YYYY-MM-DD. */
  dueDate?: string;
  payer?: {
    name: string;
    /** CPF or CNPJ, digits only. */
    document: string;
    email?: string;
    address?: { street?: string; number?: string; district?: string; city?: string; state?: string; postalCode?: string };
  };
  /** Shown to the payer (API Pix `solicitacaoPagador`, boleto message). */
  description?: string;
}

export interface Charge {
  /** The provider's id of the charge (API Pix: the txid; Inter: codigoSolicitacao). */
  providerId: string;
  reference: string;
  status: 'pending' | 'paid' | 'cancelled' | 'expired';
  amount: string;
  /** Pix "copia e cola" (BR Code text), when the charge can be paid by Pix. */
  pixCopiaECola?: string;
  /** Pix: the payload location (`loc.location`). */
  location?: string;
  /** Boleto: the 44-digit barcode, the 47-digit line, the bank's "nosso número". */
  barcode?: string;
  digitableLine?: string;
  nossoNumero?: string;
}

export interface PaymentsSupport {
  kinds: Array<ChargeRequest['kind']>;
  /** Creates the charge, or returns the one a previous attempt created under the same reference. */
  createCharge(ctx: ConnectionContext, req: ChargeRequest): Promise<Charge>;
  /** The charge made under this reference, or null when none was. */
  getCharge(ctx: ConnectionContext, reference: string, kind: ChargeRequest['kind']): Promise<Charge | null>;
  /** Points the provider's payment notifications at Ponte (API Pix `PUT /webhook/{chave}`). */
  registerWebhook?(ctx: ConnectionContext, url: string): Promise<void>;
}

/**
 * A payment, as `payments` records carry it (read with `get`/`read`, or from a webhook): the
 * record's key is the payment's unique id (API Pix `endToEndId`), never repeated.
 */
export interface PaymentRecordData {
  /** API Pix endToEndId, or the bank's payment id. */
  paymentId: string;
  /** The charge it pays: its `reference` (txid, seuNumero). */
  reference: string;
  amount: string;
  /** ISO time the money arrived. */
  paidAt: string;
  method: 'pix' | 'boleto';
  payerName?: string;
}

/** An ERP's accounts receivable ("contas a receber"): where a paid charge is settled ("baixa"). */
export interface ReceivablesSupport {
  /**
   * Settles the open receivable of an order for a payment. Idempotent by the receivable's own
   * state: a receivable already received is reported `already`, never settled twice.
   */
  settle(
    ctx: ConnectionContext,
    req: {
      orderId: string;
      amount: string;
      paidAt: string;
      paymentId: string;
      note: string;
      /** An earlier attempt for this payment ended without an answer: it may have landed. */
      retry?: boolean;
    },
  ): Promise<{ receivableId: string; outcome: 'settled' | 'already' }>;
}

export interface MessagingSupport {
  channel: 'email' | 'whatsapp' | 'webhook' | 'sms';
  /**
   * Sends one message. `accepted`: the provider took it (WhatsApp's 200 is not delivery: the status
   * webhook says what happened later); `sent`: handed over for good (SMTP 250, webhook 2xx).
   */
  send(ctx: ConnectionContext, message: OutgoingMessage): Promise<{ providerId: string | null; status: 'accepted' | 'sent' }>;
}

export interface WebhookSupport {
  /**
   * A provider's subscription handshake by GET (WhatsApp/Meta: `hub.mode=subscribe`,
   * `hub.verify_token`, `hub.challenge`): the text to answer, or null to refuse (403).
   */
  challenge?(query: Record<string, string>, credentials: Record<string, string>): string | null;
  /**
   * Checks a delivery: `valid`, `invalid` (bad or missing signature: answered 401, logged, nothing
   * runs) or `ping` (a handshake to acknowledge without an event, e.g. WooCommerce's creation ping).
   * `credentials` are the connection's, holding the signing secret the provider uses.
   */
  verify(req: IncomingWebhook, credentials: Record<string, string>, settings: Record<string, unknown>): 'valid' | 'invalid' | 'ping';
  /** The events in a verified delivery (usually one). */
  parse(req: IncomingWebhook): WebhookEvent[];
}

/** What a tax authority's status service says (NF-e: consStatServ; 107 = working). */
export interface FiscalServiceStatus {
  cStat: string;
  reason: string;
  available: boolean;
  /** Average processing time in seconds (tMed), when the authoriser says. */
  averageSeconds?: number;
  /** When an interrupted service is expected back (dhRetorno), and the authoriser's note (xObs). */
  expectedBackAt?: string;
  note?: string;
}

/**
 * Tax authorities that authorise fiscal documents (SEFAZ: NF-e / NFC-e): what the emit-nf node
 * sends a signed document through. The document is built and signed by fiscal/nfe; the
 * connector only carries it and reads the verdict.
 */
export interface FiscalSupport {
  models: Model[];
  /**
   * Sends one signed document. Answers SEFAZ's verdict; throws a Transient ConnectorError when
   * no answer came (the document may still have been authorised: consult its key before
   * sending it again).
   */
  authorize(ctx: ConnectionContext, signedXml: string, options: { model: Model; idLote: string; sync: boolean }): Promise<SefazOutcome>;
  /** What the authority knows of a key: authorised (with its protocol), or cStat 217 when it has none. */
  consult(ctx: ConnectionContext, accessKey: string, model: Model): Promise<SefazOutcome>;
  status(ctx: ConnectionContext, model: Model): Promise<FiscalServiceStatus>;
  /** The legal artefact (nfeProc): the signed document and the authority's protocol, both byte for byte. */
  mergeProtocol(signedXml: string, protocolXml: string): string;
  /**
   * Voids a range of numbers never used (the signed inutNFe): SEFAZ's verdict, with the
   * procInutNFe to keep when it homologates. Throws a Transient ConnectorError when no answer came
   * (the numbers may be void all the same: send the same request again).
   */
  inutilize?(ctx: ConnectionContext, signedXml: string, model: Model): Promise<InutilizationOutcome>;
  /**
   * Registers an event of a note (the envEvento signed on infEvento: a cancellation): SEFAZ's
   * verdict, with the procEventoNFe to keep when registered. Throws a Transient ConnectorError when
   * no answer came (send it again: a registered event is answered as a duplicate).
   */
  sendEvent?(ctx: ConnectionContext, signedXml: string, model: Model): Promise<EventOutcome>;
}

/** JSON Schema for a connector's credentials; fields marked `secret` are write-only. */
export interface CredentialSchema {
  type: 'object';
  required?: string[];
  properties: Record<string, { type: 'string'; title: string; description?: string; secret?: boolean }>;
}

/** How a provider's OAuth2 authorization-code flow works (RFC 6749 with the provider's quirks). */
export interface OAuth2Definition {
  /** Where the seller approves the app (the provider's real page; a connection may override it). */
  authorizeUrl: string;
  /** Token endpoint, relative to the connection's base URL. */
  tokenPath: string;
  /** How the app authenticates at the token endpoint: HTTP Basic, or client_id/secret in the form. */
  clientAuth: 'basic' | 'body';
  scope?: string;
  /** Whether the token request must repeat the redirect_uri (Mercado Livre: yes). */
  sendsRedirectUri: boolean;
}

/**
 * What `authHeaders` may use besides the credentials, for a token it obtains and caches itself
 * (OAuth2 client credentials): which connection it is, and a client without auth headers that
 * travels the connection's own transport (its mutual TLS), to call the token endpoint with.
 */
export interface AuthContext {
  connectionId: string;
  baseUrl: string;
  settings: Record<string, unknown>;
  http: HttpClient;
  signal?: AbortSignal;
}

/** What a system is to a seller: the ERP owns prices, stock and fiscal data; a channel owns orders and what the buyer typed. */
export type ConnectorRole = 'erp' | 'channel' | 'other';

export interface ConnectorDefinition {
  id: string;
  name: string;
  description: string;
  role: ConnectorRole;
  /** The provider's real API base URL; overridable per connection (sandboxes, simulators). */
  defaultBaseUrl: string;
  /** URL schemes a connection's base URL may use (default http: and https:; SMTP: smtp: and smtps:). */
  urlSchemes?: string[];
  credentialSchema: CredentialSchema;
  /** The provider's published limit; a connection may lower it (or turn it off for a simulator). */
  rateLimit: RateLimitPolicy;
  /** Headers that authenticate a request; may be async (a token fetched with the connection's client credentials). */
  authHeaders(credentials: Record<string, string>, connection?: AuthContext): Record<string, string> | Promise<Record<string, string>>;
  /** Provider-specific error parsing for the shared HTTP client. */
  http?: Pick<HttpClientOptions, 'classify' | 'describeError' | 'defaultRetryAfterMs'>;
  entities: Partial<Record<EntityName, EntitySupport>>;
  oauth2?: OAuth2Definition;
  /** Webhook verification and parsing, for providers that notify changes. */
  webhooks?: WebhookSupport;
  /** Channels that carry messages out (e-mail, WhatsApp, outgoing webhooks, SMS): what a notify node sends through. */
  messaging?: MessagingSupport;
  /** PSPs and banks: charges (Pix, boleto) a charge node creates. Payments arrive as `payments` records. */
  payments?: PaymentsSupport;
  /** ERPs: settling an order's receivable when its charge is paid (the settle node). */
  receivables?: ReceivablesSupport;
  /** Tax authorities (SEFAZ): authorising fiscal documents (the emit-nf node). */
  fiscal?: FiscalSupport;
  /**
   * Mutual TLS: the client certificate (and a CA to trust, for sandboxes and simulators) this
   * connection presents. API Pix PSPs and Banco Inter require it.
   */
  tls?(credentials: Record<string, string>): { cert: string; key: string; ca?: string; passphrase?: string } | undefined;
  /** Where the seller finds the credentials, in the provider's own menu words (pt-BR; shown in the UI). */
  credentialHelp?: string;
  /** "Testar conexao": the cheapest authenticated call, returned raw (send it with `raw: true`). */
  test(ctx: ConnectionContext): Promise<HttpResponse>;
}

export function defineConnector<T extends ConnectorDefinition>(definition: T): T {
  return definition;
}

/** Credentials of an OAuth2 app connection: the app's id and secret, and the account's tokens. */
export function oauth2Credentials(titles: { clientId?: string; clientSecret?: string } = {}): CredentialSchema {
  return {
    type: 'object',
    required: ['accessToken'],
    properties: {
      clientId: { type: 'string', title: titles.clientId ?? 'Client ID' },
      clientSecret: { type: 'string', title: titles.clientSecret ?? 'Client secret', secret: true },
      accessToken: { type: 'string', title: 'Access token', secret: true },
      refreshToken: { type: 'string', title: 'Refresh token', secret: true },
    },
  };
}
