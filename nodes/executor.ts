/**
 * The activity-side contract of node executors. A stage runs its fused pure nodes record by
 * record, then hands the survivors to the effect node's executor, once per page.
 */
import type { MessageParams } from '../connectors/localized';
import type { SyncRecord } from '../connectors/types';
import type { RecordOutcome } from '../server/db/schema';
import type { ValueMaps } from '../server/value-maps/lookup';

/** A pure node compiled once per stage run: returns the new record, or null to drop it. */
export type RecordFunction = (record: SyncRecord) => Promise<SyncRecord | null>;

/** What a stage run loads once for its pure nodes: the de-para maps its expressions may call. */
export interface PureEnv {
  valueMaps: ValueMaps;
  /**
   * JSONata's evaluation limits (milliseconds, stack depth). The canvas preview sets them, since it
   * evaluates half-typed expressions inside the API process; runs do not.
   */
  limits?: { timeout?: number; stack?: number };
}

export interface PureExecutor {
  compile(params: Record<string, unknown>, env: PureEnv): RecordFunction;
}

export interface OutcomeRow {
  recordKey: string;
  outcome: RecordOutcome;
  externalId?: string | null;
  errorKind?: string;
  /** In English (logs, exports, tickets): Ponte's own words, or a provider's as it wrote them. */
  message?: string;
  /**
   * Set when Ponte wrote the message (a catalogue's `of(key, params)`, spread in): the screens
   * rebuild it in the reader's language (server/runs/messages.ts). A provider's text has none.
   */
  messageCode?: string;
  messageParams?: MessageParams;
  /** What to do, in English (logs, exports, tickets). */
  hint?: string;
  /** The hint's code (hintOf, cstatHintOf): screens show its text in the reader's language. */
  hintCode?: string;
  payload?: unknown;
  /** Facts of a failure a screen can act on (ConnectorError.facts). */
  details?: Record<string, unknown>;
}

import type { Db } from '../server/db/client';
import type { PacerRegistry } from '../connectors/http/pacing';
import type { OpenableConnection } from '../connectors/runtime';

export interface EffectContext {
  db: Db;
  tenantId: string;
  runId: string;
  nodeId: string;
  flowId: string;
  /** The connection the flow reads from: the side internal ids belong to. */
  sourceConnectionId: string;
  pacers: PacerRegistry;
  loadConnection(id: string): Promise<OpenableConnection>;
  heartbeat(): void;
  signal?: AbortSignal;
}

export interface EffectResult {
  /** One outcome per record handed in (a record passed on unchanged, e.g. by an approval step, may have none: the next write gives it one). */
  outcomes: OutcomeRow[];
  /** Records for downstream stages (e.g. with the external id the write produced). */
  output: SyncRecord[];
  /** Writes that must commit in the same transaction as the step (bindings). */
  commit(tx: Db): Promise<void>;
}

export interface EffectExecutor {
  executePage(ctx: EffectContext, params: Record<string, unknown>, records: SyncRecord[]): Promise<EffectResult>;
}
