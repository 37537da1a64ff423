/**
 * What differs between two flow documents, for the versions panel: nodes only in one, nodes whose
 * type, parameters or settings changed (per parameter path), edges and alerts. Positions are left
 * out: moving a block is not a new version.
 */
import type { FlowAlert, FlowDocument, FlowNodeDoc } from '../../lib/api';

export interface ValueChange {
  /** e.g. "params.fields.price", "settings.retry.maximumAttempts", "typeVersion" */
  path: string;
  before: unknown;
  after: unknown;
}

export type DiffEntry =
  | { kind: 'node-added'; nodeId: string; type: string }
  | { kind: 'node-removed'; nodeId: string; type: string }
  | { kind: 'node-changed'; nodeId: string; type: string; changes: ValueChange[] }
  | { kind: 'edge-added' | 'edge-removed'; from: string; to: string; fromPort: string; toPort: string }
  | { kind: 'alert-added' | 'alert-removed'; to: string; connectionId: string };

const edgeKey = (e: FlowDocument['edges'][number]) => `${e.from}:${e.fromPort ?? 'out'}→${e.to}:${e.toPort ?? 'in'}`;

/** Entries read as "in `after`, compared with `before`": added = only in after. */
export function diffDocuments(before: FlowDocument, after: FlowDocument): DiffEntry[] {
  const out: DiffEntry[] = [];
  const was = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  for (const n of after.nodes) {
    const old = was.get(n.id);
    if (!old) out.push({ kind: 'node-added', nodeId: n.id, type: n.type });
    else {
      const changes = nodeChanges(old, n);
      if (changes.length) out.push({ kind: 'node-changed', nodeId: n.id, type: n.type, changes });
    }
  }
  for (const n of before.nodes) if (!now.has(n.id)) out.push({ kind: 'node-removed', nodeId: n.id, type: n.type });
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const edge = (kind: 'edge-added' | 'edge-removed', e: FlowDocument['edges'][number]): DiffEntry => ({ kind, from: e.from, to: e.to, fromPort: e.fromPort ?? 'out', toPort: e.toPort ?? 'in' });
  for (const e of after.edges) if (!oldEdges.has(edgeKey(e))) out.push(edge('edge-added', e));
  for (const e of before.edges) if (!newEdges.has(edgeKey(e))) out.push(edge('edge-removed', e));
  // An alert changed reads as the old one removed and the new one added: alerts have no id.
  const alertKey = (a: FlowAlert) => JSON.stringify([a.connectionId, a.to, a.on ?? null, a.template ?? null]);
  const oldAlerts = new Set((before.alerts ?? []).map(alertKey));
  const newAlerts = new Set((after.alerts ?? []).map(alertKey));
  for (const a of after.alerts ?? []) if (!oldAlerts.has(alertKey(a))) out.push({ kind: 'alert-added', to: a.to, connectionId: a.connectionId });
  for (const a of before.alerts ?? []) if (!newAlerts.has(alertKey(a))) out.push({ kind: 'alert-removed', to: a.to, connectionId: a.connectionId });
  return out;
}

function nodeChanges(a: FlowNodeDoc, b: FlowNodeDoc): ValueChange[] {
  const changes: ValueChange[] = [];
  if (a.type !== b.type) changes.push({ path: 'type', before: a.type, after: b.type });
  if (a.typeVersion !== b.typeVersion) changes.push({ path: 'typeVersion', before: a.typeVersion, after: b.typeVersion });
  walk('params', a.params ?? {}, b.params ?? {}, changes);
  walk('settings', a.settings ?? {}, b.settings ?? {}, changes);
  return changes;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects are compared key by key (a map's fields one by one); anything else as a whole value. */
function walk(path: string, a: unknown, b: unknown, out: ValueChange[]) {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(`${path}.${key}`, a[key], b[key], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
}
