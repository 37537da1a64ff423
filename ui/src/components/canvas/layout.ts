/**
 * Auto-layout: nodes left to right by level (the longest path from a start), each column ordered
 * by where its parents sit so branches do not cross, and centred on the same horizontal line.
 * Flows are small DAGs with few joins, so this is enough; no layout library.
 */
export const COLUMN_GAP = 300;
export const ROW_GAP = 150;

export function levelsOf(ids: string[], edges: Array<{ source: string; target: string }>): Record<string, number> {
  const level: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  // Longest path by relaxation; a cycle (refused on save, but drawable) stops after n passes.
  for (let pass = 0; pass < ids.length; pass++) {
    let moved = false;
    for (const e of edges) {
      if (!(e.source in level) || !(e.target in level)) continue;
      if (level[e.target] < level[e.source] + 1) {
        level[e.target] = level[e.source] + 1;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return level;
}

export function levelLayout(
  nodes: Array<{ id: string; position: { x: number; y: number } }>,
  edges: Array<{ source: string; target: string }>,
): Record<string, { x: number; y: number }> {
  const level = levelsOf(
    nodes.map((n) => n.id),
    edges,
  );
  const columns: string[][] = [];
  for (const n of nodes) (columns[level[n.id]] ??= []).push(n.id);
  const parents: Record<string, string[]> = {};
  for (const e of edges) (parents[e.target] ??= []).push(e.source);
  const y0 = Object.fromEntries(nodes.map((n) => [n.id, n.position.y]));
  const row: Record<string, number> = {};
  const out: Record<string, { x: number; y: number }> = {};
  for (const [col, ids] of columns.entries()) {
    if (!ids) continue;
    // Barycentre of the parents' rows; the current height breaks ties, so a tidy flow keeps its order.
    const weight = (id: string) => {
      const ps = (parents[id] ?? []).filter((p) => p in row);
      return ps.length ? ps.reduce((s, p) => s + row[p], 0) / ps.length : Number.POSITIVE_INFINITY;
    };
    ids.sort((a, b) => weight(a) - weight(b) || y0[a] - y0[b]);
    ids.forEach((id, i) => {
      row[id] = i - (ids.length - 1) / 2;
      out[id] = { x: col * COLUMN_GAP, y: Math.round(row[id] * ROW_GAP) };
    });
  }
  return out;
}
