/**
 * What a node type declares. Definitions are pure data: the workflow bundle, the API and the
 * UI's forms all read them. Executors (I/O) live beside them in execute.ts, activity side only.
 */

export type PortType = 'trigger' | 'records';

export type ConnectionCapability = 'messaging' | 'payments' | 'receivables' | 'fiscal';

export interface PortDefinition {
  name: string;
  type: PortType;
  label: { 'pt-BR': string; en: string };
}

/**
 * How the interpreter treats a node:
 * - trigger: starts a run, does nothing per page;
 * - source: produces pages of records (one per source per run);
 * - pure: a per-record function, fused into the next side-effecting stage;
 * - effect: does I/O per page; one Temporal activity per page.
 */
export type NodeKind = 'trigger' | 'source' | 'pure' | 'effect';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  additionalProperties?: boolean | JsonSchema;
  /** Ponte's marker for a field that holds a connection id (checked on save, drawn as a picker). */
  'x-ponte-ref'?: 'connection';
  /** Ponte's marker for a JSONata expression field (drawn as an expression editor). */
  'x-ponte-expression'?: boolean;
  [keyword: string]: unknown;
}

export interface NodeDefinition {
  type: string;
  version: number;
  kind: NodeKind;
  category: 'trigger' | 'source' | 'transform' | 'control' | 'target';
  /**
   * An effect node that may hold records for a person to decide on (approval): the interpreter
   * writes the pages first, then waits and sends the released records down its branch.
   */
  holdsRecords?: boolean;
  /**
   * What the node's connection must be able to do beyond reading and writing entities:
   * `messaging` (notify: e-mail, WhatsApp, webhook, SMS), `payments` (charges at a PSP or bank),
   * `receivables` (settling an order's receivable at an ERP), `fiscal` (issuing NF-e at SEFAZ). Checked on save.
   */
  needs?: ConnectionCapability;
  label: { 'pt-BR': string; en: string };
  description: { 'pt-BR': string; en: string };
  params: JsonSchema;
  inputs: PortDefinition[];
  outputs: PortDefinition[];
}

export const recordsIn: PortDefinition = { name: 'in', type: 'records', label: { 'pt-BR': 'Registros', en: 'Records' } };
export const recordsOut: PortDefinition = { name: 'out', type: 'records', label: { 'pt-BR': 'Registros', en: 'Records' } };

/** Retry settings a node may carry (`node.settings.retry`); applied to its stage's activity. */
export const retrySettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maximumAttempts: { type: 'integer', minimum: 1, maximum: 100, title: 'Maximum attempts' },
    initialIntervalSeconds: { type: 'number', minimum: 0.1, maximum: 3600, title: 'First retry after (s)' },
    maximumIntervalSeconds: { type: 'number', minimum: 1, maximum: 86400, title: 'Longest wait between retries (s)' },
  },
};
