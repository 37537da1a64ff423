/** Hash routing (#/flows/abc?x=1): the server serves only static files, so the path stays `/`. */
function current(): string[] {
  return location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
}
function search(): string {
  return location.hash.split('?')[1] ?? '';
}

export const route = $state({ parts: current(), search: search() });

window.addEventListener('hashchange', () => {
  route.parts = current();
  route.search = search();
});

export function go(path: string) {
  location.hash = path.startsWith('#') ? path : `#${path}`;
}

/** Changes the address without a history entry (Back must not return to a spent sign-in link). */
export function replace(path: string) {
  history.replaceState(history.state, '', path.startsWith('#') ? path : `#${path}`);
  route.parts = current();
  route.search = search();
}

/** The query of the current hash (#/value-maps?map=carrier → map=carrier). */
export function query(): URLSearchParams {
  return new URLSearchParams(route.search);
}

/** A list screen's filters from the address (#/runs?status=error): each named value, or its default, or ''. */
export function queryFilters<K extends string>(keys: readonly K[], defaults: Partial<Record<K, string>> = {}): Record<K, string> {
  const q = query();
  return Object.fromEntries(keys.map((k) => [k, q.get(k) ?? defaults[k] ?? ''])) as Record<K, string>;
}
