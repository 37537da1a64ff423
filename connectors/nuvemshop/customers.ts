/**
 * Nuvemshop customers: list, one, create (`POST /customers`) and update (`PUT /customers/{id}`).
 * Customers carry no SKU, so there is no lookup by SKU; Nuvemshop refuses a second customer
 * with the same e-mail.
 */
import type { EntitySupport, SyncRecord } from '../types';
import { getOne, numericId, readCollection, sendJson } from './client';

interface NuvemshopCustomer {
  id: number;
  email: string | null;
  [field: string]: unknown;
}

const customerRecord = (c: NuvemshopCustomer): SyncRecord => ({ key: String(c.id), data: c });

export const customers: EntitySupport = {
  read: {
    read: (ctx, req) => readCollection<NuvemshopCustomer>(ctx, req, '/customers', {}, (rows) => rows.map(customerRecord)),
  },
  async get(ctx, id) {
    const c = await getOne<NuvemshopCustomer>(ctx, `/customers/${numericId(id, 'customer')}`);
    return c ? customerRecord(c) : null;
  },
  write: {
    async create(ctx, input) {
      const created = await sendJson<NuvemshopCustomer>(ctx, 'POST', '/customers', input.data);
      return { externalId: String(created.id) };
    },
    async update(ctx, externalId, input) {
      await sendJson(ctx, 'PUT', `/customers/${numericId(externalId, 'customer')}`, input.data);
    },
  },
};
