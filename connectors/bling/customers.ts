/**
 * Contatos (customers). Read from `GET /contatos` (`since` becomes `dataAlteracaoInicial`);
 * the SKU of a contact is its CPF/CNPJ, digits only, found with `GET /contatos?numeroDocumento=`.
 * Writes: `POST /contatos`, `PUT /contatos/{id}` (replaces the contact; Bling answers 204).
 * `tipo` (F pessoa física, J jurídica, E estrangeira) is required by Bling: when the record has
 * none it is taken from the document's length (14 digits: J, else F). Bling checks CPF/CNPJ
 * check digits.
 */
import type { EntitySupport, SyncRecord } from '../types';
import { type BlingEnvelope, digits, firstRow, getOne, idPath, omit, readPages } from './client';

export interface BlingContactRow {
  id: number;
  nome: string;
  numeroDocumento?: string;
  [field: string]: unknown;
}

export function contactRecord(c: BlingContactRow): SyncRecord {
  return { key: String(c.id), sku: digits(c.numeroDocumento) || undefined, data: c };
}

export function contactBody(data: Record<string, unknown>, sku: string | undefined): Record<string, unknown> {
  const body = omit(data, ['id', 'dataAlteracao']);
  const documento = digits(sku) || digits(body.numeroDocumento);
  if (documento) body.numeroDocumento = documento;
  body.tipo ??= documento.length === 14 ? 'J' : 'F';
  body.situacao ??= 'A';
  return body;
}

export const customers: EntitySupport = {
  read: {
    read: (ctx, req) => readPages<BlingContactRow>(ctx, req, '/contatos', (rows) => rows.map(contactRecord)),
  },
  async get(ctx, id) {
    const c = await getOne<BlingContactRow>(ctx, `/contatos/${idPath(id)}`);
    return c ? contactRecord(c) : null;
  },
  write: {
    async create(ctx, input) {
      const res = await ctx.http.send<BlingEnvelope<{ id: number }>>({ method: 'POST', path: '/contatos', json: contactBody(input.data, input.sku) }, ctx.signal);
      return { externalId: String(res.body.data!.id) };
    },
    async update(ctx, externalId, input) {
      await ctx.http.send({ method: 'PUT', path: `/contatos/${idPath(externalId)}`, json: contactBody(input.data, input.sku) }, ctx.signal);
    },
    async findBySku(ctx, sku) {
      const documento = digits(sku);
      if (!documento) return null;
      const c = await firstRow<BlingContactRow>(ctx, '/contatos', { numeroDocumento: documento }, (row) => digits(row.numeroDocumento) === documento);
      return c ? String(c.id) : null;
    },
  },
};
