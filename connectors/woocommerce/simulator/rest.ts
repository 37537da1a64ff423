/** Helpers the simulator's route handlers share: answers, bodies, collections and batches. */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';
import { dateFilter, onlyFields, paginate, sortRows, wpError } from './wp';

export const BASE = '/wp-json/wc/v3';
/** woocommerce_rest_batch_items_limit's default. */
const BATCH_LIMIT = 100;

export const json = (status: number, body: unknown, headers?: Record<string, string>): SimResponse => ({ status, body, headers });

export const bodyOf = (req: SimRequest): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

/** Saved objects carry a string status (or none); only an error answer has a numeric one. */
export const isError = (x: unknown): x is SimResponse => typeof (x as SimResponse).status === 'number';

/** `woocommerce_rest_<post type>_invalid_id`: 404 on reads, 400 on updates (update_item). */
export const invalidId = (postType: string, status = 404) => wpError(status, `woocommerce_rest_${postType}_invalid_id`, 'Invalid ID.');

export const numericParam = (req: SimRequest, name: string): number | null => (/^\d+$/.test(req.params[name] ?? '') ? Number(req.params[name]) : null);

/** The same handler for several methods (WordPress registers EDITABLE as POST, PUT and PATCH). */
export function forMethods(methods: readonly string[], path: string, handler: (req: SimRequest) => SimResponse) {
  return methods.map((method) => ({ method, path, handler }));
}

/** WC_REST_CRUD_Controller::get_items: date filters, order, pages and their headers. */
export function listResponse<T extends { id: number; created: number; modified: number; name?: string }>(
  req: SimRequest,
  siteUrl: string,
  rows: T[],
  orderby: readonly string[],
  render: (row: T) => Record<string, unknown>,
  defaults: { orderby?: string; order?: string } = {},
): SimResponse {
  const filter = dateFilter(req);
  if ('status' in filter) return filter;
  if (defaults.orderby && !req.query.has('orderby')) req.query.set('orderby', defaults.orderby);
  if (defaults.order && !req.query.has('order')) req.query.set('order', defaults.order);
  const sorted = sortRows(req, rows.filter((r) => filter.test(r.created, r.modified)), orderby);
  if (!Array.isArray(sorted)) return sorted;
  const page = paginate(req, sorted, siteUrl);
  if ('status' in page) return page;
  return json(200, page.rows.map((r) => onlyFields(req, render(r))), page.headers);
}

type ItemResult = Record<string, unknown> | SimResponse;

export interface BatchHandlers {
  create(body: Record<string, unknown>): ItemResult;
  update(id: number, body: Record<string, unknown>): ItemResult;
  remove(id: number): ItemResult;
}

/** WC_REST_Controller::batch_items: at most 100 items, each on its own, failures inline, HTTP 200. */
export function batchItems(req: SimRequest, handlers: BatchHandlers, stats: { batches: number; batchItems: number }): SimResponse {
  const body = bodyOf(req);
  const list = (k: string) => (Array.isArray(body[k]) ? (body[k] as unknown[]) : []);
  const creates = list('create') as Array<Record<string, unknown>>;
  const updates = list('update') as Array<Record<string, unknown>>;
  const deletes = list('delete').map(Number).filter((id) => id !== 0);
  if (creates.length + updates.length + deletes.length > BATCH_LIMIT)
    return wpError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
  stats.batches++;
  stats.batchItems += creates.length + updates.length + deletes.length;
  const settle = (id: number, r: ItemResult) => {
    if (!isError(r)) return r;
    const e = r.body as { code: string; message: string; data: unknown };
    return { id, error: { code: e.code, message: e.message, data: e.data } };
  };
  const out: Record<string, unknown[]> = {};
  if (creates.length) out.create = creates.map((b) => settle(0, b.id ? wpError(400, 'woocommerce_rest_product_exists', 'Cannot create existing product.') : handlers.create(b)));
  if (updates.length)
    out.update = updates.map(({ id, ...rest }) => {
      const n = Number(id);
      return settle(n, handlers.update(n, rest));
    });
  if (deletes.length) out.delete = deletes.map((id) => settle(id, handlers.remove(id)));
  return json(200, out);
}
