/** The Temporal worker: the interpreter workflow and the activities, on Ponte's task queue. */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../../activities';
import { createBindingActivities } from '../../activities/bindings';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
}

let runtimeInstalled = false;

/**
 * The SDK logs every worker state change at INFO; Ponte keeps its own log and wants warnings only.
 * `metricsBind` (host:port) exposes the SDK's own Prometheus metrics (task latencies, slots, polls).
 */
export function installTemporalRuntime(level: 'WARN' | 'INFO' | 'DEBUG' | 'ERROR' = 'WARN', metricsBind?: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(level), ...(metricsBind ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsBind } } } } : {}) });
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests bundle once per suite); omitted: bundled now. */
  workflowBundle?: WorkflowBundleOption;
  maxConcurrentActivities?: number;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  installTemporalRuntime();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: { ...createActivities(options.deps), ...createBindingActivities(options.deps) },
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 20,
    // Activities heartbeat every record; send at most one every few seconds.
    defaultHeartbeatThrottleInterval: '3s',
    maxHeartbeatThrottleInterval: '5s',
    shutdownGraceTime: '10s',
  });
}
