/**
 * The simulated sales side: orders (with shipments and status), the status table and customers.
 *
 * Rules reproduced (spec tags Pedidos, Situações do pedido, Clientes):
 * - `pedido/search` pages hold at most 50 (a bigger limit is lowered), filter by
 *   `since_atualizado` etc. in Brasília time, and return summaries without items;
 * - an order is addressed by its `numero`; a tracking code goes on the shipment
 *   (PUT /v1/pedido_envio/{envio id}), whose ids are unrelated to order numbers;
 * - a status is set by `codigo` (PUT /v1/situacao/pedido/{numero}); unknown codes are refused;
 * - customers: e-mail unique, `cliente/search` ordered by most recent modification, only the
 *   group changes after creation.
 */
import type { SimRequest, SimResponse, SimRoute } from '../../simulator-kit/server';
import { badRequest, decimal, filterDate, invalidFields, liDate, listPage, notFound, numeric, utcDate } from './tastypie';

export interface SimOrderItem {
  sku: string;
  nome: string;
  quantidade: number;
  preco: number;
  produtoId: number | null;
}

export interface SimShipment {
  id: number;
  objeto: string | null;
  forma: string;
  valor: number;
  modified: number;
}

export interface SimOrder {
  numero: number;
  id: number;
  clienteId: number;
  situacaoId: number;
  idExterno: number | null;
  created: number;
  modified: number;
  itens: SimOrderItem[];
  envios: SimShipment[];
}

export interface SimCustomer {
  id: number;
  nome: string;
  email: string;
  tipo: 'PF' | 'PJ';
  cpf: string | null;
  cnpj: string | null;
  razao_social: string | null;
  telefone_celular: string | null;
  sexo: string | null;
  data_nascimento: string | null;
  grupo: string | null;
  created: number;
  modified: number;
}

/** LI's statuses (spec GET /v1/situacao and tag "Situações do pedido"): id, codigo, nome, flags. */
export const SITUACOES = [
  [9, 'pedido_efetuado', 'Pedido Efetuado', false, false, false, false],
  [2, 'aguardando_pagamento', 'Aguardando pagamento', false, false, false, true],
  [3, 'pagamento_em_analise', 'Pagamento em análise', false, false, false, true],
  [4, 'pedido_pago', 'Pedido Pago', true, false, false, true],
  [6, 'pagamento_em_disputa', 'Pagamento em disputa', true, false, false, false],
  [16, 'pedido_chargeback', 'Pedido em chargeback', true, false, true, false],
  [7, 'pagamento_devolvido', 'Pagamento devolvido', false, true, true, true],
  [8, 'pedido_cancelado', 'Pedido Cancelado', false, true, true, true],
  [1019, 'cancelamento_solicitado', 'Cancelamento solicitado', false, true, false, false],
  [1018, 'faturado', 'Faturado', true, false, false, false],
  [17, 'em_producao', 'Em produção', true, false, false, true],
  [15, 'pedido_em_separacao', 'Pedido em separação', true, false, false, true],
  [11, 'pedido_enviado', 'Pedido Enviado', true, false, true, true],
  [13, 'pronto_para_retirada', 'Pronto para retirada', true, false, true, true],
  [14, 'pedido_entregue', 'Pedido Entregue', true, false, true, true],
].map(([id, codigo, nome, aprovado, cancelado, final, notificar]) => ({
  id: id as number,
  codigo: codigo as string,
  nome: nome as string,
  aprovado: aprovado as boolean,
  cancelado: cancelado as boolean,
  final: final as boolean,
  notificar_comprador: notificar as boolean,
  padrao: codigo === 'pedido_efetuado',
  resource_uri: `/api/v1/situacao/${id}`,
}));

const situacaoById = new Map(SITUACOES.map((s) => [s.id, s]));
const situacaoByCode = new Map(SITUACOES.map((s) => [s.codigo, s]));

/** LI documents 50 as the most `pedido/search` returns per page. */
export const ORDER_PAGE_MAX = 50;
const FIRST_ORDER_ID = 102_000_000;
const FIRST_SHIPMENT_ID = 9_100_000;
const FIRST_CUSTOMER_ID = 31_000_000;

export interface SalesStats {
  statusChanges: number;
  trackingChanges: number;
  customerCreates: number;
}

export interface Sales {
  readonly orders: Map<number, SimOrder>;
  readonly customers: Map<number, SimCustomer>;
  readonly stats: SalesStats;
  addOrder(fields: { numero: number; clienteId: number; situacao: string; itens: SimOrderItem[]; at?: number }): SimOrder;
  addCustomer(fields: Omit<SimCustomer, 'id' | 'created' | 'modified'>, at?: number): SimCustomer;
  setStatus(order: SimOrder, codigo: string): void;
  routes(notify: (order: SimOrder, statusChanged: boolean) => void): SimRoute[];
  /** An order as the order webhook sends it: numbers, id and numero, `situacao_alterada`. */
  webhookPayload(order: SimOrder, statusChanged: boolean): Record<string, unknown>;
}

export function createSales(stats: SalesStats = { statusChanges: 0, trackingChanges: 0, customerCreates: 0 }): Sales {
  const orders = new Map<number, SimOrder>();
  const shipments = new Map<number, { order: SimOrder; shipment: SimShipment }>();
  const customers = new Map<number, SimCustomer>();
  const emails = new Map<string, number>();
  let nextShipmentId = FIRST_SHIPMENT_ID;
  let nextCustomerId = FIRST_CUSTOMER_ID;

  const addCustomer: Sales['addCustomer'] = (fields, at = Date.now()) => {
    const c: SimCustomer = { ...fields, id: nextCustomerId++, created: at, modified: at };
    customers.set(c.id, c);
    emails.set(c.email.toLowerCase(), c.id);
    return c;
  };

  const addOrder: Sales['addOrder'] = ({ numero, clienteId, situacao, itens, at = Date.now() }) => {
    const o: SimOrder = {
      numero,
      id: FIRST_ORDER_ID + numero,
      clienteId,
      situacaoId: situacaoByCode.get(situacao)!.id,
      idExterno: null,
      created: at,
      modified: at,
      itens,
      envios: [{ id: nextShipmentId++, objeto: null, forma: 'PAC', valor: 19.9, modified: at }],
    };
    orders.set(numero, o);
    for (const shipment of o.envios) shipments.set(shipment.id, { order: o, shipment });
    return o;
  };

  const setStatus = (o: SimOrder, codigo: string) => {
    o.situacaoId = situacaoByCode.get(codigo)!.id;
    o.modified = Date.now();
    stats.statusChanges++;
  };

  const totals = (o: SimOrder) => {
    const subtotal = o.itens.reduce((sum, i) => sum + i.preco * i.quantidade, 0);
    const envio = o.envios.reduce((sum, e) => sum + e.valor, 0);
    return { subtotal, envio, total: subtotal + envio };
  };

  const customerBrief = (c: SimCustomer | undefined) =>
    c && {
      id: c.id,
      nome: c.nome,
      email: c.email,
      cpf: c.cpf,
      cnpj: c.cnpj,
      razao_social: c.razao_social,
      data_nascimento: c.data_nascimento,
      sexo: c.sexo,
      telefone_celular: c.telefone_celular,
      telefone_principal: null,
      resource_uri: `/api/v1/cliente/${c.id}`,
    };

  const address = (c: SimCustomer | undefined) => ({
    id: (c?.id ?? 0) + 1,
    tipo: c?.tipo ?? 'PF',
    cpf: c?.cpf ?? null,
    cnpj: c?.cnpj ?? null,
    ie: 'isento',
    rg: null,
    nome: c?.nome ?? '',
    razao_social: c?.razao_social ?? null,
    endereco: 'Rua das Flores',
    numero: '100',
    complemento: null,
    referencia: null,
    bairro: 'Centro',
    cidade: 'São Paulo',
    estado: 'SP',
    cep: '01001000',
    pais: 'Brasil',
  });

  const summary = (o: SimOrder) => {
    const t = totals(o);
    return {
      numero: o.numero,
      cliente: `/api/v1/cliente/${o.clienteId}`,
      data_criacao: liDate(o.created),
      data_expiracao: liDate(o.created + 7 * 86_400_000),
      data_modificacao: liDate(o.modified),
      id_anymarket: null,
      id_externo: o.idExterno,
      peso_real: '0.450',
      resource_uri: `/api/v1/pedido/${o.numero}`,
      situacao: situacaoById.get(o.situacaoId),
      utm_campaign: null,
      valor_desconto: '0.00',
      valor_envio: decimal(t.envio),
      valor_subtotal: decimal(t.subtotal),
      valor_total: decimal(t.total),
    };
  };

  const detail = (o: SimOrder) => {
    const c = customers.get(o.clienteId);
    const t = totals(o);
    return {
      ...summary(o),
      cliente: customerBrief(c) ?? `/api/v1/cliente/${o.clienteId}`,
      cliente_obs: null,
      cupom_desconto: null,
      endereco_entrega: address(c),
      envios: o.envios.map((e) => ({
        id: e.id,
        objeto: e.objeto,
        prazo: 5,
        valor: decimal(e.valor),
        data_criacao: liDate(o.created),
        data_modificacao: liDate(e.modified),
        forma_envio: { code: e.forma, id: 7, nome: 'Correios', tipo: e.forma },
      })),
      itens: o.itens.map((i, n) => ({
        id: o.id * 10 + n,
        linha: n + 1,
        sku: i.sku,
        nome: i.nome,
        quantidade: decimal(i.quantidade),
        preco_cheio: decimal(i.preco),
        preco_custo: null,
        preco_promocional: null,
        preco_venda: decimal(i.preco),
        preco_subtotal: decimal(i.preco * i.quantidade),
        tipo: 'normal',
        produto: i.produtoId === null ? null : { resource_uri: `/api/v1/produto/${i.produtoId}`, id_externo: null },
        produto_pai: null,
        pedido: `/api/v1/pedido/${o.numero}`,
      })),
      pagamentos: [
        {
          id: o.id + 1,
          forma_pagamento: { codigo: 'pix', id: 31, nome: 'Pix', resource_uri: '/api/v1/pagamento/31' },
          pagamento_tipo: 'pix',
          valor: decimal(t.total),
          valor_pago: decimal(t.total),
          transacao_id: `TX${o.id}`,
        },
      ],
    };
  };

  const webhookPayload: Sales['webhookPayload'] = (o, statusChanged) => {
    const c = customers.get(o.clienteId);
    const t = totals(o);
    return {
      tipo: 'pedido_venda',
      id: o.id,
      numero: o.numero,
      id_externo: o.idExterno,
      valor_subtotal: t.subtotal,
      valor_envio: t.envio,
      valor_total: t.total,
      data_criacao: utcDate(o.created),
      data_modificacao: utcDate(o.modified),
      cliente: customerBrief(c),
      endereco_entrega: address(c),
      envios: o.envios.map((e) => ({ id: e.id, objeto: e.objeto, forma_envio: { id: 7, codigo: `CORREIOS - ${e.forma}`, nome: 'Envio Externo', tipo: e.forma } })),
      itens: o.itens.map((i, n) => ({ linha: n + 1, produto_id: i.produtoId, sku: i.sku, nome: i.nome, quantidade: i.quantidade, preco_venda: i.preco })),
      situacao: { ...situacaoById.get(o.situacaoId), situacao_alterada: statusChanged },
    };
  };

  const customerFull = (c: SimCustomer) => ({
    ...customerBrief(c),
    tipo: c.tipo,
    ie: null,
    rg: null,
    grupo: c.grupo,
    enderecos: [address(c)],
    data_criacao: liDate(c.created),
    data_modificacao: liDate(c.modified),
  });

  const dates = (req: SimRequest, names: string[]): Record<string, number | null> | SimResponse => {
    const out: Record<string, number | null> = {};
    for (const n of names) {
      const v = filterDate(req.query.get(n));
      if (v === undefined) return badRequest(`Data inválida em ${n}. Use o formato AAAA-MM-DDTHH:MM:SS.`);
      out[n] = v;
    }
    return out;
  };

  const bodyOf = (req: SimRequest): Record<string, unknown> =>
    req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

  const routes: Sales['routes'] = (notify) => [
    { method: 'GET', path: '/situacao', handler: (req) => listPage(req, 'situacao', SITUACOES, (s) => s) },
    {
      // Before /pedido/:numero, which would otherwise take "search" for a number.
      method: 'GET',
      path: '/pedido/search',
      handler(req) {
        const d = dates(req, ['since_atualizado', 'since_criado', 'until_criado']);
        if ('status' in d) return d as SimResponse;
        const sinceNumero = numeric(req.query.get('since_numero') ?? undefined);
        const situacaoId = numeric(req.query.get('situacao_id') ?? undefined);
        const clienteId = numeric(req.query.get('cliente_id') ?? undefined);
        const rows = [...orders.values()].filter(
          (o) =>
            (d.since_atualizado === null || o.modified >= d.since_atualizado) &&
            (d.since_criado === null || o.created >= d.since_criado) &&
            (d.until_criado === null || o.created < d.until_criado) &&
            (sinceNumero === undefined || o.numero >= sinceNumero) &&
            (situacaoId === undefined || o.situacaoId === situacaoId) &&
            (clienteId === undefined || o.clienteId === clienteId),
        );
        return listPage(req, 'pedido/search', rows, summary, ORDER_PAGE_MAX);
      },
    },
    {
      method: 'GET',
      path: '/pedido/:numero',
      handler: (req) => {
        const o = orders.get(Number(req.params.numero));
        return o ? { status: 200, body: detail(o) } : notFound;
      },
    },
    {
      method: 'PUT',
      path: '/pedido/:numero',
      handler(req) {
        const o = orders.get(Number(req.params.numero));
        if (!o) return notFound;
        const v = bodyOf(req).id_externo;
        if (!Number.isInteger(v)) return invalidFields('pedido', { id_externo: 'Informe um número inteiro.' });
        o.idExterno = v as number;
        o.modified = Date.now();
        return { status: 200, body: detail(o) };
      },
    },
    {
      method: 'PUT',
      path: '/situacao/pedido/:numero',
      handler(req) {
        const o = orders.get(Number(req.params.numero));
        if (!o) return notFound;
        const codigo = bodyOf(req).codigo;
        if (typeof codigo !== 'string' || !situacaoByCode.has(codigo)) return badRequest(`Situação "${String(codigo)}" não existe.`);
        setStatus(o, codigo);
        notify(o, true);
        return { status: 200, body: situacaoById.get(o.situacaoId) };
      },
    },
    {
      method: 'PUT',
      path: '/pedido_envio/:id',
      handler(req) {
        const found = shipments.get(Number(req.params.id));
        if (!found) return notFound;
        const objeto = bodyOf(req).objeto;
        if (typeof objeto !== 'string' || !objeto.trim()) return invalidFields('pedido_envio', { objeto: 'Este campo é obrigatório.' });
        found.shipment.objeto = objeto.trim();
        found.shipment.modified = found.order.modified = Date.now();
        stats.trackingChanges++;
        notify(found.order, false);
        return { status: 200, body: { id: found.shipment.id, objeto: found.shipment.objeto, pedido: `/api/v1/pedido/${found.order.numero}` } };
      },
    },
    { method: 'GET', path: '/cliente', handler: (req) => listPage(req, 'cliente', [...customers.values()], customerFull) },
    {
      method: 'GET',
      path: '/cliente/search',
      handler(req) {
        const d = dates(req, ['since_atualizado', 'until_atualizado', 'since_criado', 'until_criado']);
        if ('status' in d) return d as SimResponse;
        const email = req.query.get('cliente_email')?.toLowerCase();
        const rows = [...customers.values()]
          .filter(
            (c) =>
              (email === undefined || c.email.toLowerCase() === email) &&
              (d.since_atualizado === null || c.modified >= d.since_atualizado) &&
              (d.until_atualizado === null || c.modified < d.until_atualizado) &&
              (d.since_criado === null || c.created >= d.since_criado) &&
              (d.until_criado === null || c.created < d.until_criado),
          )
          // "ordenado por ordem de modificação mais recente" (spec GET /v1/cliente/search).
          .sort((a, b) => b.modified - a.modified || b.id - a.id);
        return listPage(req, 'cliente/search', rows, customerFull);
      },
    },
    {
      method: 'GET',
      path: '/cliente/:id',
      handler: (req) => {
        const c = customers.get(Number(req.params.id));
        return c ? { status: 200, body: customerFull(c) } : notFound;
      },
    },
    {
      method: 'POST',
      path: '/cliente',
      handler(req) {
        const b = bodyOf(req);
        const text = (f: string) => (typeof b[f] === 'string' && (b[f] as string).trim() ? (b[f] as string).trim() : null);
        const errors: Record<string, string> = {};
        const email = text('email');
        const nome = text('nome');
        const tipo = (b.tipo ?? 'PF') as 'PF' | 'PJ';
        if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.email = 'Informe um e-mail válido.';
        else if (emails.has(email.toLowerCase())) errors.email = 'Já existe um cliente com este e-mail.';
        if (!nome) errors.nome = 'Este campo é obrigatório.';
        if (tipo !== 'PF' && tipo !== 'PJ') errors.tipo = 'Escolha entre PF e PJ.';
        if (Object.keys(errors).length) return invalidFields('cliente', errors);
        const c = addCustomer({
          nome: nome!,
          email: email!,
          tipo,
          cpf: text('cpf'),
          cnpj: text('cnpj'),
          razao_social: text('razao_social'),
          telefone_celular: text('telefone_celular'),
          sexo: text('sexo'),
          data_nascimento: text('data_nascimento'),
          grupo: text('grupo'),
        });
        stats.customerCreates++;
        return { status: 201, body: customerFull(c) };
      },
    },
    {
      method: 'PUT',
      path: '/cliente/:id/grupo',
      handler(req) {
        const c = customers.get(Number(req.params.id));
        if (!c) return notFound;
        const grupo = bodyOf(req).grupo;
        if (typeof grupo !== 'string' || !grupo.trim()) return invalidFields('cliente', { grupo: 'Este campo é obrigatório.' });
        c.grupo = grupo.trim();
        c.modified = Date.now();
        return { status: 200, body: customerFull(c) };
      },
    },
  ];

  return { orders, customers, stats, addOrder, addCustomer, setStatus, routes, webhookPayload };
}
