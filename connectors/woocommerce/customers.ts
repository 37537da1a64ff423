/**
 * Customers (WordPress users with the `customer` role). A customer's e-mail is its match key
 * (`sku`): WooCommerce refuses a second account with the same e-mail and can search by it.
 *
 * `GET /customers` has no date filter (it is a WP_User_Query: no `modified_after`), so an
 * incremental read goes through every customer and keeps those whose `date_modified_gmt` is
 * after `since`.
 */
import { ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { getOrNull, gmtTime, readPages, send, type WooObject } from './client';

export function customerRecord(c: WooObject): SyncRecord {
  return { key: String(c.id), sku: typeof c.email === 'string' && c.email ? c.email.toLowerCase() : undefined, data: c };
}

function bodyOf(input: WriteInput): Record<string, unknown> {
  const data = { ...input.data };
  // The SKU of a customer is its e-mail: stamped so findBySku finds the account again.
  if (!data.email && input.sku) data.email = input.sku;
  return data;
}

export const customers: EntitySupport = {
  read: {
    async read(ctx, req) {
      const since = req.since ? Date.parse(req.since) : null;
      return readPages<WooObject>(ctx, '/customers', {}, req.cursor, req.batchSize, (rows) =>
        // A customer without a readable date is kept: reading one too many beats missing one.
        rows.filter((c) => since === null || !(gmtTime(c.date_modified_gmt) <= since)).map(customerRecord),
      );
    },
  },
  async get(ctx, id) {
    const c = await getOrNull<WooObject>(ctx, `/customers/${encodeURIComponent(id)}`);
    return c ? customerRecord(c) : null;
  },
  write: {
    async create(ctx: ConnectionContext, input: WriteInput) {
      const body = bodyOf(input);
      if (!body.email) throw new ValidationError('A WooCommerce customer needs an e-mail (map "email", or give the record its e-mail as SKU)');
      const created = (await send<WooObject>(ctx, { method: 'POST', path: '/customers', json: body })).body;
      return { externalId: String(created.id) };
    },
    async update(ctx, externalId, input) {
      // WooCommerce refuses any `username` on update ("Username isn't editable"), even the same one.
      const { username: _fixed, ...body } = bodyOf(input);
      await send(ctx, { method: 'PUT', path: `/customers/${encodeURIComponent(externalId)}`, json: body });
    },
    async findBySku(ctx, email) {
      // role=all: an e-mail belongs to one WordPress user whatever its role.
      const res = await send<WooObject[]>(ctx, { method: 'GET', path: '/customers', query: { email, role: 'all' } });
      const found = (res.body ?? []).find((c) => String(c.email).toLowerCase() === email.toLowerCase());
      return found ? String(found.id) : null;
    },
  },
};
