/**
 * Customers (`/v1/cliente`). The e-mail is what identifies a customer to the seller and what LI
 * can search by (`cliente/search?cliente_email=`), so it is the record's SKU.
 *
 * LI's API creates customers (POST /v1/cliente) but, once created, only changes their group
 * (PUT /v1/cliente/{id}/grupo): an update carrying `grupo` sets it, any other change is refused
 * with a message rather than reported as done.
 */
import { ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { findFirst, getOrNull, readTastypieList, segment, toBrasiliaTime } from './client';

interface Customer {
  id: number;
  email?: string | null;
  [field: string]: unknown;
}

function toRecord(c: Customer): SyncRecord {
  return { key: String(c.id), sku: c.email || undefined, data: c };
}

async function findByEmail(ctx: ConnectionContext, email: string): Promise<string | null> {
  const found = await findFirst<Customer>(ctx, '/cliente/search', { cliente_email: email });
  return found ? String(found.id) : null;
}

export const customers: EntitySupport = {
  read: {
    read(ctx, req) {
      // `cliente/search` is the list that filters by modification time; the plain list is
      // cheaper to page through when reading everything.
      const incremental = req.since !== null;
      return readTastypieList<Customer>(
        ctx,
        req,
        incremental ? '/cliente/search' : '/cliente',
        incremental ? { since_atualizado: toBrasiliaTime(req.since!, 'T') } : {},
        (rows) => rows.map(toRecord),
      );
    },
  },
  write: {
    async create(ctx, input: WriteInput) {
      const body = { ...input.data, ...(input.sku ? { email: input.sku } : {}) };
      const res = await ctx.http.send<Customer>({ method: 'POST', path: '/cliente', json: body }, ctx.signal);
      return { externalId: String(res.body.id) };
    },
    async update(ctx, externalId, input: WriteInput) {
      const grupo = input.data.grupo;
      if (typeof grupo !== 'string' || !grupo) {
        throw new ValidationError("Loja Integrada's API cannot change a customer after it is created, only its group: map `grupo` to update it");
      }
      await ctx.http.send({ method: 'PUT', path: `/cliente/${segment(externalId)}/grupo`, json: { grupo } }, ctx.signal);
    },
    findBySku: findByEmail,
  },
  async get(ctx, id) {
    const c = await getOrNull<Customer>(ctx, `/cliente/${segment(id)}`);
    return c ? toRecord(c) : null;
  },
};
