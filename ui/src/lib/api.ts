/** The REST API of Ponte: the UI's only source of state. */
import { pick } from './i18n/index.svelte';

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: any,
    /** Seconds to wait before trying again (Retry-After of a 429), when the server says. */
    public retryAfter: number | null = null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

/**
 * What the signed-in state (lib/session.svelte.ts) hands the client: the session's CSRF token,
 * sent on every change, and what to do when the server no longer knows the session. Kept here as
 * plain hooks so this module imports nothing of the session (which itself calls `api`).
 */
const hooks: { csrfToken: string | null; onUnauthenticated: (() => void) | null } = { csrfToken: null, onUnauthenticated: null };
export function setCsrfToken(token: string | null) {
  hooks.csrfToken = token;
}
export function onUnauthenticated(handler: () => void) {
  hooks.onUnauthenticated = handler;
}
/** A 401 from these means wrong credentials or a spent link, not an expired session. */
const SIGN_IN_URLS = ['/api/auth/login', '/api/auth/link'];

export async function api<T = any>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  // The server refuses a session's change without its CSRF token (a cookie alone could come from another site's form).
  if (method !== 'GET' && hooks.csrfToken) headers['x-csrf-token'] = hooks.csrfToken;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { message: text };
  }
  if (res.status === 401 && !SIGN_IN_URLS.includes(url)) hooks.onUnauthenticated?.();
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, data, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return data as T;
}

export type Counters = { processed: number; created: number; updated: number; skipped: number; failed: number; conflict: number };
export const COUNTER_KEYS: Array<keyof Counters> = ['processed', 'created', 'updated', 'skipped', 'failed', 'conflict'];

export interface Connection {
  id: string;
  name: string;
  provider: string;
  providerName?: string;
  baseUrl: string | null;
  direction: string;
  entities: string[];
  frequency: string;
  cron: string | null;
  status: 'active' | 'paused' | 'error' | 'disabled';
  statusReason: string | null;
  statusChangedAt: string;
  credentials: Record<string, string>;
  webhookUrl: string;
  settings: Record<string, any>;
  /** The client certificate the connection presents (SEFAZ A1, PSP, bank); null when it has none. */
  certificate?: { subject: string; notAfter: string; daysLeft: number; expired: boolean; expiresSoon: boolean } | { problem: string } | null;
  updatedAt?: string;
}

export interface Connector {
  id: string;
  name: string;
  description: string;
  defaultBaseUrl: string;
  credentialSchema: { required?: string[]; properties: Record<string, { type: string; title?: string; description?: string; secret?: boolean }> };
  credentialHelp: string | null;
  oauth2: boolean;
  webhooks: boolean;
  entities: Array<{ entity: string; read: boolean; write: boolean }>;
  /** The channel a messaging connector sends through ('email', 'whatsapp'…), null for others; absent from older servers. */
  messaging?: string | null;
}

/**
 * Connectors that send messages, for a catalogue that does not say so itself (GET /api/connectors
 * without `messaging`): the channels an alert or a notify block can use.
 */
const MESSAGING_CONNECTORS = ['smtp', 'whatsapp', 'webhook-out', 'sms-http'];
/** Whether connections of this provider can carry an alert (e-mail, WhatsApp, webhook, SMS). */
export function sendsMessages(provider: string, catalogue: Connector[]): boolean {
  const connector = catalogue.find((c) => c.id === provider);
  if (connector && 'messaging' in connector) return Boolean(connector.messaging);
  return MESSAGING_CONNECTORS.includes(provider);
}

export interface Port {
  name: string;
  type: string;
  label: Record<string, string>;
}

export interface NodeType {
  type: string;
  version: number;
  kind: string;
  category: string;
  label: Record<string, string>;
  description: Record<string, string>;
  params: JsonSchema;
  inputs: Port[];
  outputs: Port[];
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  'x-ponte-ref'?: string;
  'x-ponte-expression'?: boolean;
  const?: unknown;
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
}

export interface FlowNodeDoc {
  id: string;
  type: string;
  typeVersion: number;
  params: Record<string, any>;
  settings?: Record<string, any>;
}
export interface FlowEdgeDoc {
  from: string;
  fromPort?: string;
  to: string;
  toPort?: string;
}
export interface FlowDocument {
  schemaVersion: number;
  nodes: FlowNodeDoc[];
  edges: FlowEdgeDoc[];
  layout?: Record<string, { x: number; y: number }>;
  /** Who hears when a run ends badly: a message through a channel connection (see FlowAlert). */
  alerts?: FlowAlert[];
}
export type AlertEnding = 'error' | 'partial';
export const ALERT_ENDINGS: AlertEnding[] = ['error', 'partial'];
export interface FlowAlert {
  /** An e-mail, WhatsApp, webhook or SMS connection. */
  connectionId: string;
  /** An e-mail address or a phone (for webhooks, a label). */
  to: string;
  /** Which run endings alert; absent means both. */
  on?: AlertEnding[];
  /** WhatsApp: the approved template (kept as the document has it; the editor does not change it). */
  template?: { name: string; language?: string };
}
export interface Flow {
  id: string;
  name: string;
  description?: string | null;
  document: FlowDocument;
  createdAt: string;
  updatedAt: string;
}
export interface Version {
  id: string;
  version: number;
  contentHash: string;
  createdAt: string;
  /** GET /api/flows/:id/versions/:versionId only. */
  document?: FlowDocument;
}
/** Text in both languages the UI speaks (shown with pick(); the English field beside it is the fallback). */
export type LocalizedText = Record<'pt-BR' | 'en', string>;
/** What to do about a failure, in both languages (shown with pick(); `hint` alone is English). */
export type HintText = LocalizedText;

export interface Run {
  id: string;
  flowId: string;
  versionId: string;
  version: number;
  /** The Temporal workflow of the run (continued-as-new executions keep it). */
  workflowId?: string;
  /** The run whose failures this one reprocesses. */
  reprocessOf?: string | null;
  trigger: { type: string; by?: string };
  status: 'running' | 'waiting' | 'success' | 'partial' | 'error';
  error: any;
  /** What to do about the error: English, and both languages when the server knows its code. */
  errorHint?: string | null;
  errorHintText?: HintText | null;
  counters: Counters;
  pages: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  nodes?: Record<string, Partial<Counters> & { pages?: number }>;
  /** Records approval steps hold in this run, by decision (GET /api/runs/:id only). */
  approvals?: Record<ApprovalStatus, number>;
}
export interface RunRecord {
  id: number;
  nodeId: string;
  recordKey: string;
  outcome: string;
  externalId: string | null;
  errorKind: string | null;
  /** In English: Ponte's words, or a provider's as it wrote them. */
  message: string | null;
  /** A message Ponte wrote: its code and parameters, and (when the server knows the code) its text in both languages. */
  messageCode?: string | null;
  messageParams?: Record<string, string | number | null> | null;
  messageText?: LocalizedText;
  /** What to do, in English; `hintText` has it in both languages when the server knows its code. */
  hint: string | null;
  hintCode?: string | null;
  hintText?: HintText;
  payload: unknown;
  /** Facts of a failure the UI acts on, e.g. {map, value, connectionId} for ValueMapMissing. */
  details?: Record<string, unknown> | null;
  /** Set when a failure was marked resolved or went through a reprocessing. */
  resolvedAt?: string | null;
  resolution?: string | null;
  createdAt: string;
}
export interface Problem {
  nodeId?: string;
  edge?: number;
  field?: string;
  /** English; `text` has the reason in both languages when the server gives it. */
  message: string;
  text?: HintText;
}

/** A refusal's reason in the reader's language (read in markup, it follows the language switch). */
export function problemMessage(p: Pick<Problem, 'message' | 'text'>): string {
  return pick(p.text) || p.message;
}

/** Catalogue data changes only with a new server; fetch it once. */
let nodeTypesCache: Promise<NodeType[]> | undefined;
export function nodeTypes(): Promise<NodeType[]> {
  nodeTypesCache ??= api<{ nodeTypes: NodeType[] }>('GET', '/api/node-types').then(
    (r) => r.nodeTypes,
    (err) => {
      // A failure (signed out meanwhile) is not kept: the next screen asks again.
      nodeTypesCache = undefined;
      throw err;
    },
  );
  return nodeTypesCache;
}
let connectorsCache: Promise<Connector[]> | undefined;
export function connectors(): Promise<Connector[]> {
  connectorsCache ??= api<{ connectors: Connector[] }>('GET', '/api/connectors').then(
    (r) => r.connectors,
    (err) => {
      connectorsCache = undefined;
      throw err;
    },
  );
  return connectorsCache;
}
export const listConnections = () => api<{ connections: Connection[] }>('GET', '/api/connections').then((r) => r.connections);
export const listFlows = () => api<{ flows: Flow[] }>('GET', '/api/flows').then((r) => r.flows);
export const listRuns = (q: { flowId?: string; status?: string; limit?: number } = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return api<{ runs: Run[] }>('GET', `/api/runs?${params}`).then((r) => r.runs);
};

/** Mappings ("Mapeamentos"): which external record is the twin of which internal one. */
export type BindingStatus = 'pending' | 'active' | 'orphan' | 'conflict';
export const BINDING_STATUSES: BindingStatus[] = ['pending', 'active', 'orphan', 'conflict'];
export const ENTITIES = ['products', 'stock', 'prices', 'orders', 'customers', 'invoices', 'payments'];

export interface BindingConflict {
  fields: string[];
  base: Record<string, unknown>;
  source: Record<string, unknown>;
  target: Record<string, unknown>;
  runId: string;
  detectedAt: string;
}
export interface Binding {
  id: number;
  connectionId: string;
  sourceConnectionId: string | null;
  entity: string;
  internalId: string;
  externalId: string | null;
  sku: string | null;
  status: BindingStatus;
  flowId: string | null;
  lastSyncedAt: string | null;
  notes: string | null;
  conflict: BindingConflict | null;
  createdAt: string;
  updatedAt: string;
}
export interface BindingQuery {
  connectionId?: string;
  sourceConnectionId?: string;
  entity?: string;
  status?: string;
  q?: string;
  after?: number;
  limit?: number;
}
export const listBindings = (q: BindingQuery) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== null) params.set(k, String(v));
  return api<{ bindings: Binding[]; next: number | null }>('GET', `/api/bindings?${params}`);
};

export type DiscoveryList = 'matched' | 'ambiguous' | 'unmatchedSource' | 'unmatchedTarget' | 'withoutSkuSource' | 'withoutSkuTarget';
export const DISCOVERY_LISTS: DiscoveryList[] = ['matched', 'ambiguous', 'unmatchedSource', 'unmatchedTarget', 'withoutSkuSource', 'withoutSkuTarget'];
export interface DiscoverySide {
  read: number;
  alreadyBound: number;
  withoutSku: number;
  unmatched: number;
}
export interface Discovery {
  id: string;
  sourceConnectionId: string;
  connectionId: string;
  entity: string;
  status: 'running' | 'ready' | 'confirmed' | 'error';
  error: string | null;
  progress?: { source?: number; target?: number } | null;
  report: null | {
    counts: { matched: number; ambiguous: number; source: DiscoverySide; target: DiscoverySide };
    lists: Record<DiscoveryList, { total: number; truncated: boolean; items: Array<Record<string, any>> }>;
    confirmation?: { requested: number; bound: number; skipped: number };
  };
}

export interface Reconciliation {
  id: string;
  connectionId: string;
  entity: string;
  status: 'running' | 'done' | 'blocked' | 'error';
  bound: number;
  seen: number;
  missing: number;
  marked: number;
  maxShare: number;
  message: string | null;
}

/** De-para (value maps): per connection, a named table translating one system's codes into the other's. */
export interface ValueMap {
  id: string;
  connectionId: string;
  name: string;
  label: string | null;
  defaultValue: string | null;
  entryCount?: number;
  entries?: Array<{ from: string; to: string }>;
}
export const SUGGESTED_VALUE_MAP_NAMES = ['carrier', 'shipping_service', 'payment_method', 'order_status', 'category', 'unit', 'tax_situation'];

/** "Aguardando confirmação": records an approval step (`approve` node) holds until a person decides. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';
export const APPROVAL_STATUSES: ApprovalStatus[] = ['pending', 'approved', 'rejected', 'expired'];
export interface Approval {
  id: number;
  flowId: string;
  runId: string;
  nodeId: string;
  recordKey: string;
  summary: string | null;
  record: { key: string; sku?: string; data: Record<string, unknown> };
  status: ApprovalStatus;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  createdAt: string;
}
export const listApprovals = (q: { status?: string; flowId?: string; runId?: string; limit?: number }) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return api<{ approvals: Approval[] }>('GET', `/api/approvals?${params}`).then((r) => r.approvals);
};
export const decideApprovals = (body: { ids: number[]; decision: 'approve' | 'reject'; reason?: string }) =>
  api<{ decided: number[]; refused: Array<{ id: number; reason: string }> }>('POST', '/api/approvals/decide', body);

/** "Cobranças": charges (Pix, boleto) charge blocks created, and the payments settled at the ERP ("baixas"). */
export type ChargeKind = 'pix' | 'pix-due' | 'boleto' | 'pix-static';
export const CHARGE_KINDS: ChargeKind[] = ['pix', 'pix-due', 'boleto', 'pix-static'];
export type ChargeStatus = 'creating' | 'pending' | 'paid' | 'cancelled' | 'failed';
export const CHARGE_STATUSES: ChargeStatus[] = ['creating', 'pending', 'paid', 'cancelled', 'failed'];
export interface Charge {
  id: number;
  flowId: string;
  nodeId: string;
  /** The order's key at the flow's source. */
  recordKey: string;
  sourceConnectionId: string;
  /** The PSP or bank; null for a static Pix code Ponte builds itself. */
  connectionId: string | null;
  kind: ChargeKind;
  /** txid (Pix) or seuNumero (boleto) at the provider. */
  reference: string;
  /** In reais, as a decimal string ("59.90"). */
  amount: string;
  status: ChargeStatus;
  providerId: string | null;
  /** What the payer needs: never secret. */
  details: { pixCopiaECola?: string; location?: string; barcode?: string; digitableLine?: string; nossoNumero?: string; [key: string]: unknown };
  runId: string;
  error: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
}
export type SettlementStatus = 'settling' | 'settled' | 'already' | 'failed';
export const SETTLEMENT_STATUSES: SettlementStatus[] = ['settled', 'already', 'failed', 'settling'];
export interface Settlement {
  id: number;
  paymentConnectionId: string;
  /** The payment's id at the PSP (API Pix endToEndId). */
  paymentId: string;
  /** The charge's reference the payment names. */
  reference: string;
  chargeId: number | null;
  erpConnectionId: string;
  orderId: string | null;
  amount: string;
  status: SettlementStatus;
  receivableId: string | null;
  error: string | null;
  runId: string;
  createdAt: string;
  updatedAt: string;
}
const searchParams = (q: Record<string, string | number | undefined>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params;
};
export const listCharges = (q: { status?: string; flowId?: string; recordKey?: string; limit?: number }) =>
  api<{ charges: Charge[] }>('GET', `/api/charges?${searchParams(q)}`).then((r) => r.charges);
export const listSettlements = (q: { status?: string; reference?: string; limit?: number }) =>
  api<{ settlements: Settlement[] }>('GET', `/api/settlements?${searchParams(q)}`).then((r) => r.settlements);

/** "Notas fiscais": the NF-e / NFC-e the emit-nf blocks issued, and the numbers left to void. */
export type FiscalStatus = 'signed' | 'sending' | 'authorized' | 'rejected' | 'denied' | 'cancelled' | 'voided';
export const FISCAL_STATUSES: FiscalStatus[] = ['authorized', 'rejected', 'denied', 'sending', 'signed', 'cancelled', 'voided'];
/** A request a person sent SEFAZ about invoices, and SEFAZ's answer. */
interface SefazRequest {
  id: number;
  connectionId: string;
  /** What the person wrote (xJust). */
  justification: string;
  cStat: string | null;
  /** SEFAZ's xMotivo. */
  reason: string | null;
  protocol: string | null;
  requestedBy: string;
  /** When SEFAZ registered it. */
  doneAt: string | null;
  createdAt: string;
  hasProc: boolean;
  /** The XML to keep (procEventoNFe, procInutNFe), once SEFAZ did it. */
  xmlUrl: string | null;
}
/** An event of an invoice registered at SEFAZ (the cancellation, type 110111), or a request of one it refused. */
export interface FiscalEvent extends SefazRequest {
  documentId: number;
  accessKey: string;
  type: string;
  sequence: number;
  status: 'sending' | 'registered' | 'rejected';
}
/** A request to void numbers never used ("inutilização"). */
export interface FiscalVoid extends SefazRequest {
  issuerCnpj: string;
  model: number;
  environment: number;
  series: number;
  fromNumber: number;
  toNumber: number;
  status: 'sending' | 'voided' | 'rejected';
}
export interface FiscalDocument {
  id: number;
  connectionId: string;
  flowId: string;
  nodeId: string;
  /** The order's key at the flow's source. */
  recordKey: string;
  issuerCnpj: string;
  /** 55 NF-e, 65 NFC-e. */
  model: number;
  /** 1 produção, 2 homologação. */
  environment: number;
  series: number;
  number: number;
  /** 44 digits. */
  accessKey: string;
  status: FiscalStatus;
  cStat: string | null;
  reason: string | null;
  protocol: string | null;
  /** vNF in reais, as a decimal string ("112.00"). */
  total: string;
  runId: string;
  attempts: number;
  authorizedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Whether SEFAZ's protocol is merged in (the XML is then the nfeProc). */
  hasProc: boolean;
  /** A cancelled invoice's registered cancellation. */
  cancellation: FiscalEvent | null;
}
/** A number a rejected invoice holds: void it at SEFAZ ("inutilizar") if the order will not be invoiced. */
export interface UnusedNumber {
  /** The rejected invoice holding it, and the SEFAZ connection that issued it. */
  documentId: number;
  connectionId: string;
  issuerCnpj: string;
  model: number;
  environment: number;
  series: number;
  number: number;
  recordKey: string;
  cStat: string | null;
  reason: string | null;
}
export const listFiscalDocuments = (q: { status?: string; flowId?: string; recordKey?: string; limit?: number }) =>
  api<{ documents: FiscalDocument[] }>('GET', `/api/fiscal/documents?${searchParams(q)}`).then((r) => r.documents);
export const listUnusedNumbers = () => api<{ numbers: UnusedNumber[] }>('GET', '/api/fiscal/unused-numbers').then((r) => r.numbers);
export const fiscalXmlUrl = (id: number) => `/api/fiscal/documents/${id}/xml`;
export const danfeUrl = (id: number) => `/api/fiscal/documents/${id}/danfe.pdf`;
/** Cancels an authorised invoice at SEFAZ; a refusal is an ApiError 409 whose body.details carry cStat, reason, hint and hintText. */
export const cancelInvoice = (id: number, reason: string) =>
  api<{ document: FiscalDocument; event: FiscalEvent; hint: string; hintText: HintText | null }>('POST', `/api/fiscal/documents/${id}/cancel`, { reason });
export const voidFiscalNumbers = (body: { connectionId: string; model: number; series: number; from: number; to: number; reason: string }) =>
  api<{ void: FiscalVoid }>('POST', '/api/fiscal/voids', body).then((r) => r.void);
export const listFiscalVoids = () => api<{ voids: FiscalVoid[] }>('GET', '/api/fiscal/voids').then((r) => r.voids);
/** SEFAZ's own answer in a refusal (cStat, xMotivo and what to do), when the API passed one on. */
export function sefazRefusal(err: unknown): { cStat: string; reason: string; hint?: string; hintText?: HintText } | null {
  const details = err instanceof ApiError ? err.body?.details : undefined;
  return details && typeof details.cStat === 'string' ? { cStat: details.cStat, reason: String(details.reason ?? ''), hint: details.hint, hintText: details.hintText ?? undefined } : null;
}

/** The message of an API refusal: a 400 lists its problems, others carry one message. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError && Array.isArray(err.body?.problems) && err.body.problems.length) return err.body.problems.map(problemMessage).join('; ');
  return (err as Error).message;
}

/** Installation settings the UI needs (GET /api/ui-config); fetched once. */
export interface UiConfig {
  temporalUiUrl: string | null;
  temporalNamespace: string;
}
let uiConfigCache: Promise<UiConfig> | undefined;
export function uiConfig(): Promise<UiConfig> {
  uiConfigCache ??= api<UiConfig>('GET', '/api/ui-config').catch(() => {
    // Not kept: a refusal (signed out) must not hide the Temporal links for the rest of the visit.
    uiConfigCache = undefined;
    return { temporalUiUrl: null, temporalNamespace: 'default' };
  });
  return uiConfigCache;
}
/** The run's workflow in the Temporal Web UI, or null when the installation names no UI. */
export function temporalLink(config: UiConfig | null, workflowId: string | undefined): string | null {
  if (!config?.temporalUiUrl || !workflowId) return null;
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Reprocessing a run's failures: which run it started (runId null: nothing was left to reprocess). */
export type VersionChoice = 'pinned' | 'latest';
export interface Reprocessed {
  of: string;
  runId: string | null;
  version?: number;
  records: number;
  message?: string;
}
export const reprocessRun = (runId: string, body: { version: VersionChoice; recordKeys?: string[] }) =>
  api<Reprocessed>('POST', `/api/runs/${encodeURIComponent(runId)}/reprocess`, body);
export const reprocessRuns = (runIds: string[], version: VersionChoice) =>
  api<{ reprocessed: Reprocessed[] }>('POST', '/api/runs/reprocess', { runIds, version }).then((r) => r.reprocessed);

/** "Abrir chamado": recorded always; sent when the server has a ticket URL (sentTo). */
export interface Ticket {
  id: string;
  runId: string;
  title: string;
  message: string;
  recordKeys: string[];
  sentTo: string | null;
  sentAt: string | null;
  sendError: string | null;
  createdAt: string;
}

/** A refusal's problems by field ("body.baseUrl" and "baseUrl" alike); problems without a field under "". */
export function problemsByField(err: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const problems: Problem[] = err instanceof ApiError && Array.isArray(err.body?.problems) ? err.body.problems : [];
  if (!problems.length) return { '': [(err as Error).message] };
  for (const p of problems) (out[(p.field ?? '').replace(/^body\.?/, '')] ??= []).push(problemMessage(p));
  return out;
}

/** Saves text as a file through the browser's download. */
export function downloadJson(name: string, value: unknown) {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Accounts: who may do what (see lib/session.svelte.ts for the signed-in person). */
export type Role = 'viewer' | 'editor' | 'admin';
export const ROLES: Role[] = ['viewer', 'editor', 'admin'];
export interface SessionInfo {
  user: { id: string; email: string; name: string; role: Role };
  tenant: { id: string; name: string };
  csrfToken: string | null;
  /** Signed in with a one-time link: nothing but choosing a password is allowed until then. */
  mustSetPassword: boolean;
  via: 'session' | 'token';
}
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}
/** A one-time sign-in link: shown once, to hand to the person. */
export interface LoginLink {
  loginLink: string;
  expiresAt: string;
}
export interface ApiToken {
  id: string;
  name: string;
  /** The secret's first characters, to recognise a token without it. */
  prefix: string;
  role: Role;
  userId: string;
  userEmail?: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}
export interface AuditEntry {
  id: number;
  at: string;
  /** "user:<id>", "token:<id>" or "anonymous". */
  actor: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
}
/** The actions the audit log records, in the order the filter offers them. */
export const AUDIT_ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'auth.password_set',
  'user.create', 'user.update', 'user.login_link',
  'token.create', 'token.revoke', 'tenant.update',
  'connection.create', 'connection.update', 'connection.credentials_rotated', 'connection.webhook_token_rotated', 'connection.status', 'connection.authorized', 'connection.delete',
  'flow.create', 'flow.update', 'flow.delete', 'flow.publish', 'flow.restore', 'flow.import',
  'value_map.create', 'value_map.update', 'value_map.delete',
  'binding.create', 'binding.delete', 'binding.resolve', 'binding.resync',
  'discovery.start', 'discovery.confirm', 'reconciliation.start', 'approval.decide',
  'run.start', 'run.reprocess', 'run.resolve', 'run.ticket',
  'fiscal.void', 'fiscal.cancel',
] as const;
export const listAudit = (q: { action?: string; from?: string; to?: string; before?: number; limit?: number }) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return api<{ entries: AuditEntry[] }>('GET', `/api/audit?${params}`).then((r) => r.entries);
};

/** Copies text to the clipboard; without the Clipboard API (an insecure page), selects `fallback` for Ctrl+C. */
export async function copyText(text: string, fallback?: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallback?.select();
    document.execCommand?.('copy');
  }
}
