/**
 * Shopify pages with opaque cursors (`first`/`after`, `pageInfo { hasNextPage endCursor }`).
 * A Ponte batch spans several Shopify pages (collectBatch); the batch cursor is Shopify's
 * endCursor. Nested lists (a product's variants, an order's line items) come one page at a time
 * too, so a record with more than the first page is completed before it leaves the reader.
 */
import { collectBatch } from '../http/pagination';
import type { ConnectionContext, ReadRequest, ReadResult, SyncRecord } from '../types';
import type { Connection } from './client';

/** Stands for "from the beginning" inside collectBatch, whose cursor must not be null. */
const FROM_START = '';

export async function readConnectionBatch<N>(ctx: ConnectionContext, req: ReadRequest, readPage: (after: string | null) => Promise<Connection<N>>, toRecord: (node: N) => SyncRecord): Promise<ReadResult> {
  const batch = await collectBatch<N, string>(
    req.cursor ?? FROM_START,
    req.batchSize,
    async (cursor) => {
      const page = await readPage(cursor === FROM_START ? null : cursor);
      return { items: page.nodes, next: page.pageInfo.hasNextPage && page.pageInfo.endCursor ? page.pageInfo.endCursor : null };
    },
    ctx.signal,
  );
  return { records: batch.items.map(toRecord), nextCursor: batch.next };
}

/** Every node of a nested connection: the first page as it came, then the rest (one page at a time). */
export async function completeConnection<N>(first: Connection<N>, readMore: (after: string) => Promise<Connection<N> | null>): Promise<N[]> {
  const nodes = [...first.nodes];
  let info = first.pageInfo;
  while (info?.hasNextPage && info.endCursor) {
    const next = await readMore(info.endCursor);
    if (!next) break;
    nodes.push(...next.nodes);
    info = next.pageInfo;
  }
  return nodes;
}
