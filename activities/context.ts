/** What an activity asks of Temporal, usable outside one too (unit use: nothing to report to). */
import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';

export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Outside an activity: nothing to report to.
  }
}

/** The activity's cancellation, for every request it sends; undefined outside an activity. */
export function cancellation(): AbortSignal | undefined {
  try {
    const signal = Context.current().cancellationSignal;
    // Every in-flight request of a page listens on it; dozens at once are expected.
    setMaxListeners(0, signal);
    return signal;
  } catch {
    return undefined;
  }
}
