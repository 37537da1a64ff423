/**
 * Stock per product (and per variation: each is a product in Tiny). Records are
 * `produto.obter.estoque` answers: `{id, codigo, nome, saldo, saldoReservado, depositos}`.
 *
 * Tiny has no bulk stock listing: a full read walks the product search and asks each
 * product's balance (one request per product, plus one per 100). Incremental reads use the
 * change queue `lista.atualizacoes.estoque` when the connection turns it on.
 */
import { collectBatch } from '../../http/pagination';
import { withInlineRetry } from '../../http/retry';
import { ValidationError } from '../../http/errors';
import type { ConnectionContext, EntitySupport, ReadRequest, ReadResult, SyncRecord, WriteInput } from '../../types';
import { callTiny, toTinyDateTime, unlessNotFound } from '../client';
import { readQueue, searchPage, usesChangeQueue } from '../lists';
import { productIdBySku, productSearch, requireProductId } from './products';

interface TinyStockRow {
  id: number | string;
  codigo?: string;
  saldo?: number | string;
  [field: string]: unknown;
}

function stockRecord(row: TinyStockRow): SyncRecord {
  return { key: String(row.id), sku: row.codigo || undefined, data: row };
}

async function stockOf(ctx: ConnectionContext, id: string): Promise<TinyStockRow> {
  const retorno = await callTiny(ctx, 'produto.obter.estoque.php', { id });
  return retorno.produto as TinyStockRow;
}

/** The balance of a listed product, or null when it was deleted since the list was read. */
function listedStock(ctx: ConnectionContext, id: string): Promise<SyncRecord | null> {
  return unlessNotFound(async () => stockRecord(await withInlineRetry(() => stockOf(ctx, id), { signal: ctx.signal })));
}

/** A page of products, then each one's balance; one throttled balance is retried alone. */
async function readAllStock(ctx: ConnectionContext, req: ReadRequest): Promise<ReadResult> {
  const start = req.cursor ? Number(req.cursor) : 1;
  const batch = await collectBatch<SyncRecord, number>(
    start,
    req.batchSize,
    async (pagina) => {
      const page = await searchPage(ctx, productSearch(), pagina);
      const records: SyncRecord[] = [];
      // Parents of variations hold no stock of their own in Tiny: their variations do.
      for (const product of page.rows.filter((p) => p.tipoVariacao !== 'P')) {
        const record = await listedStock(ctx, String(product.id));
        if (record) records.push(record);
      }
      return { items: records, next: page.next };
    },
    ctx.signal,
  );
  return { records: batch.items, nextCursor: batch.next === null ? null : String(batch.next) };
}

export function readStock(ctx: ConnectionContext, req: ReadRequest): Promise<ReadResult> {
  if (req.since && usesChangeQueue(ctx)) {
    return readQueue<TinyStockRow>(ctx, req, {
      method: 'lista.atualizacoes.estoque',
      params: { dataAlteracao: toTinyDateTime(req.since) },
      listKey: 'produtos',
      itemKey: 'produto',
      toRecord: stockRecord,
    });
  }
  return readAllStock(ctx, req);
}

/**
 * `produto.atualizar.estoque` with `tipo` "B" (balanço): the quantity becomes the balance.
 * Entries ("E") and exits ("S") add or subtract, so a retried request would count twice;
 * Ponte only writes balances.
 */
function stockPayload(productId: string, input: WriteInput): string {
  const data = input.data;
  if (data.tipo !== undefined && data.tipo !== 'B')
    throw new ValidationError(`Ponte writes Tiny stock as a balance (tipo "B"); tipo "${String(data.tipo)}" would count twice when a request is retried`);
  const quantidade = Number(data.quantidade ?? data.saldo);
  if (!Number.isFinite(quantidade)) throw new ValidationError('A stock record needs a numeric "quantidade" (or "saldo")');
  const estoque: Record<string, unknown> = { idProduto: productId, tipo: 'B', quantidade };
  for (const field of ['deposito', 'observacoes', 'precoUnitario'] as const) if (data[field] !== undefined) estoque[field] = data[field];
  return JSON.stringify({ estoque });
}

async function writeBalance(ctx: ConnectionContext, productId: string, input: WriteInput): Promise<void> {
  await callTiny(ctx, 'produto.atualizar.estoque.php', { estoque: stockPayload(productId, input) });
}

export const stock: EntitySupport = {
  read: { read: readStock },
  write: {
    // Stock is not created in Tiny: it belongs to a product, found by the record's SKU.
    async create(ctx, input) {
      const id = await requireProductId(ctx, input.sku);
      await writeBalance(ctx, id, input);
      return { externalId: id };
    },
    async update(ctx, externalId, input) {
      await writeBalance(ctx, externalId, input);
    },
    findBySku: productIdBySku,
  },
  get: (ctx, id) => unlessNotFound(async () => stockRecord(await stockOf(ctx, id))),
};
