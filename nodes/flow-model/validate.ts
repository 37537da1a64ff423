/**
 * Flow validation on save. Returns every problem at once, each with the node (or edge) it is
 * about and a message a person can act on. Pure apart from the `connection` lookup it is given.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import jsonata from 'jsonata';
import { FLOW_PROBLEMS, type ProblemText, schemaErrorPortuguese } from './problems';
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
  /** The English text, as before `text` existed (logs, API clients). */
  message: string;
  /** The reason in both languages the UI speaks; `text.en` equals `message`. */
  text?: ProblemText;
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

/** A problem with its English `message` and both texts. */
function problem(where: Omit<FlowProblem, 'message' | 'text'>, text: ProblemText): FlowProblem {
  return { ...where, message: text.en, text };
}

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
    if (err instanceof UnsupportedSchemaVersion) return { problems: [problem({ field: 'schemaVersion' }, err.text)] };
    throw err;
  }
  const problems: FlowProblem[] = [];
  const P = FLOW_PROBLEMS;
  if (!Array.isArray(doc.nodes)) problems.push(problem({ field: 'nodes' }, P.notAList('nodes')));
  if (!Array.isArray(doc.edges)) problems.push(problem({ field: 'edges' }, P.notAList('edges')));
  if (problems.length) return { problems };

  const seen = new Set<string>();
  doc.nodes.forEach((node, i) => {
    if (!node || typeof node !== 'object' || typeof node.id !== 'string' || !node.id.trim()) {
      problems.push(problem({ field: `nodes[${i}].id` }, P.nodeWithoutId(i)));
      return;
    }
    if (seen.has(node.id)) problems.push(problem({ nodeId: node.id }, P.duplicateId(node.id)));
    seen.add(node.id);
    const def = getNodeDefinition(node.type);
    if (!def) {
      problems.push(problem({ nodeId: node.id, field: 'type' }, P.unknownType(node.type, nodeDefinitions.map((d) => d.type))));
      return;
    }
    if (node.typeVersion !== def.version)
      problems.push(problem({ nodeId: node.id, field: 'typeVersion' }, P.unsupportedVersion(def.label, node.typeVersion, def.version)));
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
    if (!from) problems.push(problem({ edge: i, nodeId: edge?.to }, P.edgeFromMissing(i, edge?.from)));
    if (!to) problems.push(problem({ edge: i, nodeId: edge?.from }, P.edgeToMissing(i, edge?.to)));
    if (!from || !to) return;
    const fromDef = getNodeDefinition(from.type);
    const toDef = getNodeDefinition(to.type);
    if (!fromDef || !toDef) return;
    const out = fromDef.outputs.find((p) => p.name === edge.fromPort);
    const inPort = edge.toPort ? toDef.inputs.find((p) => p.name === edge.toPort) : toDef.inputs[0];
    if (!out) {
      problems.push(problem({ edge: i, nodeId: from.id }, P.noSuchOutput(fromDef.label, from.id, edge.fromPort, fromDef.outputs.map((p) => p.name))));
      return;
    }
    if (!inPort) {
      problems.push(problem({ edge: i, nodeId: to.id }, P.noSuchInput(toDef.label, to.id, edge.toPort)));
      return;
    }
    if (out.type !== inPort.type)
      problems.push(problem({ edge: i, nodeId: to.id }, P.incompatible({ id: from.id, label: fromDef.label, type: out.type }, { id: to.id, label: toDef.label, type: inPort.type })));
    const key = `${to.id}:${inPort.name}`;
    inputsUsed.set(key, (inputsUsed.get(key) ?? 0) + 1);
  });

  for (const node of nodes.values()) {
    const def = getNodeDefinition(node.type);
    if (!def) continue;
    for (const port of def.inputs) {
      const count = inputsUsed.get(`${node.id}:${port.name}`) ?? 0;
      if (count === 0) problems.push(problem({ nodeId: node.id }, P.notConnected(def.label, node.id, port.label)));
      if (count > 1) problems.push(problem({ nodeId: node.id }, P.tooManyLinks(def.label, node.id, count)));
    }
  }

  const known = doc.nodes.filter((n) => getNodeDefinition(n?.type));
  const triggers = known.filter((n) => getNodeDefinition(n.type)!.kind === 'trigger');
  const sources = known.filter((n) => getNodeDefinition(n.type)!.kind === 'source');
  const effects = known.filter((n) => getNodeDefinition(n.type)!.kind === 'effect');
  if (triggers.length !== 1) problems.push(problem({}, P.triggerCount(triggers.map((n) => n.id))));
  if (sources.length !== 1) problems.push(problem({}, P.sourceCount(sources.map((n) => n.id))));
  if (effects.length === 0) problems.push(problem({}, P.noWriter()));

  for (const n of known)
    if (getNodeDefinition(n.type)!.holdsRecords && !doc.edges.some((e) => e?.from === n.id))
      problems.push(problem({ nodeId: n.id }, P.heldNotWritten(n.id)));

  checkAlerts(doc, ctx, problems);

  const { cyclic } = topologicalOrder(doc);
  for (const id of cyclic) problems.push(problem({ nodeId: id }, P.cycle(id)));
  if (!cyclic.length) for (const id of deadEndNodes(doc)) problems.push(problem({ nodeId: id }, P.deadEnd(id)));

  return { document: doc, problems };
}

function checkConnectionRefs(nodeId: string, kind: string, params: Record<string, unknown>, ctx: ValidationContext, problems: FlowProblem[], needs: ConnectionCapability | undefined) {
  const connectionId = params.connectionId;
  if (typeof connectionId !== 'string' || !connectionId) return;
  const conn = ctx.connection(connectionId);
  if (!conn) {
    problems.push(problem({ nodeId, field: 'params.connectionId' }, FLOW_PROBLEMS.connectionMissing(connectionId)));
    return;
  }
  if (needs) {
    const has = { messaging: Boolean(conn.messaging), payments: Boolean(conn.payments?.length), receivables: Boolean(conn.receivables), fiscal: Boolean(conn.fiscal) }[needs];
    if (!has) problems.push(problem({ nodeId, field: 'params.connectionId' }, FLOW_PROBLEMS.capabilityMissing(conn, needs)));
    return;
  }
  if (kind === 'trigger' && !conn.webhooks) {
    problems.push(problem({ nodeId, field: 'params.connectionId' }, FLOW_PROBLEMS.noWebhooks(conn)));
    return;
  }
  const entity = params.entity;
  if (typeof entity !== 'string') return;
  if (kind === 'source' && !conn.reads.includes(entity))
    problems.push(problem({ nodeId, field: 'params.entity' }, FLOW_PROBLEMS.cannotRead(conn, entity, conn.reads)));
  if (kind === 'effect' && !conn.writes.includes(entity))
    problems.push(problem({ nodeId, field: 'params.entity' }, FLOW_PROBLEMS.cannotWrite(conn, entity, conn.writes)));
}

/** Alerts name a channel connection and a recipient, and only the run endings that exist. */
function checkAlerts(doc: FlowDocument, ctx: ValidationContext, problems: FlowProblem[]) {
  if (doc.alerts === undefined) return;
  if (!Array.isArray(doc.alerts)) {
    problems.push(problem({ field: 'alerts' }, FLOW_PROBLEMS.notAList('alerts')));
    return;
  }
  doc.alerts.forEach((alert, i) => {
    const field = `alerts[${i}]`;
    if (!alert || typeof alert !== 'object') return problems.push(problem({ field }, FLOW_PROBLEMS.alertNotObject(field)));
    if (typeof alert.to !== 'string' || !alert.to.trim()) problems.push(problem({ field: `${field}.to` }, FLOW_PROBLEMS.alertTo(field)));
    if (alert.on !== undefined && (!Array.isArray(alert.on) || alert.on.some((o) => o !== 'error' && o !== 'partial')))
      problems.push(problem({ field: `${field}.on` }, FLOW_PROBLEMS.alertOn(field)));
    const conn = typeof alert.connectionId === 'string' ? ctx.connection(alert.connectionId) : undefined;
    if (!conn) problems.push(problem({ field: `${field}.connectionId` }, FLOW_PROBLEMS.alertConnection(field)));
    else if (!conn.messaging) problems.push(problem({ field: `${field}.connectionId` }, FLOW_PROBLEMS.capabilityMissing(conn, 'messaging')));
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
      problems.push(problem({ nodeId, field: `params.${name}` }, FLOW_PROBLEMS.badExpression(`params.${name}`, e.message, e.position)));
    }
  }
}

function checkSchedule(nodeId: string, params: Record<string, unknown>, problems: FlowProblem[]) {
  if (params.every === 'cron' && (typeof params.cron !== 'string' || params.cron.trim().split(/\s+/).length !== 5))
    problems.push(problem({ nodeId, field: 'params.cron' }, FLOW_PROBLEMS.cronFields()));
  if (params.every === 'interval' && typeof params.intervalSeconds !== 'number') problems.push(problem({ nodeId, field: 'params.intervalSeconds' }, FLOW_PROBLEMS.intervalRequired()));
}

function describeAjvError(prefix: string, e: ErrorObject): { field: string; message: string; text: ProblemText } {
  const path = prefix + e.instancePath.replace(/\//g, '.');
  const field = e.keyword === 'required' ? `${path}.${e.params.missingProperty}` : e.keyword === 'additionalProperties' ? `${path}.${e.params.additionalProperty}` : path;
  const en =
    e.keyword === 'required' ? `${field} is required`
    : e.keyword === 'additionalProperties' ? `${path} has an unknown field "${e.params.additionalProperty}"`
    : e.keyword === 'enum' ? `${path} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
    : `${path} ${e.message}`;
  return { field, message: en, text: { en, 'pt-BR': schemaErrorPortuguese(e.keyword === 'required' ? field : path, e) } };
}
