/**
 * State shared by the canvas editor and its node components: parameters, problems from the
 * last save and per-node run counts, keyed by node id. One editor is open at a time.
 */
import type { Connection, Counters, NodeType } from '../../lib/api';

export const editor = $state({
  types: [] as NodeType[],
  connections: [] as Connection[],
  params: {} as Record<string, Record<string, any>>,
  problems: {} as Record<string, string[]>,
  counts: {} as Record<string, Partial<Counters>>,
  running: false,
});

export function resetEditor() {
  editor.params = {};
  editor.problems = {};
  editor.counts = {};
  editor.running = false;
}

export function typeOf(type: string): NodeType | undefined {
  return editor.types.find((t) => t.type === type);
}
