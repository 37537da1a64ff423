import { describe, expect, it } from 'vitest';
import { matchBySku } from './sku-match';

const none = new Set<string>();

describe('matching by SKU', () => {
  it('pairs one-to-one SKUs and lists what has no twin', () => {
    const r = matchBySku(
      [{ id: '1', sku: 'A' }, { id: '2', sku: 'B' }, { id: '3', sku: 'C' }],
      [{ id: 'x', sku: 'B' }, { id: 'y', sku: 'A' }, { id: 'z', sku: 'D' }],
      none,
      none,
    );
    expect(r.lists.matched).toEqual([
      { internalId: '1', externalId: 'y', sku: 'A' },
      { internalId: '2', externalId: 'x', sku: 'B' },
    ]);
    expect(r.lists.unmatchedSource).toEqual([{ id: '3', sku: 'C' }]);
    expect(r.lists.unmatchedTarget).toEqual([{ id: 'z', sku: 'D' }]);
    expect(r.counts).toMatchObject({ matched: 2, ambiguous: 0, source: { read: 3, unmatched: 1 }, target: { read: 3, unmatched: 1 } });
  });

  it('never guesses between two records with one SKU, on either side', () => {
    const r = matchBySku(
      [{ id: '1', sku: 'A' }, { id: '2', sku: 'A' }, { id: '3', sku: 'B' }],
      [{ id: 'x', sku: 'A' }, { id: 'y', sku: 'B' }, { id: 'z', sku: 'B' }, { id: 'w', sku: 'E' }, { id: 'v', sku: 'E' }],
      none,
      none,
    );
    expect(r.lists.matched).toEqual([]);
    expect(r.lists.ambiguous).toEqual([
      { sku: 'A', internalIds: ['1', '2'], externalIds: ['x'] },
      { sku: 'B', internalIds: ['3'], externalIds: ['y', 'z'] },
      // Two listings with one SKU and no ERP record: still a duplicate a person must sort out.
      { sku: 'E', internalIds: [], externalIds: ['v', 'w'] },
    ]);
  });

  it('compares SKUs trimmed but case-sensitive, and sets aside records without one', () => {
    const r = matchBySku(
      [{ id: '1', sku: ' A-1 ' }, { id: '2', sku: 'b-2' }, { id: '3', sku: '   ' }, { id: '4' }],
      [{ id: 'x', sku: 'A-1' }, { id: 'y', sku: 'B-2' }, { id: 'z', sku: '' }],
      none,
      none,
    );
    expect(r.lists.matched).toEqual([{ internalId: '1', externalId: 'x', sku: 'A-1' }]);
    expect(r.lists.unmatchedSource).toEqual([{ id: '2', sku: 'b-2' }]);
    expect(r.lists.unmatchedTarget).toEqual([{ id: 'y', sku: 'B-2' }]);
    expect(r.lists.withoutSkuSource).toEqual([{ id: '3' }, { id: '4' }]);
    expect(r.lists.withoutSkuTarget).toEqual([{ id: 'z' }]);
  });

  it('leaves out records already bound, and counts a record read twice once', () => {
    const r = matchBySku(
      [{ id: '1', sku: 'A' }, { id: '2', sku: 'B' }, { id: '2', sku: 'B' }],
      [{ id: 'x', sku: 'A' }, { id: 'y', sku: 'B' }, { id: 'q', sku: 'A' }],
      new Set(['1']),
      new Set(['q']),
    );
    expect(r.lists.matched).toEqual([{ internalId: '2', externalId: 'y', sku: 'B' }]);
    expect(r.lists.unmatchedTarget).toEqual([{ id: 'x', sku: 'A' }]);
    expect(r.counts.source).toEqual({ read: 2, alreadyBound: 1, withoutSku: 0, unmatched: 0 });
    expect(r.counts.target).toEqual({ read: 3, alreadyBound: 1, withoutSku: 0, unmatched: 1 });
  });
});
