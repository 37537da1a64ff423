import { errorText } from './api';

/**
 * What a list screen loads, when its filters change faster than the server answers: only the
 * latest request's answer is applied (an earlier, slower one must not overwrite it), `pending` is
 * true while that request is out (the list is marked aria-busy, which the browser tests wait on)
 * and `error` holds the latest request's failure.
 */
export class LatestLoader {
  /** A request is out (or announced with `expect`): the list is dimmed and aria-busy. */
  pending = $state(true);
  /** Some answer has been applied: the list can be shown. */
  loaded = $state(false);
  error = $state('');
  #seq = 0;

  /**
   * Sends `request` and hands its answer to `apply` unless a later `run` started meanwhile.
   * quiet: a background refresh, which does not dim the list. Resolves to whether the answer was
   * applied; never rejects (a failure is in `error`).
   */
  async run<T>(request: () => Promise<T>, apply: (value: T) => void, options: { quiet?: boolean } = {}): Promise<boolean> {
    const mine = ++this.#seq;
    if (!options.quiet) this.pending = true;
    try {
      const value = await request();
      if (mine !== this.#seq) return false;
      apply(value);
      this.loaded = true;
      this.error = '';
      return true;
    } catch (err) {
      if (mine === this.#seq) this.error = errorText(err);
      return false;
    } finally {
      if (mine === this.#seq) this.pending = false;
    }
  }

  /** A request is about to be sent (e.g. once typing pauses): the list shows busy until it answers. */
  expect() {
    this.pending = true;
  }
}
