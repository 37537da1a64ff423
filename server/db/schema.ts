/**
 * The database Ponte owns. One schema for PGlite (embedded) and PostgreSQL (production);
 * migrations in ./migrations are generated from it with `npm run db:generate`.
 * Every row carries its tenant; every query filters by it.
 */
import { sql } from 'drizzle-orm';
import type { RunTrigger } from '../../workflows/types';
import { bigint, bigserial, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const tenantId = () => text('tenant_id').notNull().references(() => tenants.id);
/** Records processed and their outcomes; on runs (whole run) and run_steps (one stage, one page). */
const outcomeCounters = () => ({
  processed: integer('processed').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  conflict: integer('conflict').notNull().default(0),
});

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** Instance-wide values, e.g. the check that the secret key in use is the one data was sealed with. */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    provider: text('provider').notNull(),
    baseUrl: text('base_url'),
    /** AES-256-GCM sealed JSON; see server/secrets. Never returned whole by the API. */
    credentials: text('credentials').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    direction: text('direction').$type<'import' | 'export' | 'bidirectional'>().notNull().default('bidirectional'),
    entities: jsonb('entities').$type<string[]>().notNull().default([]),
    /** manual, 5m, 15m, 1h, daily, or cron (then `cron` holds the expression). */
    frequency: text('frequency').notNull().default('manual'),
    cron: text('cron'),
    /** Branch or warehouse id at the provider, for stock per branch. */
    branch: text('branch'),
    /** Sealed, like credentials: it authenticates the provider's calls to our webhook URL. */
    webhookToken: text('webhook_token').notNull(),
    status: text('status').$type<'active' | 'paused' | 'error' | 'disabled'>().notNull().default('active'),
    statusReason: text('status_reason'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** Imports start here unless a backfill window is asked for. */
    activatedAt: timestamp('activated_at', { withTimezone: true }).notNull().defaultNow(),
    backfillFrom: timestamp('backfill_from', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('connections_tenant_idx').on(t.tenantId)],
);

/** OAuth2 authorisations in progress: the `state` we sent to the provider, until its callback. */
export const oauthStates = pgTable('oauth_states', {
  state: text('state').primaryKey(),
  tenantId: tenantId(),
  connectionId: text('connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  redirectUri: text('redirect_uri').notNull(),
  createdAt: createdAt(),
});

export const flows = pgTable(
  'flows',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** The draft document (editable); published versions are in flow_versions. */
    document: jsonb('document').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('flows_tenant_idx').on(t.tenantId)],
);

export const flowVersions = pgTable(
  'flow_versions',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    flowId: text('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    document: jsonb('document').notNull(),
    contentHash: text('content_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('flow_versions_flow_version_uq').on(t.flowId, t.version)],
);

/** Incremental cursors that outlive a run (e.g. "changed since" for the next import). */
export const flowState = pgTable(
  'flow_state',
  {
    tenantId: tenantId(),
    flowId: text('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    cursor: text('cursor'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.nodeId] })],
);

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    flowId: text('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    versionId: text('version_id')
      .notNull()
      .references(() => flowVersions.id),
    version: integer('version').notNull(),
    workflowId: text('workflow_id').notNull(),
    /** {type: manual|schedule|webhook, by?, eventId?} */
    trigger: jsonb('trigger').$type<RunTrigger>().notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    error: text('error'),
    /** The hint code of the failure that ended the run (its error kind), when there is one. */
    errorHintCode: text('error_hint_code'),
    pages: integer('pages').notNull().default(0),
    ...outcomeCounters(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Reprocessing: the run whose failed records this one retries. */
    reprocessOf: text('reprocess_of'),
    /** When set, the source reads exactly these records (by id) instead of paging through everything. */
    sourceKeys: jsonb('source_keys').$type<string[]>(),
  },
  (t) => [index('runs_tenant_flow_idx').on(t.tenantId, t.flowId, t.startedAt)],
);

/** One row per committed (stage, page): makes a retried stage a no-op and holds per-node counts. */
export const runSteps = pgTable(
  'run_steps',
  {
    tenantId: tenantId(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    pageSeq: integer('page_seq').notNull(),
    ...outcomeCounters(),
    /** The worker process that committed it (host:pid): how a run spread over workers. */
    worker: text('worker'),
    committedAt: timestamp('committed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId, t.pageSeq] })],
);

/** Per-record outcome of a run at a node. Payload only where a person needs it (failures). */
export const runRecords = pgTable(
  'run_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    recordKey: text('record_key').notNull(),
    outcome: text('outcome').$type<RecordOutcome>().notNull(),
    externalId: text('external_id'),
    errorKind: text('error_kind'),
    message: text('message'),
    hint: text('hint'),
    /** The hint's code (server/runs/hints.ts): the screens show its text in the reader's language. */
    hintCode: text('hint_code'),
    /**
     * The code and parameters of a message Ponte wrote (server/runs/messages.ts): `message` keeps
     * the English text, the screens rebuild it in the reader's language. Null for provider texts.
     */
    messageCode: text('message_code'),
    messageParams: jsonb('message_params').$type<Record<string, string | number | null>>(),
    payload: jsonb('payload'),
    /** Facts of a failure a screen can act on, e.g. {map, value, connectionId} for a missing de-para entry. */
    details: jsonb('details').$type<Record<string, unknown>>(),
    /** A person looked at this failure and closed it ("marcar como resolvido"). */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolution: text('resolution'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('run_records_run_node_key_uq').on(t.runId, t.nodeId, t.recordKey), index('run_records_outcome_idx').on(t.runId, t.outcome)],
);

/** `waiting`: every page is written; records held by an approval step wait for a person. */
export type RunStatus = 'running' | 'waiting' | 'success' | 'partial' | 'error';

export type RecordOutcome = 'created' | 'updated' | 'skipped' | 'failed' | 'conflict';

/**
 * Claim check: a page of records lives here, the workflow carries only (runId, nodeId, seq).
 * `nodeId` is the node that produced the page (the source, or a stage whose output feeds
 * another). Pruned at run end.
 */
export const pages = pgTable(
  'pages',
  {
    tenantId: tenantId(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    seq: integer('seq').notNull(),
    records: jsonb('records').notNull(),
    recordCount: integer('record_count').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId, t.seq] })],
);

/**
 * Internal id (the source's) <-> external id (the target connection's), per entity.
 * `pending` marks a create that was sent but not confirmed, claimed by one run: a later attempt
 * (or a run taking over from one that died) looks the record up by SKU before creating it again.
 * `orphan`: one side was deleted; `conflict`: both sides changed since the last sync (`conflict`
 * holds the three versions until a person resolves it).
 */
export const bindings = pgTable(
  'bindings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    /** The target side: the connection the external id belongs to. */
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    /** The side the internal id belongs to ('' for bindings made by hand without one). */
    sourceConnectionId: text('source_connection_id').notNull().default(''),
    entity: text('entity').notNull(),
    internalId: text('internal_id').notNull(),
    externalId: text('external_id'),
    sku: text('sku'),
    status: text('status').$type<BindingStatus>().notNull(),
    /** The run writing this record now (pending bindings): two runs never create the same record. */
    claimedBy: text('claimed_by'),
    /** The flow that last wrote through this binding (re-sync runs it again for one record). */
    flowId: text('flow_id'),
    /** Hash of the content last pushed to the external side: equal content is skipped. */
    hashOut: text('hash_out'),
    /** Hash of the external record's mapped fields as last read back from it. */
    hashIn: text('hash_in'),
    /** The mapped fields last pushed: the common base of a three-way conflict check. */
    lastPushed: jsonb('last_pushed').$type<Record<string, unknown>>(),
    conflict: jsonb('conflict').$type<BindingConflict>(),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('bindings_internal_uq').on(t.connectionId, t.entity, t.sourceConnectionId, t.internalId),
    uniqueIndex('bindings_external_uq')
      .on(t.connectionId, t.entity, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index('bindings_sku_idx').on(t.connectionId, t.entity, t.sku),
    index('bindings_status_idx').on(t.tenantId, t.status),
  ],
);

export type BindingStatus = 'pending' | 'active' | 'orphan' | 'conflict';

/** Both sides changed the same fields since the last sync: base (last pushed), ours (source, mapped), theirs (target now). */
export interface BindingConflict {
  fields: string[];
  base: Record<string, unknown>;
  source: Record<string, unknown>;
  target: Record<string, unknown>;
  /** The record as the flow would write it (mapped), so a resolution can push it without a new run. */
  write: { data: Record<string, unknown>; sku?: string };
  hash: string;
  runId: string;
  detectedAt: string;
}

/** De-para: one value map per connection and field (carrier, payment method, order status...). */
export const valueMaps = pgTable(
  'value_maps',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    /** What expressions call it by: `$depara('carrier', ...)`. */
    name: text('name').notNull(),
    label: text('label'),
    /** Used for a value with no entry; null means an unmapped value fails the record. */
    defaultValue: text('default_value'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('value_maps_connection_name_uq').on(t.connectionId, t.name)],
);

export const valueMapEntries = pgTable(
  'value_map_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    mapId: text('map_id')
      .notNull()
      .references(() => valueMaps.id, { onDelete: 'cascade' }),
    sourceValue: text('source_value').notNull(),
    targetValue: text('target_value').notNull(),
  },
  (t) => [uniqueIndex('value_map_entries_map_source_uq').on(t.mapId, t.sourceValue)],
);

/** "Descoberta": a match of unbound records of two connections by SKU, reported before anything is bound. */
export const discoveries = pgTable('discoveries', {
  id: text('id').primaryKey(),
  tenantId: tenantId(),
  /** The side whose ids become internal ids (usually the ERP). */
  sourceConnectionId: text('source_connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  /** The side whose ids become external ids (the binding's connection). */
  connectionId: text('connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  entity: text('entity').notNull(),
  status: text('status').$type<'running' | 'ready' | 'confirmed' | 'error'>().notNull().default('running'),
  report: jsonb('report'),
  error: text('error'),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
});

/** Orphan detection: the ids a connection still has, compared with its bindings. */
export const reconciliations = pgTable('reconciliations', {
  id: text('id').primaryKey(),
  tenantId: tenantId(),
  connectionId: text('connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  entity: text('entity').notNull(),
  /** running -> done | blocked (the delete guard refused: a partial read is not a mass delete) | error. */
  status: text('status').$type<'running' | 'done' | 'blocked' | 'error'>().notNull().default('running'),
  bound: integer('bound').notNull().default(0),
  seen: integer('seen').notNull().default(0),
  missing: integer('missing').notNull().default(0),
  marked: integer('marked').notNull().default(0),
  /** Largest share of bound records that may be marked orphan at once (0..1). */
  maxShare: doublePrecision('max_share').notNull().default(0.1),
  message: text('message'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * Provider webhook deliveries, one row per event (unique per connection and provider event id):
 * the dedupe that outlives Temporal's retention, and the queue of events waiting for a paused
 * connection to resume.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    topic: text('topic').notNull(),
    entity: text('entity').notNull(),
    action: text('action').notNull(),
    resourceId: text('resource_id').notNull(),
    /** The record, when the provider's payload carried it (no secrets: provider data only). */
    record: jsonb('record'),
    /** received -> dispatched (runs started) | queued (connection paused) | ignored (no flow listens). */
    status: text('status').$type<'received' | 'queued' | 'dispatched' | 'ignored'>().notNull().default('received'),
    runIds: jsonb('run_ids').$type<string[]>().notNull().default([]),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('webhook_events_connection_event_uq').on(t.connectionId, t.eventId), index('webhook_events_status_idx').on(t.status)],
);

/**
 * "Aguardando confirmação": a record an `approve` node holds until a person confirms or rejects it.
 * One row per flow, node and record key: the decision outlives the run that asked for it (a later
 * run passes an approved record, skips a rejected one, refreshes a pending one's content). The
 * run in `runId` holds it and writes it once it is released (`releasedSeq`: the page it went out in).
 */
export const approvals = pgTable(
  'approvals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    flowId: text('flow_id').notNull(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    recordKey: text('record_key').notNull(),
    /** The record as it reached the node (latest content while pending). */
    record: jsonb('record').notNull(),
    /** One line for the list ("Pedido 2000001 — R$ 1.250,00"), from the node's `summary` expression. */
    summary: text('summary'),
    status: text('status').$type<ApprovalStatus>().notNull().default('pending'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    releasedSeq: integer('released_seq'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('approvals_flow_node_key_uq').on(t.flowId, t.nodeId, t.recordKey), index('approvals_run_idx').on(t.runId, t.status), index('approvals_tenant_status_idx').on(t.tenantId, t.status)],
);

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/**
 * Messages notify nodes and alerts sent, one row per (flow, node, record, content): the same
 * message is never sent twice by a retried or reprocessed run; a changed one is a new message.
 * The row is claimed (`sending`) before the provider is called; the provider's later statuses
 * (WhatsApp: sent, delivered, read, failed) are recorded against `providerId`.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    /** The flow (or `alert:<flowId>` for run alerts) and node that sent it. */
    flowId: text('flow_id').notNull(),
    nodeId: text('node_id').notNull(),
    recordKey: text('record_key').notNull(),
    messageHash: text('message_hash').notNull(),
    /** Stable id of the message (Message-ID, webhook-id): a resend after a crash carries the same. */
    messageId: text('message_id').notNull(),
    runId: text('run_id').notNull(),
    connectionId: text('connection_id').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('sending'),
    providerId: text('provider_id'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('notifications_message_uq').on(t.flowId, t.nodeId, t.recordKey, t.messageHash),
    index('notifications_provider_idx').on(t.connectionId, t.providerId),
    index('notifications_run_idx').on(t.runId),
    // The alert-retry sweep (server/notify/alert-retries.ts) reads only alerts still sending, every two minutes.
    index('notifications_stuck_alerts_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'sending' and ${t.flowId} like 'alert:%'`),
  ],
);

export type NotificationStatus = 'sending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * Provider pacing shared by every worker: one row per connection, holding the theoretical arrival
 * time of the next request (GCRA). See server/pacing/shared-pacer.ts.
 */
export const rateBuckets = pgTable('rate_buckets', {
  key: text('key').primaryKey(),
  tat: timestamp('tat', { withTimezone: true, precision: 6 }).notNull(),
});

/** "Abrir chamado": a person raised a run's failures to whoever handles them. */
export const tickets = pgTable('tickets', {
  id: text('id').primaryKey(),
  tenantId: tenantId(),
  runId: text('run_id')
    .notNull()
    .references(() => runs.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  message: text('message').notNull().default(''),
  recordKeys: jsonb('record_keys').$type<string[]>().notNull().default([]),
  /** Where it was sent (the configured ticket URL), when, and what went wrong if it did not arrive. */
  sentTo: text('sent_to'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  sendError: text('send_error'),
  createdAt: createdAt(),
});

export type Role = 'viewer' | 'editor' | 'admin';

/** People who sign in. E-mail is unique across the instance, so a login needs no tenant picker. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    role: text('role').$type<Role>().notNull(),
    /** scrypt; null until the person sets one through a one-time login link. */
    passwordHash: text('password_hash'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), index('users_tenant_idx').on(t.tenantId)],
);

/** Browser sessions. The cookie carries the token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: tenantId(),
    /** Sent back by the UI in x-csrf-token on every change. */
    csrfToken: text('csrf_token').notNull(),
    /** Signed in through a one-time link: the person must set a password before anything else. */
    mustSetPassword: integer('must_set_password').notNull().default(0),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** API tokens for scripts and other systems: hashed at rest, scoped to a role, revocable. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    /** Who created it; the token never has more rights than that person has now. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the token; the token itself is shown once, at creation. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters, so a person can tell tokens apart. */
    prefix: text('prefix').notNull(),
    role: text('role').$type<Role>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_tenant_idx').on(t.tenantId)],
);

/** One-time sign-in links (first admin, invitations, password resets); only the hash is stored. */
export const loginLinks = pgTable('login_links', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Failed sign-ins per account and per address, shared by every server. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who changed what, and when. Details never hold secrets (credential names only, never values). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** user:<id>, token:<id> or system. */
    actor: text('actor').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
  },
  (t) => [index('audit_tenant_at_idx').on(t.tenantId, t.at), index('audit_tenant_action_idx').on(t.tenantId, t.action)],
);

/**
 * Charges charge nodes created (Pix, boleto), one per order, kind and provider — whichever flow
 * asks: the reference is derived from those and fixed before the provider is called, so a retried
 * run, or a second flow charging the same order, gets the same charge instead of another.
 * `flowId`/`nodeId` name the first to ask. A payment of it is settled once (see `settlements`).
 */
export const charges = pgTable(
  'charges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    flowId: text('flow_id').notNull(),
    nodeId: text('node_id').notNull(),
    /** The order's key at the flow's source, and that source: where the receivable is found. */
    recordKey: text('record_key').notNull(),
    sourceConnectionId: text('source_connection_id').notNull(),
    /** The PSP or bank (null for a static Pix code built by Ponte). */
    connectionId: text('connection_id'),
    kind: text('kind').$type<'pix' | 'pix-due' | 'boleto' | 'pix-static'>().notNull(),
    /** txid (API Pix) or seuNumero (boleto): unique at the provider. */
    reference: text('reference').notNull(),
    amount: text('amount').notNull(),
    status: text('status').$type<ChargeStatus>().notNull().default('creating'),
    providerId: text('provider_id'),
    /** What the payer needs: copia e cola, barcode, line (never secret). */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    runId: text('run_id').notNull(),
    error: text('error'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('charges_reference_uq').on(t.tenantId, t.reference), index('charges_record_idx').on(t.sourceConnectionId, t.recordKey), index('charges_tenant_status_idx').on(t.tenantId, t.status)],
);

export type ChargeStatus = 'creating' | 'pending' | 'paid' | 'cancelled' | 'failed';

/** Payments settled at the ERP ("baixa"), one per payment ever: a payment notified twice is settled once. */
export const settlements = pgTable(
  'settlements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    /** The PSP or bank connection the payment came from, and its id there (API Pix endToEndId). */
    paymentConnectionId: text('payment_connection_id').notNull(),
    paymentId: text('payment_id').notNull(),
    reference: text('reference').notNull(),
    chargeId: bigint('charge_id', { mode: 'number' }),
    erpConnectionId: text('erp_connection_id').notNull(),
    orderId: text('order_id'),
    amount: text('amount').notNull(),
    status: text('status').$type<'settling' | 'settled' | 'already' | 'failed'>().notNull().default('settling'),
    receivableId: text('receivable_id'),
    error: text('error'),
    runId: text('run_id').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('settlements_payment_uq').on(t.paymentConnectionId, t.paymentId), index('settlements_tenant_idx').on(t.tenantId, t.createdAt)],
);

/**
 * NF-e / NFC-e an emit-nf node issued: one per order of a source connection, per issuer and
 * environment (`order_ref` = `<source connection>:<order>`), whichever flow asks, so two flows
 * invoicing the same orders never issue a note twice. Rows from before `order_ref` are found by
 * (flow, node, order). The number, access key and
 * signed XML are stored before SEFAZ is called: an unclear answer is resolved by consulting the
 * key, never by numbering again. `xml` is the signed NFe; `procXml` the authorised nfeProc.
 */
export const fiscalDocuments = pgTable(
  'fiscal_documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    connectionId: text('connection_id').notNull(),
    flowId: text('flow_id').notNull(),
    nodeId: text('node_id').notNull(),
    recordKey: text('record_key').notNull(),
    /** `<source connection>:<order>`: the order this note is for, whichever flow issued it. */
    orderRef: text('order_ref'),
    issuerCnpj: text('issuer_cnpj').notNull(),
    model: integer('model').notNull(),
    environment: integer('environment').notNull(),
    series: integer('series').notNull(),
    number: integer('number').notNull(),
    accessKey: text('access_key').notNull(),
    status: text('status').$type<FiscalStatus>().notNull(),
    cStat: text('c_stat'),
    reason: text('reason'),
    protocol: text('protocol'),
    xml: text('xml').notNull(),
    procXml: text('proc_xml'),
    total: text('total').notNull(),
    runId: text('run_id').notNull(),
    attempts: integer('attempts').notNull().default(0),
    authorizedAt: timestamp('authorized_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('fiscal_documents_record_uq').on(t.flowId, t.nodeId, t.recordKey),
    uniqueIndex('fiscal_documents_order_uq').on(t.tenantId, t.issuerCnpj, t.environment, t.orderRef),
    uniqueIndex('fiscal_documents_number_uq').on(t.issuerCnpj, t.model, t.environment, t.series, t.number),
    uniqueIndex('fiscal_documents_key_uq').on(t.accessKey),
    index('fiscal_documents_tenant_idx').on(t.tenantId, t.createdAt),
  ],
);

/**
 * signed: stored, not yet sent; sending: sent without a clear answer (consult before anything else);
 * cancelled: authorised, then cancelled at SEFAZ (fiscal_events); voided: rejected, then its number
 * voided at SEFAZ (fiscal_voids). Both are final: the order is not invoiced again by the node.
 */
export type FiscalStatus = 'signed' | 'sending' | 'authorized' | 'rejected' | 'denied' | 'cancelled' | 'voided';

/** The next number per issuer, model, environment and series: taken in one atomic update. */
export const fiscalNumbering = pgTable(
  'fiscal_numbering',
  {
    issuerCnpj: text('issuer_cnpj').notNull(),
    model: integer('model').notNull(),
    environment: integer('environment').notNull(),
    series: integer('series').notNull(),
    tenantId: tenantId(),
    nextNumber: integer('next_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuerCnpj, t.model, t.environment, t.series] })],
);

/** What a person's request to SEFAZ (a voiding, an event) keeps: why, who, and SEFAZ's answer. */
const sefazRequest = () => ({
  /** xJust: why, in the person's words. */
  justification: text('justification').notNull(),
  cStat: text('c_stat'),
  /** SEFAZ's xMotivo. */
  reason: text('reason'),
  protocol: text('protocol'),
  /** The record to keep once SEFAZ did it: procInutNFe, procEventoNFe. */
  procXml: text('proc_xml'),
  /** Who asked (the person's or token's name, as in the audit log). */
  requestedBy: text('requested_by').notNull(),
  /** When SEFAZ registered it. */
  doneAt: timestamp('done_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Requests to void ("inutilizar") a range of numbers never used, one row per request a person
 * made: written `sending` before SEFAZ is called, then voided (with the protocol and the
 * procInutNFe, the legal record) or rejected with SEFAZ's cStat and reason. A row still `sending`
 * had no answer: the same request again settles it (SEFAZ answers 563 for a range it voided).
 */
export const fiscalVoids = pgTable(
  'fiscal_voids',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    connectionId: text('connection_id').notNull(),
    issuerCnpj: text('issuer_cnpj').notNull(),
    model: integer('model').notNull(),
    environment: integer('environment').notNull(),
    series: integer('series').notNull(),
    fromNumber: integer('from_number').notNull(),
    toNumber: integer('to_number').notNull(),
    /** xJust: why, in the seller's words. */
    status: text('status').$type<FiscalVoidStatus>().notNull(),
    ...sefazRequest(),
  },
  (t) => [index('fiscal_voids_tenant_idx').on(t.tenantId, t.createdAt), index('fiscal_voids_series_idx').on(t.issuerCnpj, t.model, t.environment, t.series)],
);

/**
 * Events of an invoice registered at SEFAZ (for now the cancellation, 110111), one row per
 * request: `sending` before SEFAZ is called, then registered (with its protocol and the
 * procEventoNFe to keep) or rejected with SEFAZ's cStat and reason.
 */
export const fiscalEvents = pgTable(
  'fiscal_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    documentId: bigint('document_id', { mode: 'number' })
      .notNull()
      .references(() => fiscalDocuments.id),
    connectionId: text('connection_id').notNull(),
    accessKey: text('access_key').notNull(),
    /** tpEvento, e.g. 110111 (cancelamento). */
    type: text('type').notNull(),
    sequence: integer('sequence').notNull(),
    status: text('status').$type<FiscalEventStatus>().notNull(),
    ...sefazRequest(),
  },
  (t) => [index('fiscal_events_document_idx').on(t.documentId), index('fiscal_events_tenant_idx').on(t.tenantId, t.createdAt)],
);

/** sending: asked, no answer yet (ask again); voided: SEFAZ homologated it (102, or 563 for a range voided before); rejected: SEFAZ refused it. */
export type FiscalVoidStatus = 'sending' | 'voided' | 'rejected';
/** sending: sent, no answer yet (send it again); registered: 135/136/155; rejected: SEFAZ refused it (cStat, reason). */
export type FiscalEventStatus = 'sending' | 'registered' | 'rejected';
