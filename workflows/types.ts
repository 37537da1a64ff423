/** What crosses the workflow <-> activity boundary: references, cursors and counters, never records or secrets. */
import type { FlowDocument } from '../nodes/flow-model/document';

export interface RunTrigger {
  type: 'manual' | 'schedule' | 'webhook';
  by?: string;
  /** The provider's event id (webhooks), as shown in the log. */
  eventId?: string;
  /** Row of the stored webhook event the run answers: its fetch reads only that record. */
  eventRef?: number;
  /** Reprocessing: the run whose failed records this one reads again (listed on the run row). */
  reprocessOf?: string;
  /** Re-sync of one mapping (binding id): the source reads only the run's source keys. */
  resyncOf?: number;
}

export interface FlowRunInput {
  tenantId: string;
  runId: string;
  flowId: string;
  versionId: string;
  trigger: RunTrigger;
  /** Where a continued-as-new execution picks up. */
  resume?: { seq: number; cursor: string | null };
  /** Continue as new past this many history events (the server may suggest it earlier). */
  maxHistoryEvents?: number;
}

export interface StartRunResult {
  document: FlowDocument;
  /** Incremental sources read records changed since this time; null reads everything. */
  since: string | null;
}

export interface FetchPageInput {
  trigger?: RunTrigger;
  tenantId: string;
  runId: string;
  versionId: string;
  nodeId: string;
  seq: number;
  cursor: string | null;
  since: string | null;
}

export interface FetchPageResult {
  seq: number;
  count: number;
  nextCursor: string | null;
}

export interface RunStageInput {
  tenantId: string;
  runId: string;
  versionId: string;
  stageId: string;
  pageSeq: number;
}

export interface StageCounters {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  conflict: number;
}

export interface FinishRunInput {
  tenantId: string;
  runId: string;
  error?: { message: string; kind?: string };
}

export interface RunSummary extends StageCounters {
  runId: string;
  status: 'success' | 'partial' | 'error';
}
