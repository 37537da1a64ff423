/**
 * Products. Tiny lists every SKU as its own product: a product with variations is a parent
 * (`tipoVariacao` "P") and each variation a product of its own (`tipoVariacao` "V") with its
 * own id and `codigo`. So a read yields one record per sellable SKU plus the parents, and
 * `get` on a parent returns its `variacoes`.
 */
import { NotFound } from '../../http/errors';
import type { ConnectionContext, EntitySupport, ReadRequest, SyncRecord, WriteInput } from '../../types';
import { callTiny, toTinyDateTime, unlessNotFound, writtenId } from '../client';
import { findInSearch, readQueue, readSearch, type TinyListSpec, usesChangeQueue } from '../lists';

export interface TinyProductRow {
  id: number | string;
  codigo?: string;
  nome?: string;
  preco?: number | string;
  preco_promocional?: number | string;
  tipoVariacao?: string;
  situacao?: string;
  [field: string]: unknown;
}

export function productRecord(row: TinyProductRow): SyncRecord {
  return { key: String(row.id), sku: row.codigo || undefined, data: row };
}

/** `produtos.pesquisa` lists Active and Inactive products when `situacao` is not sent; `pesquisa` empty lists all. */
export const productSearch = (pesquisa = ''): TinyListSpec<TinyProductRow> => ({
  method: 'produtos.pesquisa.php',
  params: { pesquisa },
  listKey: 'produtos',
  itemKey: 'produto',
  toRecord: productRecord,
});

/**
 * Every product, or only those changed since `since` when the change queue is on.
 * `produtos.pesquisa` has no change-date filter (only `dataCriacao`), so without the queue an
 * incremental run reads everything and Ponte skips what did not change.
 */
export function readProducts(ctx: ConnectionContext, req: ReadRequest) {
  if (req.since && usesChangeQueue(ctx)) {
    return readQueue<TinyProductRow>(ctx, req, {
      method: 'lista.atualizacoes.produtos',
      params: { dataAlteracao: toTinyDateTime(req.since) },
      listKey: 'produtos',
      itemKey: 'produto',
      toRecord: productRecord,
    });
  }
  return readSearch(ctx, req, productSearch());
}

/** The id of the product (or variation) whose `codigo` is exactly `sku`. */
export function productIdBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  return findInSearch(ctx, productSearch(sku), (p) => p.codigo === sku);
}

/** The product a stock or price record belongs to, found by its SKU; NotFound fails only that record. */
export async function requireProductId(ctx: ConnectionContext, sku: string | undefined): Promise<string> {
  const id = sku ? await productIdBySku(ctx, sku) : null;
  if (!id) throw new NotFound(`Tiny has no product with code "${sku ?? '(no SKU)'}"; create the product first`);
  return id;
}

export function getProduct(ctx: ConnectionContext, id: string): Promise<SyncRecord | null> {
  return unlessNotFound(async () => productRecord((await callTiny(ctx, 'produto.obter.php', { id })).produto as TinyProductRow));
}

/**
 * `produto.incluir`/`produto.alterar` take a batch `{"produtos":[{"produto":{sequencia,…}}]}`.
 * We send one product per call, so one refused product never holds back others, and stamp
 * the SKU as `codigo`: that is what `productIdBySku` finds again.
 */
function productPayload(input: WriteInput, id?: string): string {
  const produto: Record<string, unknown> = { ...input.data, sequencia: 1 };
  if (input.sku) produto.codigo = input.sku;
  if (id) produto.id = id;
  else delete produto.id;
  // Variations are written with the product, each with its own code (its SKU).
  if (Array.isArray(produto.variacoes)) produto.variacoes = produto.variacoes.map((v: { variacao?: unknown }) => (v?.variacao ? v : { variacao: v }));
  return JSON.stringify({ produtos: [{ produto }] });
}

export const products: EntitySupport = {
  read: { read: readProducts },
  write: {
    async create(ctx, input) {
      const retorno = await callTiny(ctx, 'produto.incluir.php', { produto: productPayload(input) });
      return { externalId: writtenId(retorno, 'product') };
    },
    async update(ctx, externalId, input) {
      await callTiny(ctx, 'produto.alterar.php', { produto: productPayload(input, externalId) });
    },
    findBySku: productIdBySku,
  },
  get: getProduct,
};
