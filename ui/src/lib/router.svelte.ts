/** Hash routing (#/flows/abc): the server serves only static files, so the path stays `/`. */
function current(): string[] {
  return location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
}

export const route = $state({ parts: current() });

window.addEventListener('hashchange', () => {
  route.parts = current();
});

export function go(path: string) {
  location.hash = path.startsWith('#') ? path : `#${path}`;
}
