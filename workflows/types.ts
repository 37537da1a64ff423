/** What crosses the workflow <-> activity boundary: references, cursors and counters, never records or secrets. */
import type { FlowDocument } from '../nodes/flow-model/document';

export interface RunTrigger {
  type: 'manual' | 'schedule' | 'webhook';
  by?: string;
  /** The provider's event id (webhooks; the first of the batch), as shown in the log. */
  eventId?: string;
  /** Every provider event id the run answers (a burst is read in batches). */
  eventIds?: string[];
  /** Rows of the stored webhook events the run answers: its fetch reads only those records. */
  eventRefs?: number[];
  /** One stored event (runs started before events were batched). */
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
  /** Where a continued-as-new execution picks up (`approvals`: every page is written, records wait for people). */
  resume?: { seq: number; cursor: string | null; phase?: 'approvals' };
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

/** Signal name: people decided on held records (the decisions themselves are in the database). */
export const APPROVALS_DECIDED = 'approvalsDecided';

export interface ReleaseApprovalsResult {
  /** Every batch of decided records released so far (a batch is a page of the gate's output). */
  batches: Array<{ gateId: string; seq: number; count: number }>;
  /** Records of this run still waiting for a decision. */
  pending: number;
  /** Records not released yet: pending ones, and ones decided after this call looked (released by the next call). */
  unsettled: number;
  /** When the first of them expires (epoch ms); null when none is pending. */
  nextExpiryMs: number | null;
}

export interface FinishRunInput {
  tenantId: string;
  runId: string;
  /** `hintCode`: what to do about it (server/runs/hints.ts), from the failure's details. */
  error?: { message: string; kind?: string; hintCode?: string };
}

export interface RunSummary extends StageCounters {
  runId: string;
  status: 'success' | 'partial' | 'error';
}
