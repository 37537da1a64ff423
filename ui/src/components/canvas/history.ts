/**
 * Undo/redo for the canvas, by whole-document snapshots (nodes, edges, params, positions as the
 * draft would be saved): one serialised document per step, so every kind of change — a node
 * added or moved, an edge removed, a parameter typed — undoes the same way. Typing in one field
 * is one step, not one per key.
 */
const LIMIT = 100;
/** Changes with the same key closer than this are one step (a word typed, arrows held down). */
const COALESCE_MS = 1000;

export class History {
  private past: string[] = [];
  private future: string[] = [];
  private current = '';
  private lastKey = '';
  private lastAt = 0;

  constructor(private readonly onChange: (state: { canUndo: boolean; canRedo: boolean }) => void = () => {}) {}

  /** Starts over from this state (a flow loaded). */
  reset(snapshot: string) {
    this.past = [];
    this.future = [];
    this.current = snapshot;
    this.lastKey = '';
    this.notify();
  }

  /** The document is now `snapshot`; false when nothing changed. */
  record(snapshot: string, key = ''): boolean {
    if (snapshot === this.current) return false;
    const now = Date.now();
    const sameGesture = key !== '' && key === this.lastKey && now - this.lastAt < COALESCE_MS;
    if (!sameGesture) {
      this.past.push(this.current);
      if (this.past.length > LIMIT) this.past.shift();
    }
    this.future = [];
    this.current = snapshot;
    this.lastKey = key;
    this.lastAt = now;
    this.notify();
    return true;
  }

  /** The state to go back to, given the state now (which may hold changes not recorded yet). */
  undo(snapshot: string): string | undefined {
    this.record(snapshot);
    const previous = this.past.pop();
    if (previous === undefined) return undefined;
    this.future.push(this.current);
    return this.move(previous);
  }

  redo(snapshot: string): string | undefined {
    if (snapshot !== this.current) return undefined; // changed since the undo: the redo branch is gone
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.past.push(this.current);
    return this.move(next);
  }

  private move(to: string): string {
    this.current = to;
    this.lastKey = '';
    this.notify();
    return to;
  }

  private notify() {
    this.onChange({ canUndo: this.past.length > 0, canRedo: this.future.length > 0 });
  }
}
