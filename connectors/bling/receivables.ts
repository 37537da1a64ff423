/**
 * Contas a receber: settling ("baixa") an order's receivable when its charge is paid.
 * The receivables of a sale carry `origem: {id: <pedido>, tipoOrigem: "venda"}`; Bling lists them
 * by contact, so the order is read first for its contato. A sale whose accounts were never
 * launched gets them launched (`POST /pedidos/vendas/{id}/lancar-contas`), as Bling's own screen
 * does before a receipt. Idempotent by Bling's state: a receivable already received is `already`.
 */
import { ValidationError } from '../http/errors';
import type { ConnectionContext, ReceivablesSupport } from '../types';
import { type BlingEnvelope, getOne, idPath, PAGE_LIMIT } from './client';

interface BlingReceivableRow {
  id: number;
  situacao: number;
  valor: number;
  vencimento: string;
  origem?: { id?: number; tipoOrigem?: string };
}

const OPEN = [1, 3];
const RECEIVED = 2;

async function receivablesOfOrder(ctx: ConnectionContext, orderId: string, contactId: number): Promise<BlingReceivableRow[]> {
  const out: BlingReceivableRow[] = [];
  for (let pagina = 1; ; pagina++) {
    const res = await ctx.http.send<BlingEnvelope<BlingReceivableRow[]>>({ method: 'GET', path: '/contas/receber', query: { idContato: contactId, pagina, limite: PAGE_LIMIT } }, ctx.signal);
    const rows = res.body?.data ?? [];
    out.push(...rows.filter((r) => String(r.origem?.id) === orderId));
    if (rows.length < PAGE_LIMIT) return out;
  }
}

export const receivables: ReceivablesSupport = {
  async settle(ctx, req) {
    const order = await getOne<{ id: number; contato?: { id?: number } }>(ctx, `/pedidos/vendas/${idPath(req.orderId)}`);
    if (!order) throw new ValidationError(`Bling has no sale ${req.orderId} to settle`);
    const contactId = order.contato?.id;
    if (!contactId) throw new ValidationError(`Bling's sale ${req.orderId} has no contact, so its receivables cannot be found`);
    let rows = await receivablesOfOrder(ctx, req.orderId, contactId);
    if (!rows.length) {
      await ctx.http.send({ method: 'POST', path: `/pedidos/vendas/${req.orderId}/lancar-contas` }, ctx.signal);
      rows = await receivablesOfOrder(ctx, req.orderId, contactId);
    }
    const open = rows.filter((r) => OPEN.includes(r.situacao)).sort((a, b) => a.vencimento.localeCompare(b.vencimento));
    if (!open.length) {
      const received = rows.find((r) => r.situacao === RECEIVED);
      if (received) return { receivableId: String(received.id), outcome: 'already' };
      throw new ValidationError(`Bling's sale ${req.orderId} has no open receivable (situações: ${rows.map((r) => r.situacao).join(', ') || 'none'})`);
    }
    // The earliest open installment takes the payment.
    const target = open[0];
    // A partly received installment after an attempt that got no answer: that attempt may be the
    // receipt. Bling lists no receipts per payment to tell, so a person checks rather than Ponte paying twice.
    if (req.retry && target.situacao === 3)
      throw new ValidationError(`An earlier attempt to settle payment ${req.paymentId} got no answer and receivable ${target.id} is now partly received: check it in Bling, then mark this record resolved`);
    await ctx.http.send(
      {
        method: 'POST',
        path: `/contas/receber/${target.id}/baixar`,
        json: {
          data: req.paidAt.slice(0, 10),
          usarDataVencimento: false,
          valorRecebido: Number(req.amount),
          historico: req.note,
          ...(ctx.settings.portadorId ? { portador: { id: Number(ctx.settings.portadorId) } } : {}),
        },
      },
      ctx.signal,
    );
    return { receivableId: String(target.id), outcome: 'settled' };
  },
};
