/**
 * The compiler: a (valid) flow document -> a plan the interpreter workflow walks.
 *
 * Pure per-record nodes (map, transform) are fused into the side-effecting node that follows
 * them, so a page crosses the Temporal boundary once per stage, not once per node.
 * Pure code: it runs inside the workflow sandbox.
 */
import { getNodeDefinition } from '../registry';
import type { FlowDocument, FlowNode, RetrySettings } from './document';
import { incomingEdges, outgoingEdges, topologicalOrder } from './graph';

export interface PlanStage {
  /** The side-effecting node that closes the stage; also the stage id. */
  id: string;
  /** Nodes run per page, in order: the fused pure nodes, then the effect node. */
  nodeIds: string[];
  /** Where the stage's input pages come from: the source node id or another stage's id. */
  input: string;
  /** Whether another stage reads this stage's output (then it is stored as pages). */
  storesOutput: boolean;
  retry: RetrySettings;
}

/** An approval step: its held records are released after the pages, and go down its branch only. */
export interface PlanGate {
  id: string;
  /** The stages below the gate, in levels, run again for each page of released records. */
  downstream: PlanStage[][];
}

export interface Plan {
  triggerId: string;
  source: { nodeId: string; retry: RetrySettings };
  /** Stages grouped in levels: stages of one level only depend on earlier levels. */
  levels: PlanStage[][];
  order: string[];
  gates: PlanGate[];
}

export class PlanError extends Error {}

export function compilePlan(doc: FlowDocument): Plan {
  const { order, cyclic } = topologicalOrder(doc);
  if (cyclic.length) throw new PlanError(`Flow has a cycle through ${cyclic.join(', ')}`);
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const kindOf = (n: FlowNode) => {
    const def = getNodeDefinition(n.type);
    if (!def) throw new PlanError(`Unknown node type "${n.type}" (node ${n.id})`);
    return def.kind;
  };

  const trigger = doc.nodes.find((n) => kindOf(n) === 'trigger');
  const source = doc.nodes.find((n) => kindOf(n) === 'source');
  if (!trigger || !source) throw new PlanError('A flow needs a trigger and a fetch node');

  const stages: PlanStage[] = [];
  for (const id of order) {
    const node = nodes.get(id)!;
    if (kindOf(node) !== 'effect') continue;
    // Walk up through pure nodes to the producer (the source or another effect node).
    const chain: string[] = [id];
    let current = node;
    for (;;) {
      const incoming = incomingEdges(doc, current.id);
      if (incoming.length !== 1) throw new PlanError(`Node ${current.id} needs exactly one input`);
      const parent = nodes.get(incoming[0].from)!;
      const kind = kindOf(parent);
      if (kind === 'pure') {
        chain.unshift(parent.id);
        current = parent;
        continue;
      }
      stages.push({ id, nodeIds: chain, input: parent.id, storesOutput: false, retry: node.settings?.retry ?? {} });
      break;
    }
  }

  const stageIds = new Set(stages.map((s) => s.id));
  for (const s of stages) if (stageIds.has(s.input)) stages.find((p) => p.id === s.input)!.storesOutput = true;

  // Level = 1 + level of the stage it reads from; stages reading the source are level 0.
  const level = new Map<string, number>();
  for (const s of stages) level.set(s.id, stageIds.has(s.input) ? level.get(s.input)! + 1 : 0);
  const levels: PlanStage[][] = [];
  for (const s of stages) (levels[level.get(s.id)!] ??= []).push(s);

  const gates = stages
    .filter((s) => getNodeDefinition(nodes.get(s.id)!.type)!.holdsRecords)
    .map((gate) => {
      const below = new Set<string>([gate.id]);
      const downstream = levels.map((lvl) => lvl.filter((s) => below.has(s.input) && below.add(s.id))).filter((lvl) => lvl.length > 0);
      return { id: gate.id, downstream };
    });

  return { triggerId: trigger.id, source: { nodeId: source.id, retry: source.settings?.retry ?? {} }, levels, order, gates };
}

/** Pure nodes that feed no side-effecting node: their work would be thrown away. */
export function deadEndNodes(doc: FlowDocument): string[] {
  const dead: string[] = [];
  for (const n of doc.nodes) {
    if (getNodeDefinition(n.type)?.kind !== 'pure') continue;
    const seen = new Set<string>();
    const reachesEffect = (id: string): boolean => {
      if (seen.has(id)) return false;
      seen.add(id);
      return outgoingEdges(doc, id).some((e) => {
        const kind = getNodeDefinition(doc.nodes.find((x) => x.id === e.to)?.type ?? '')?.kind;
        return kind === 'effect' || (kind === 'pure' && reachesEffect(e.to));
      });
    };
    if (!reachesEffect(n.id)) dead.push(n.id);
  }
  return dead;
}
