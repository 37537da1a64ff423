/**
 * Bling's contas a receber, as far as a payment's "baixa" needs them (developer.bling.com.br,
 * Contas a Receber): an order's parcelas become receivables when its accounts are launched
 * (`POST /pedidos/vendas/{id}/lancar-contas`); `GET /contas/receber` pages them with
 * `situacoes[]` (1 em aberto, 2 recebido, 3 parcialmente recebido, 4 devolvido, 5 cancelado) and
 * `idContato`; `POST /contas/receber/{id}/baixar` records a receipt (`data`, `valorRecebido`, …).
 */
import type { SimRequest, SimResponse } from '../../simulator-kit/server';
import { type BlingOrder, blingError, isObject, notFound, Problems, round2, str } from './model';

export interface BlingReceivable {
  id: number;
  situacao: 1 | 2 | 3 | 4 | 5;
  vencimento: string;
  valor: number;
  /** What is still open. */
  saldo: number;
  contato: { id: number };
  formaPagamento: { id: number };
  origem: { id: number; tipoOrigem: 'venda'; numero: string };
}

export interface BlingReceipt {
  receivableId: number;
  data: string;
  valorRecebido: number;
  historico: string;
}

const FIRST_RECEIVABLE_ID = 17_000_000_001;

export function receivablesOf(orders: Map<number, BlingOrder>, wrote: (route: string) => void) {
  const receivables = new Map<number, BlingReceivable>();
  /** Every baixa accepted, in order: what a test counts to prove a payment was settled once. */
  const receipts: BlingReceipt[] = [];
  let nextId = FIRST_RECEIVABLE_ID;

  /** "Lançar contas": one receivable per parcela, once per order. */
  const launch = (order: BlingOrder): BlingReceivable[] => {
    const existing = [...receivables.values()].filter((r) => r.origem.id === order.id);
    if (existing.length) return existing;
    return order.parcelas.map((p) => {
      const r: BlingReceivable = {
        id: nextId++,
        situacao: 1,
        vencimento: p.dataVencimento,
        valor: p.valor,
        saldo: p.valor,
        contato: { id: order.contato.id },
        formaPagamento: { id: p.formaPagamento.id },
        origem: { id: order.id, tipoOrigem: 'venda', numero: String(order.numero) },
      };
      receivables.set(r.id, r);
      return r;
    });
  };

  const view = (r: BlingReceivable) => ({ id: r.id, situacao: r.situacao, vencimento: r.vencimento, valor: r.valor, contato: r.contato, formaPagamento: r.formaPagamento, origem: r.origem });

  const routes = [
    {
      method: 'POST',
      path: '/Api/v3/pedidos/vendas/:id/lancar-contas',
      handler(req: SimRequest): SimResponse {
        const order = orders.get(Number(req.params.id));
        if (!order) return notFound('Pedido de venda');
        wrote('POST /pedidos/vendas/lancar-contas');
        launch(order);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/contas/receber',
      handler(req: SimRequest): SimResponse {
        const pagina = Number(req.query.get('pagina') ?? 1);
        const limite = Math.min(Number(req.query.get('limite') ?? 100), 100);
        const situacoes = req.query.getAll('situacoes[]').map(Number);
        const idContato = req.query.get('idContato');
        const keep = [...receivables.values()].filter((r) => (!situacoes.length || situacoes.includes(r.situacao)) && (!idContato || r.contato.id === Number(idContato)));
        return { status: 200, body: { data: keep.slice((pagina - 1) * limite, pagina * limite).map(view) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/contas/receber/:id',
      handler(req: SimRequest): SimResponse {
        const r = receivables.get(Number(req.params.id));
        return r ? { status: 200, body: { data: { ...view(r), saldo: r.saldo } } } : notFound('Conta a receber');
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/contas/receber/:id/baixar',
      handler(req: SimRequest): SimResponse {
        const r = receivables.get(Number(req.params.id));
        if (!r) return notFound('Conta a receber');
        if (!isObject(req.body)) return blingError(400, 'INVALID_REQUEST_BODY', 'O corpo da requisição não é um JSON válido');
        const problems = new Problems('CONTAS_RECEBER');
        const data = str(req.body.data);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(data)) problems.add('data', 'A data do recebimento deve ser informada no formato AAAA-MM-DD');
        const valor = Number(req.body.valorRecebido);
        if (!(valor > 0)) problems.add('valorRecebido', 'O valor recebido deve ser maior que zero');
        if (r.situacao === 2 || r.situacao === 5) problems.add('situacao', `A conta não está em aberto (situação ${r.situacao})`);
        else if (valor > r.saldo + 0.001) problems.add('valorRecebido', `O valor recebido (${valor}) é maior que o saldo da conta (${r.saldo})`);
        const refused = problems.answer('Não foi possível baixar a conta', 'A baixa não pode ser salva, pois há problemas na sua validação.');
        if (refused) return refused;
        r.saldo = round2(r.saldo - valor);
        r.situacao = r.saldo <= 0 ? 2 : 3;
        receipts.push({ receivableId: r.id, data, valorRecebido: valor, historico: str(req.body.historico) });
        wrote('POST /contas/receber/baixar');
        return { status: 200, body: { data: { id: r.id } } };
      },
    },
  ];

  return { routes, receivables, receipts, launch };
}
