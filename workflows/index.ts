/** Entry point of the workflow bundle: workflow code only, deterministic, no I/O. */
export { flowRun, scheduledFlowRun } from './flow-run';
export { bindingDiscovery, bindingReconciliation } from './bindings';
