/**
 * State shared by the canvas editor and its node components: parameters, problems from the
 * last save and per-node run counts, keyed by node id; the flow's alerts and their problems, by
 * position. One editor is open at a time.
 */
import type { Connection, Counters, FlowAlert, HintText, NodeType, Problem } from '../../lib/api';

/** A save's refusal of one alert field (`to`, `connectionId`, `on`; '' for the alert as a whole). */
export interface AlertProblem {
  field: string;
  message: string;
  text?: HintText;
}

export const editor = $state({
  types: [] as NodeType[],
  connections: [] as Connection[],
  params: {} as Record<string, Record<string, any>>,
  problems: {} as Record<string, Problem[]>,
  counts: {} as Record<string, Partial<Counters>>,
  running: false,
  alerts: [] as FlowAlert[],
  /** By the alert's position at the last save; -1 for problems with the list itself. */
  alertProblems: {} as Record<number, AlertProblem[]>,
});

export function resetEditor() {
  editor.params = {};
  editor.problems = {};
  editor.counts = {};
  editor.running = false;
  editor.alerts = [];
  editor.alertProblems = {};
}

export function typeOf(type: string): NodeType | undefined {
  return editor.types.find((t) => t.type === type);
}
