/**
 * Customers: Tiny's contacts (cadastros: clientes, fornecedores…). The SKU of a contact is its
 * `codigo`, stamped on every write so `contatos.pesquisa` finds it again.
 */
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../../types';
import { callTiny, toTinyDateTime, unlessNotFound, writtenId } from '../client';
import { findInSearch, readSearch, type TinyListSpec } from '../lists';

interface TinyContactRow {
  id: number | string;
  codigo?: string;
  [field: string]: unknown;
}

function contactRecord(row: TinyContactRow): SyncRecord {
  return { key: String(row.id), sku: row.codigo || undefined, data: row };
}

/** `dataMinimaAtualizacao` makes the contact search incremental. */
function contactSearch(pesquisa: string, since: string | null): TinyListSpec<TinyContactRow> {
  return {
    method: 'contatos.pesquisa.php',
    params: { pesquisa, dataMinimaAtualizacao: since ? toTinyDateTime(since) : undefined },
    listKey: 'contatos',
    itemKey: 'contato',
    toRecord: contactRecord,
  };
}

function contactIdByCode(ctx: ConnectionContext, codigo: string): Promise<string | null> {
  return findInSearch(ctx, contactSearch(codigo, null), (c) => c.codigo === codigo);
}

/** `contato.incluir`/`contato.alterar` take `{"contatos":[{"contato":{sequencia,…}}]}`, one contact per call. */
function contactPayload(input: WriteInput, id?: string): string {
  const contato: Record<string, unknown> = { ...input.data, sequencia: 1 };
  if (input.sku) contato.codigo = input.sku;
  if (id) contato.id = id;
  else delete contato.id;
  return JSON.stringify({ contatos: [{ contato }] });
}

export const customers: EntitySupport = {
  read: { read: (ctx, req) => readSearch(ctx, req, contactSearch('', req.since)) },
  write: {
    async create(ctx, input) {
      const retorno = await callTiny(ctx, 'contato.incluir.php', { contato: contactPayload(input) });
      return { externalId: writtenId(retorno, 'contact') };
    },
    async update(ctx, externalId, input) {
      await callTiny(ctx, 'contato.alterar.php', { contato: contactPayload(input, externalId) });
    },
    findBySku: contactIdByCode,
  },
  get: (ctx, id) => unlessNotFound(async () => contactRecord((await callTiny(ctx, 'contato.obter.php', { id })).contato as TinyContactRow)),
};
