/** The flow document: what an integrator draws and what a published version freezes. */

export const CURRENT_SCHEMA_VERSION = 1;

export interface RetrySettings {
  maximumAttempts?: number;
  initialIntervalSeconds?: number;
  maximumIntervalSeconds?: number;
}

export interface FlowNode {
  id: string;
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  /** Settings the interpreter applies around the node (not the node's own parameters). */
  settings?: { retry?: RetrySettings };
  /** Display name on the canvas. */
  label?: string;
}

export interface FlowEdge {
  from: string;
  fromPort: string;
  to: string;
  /** The input port; omitted means the node's only input. */
  toPort?: string;
}

export interface FlowDocument {
  schemaVersion: number;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Canvas positions; never affects execution. */
  layout?: Record<string, { x: number; y: number }>;
  /** Who hears when a run of this flow ends badly: a message through a channel connection. */
  alerts?: FlowAlert[];
}

export interface FlowAlert {
  /** An e-mail, WhatsApp or webhook connection. */
  connectionId: string;
  /** Recipient: an e-mail address or a phone (for webhooks, a label). */
  to: string;
  /** Which run endings alert (default both). */
  on?: Array<'error' | 'partial'>;
  /** WhatsApp: the approved template to use; its body parameters are the flow name, the status and the summary. */
  template?: { name: string; language?: string };
}
