/**
 * Estoque. A record is one product's balance: `{produto:{id,codigo}, saldoFisicoTotal,
 * saldoVirtualTotal, depositos:[{id, saldoFisico, saldoVirtual}]}`, keyed by the product id.
 *
 * Reading walks `GET /produtos` and asks `GET /estoques/saldos?idsProdutos[]=` for each page,
 * 50 ids per call. Products with variations (formato V) are left out (their stock lives on the
 * variations, read as records of their own), and so are services. Bling has no "balances
 * changed since" filter: an incremental read still reads every balance (use the `stock.updated`
 * webhook for changes as they happen).
 *
 * Writing is `POST /estoques` with `operacao` B (balanço: the deposit's balance becomes
 * `quantidade`, the default and the only idempotent one), E (entrada: adds) or S (saída:
 * subtracts), in the record's `deposito.id`, else the connection's `depositoId`/`branch`, else the
 * account's default deposit.
 */
import { withInlineRetry } from '../http/retry';
import { ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord } from '../types';
import { BALANCE_IDS_PER_CALL, type BlingEnvelope, type BlingProductRow, chunk, depositFor, findProductBySku, idPath, numberField, readPages, requireProductBySku } from './client';

export interface BlingBalance {
  produto: { id: number; codigo?: string };
  saldoFisicoTotal: number;
  saldoVirtualTotal: number;
  depositos: Array<{ id: number; saldoFisico: number; saldoVirtual: number }>;
}

export function balanceRecord(b: BlingBalance, codigo?: string): SyncRecord {
  const sku = b.produto.codigo || codigo;
  return { key: String(b.produto.id), sku: sku || undefined, data: sku && !b.produto.codigo ? { ...b, produto: { ...b.produto, codigo: sku } } : { ...b } };
}

/** Balances of `ids`, 50 per call, each call retried in place on a 429. */
export async function balancesOf(ctx: ConnectionContext, ids: number[]): Promise<BlingBalance[]> {
  const out: BlingBalance[] = [];
  for (const part of chunk(ids, BALANCE_IDS_PER_CALL)) {
    const res = await withInlineRetry(
      () => ctx.http.send<BlingEnvelope<BlingBalance[]>>({ method: 'GET', path: '/estoques/saldos', query: { 'idsProdutos[]': part } }, ctx.signal),
      { signal: ctx.signal },
    );
    out.push(...(res.body?.data ?? []));
  }
  return out;
}

/** Products whose stock Bling keeps: goods (tipo P), not the parent of variations. */
const holdsStock = (p: BlingProductRow) => (p.tipo ?? 'P') === 'P' && p.formato !== 'V';

export type StockOperation = 'B' | 'E' | 'S';

/** The `POST /estoques` body for a record: `quantidade` (or `saldoFisicoTotal`), `operacao` B/E/S. */
export function movementBody(data: Record<string, unknown>, productId: number, depositId: number): Record<string, unknown> {
  const operacao = String(data.operacao ?? 'B').toUpperCase();
  if (!['B', 'E', 'S'].includes(operacao)) throw new ValidationError(`"operacao" must be B (balanço), E (entrada) or S (saída); got ${JSON.stringify(data.operacao)}`);
  const quantidade = numberField(data, 'quantidade', { min: 0, fallback: ['saldoFisicoTotal'] });
  if (operacao !== 'B' && quantidade === 0) throw new ValidationError(`An ${operacao === 'E' ? 'entrada' : 'saída'} needs a quantidade above zero`);
  const body: Record<string, unknown> = { produto: { id: productId }, deposito: { id: depositId }, operacao, quantidade };
  for (const f of ['preco', 'custo', 'observacoes']) if (data[f] !== undefined && data[f] !== null) body[f] = data[f];
  return body;
}

async function launch(ctx: ConnectionContext, productId: number, data: Record<string, unknown>): Promise<void> {
  const body = movementBody(data, productId, await depositFor(ctx, data));
  await ctx.http.send({ method: 'POST', path: '/estoques', json: body }, ctx.signal);
}

export const stock: EntitySupport = {
  read: {
    // A product's dataAlteracao does not move when its stock does: `since` cannot narrow this read.
    read: (ctx, req) =>
      readPages<BlingProductRow>(ctx, { ...req, since: null }, '/produtos', async (rows) => {
        const kept = rows.filter(holdsStock);
        const codes = new Map(kept.map((p) => [p.id, p.codigo]));
        const balances = await balancesOf(ctx, kept.map((p) => p.id));
        return balances.map((b) => balanceRecord(b, codes.get(b.produto.id)));
      }),
  },
  async get(ctx, id) {
    const [b] = await balancesOf(ctx, [Number(idPath(id))]);
    return b ? balanceRecord(b) : null;
  },
  write: {
    /** No stock record is ever "created": the product is found by SKU and its balance launched. */
    async create(ctx, input) {
      const product = await requireProductBySku(ctx, input.sku, 'stock');
      await launch(ctx, product.id, input.data);
      return { externalId: String(product.id) };
    },
    async update(ctx, externalId, input) {
      await launch(ctx, Number(idPath(externalId)), input.data);
    },
    async findBySku(ctx, sku) {
      const p = await findProductBySku(ctx, sku);
      return p ? String(p.id) : null;
    },
  },
};

/** One movement outside a flow (e.g. a sale reported by a channel): B sets, E adds, S subtracts. */
export async function launchStock(ctx: ConnectionContext, productId: number, movement: { operacao: StockOperation; quantidade: number; deposito?: { id: number }; observacoes?: string }): Promise<void> {
  await launch(ctx, productId, movement as unknown as Record<string, unknown>);
}
