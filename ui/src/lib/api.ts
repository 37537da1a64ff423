/** The REST API of Ponte: the UI's only source of state. */

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: any,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

export async function api<T = any>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data);
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
}
export interface Run {
  id: string;
  flowId: string;
  versionId: string;
  version: number;
  trigger: { type: string; by?: string };
  status: 'running' | 'success' | 'partial' | 'error';
  error: any;
  counters: Counters;
  pages: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  nodes?: Record<string, Partial<Counters> & { pages?: number }>;
}
export interface RunRecord {
  id: number;
  nodeId: string;
  recordKey: string;
  outcome: string;
  externalId: string | null;
  errorKind: string | null;
  message: string | null;
  hint: string | null;
  payload: unknown;
  createdAt: string;
}
export interface Problem {
  nodeId?: string;
  edge?: number;
  field?: string;
  message: string;
}

/** Catalogue data changes only with a new server; fetch it once. */
let nodeTypesCache: Promise<NodeType[]> | undefined;
export function nodeTypes(): Promise<NodeType[]> {
  nodeTypesCache ??= api<{ nodeTypes: NodeType[] }>('GET', '/api/node-types').then((r) => r.nodeTypes);
  return nodeTypesCache;
}
let connectorsCache: Promise<Connector[]> | undefined;
export function connectors(): Promise<Connector[]> {
  connectorsCache ??= api<{ connectors: Connector[] }>('GET', '/api/connectors').then((r) => r.connectors);
  return connectorsCache;
}
export const listConnections = () => api<{ connections: Connection[] }>('GET', '/api/connections').then((r) => r.connections);
export const listFlows = () => api<{ flows: Flow[] }>('GET', '/api/flows').then((r) => r.flows);
export const listRuns = (q: { flowId?: string; status?: string; limit?: number } = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return api<{ runs: Run[] }>('GET', `/api/runs?${params}`).then((r) => r.runs);
};
