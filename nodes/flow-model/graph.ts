/** Graph helpers shared by validation and compilation (pure). */
import type { FlowDocument } from './document';

/** Kahn's algorithm with node-id tie-break, so the order is stable for the same document. */
export function topologicalOrder(doc: FlowDocument): { order: string[]; cyclic: string[] } {
  const ids = doc.nodes.map((n) => n.id);
  const indegree = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of doc.edges) {
    if (!indegree.has(e.from) || !indegree.has(e.to)) continue;
    out.get(e.from)!.push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const ready = ids.filter((id) => indegree.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of out.get(id)!) {
      indegree.set(next, indegree.get(next)! - 1);
      if (indegree.get(next) === 0) {
        ready.push(next);
        ready.sort();
      }
    }
  }
  const cyclic = ids.filter((id) => !order.includes(id)).sort();
  return { order, cyclic };
}

export function incomingEdges(doc: FlowDocument, nodeId: string) {
  return doc.edges.filter((e) => e.to === nodeId);
}

export function outgoingEdges(doc: FlowDocument, nodeId: string) {
  return doc.edges.filter((e) => e.from === nodeId);
}
