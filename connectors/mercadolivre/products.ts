/**
 * Listings (`products`): read, written and fetched one by one.
 *
 * Reading: `GET /users/{id}/items/search` gives ids only, so every page is followed by multi-gets
 * of 20. Offset paging stops at 1,000 results; a bigger catalogue is read with
 * `search_type=scan` and `scroll_id`. There is no "changed since" filter, so an incremental read
 * walks the listings newest first (`orders=last_updated_desc`) and stops at the first one older
 * than `since`; if more than 1,000 changed, it finishes with a scan filtered by date.
 */
import { ConnectorError, NotFound } from '../http/errors';
import { nextOffset } from '../http/pagination';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext, EntitySupport, ReadRequest, ReadResult, SyncRecord, WriteInput } from '../types';
import { getItem, type MlItem, mergeVariations, multiGet, putItem, refuseIgnoredPrice, sellerId, skuOf, variationBody, type WantedVariation, withSkuAttribute } from './client';

/** Fields ML lets us change on an existing item through this writer; anything else in a PUT is refused. */
const UPDATABLE = ['title', 'price', 'available_quantity', 'status', 'condition'];
/** Item search pages: `limit` ≤ 100, and offset + limit ≤ 1,000. */
const SEARCH_LIMIT = 100;
const OFFSET_CAP = 1000;

type ProductCursor =
  /** Full read of a catalogue of at most 1,000 listings. */
  | { m: 'offset'; offset: number }
  /** Incremental read, newest first; `ties` are the ids read at `tieTime`, the oldest time so far. */
  | { m: 'recent'; offset: number; tieTime?: number; ties?: string[] }
  /**
   * Scan: `seen` ids consumed so far, `skip` ids still to drop (when a scan had to start over),
   * `from`/`to` the `last_updated` window of an incremental read that outgrew offset paging, and
   * `ties` the listings already read at time `to`.
   */
  | { m: 'scan'; scroll: string | null; seen: number; skip?: number; from?: string; to?: string; ties?: string[] };

interface SearchPage {
  results: string[];
  paging: { total: number; offset?: number; limit: number };
  scroll_id?: string;
}

interface Page {
  records: SyncRecord[];
  next: ProductCursor | null;
}

export function itemRecord(item: MlItem): SyncRecord {
  return { key: item.id, sku: skuOf(item), data: item };
}

function search(ctx: ConnectionContext, uid: number, query: Record<string, string | number | undefined>) {
  return withInlineRetry(() => ctx.http.send<SearchPage>({ method: 'GET', path: `/users/${uid}/items/search`, query }, ctx.signal), { signal: ctx.signal });
}

const time = (item: MlItem) => (item.last_updated ? Date.parse(item.last_updated) : NaN);

async function readPage(ctx: ConnectionContext, uid: number, cursor: ProductCursor, since: string | null): Promise<Page> {
  if (cursor.m === 'offset') {
    const res = await search(ctx, uid, { offset: cursor.offset, limit: SEARCH_LIMIT });
    const { results = [], paging } = res.body;
    // Offset paging cannot go past 1,000: read a bigger catalogue with a scan from the start.
    if (cursor.offset === 0 && paging.total > OFFSET_CAP) return { records: [], next: { m: 'scan', scroll: null, seen: 0 } };
    const records = (await multiGet(ctx, results)).map(itemRecord);
    const next = nextOffset(cursor.offset, SEARCH_LIMIT, paging.total, results.length);
    if (next === null) return { records, next: null };
    // The catalogue grew past 1,000 during the read: go on with a scan, dropping what was read.
    if (next + SEARCH_LIMIT > OFFSET_CAP) return { records, next: { m: 'scan', scroll: null, seen: 0, skip: next } };
    return { records, next: { m: 'offset', offset: next } };
  }

  if (cursor.m === 'recent') {
    const from = Date.parse(since!);
    const res = await search(ctx, uid, { orders: 'last_updated_desc', offset: cursor.offset, limit: SEARCH_LIMIT });
    const { results = [] } = res.body;
    const items = await multiGet(ctx, results);
    const fresh = items.filter((i) => !(time(i) < from));
    const records = fresh.map(itemRecord);
    // Sorted newest first: the first listing older than `since` ends the read.
    if (fresh.length < items.length || results.length < SEARCH_LIMIT) return { records, next: null };
    // The listings read at the oldest time so far (a run of equal times can span pages): should a
    // scan have to finish the read, it skips them.
    const oldest = Math.min(...items.map(time));
    const atOldest = items.filter((i) => time(i) === oldest).map((i) => i.id);
    const ties = cursor.tieTime === oldest ? [...(cursor.ties ?? []), ...atOldest] : atOldest;
    const next = cursor.offset + results.length;
    if (next + SEARCH_LIMIT <= OFFSET_CAP) return { records, next: { m: 'recent', offset: next, tieTime: oldest, ties } };
    // More than 1,000 changed: the rest comes from a scan, keeping those changed between `since`
    // and the oldest read so far (a listing changed after the read started is read next time).
    return { records, next: { m: 'scan', scroll: null, seen: 0, from: since!, to: new Date(oldest).toISOString(), ties } };
  }

  let res;
  try {
    res = await search(ctx, uid, { search_type: 'scan', limit: SEARCH_LIMIT, scroll_id: cursor.scroll ?? undefined });
  } catch (err) {
    // A scroll expires after a few idle minutes (a retried page, a paused run): start the scan
    // over and drop what was already read.
    if (cursor.scroll && err instanceof ConnectorError && (err.kind === 'ValidationError' || err.kind === 'NotFound'))
      return { records: [], next: { ...cursor, scroll: null, seen: 0, skip: cursor.seen + (cursor.skip ?? 0) } };
    throw err;
  }
  const { results = [], scroll_id } = res.body;
  if (results.length === 0) return { records: [], next: null };
  let skip = cursor.skip ?? 0;
  const drop = Math.min(skip, results.length);
  skip -= drop;
  let items = await multiGet(ctx, results.slice(drop));
  if (cursor.from) {
    const lo = Date.parse(cursor.from);
    const hi = cursor.to ? Date.parse(cursor.to) : Infinity;
    const seen = new Set(cursor.ties ?? []);
    items = items.filter((i) => time(i) >= lo && (time(i) < hi || (time(i) === hi && !seen.has(i.id))));
  }
  return { records: items.map(itemRecord), next: { ...cursor, scroll: scroll_id ?? null, seen: cursor.seen + results.length, skip: skip || undefined } };
}

export async function readProducts(ctx: ConnectionContext, req: ReadRequest): Promise<ReadResult> {
  const uid = await sellerId(ctx);
  let cursor: ProductCursor | null = req.cursor ? (JSON.parse(req.cursor) as ProductCursor) : req.since ? { m: 'recent', offset: 0 } : { m: 'offset', offset: 0 };
  const records: SyncRecord[] = [];
  while (cursor && records.length < req.batchSize) {
    const page: Page = await readPage(ctx, uid, cursor, req.since);
    records.push(...page.records);
    cursor = page.next;
  }
  return { records, nextCursor: cursor ? JSON.stringify(cursor) : null };
}

function wantedVariations(data: Record<string, unknown>): WantedVariation[] | null {
  return Array.isArray(data.variations) ? (data.variations as WantedVariation[]) : null;
}

export const products: EntitySupport = {
  read: { read: readProducts },
  async get(ctx, id) {
    try {
      return itemRecord(await withInlineRetry(() => getItem(ctx, id), { signal: ctx.signal }));
    } catch (err) {
      if (err instanceof NotFound) return null;
      throw err;
    }
  },
  write: {
    async create(ctx, input: WriteInput) {
      const body: Record<string, unknown> = { ...input.data };
      const attributes = withSkuAttribute(body.attributes, input.sku);
      if (attributes) body.attributes = attributes;
      const wanted = wantedVariations(body);
      if (wanted) body.variations = wanted.map((v) => variationBody(v, typeof body.price === 'number' ? body.price : undefined));
      const res = await ctx.http.send<{ id: string }>({ method: 'POST', path: '/items', json: body }, ctx.signal);
      return { externalId: res.body.id };
    },
    async update(ctx, externalId, input: WriteInput) {
      // A PUT carries only the fields ML accepts on an existing listing.
      const body: Record<string, unknown> = {};
      for (const f of UPDATABLE) if (input.data[f] !== undefined) body[f] = input.data[f];
      const wanted = wantedVariations(input.data);
      if (wanted) {
        // ML deletes the variations a PUT leaves out: start from the listing as it is now.
        const current = await getItem(ctx, externalId);
        const price = typeof body.price === 'number' ? body.price : undefined;
        delete body.price;
        delete body.available_quantity;
        body.variations = mergeVariations(current.variations ?? [], wanted, price);
      }
      const sentPrice = body.price !== undefined || (Array.isArray(body.variations) && body.variations.some((v) => v.price !== undefined));
      const { warnings } = await putItem(ctx, externalId, body);
      refuseIgnoredPrice(externalId, sentPrice, warnings);
    },
    async findBySku(ctx, sku) {
      const uid = await sellerId(ctx);
      const res = await ctx.http.send<{ results: string[] }>({ method: 'GET', path: `/users/${uid}/items/search`, query: { seller_sku: sku, limit: 2 } }, ctx.signal);
      return res.body.results?.[0] ?? null;
    },
  },
};
