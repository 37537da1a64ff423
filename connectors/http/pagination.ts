/**
 * Pagination helpers. A Ponte "page" (what crosses the Temporal boundary once per stage) is a
 * batch of records that may span several provider pages; these helpers read provider pages
 * until the batch is full or the source ends, and return the cursor to resume from.
 */
import type { ConnectionContext, ReadRequest } from '../types';
import { withInlineRetry } from './retry';

export interface ProviderPage<T, C> {
  items: T[];
  /** Cursor of the next provider page, or null when this was the last. */
  next: C | null;
}

export interface Batch<T, C> {
  items: T[];
  next: C | null;
}

/**
 * Reads provider pages until the batch is full. A throttled or failed page is retried in place
 * (a 429 on the fourth page must not throw away the three already read).
 */
export async function collectBatch<T, C>(start: C, batchSize: number, readPage: (cursor: C) => Promise<ProviderPage<T, C>>, signal?: AbortSignal): Promise<Batch<T, C>> {
  const items: T[] = [];
  let cursor: C | null = start;
  while (cursor !== null && items.length < batchSize) {
    const at: C = cursor;
    const page: ProviderPage<T, C> = await withInlineRetry(() => readPage(at), { signal });
    items.push(...page.items);
    cursor = page.next;
  }
  return { items, next: cursor };
}

/** `pagina`/`page` numbering where an empty page ends the list (Bling v3: no totals). */
export function nextPageNumberUntilEmpty(current: number, itemsOnPage: number): number | null {
  return itemsOnPage === 0 ? null : current + 1;
}

/** offset/limit with a `paging.total` (Mercado Livre, Tastypie `meta`). */
export function nextOffset(offset: number, limit: number, total: number, itemsOnPage: number): number | null {
  const next = offset + Math.max(itemsOnPage, 0);
  return itemsOnPage === 0 || next >= total ? null : next;
}

/** Link header cursors (Shopify, WooCommerce, Nuvemshop): the URL of rel="next", or null. */
export function linkHeaderNext(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/i);
    if (m) return m[1];
  }
  return null;
}

/** Django-Tastypie `meta` (Loja Integrada): the next offset, or null when `meta.next` is empty. */
export function nextTastypieOffset(meta: { next?: string | null; offset?: number; limit?: number; total_count?: number } | undefined, itemsOnPage: number): number | null {
  if (!meta || !meta.next || itemsOnPage === 0) return null;
  return (meta.offset ?? 0) + (meta.limit ?? itemsOnPage);
}

/** The time window of a windowed read and the provider page within it. */
export interface TimeWindowPage {
  /** ISO times: `since` (or now minus the lookback) and now, fixed on the first page. */
  from: string;
  to: string;
  page: number;
}

/**
 * A sync over an API that lists by a required time window and numbered pages (API Pix
 * `inicio`/`fim` + `paginacao`, Inter's `dataInicial`/`dataFinal`). The window is fixed on the
 * first page and travels in the cursor, so later pages read the same list. Settings:
 * `readLookbackDays` (a sync without `since`) and `pageSize` (at most the provider's).
 */
export async function readTimeWindow<R>(
  ctx: Pick<ConnectionContext, 'settings' | 'signal'>,
  req: ReadRequest,
  options: { defaultLookbackDays: number; maxPageSize: number; readPage: (window: TimeWindowPage, pageSize: number) => Promise<{ items: R[]; last: boolean }> },
): Promise<{ records: R[]; nextCursor: string | null }> {
  const lookback = Number(ctx.settings.readLookbackDays ?? options.defaultLookbackDays);
  const days = Number.isFinite(lookback) && lookback > 0 ? lookback : options.defaultLookbackDays;
  const pageSize = Math.min(options.maxPageSize, Math.max(1, Number(ctx.settings.pageSize ?? options.maxPageSize) || options.maxPageSize));
  const now = Date.now();
  const start: TimeWindowPage = req.cursor
    ? (JSON.parse(req.cursor) as TimeWindowPage)
    : { from: req.since ?? new Date(now - days * 86_400_000).toISOString(), to: new Date(now).toISOString(), page: 0 };
  const batch = await collectBatch<R, TimeWindowPage>(
    start,
    req.batchSize,
    async (w) => {
      const { items, last } = await options.readPage(w, pageSize);
      return { items, next: last ? null : { ...w, page: w.page + 1 } };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next ? JSON.stringify(batch.next) : null };
}
