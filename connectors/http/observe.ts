/**
 * Every provider call, reported to whoever watches (the metrics of this process). Connectors stay
 * free of any metrics library: the server installs one observer at start.
 */
export interface ProviderCall {
  provider: string;
  connectionId: string;
  /** HTTP status, or null when no answer came (timeout, refused connection). */
  status: number | null;
  /** The provider throttled the call (429, or a throttle recognised in the body). */
  throttled: boolean;
  latencyMs: number;
}

let observer: ((call: ProviderCall) => void) | null = null;

export function observeProviderCalls(fn: ((call: ProviderCall) => void) | null): void {
  observer = fn;
}

export function reportProviderCall(call: ProviderCall): void {
  try {
    observer?.(call);
  } catch {
    // Watching must never break a sync.
  }
}
