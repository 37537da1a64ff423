/**
 * "Descoberta": pairs the unbound records of two connections by SKU. Pure, so it is tested
 * without a database and the activity only reads and stores.
 *
 * SKUs are compared trimmed and case-sensitive: the sync's own SKU lookups (`findBySku`, e.g.
 * Mercado Livre's `seller_sku` search, Bling's `codigos[]`) are exact, and a pair discovery made
 * that the flow would not find again by SKU is a pair nobody can check.
 */

export interface KeyAndSku {
  id: string;
  sku?: string;
}

export interface SkuMatchReport {
  counts: {
    matched: number;
    ambiguous: number;
    source: SideCounts;
    target: SideCounts;
  };
  /** Every list, sorted by SKU (ids for records without one), so pages are stable. */
  lists: {
    matched: Array<{ internalId: string; externalId: string; sku: string }>;
    /** A SKU held by more than one unbound record on either side: no pair is guessed. */
    ambiguous: Array<{ sku: string; internalIds: string[]; externalIds: string[] }>;
    unmatchedSource: Array<{ id: string; sku: string }>;
    unmatchedTarget: Array<{ id: string; sku: string }>;
    withoutSkuSource: Array<{ id: string }>;
    withoutSkuTarget: Array<{ id: string }>;
  };
}

export interface SideCounts {
  /** Distinct records read. */
  read: number;
  /** Already in a binding (any status): not offered again. */
  alreadyBound: number;
  withoutSku: number;
  unmatched: number;
}

export type SkuMatchList = keyof SkuMatchReport['lists'];
export const SKU_MATCH_LISTS: SkuMatchList[] = ['matched', 'ambiguous', 'unmatchedSource', 'unmatchedTarget', 'withoutSkuSource', 'withoutSkuTarget'];

export function normaliseSku(sku: unknown): string | null {
  if (typeof sku !== 'string' && typeof sku !== 'number') return null;
  const trimmed = String(sku).trim();
  return trimmed === '' ? null : trimmed;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function group(records: KeyAndSku[], bound: Set<string>) {
  // A reader may return a record twice (a scan started over, offsets shifted by a change): count it once.
  const distinct = new Map<string, KeyAndSku>();
  for (const r of records) distinct.set(r.id, r);
  const bySku = new Map<string, string[]>();
  const withoutSku: Array<{ id: string }> = [];
  let alreadyBound = 0;
  for (const r of distinct.values()) {
    if (bound.has(r.id)) {
      alreadyBound++;
      continue;
    }
    const sku = normaliseSku(r.sku);
    if (sku === null) withoutSku.push({ id: r.id });
    else bySku.set(sku, [...(bySku.get(sku) ?? []), r.id]);
  }
  for (const ids of bySku.values()) ids.sort(byText);
  withoutSku.sort((a, b) => byText(a.id, b.id));
  return { read: distinct.size, alreadyBound, bySku, withoutSku };
}

/**
 * `boundSource` / `boundTarget`: ids already in a binding of this pair of connections and entity
 * (a binding holds its ids whatever its status, so they cannot be bound again).
 */
export function matchBySku(source: KeyAndSku[], target: KeyAndSku[], boundSource: Set<string>, boundTarget: Set<string>): SkuMatchReport {
  const s = group(source, boundSource);
  const t = group(target, boundTarget);
  const lists: SkuMatchReport['lists'] = { matched: [], ambiguous: [], unmatchedSource: [], unmatchedTarget: [], withoutSkuSource: s.withoutSku, withoutSkuTarget: t.withoutSku };
  const skus = [...new Set([...s.bySku.keys(), ...t.bySku.keys()])].sort(byText);
  for (const sku of skus) {
    const internalIds = s.bySku.get(sku) ?? [];
    const externalIds = t.bySku.get(sku) ?? [];
    if (internalIds.length > 1 || externalIds.length > 1) lists.ambiguous.push({ sku, internalIds, externalIds });
    else if (internalIds.length && externalIds.length) lists.matched.push({ internalId: internalIds[0], externalId: externalIds[0], sku });
    else if (internalIds.length) lists.unmatchedSource.push({ id: internalIds[0], sku });
    else lists.unmatchedTarget.push({ id: externalIds[0], sku });
  }
  return {
    counts: {
      matched: lists.matched.length,
      ambiguous: lists.ambiguous.length,
      source: { read: s.read, alreadyBound: s.alreadyBound, withoutSku: s.withoutSku.length, unmatched: lists.unmatchedSource.length },
      target: { read: t.read, alreadyBound: t.alreadyBound, withoutSku: t.withoutSku.length, unmatched: lists.unmatchedTarget.length },
    },
    lists,
  };
}
