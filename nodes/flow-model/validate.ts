/**
 * Flow validation on save. Returns every problem at once, each with the node (or edge) it is
 * about and a message a person can act on. Pure apart from the `connection` lookup it is given.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import jsonata from 'jsonata';
import { getNodeDefinition, nodeDefinitions } from '../registry';
import { type ConnectionCapability, retrySettingsSchema } from '../types';
import type { FlowDocument } from './document';
import { deadEndNodes } from './compile';
import { topologicalOrder } from './graph';
import { migrateDocument, UnsupportedSchemaVersion } from './migrate';

export interface FlowProblem {
  nodeId?: string;
  /** Index of the edge in `edges`, for edge problems. */
  edge?: number;
  /** Path of the offending value, e.g. `params.entity`. */
  field?: string;
  message: string;
}

export interface ConnectionInfo {
  name: string;
  provider: string;
  /** Entities the connection's connector can read and write. */
  reads: string[];
  writes: string[];
  /** Whether the provider sends webhooks Ponte can verify. */
  webhooks: boolean;
  /** The channel the connection sends messages through (e-mail, WhatsApp...), if it is one. */
  messaging?: string | null;
  /** Charge kinds the connection creates (a PSP or bank), if any. */
  payments?: string[];
  /** Whether the connection settles receivables (an ERP). */
  receivables?: boolean;
  /** Whether the connection issues fiscal documents (SEFAZ). */
  fiscal?: boolean;
}

const CAPABILITY_MISSING: Record<ConnectionCapability, string> = {
  messaging: 'sends no messages; pick an e-mail, WhatsApp, webhook or SMS connection',
  payments: 'creates no charges; pick a Pix PSP or bank connection',
  receivables: 'settles no receivables; pick an ERP connection (Bling)',
  fiscal: 'issues no invoices; pick a SEFAZ connection (the company with its A1 certificate)',
};

export interface ValidationContext {
  connection(id: string): ConnectionInfo | undefined;
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
const paramValidators = new Map<string, ValidateFunction>(nodeDefinitions.map((d) => [d.type, ajv.compile(d.params)]));
const retryValidator = ajv.compile(retrySettingsSchema);

export function validateFlow(input: unknown, ctx: ValidationContext): { document?: FlowDocument; problems: FlowProblem[] } {
  let doc: FlowDocument;
  try {
    doc = migrateDocument(input);
  } catch (err) {
    if (err instanceof UnsupportedSchemaVersion) return { problems: [{ field: 'schemaVersion', message: err.message }] };
    throw err;
  }
  const problems: FlowProblem[] = [];
  if (!Array.isArray(doc.nodes)) problems.push({ field: 'nodes', message: 'nodes must be a list' });
  if (!Array.isArray(doc.edges)) problems.push({ field: 'edges', message: 'edges must be a list' });
  if (problems.length) return { problems };

  const seen = new Set<string>();
  doc.nodes.forEach((node, i) => {
    if (!node || typeof node !== 'object' || typeof node.id !== 'string' || !node.id.trim()) {
      problems.push({ field: `nodes[${i}].id`, message: `Node ${i + 1} has no id` });
      return;
    }
    if (seen.has(node.id)) problems.push({ nodeId: node.id, message: `Two nodes share the id "${node.id}"; ids must be unique` });
    seen.add(node.id);
    const def = getNodeDefinition(node.type);
    if (!def) {
      problems.push({ nodeId: node.id, field: 'type', message: `Unknown node type "${node.type}". Known types: ${nodeDefinitions.map((d) => d.type).join(', ')}` });
      return;
    }
    if (node.typeVersion !== def.version)
      problems.push({ nodeId: node.id, field: 'typeVersion', message: `${def.label.en} version ${node.typeVersion} is not supported (this Ponte has version ${def.version})` });
    const validateParams = paramValidators.get(def.type)!;
    // An `if`/`then` failure is also reported as the `then` error it caused, which names the field.
    if (!validateParams(node.params ?? {})) for (const e of validateParams.errors ?? []) if (e.keyword !== 'if') problems.push({ nodeId: node.id, ...describeAjvError('params', e) });
    if (node.settings?.retry !== undefined && !retryValidator(node.settings.retry))
      for (const e of retryValidator.errors ?? []) problems.push({ nodeId: node.id, ...describeAjvError('settings.retry', e) });
    checkExpressions(node.id, def.params.properties ?? {}, node.params ?? {}, problems);
    checkConnectionRefs(node.id, def.kind, node.params ?? {}, ctx, problems, def.needs);
    if (def.type === 'trigger.schedule') checkSchedule(node.id, node.params ?? {}, problems);
  });

  const nodes = new Map(doc.nodes.filter((n) => n && typeof n.id === 'string').map((n) => [n.id, n]));
  const inputsUsed = new Map<string, number>();
  doc.edges.forEach((edge, i) => {
    const from = nodes.get(edge?.from);
    const to = nodes.get(edge?.to);
    if (!from) problems.push({ edge: i, nodeId: edge?.to, message: `Edge ${i + 1} starts at node "${edge?.from}", which does not exist` });
    if (!to) problems.push({ edge: i, nodeId: edge?.from, message: `Edge ${i + 1} ends at node "${edge?.to}", which does not exist` });
    if (!from || !to) return;
    const fromDef = getNodeDefinition(from.type);
    const toDef = getNodeDefinition(to.type);
    if (!fromDef || !toDef) return;
    const out = fromDef.outputs.find((p) => p.name === edge.fromPort);
    const inPort = edge.toPort ? toDef.inputs.find((p) => p.name === edge.toPort) : toDef.inputs[0];
    if (!out) {
      problems.push({ edge: i, nodeId: from.id, message: `${fromDef.label.en} "${from.id}" has no output "${edge.fromPort}" (it has: ${fromDef.outputs.map((p) => p.name).join(', ') || 'none'})` });
      return;
    }
    if (!inPort) {
      problems.push({ edge: i, nodeId: to.id, message: `${toDef.label.en} "${to.id}" has no input${edge.toPort ? ` "${edge.toPort}"` : 's'}; nothing can connect to it` });
      return;
    }
    if (out.type !== inPort.type)
      problems.push({
        edge: i,
        nodeId: to.id,
        message: `Cannot connect "${from.id}" to "${to.id}": ${fromDef.label.en} gives ${out.type}, ${toDef.label.en} expects ${inPort.type}`,
      });
    const key = `${to.id}:${inPort.name}`;
    inputsUsed.set(key, (inputsUsed.get(key) ?? 0) + 1);
  });

  for (const node of nodes.values()) {
    const def = getNodeDefinition(node.type);
    if (!def) continue;
    for (const port of def.inputs) {
      const count = inputsUsed.get(`${node.id}:${port.name}`) ?? 0;
      if (count === 0) problems.push({ nodeId: node.id, message: `${def.label.en} "${node.id}" is not connected: link something to its ${port.label.en.toLowerCase()} input` });
      if (count > 1) problems.push({ nodeId: node.id, message: `${def.label.en} "${node.id}" has ${count} incoming links; it takes exactly one` });
    }
  }

  const known = doc.nodes.filter((n) => getNodeDefinition(n?.type));
  const triggers = known.filter((n) => getNodeDefinition(n.type)!.kind === 'trigger');
  const sources = known.filter((n) => getNodeDefinition(n.type)!.kind === 'source');
  const effects = known.filter((n) => getNodeDefinition(n.type)!.kind === 'effect');
  if (triggers.length !== 1) problems.push({ message: triggers.length ? `A flow has one trigger; this one has ${triggers.length} (${triggers.map((n) => n.id).join(', ')})` : 'Add a trigger node: a flow needs one to start' });
  if (sources.length !== 1) problems.push({ message: sources.length ? `A flow reads from one fetch node for now; this one has ${sources.length} (${sources.map((n) => n.id).join(', ')})` : 'Add a fetch node: a flow needs a source of records' });
  if (effects.length === 0) problems.push({ message: 'Add a node that writes (e.g. upsert): this flow would read records and do nothing with them' });

  for (const n of known)
    if (getNodeDefinition(n.type)!.holdsRecords && !doc.edges.some((e) => e?.from === n.id))
      problems.push({ nodeId: n.id, message: `"${n.id}" holds records for confirmation but nothing after it writes them: connect it to a node that writes` });

  checkAlerts(doc, ctx, problems);

  const { cyclic } = topologicalOrder(doc);
  for (const id of cyclic) problems.push({ nodeId: id, message: `Node "${id}" is part of a cycle; flows cannot loop back` });
  if (!cyclic.length) for (const id of deadEndNodes(doc)) problems.push({ nodeId: id, message: `Node "${id}" leads nowhere: connect it to a node that writes, or remove it` });

  return { document: doc, problems };
}

function checkConnectionRefs(nodeId: string, kind: string, params: Record<string, unknown>, ctx: ValidationContext, problems: FlowProblem[], needs: ConnectionCapability | undefined) {
  const connectionId = params.connectionId;
  if (typeof connectionId !== 'string' || !connectionId) return;
  const conn = ctx.connection(connectionId);
  if (!conn) {
    problems.push({ nodeId, field: 'params.connectionId', message: `Connection "${connectionId}" does not exist; pick an existing connection` });
    return;
  }
  if (needs) {
    const has = { messaging: Boolean(conn.messaging), payments: Boolean(conn.payments?.length), receivables: Boolean(conn.receivables), fiscal: Boolean(conn.fiscal) }[needs];
    if (!has) problems.push({ nodeId, field: 'params.connectionId', message: `Connection "${conn.name}" (${conn.provider}) ${CAPABILITY_MISSING[needs]}` });
    return;
  }
  if (kind === 'trigger' && !conn.webhooks) {
    problems.push({ nodeId, field: 'params.connectionId', message: `Connection "${conn.name}" (${conn.provider}) sends no webhooks Ponte can verify; start this flow by hand or on a schedule` });
    return;
  }
  const entity = params.entity;
  if (typeof entity !== 'string') return;
  if (kind === 'source' && !conn.reads.includes(entity))
    problems.push({ nodeId, field: 'params.entity', message: `Connection "${conn.name}" (${conn.provider}) cannot read ${entity}; it reads: ${conn.reads.join(', ') || 'nothing yet'}` });
  if (kind === 'effect' && !conn.writes.includes(entity))
    problems.push({ nodeId, field: 'params.entity', message: `Connection "${conn.name}" (${conn.provider}) cannot write ${entity}; it writes: ${conn.writes.join(', ') || 'nothing yet'}` });
}

/** Alerts name a channel connection and a recipient, and only the run endings that exist. */
function checkAlerts(doc: FlowDocument, ctx: ValidationContext, problems: FlowProblem[]) {
  if (doc.alerts === undefined) return;
  if (!Array.isArray(doc.alerts)) {
    problems.push({ field: 'alerts', message: 'alerts must be a list' });
    return;
  }
  doc.alerts.forEach((alert, i) => {
    const field = `alerts[${i}]`;
    if (!alert || typeof alert !== 'object') return problems.push({ field, message: `${field} must be an object with connectionId and to` });
    if (typeof alert.to !== 'string' || !alert.to.trim()) problems.push({ field: `${field}.to`, message: `${field}.to is required: who receives the alert (an e-mail or a phone)` });
    if (alert.on !== undefined && (!Array.isArray(alert.on) || alert.on.some((o) => o !== 'error' && o !== 'partial')))
      problems.push({ field: `${field}.on`, message: `${field}.on lists run endings: "error" and/or "partial"` });
    const conn = typeof alert.connectionId === 'string' ? ctx.connection(alert.connectionId) : undefined;
    if (!conn) problems.push({ field: `${field}.connectionId`, message: `${field}.connectionId must name an existing e-mail, WhatsApp, webhook or SMS connection` });
    else if (!conn.messaging) problems.push({ field: `${field}.connectionId`, message: `Connection "${conn.name}" (${conn.provider}) sends no messages; pick an e-mail, WhatsApp, webhook or SMS connection` });
  });
}

/** An expression that does not parse is refused on save, with where it breaks, not at the first record. */
function checkExpressions(nodeId: string, properties: Record<string, { 'x-ponte-expression'?: boolean }>, params: Record<string, unknown>, problems: FlowProblem[]) {
  for (const [name, schema] of Object.entries(properties)) {
    const value = params[name];
    if (!schema['x-ponte-expression'] || typeof value !== 'string' || !value.trim()) continue;
    try {
      jsonata(value);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      problems.push({ nodeId, field: `params.${name}`, message: `params.${name} is not a valid expression: ${e.message}${e.position !== undefined ? ` (at character ${e.position})` : ''}` });
    }
  }
}

function checkSchedule(nodeId: string, params: Record<string, unknown>, problems: FlowProblem[]) {
  if (params.every === 'cron' && (typeof params.cron !== 'string' || params.cron.trim().split(/\s+/).length !== 5))
    problems.push({ nodeId, field: 'params.cron', message: 'params.cron needs five fields (minute hour day month weekday), e.g. "*/10 8-18 * * 1-5"' });
  if (params.every === 'interval' && typeof params.intervalSeconds !== 'number') problems.push({ nodeId, field: 'params.intervalSeconds', message: 'params.intervalSeconds is required for "interval"' });
}

function describeAjvError(prefix: string, e: ErrorObject): { field: string; message: string } {
  const path = prefix + e.instancePath.replace(/\//g, '.');
  switch (e.keyword) {
    case 'required':
      return { field: `${path}.${e.params.missingProperty}`, message: `${path}.${e.params.missingProperty} is required` };
    case 'additionalProperties':
      return { field: `${path}.${e.params.additionalProperty}`, message: `${path} has an unknown field "${e.params.additionalProperty}"` };
    case 'enum':
      return { field: path, message: `${path} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}` };
    default:
      return { field: path, message: `${path} ${e.message}` };
  }
}
