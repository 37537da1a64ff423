/**
 * The Tiny API v2 methods the simulator serves, with the validation the real ones apply.
 * A handler gets the form parameters and answers the body (always HTTP 200); `TinyFault`
 * thrown anywhere becomes Tiny's error envelope.
 */
import { CODES, fail, ok, parseTinyDate, type RegistroOutcome, type Retorno, TinyFault, tinyDateTime, written } from './envelope';
import {
  contactRow,
  ORDER_STATUS_NAMES,
  orderDetail,
  orderRow,
  productDetail,
  productRow,
  type SimOrder,
  type SimOrderItem,
  type SimProduct,
  stockView,
  type TinyStore,
} from './store';

export type Params = Record<string, string>;
export type MethodHandler = (params: Params, store: TinyStore) => { retorno: Retorno };

/** Tiny lists 100 records per page on every search. */
export const PAGE_SIZE = 100;
/** More records than this in one write batch is refused (código 22). */
const MAX_BATCH = 50;

function page<T>(rows: T[], params: Params, listKey: string, itemKey: string, view: (row: T) => unknown) {
  const pagina = params.pagina === undefined || params.pagina === '' ? 1 : Number(params.pagina);
  if (!Number.isInteger(pagina) || pagina < 1) throw new TinyFault(CODES.validation, 'O parâmetro pagina deve ser um número inteiro maior que zero');
  if (rows.length === 0) throw new TinyFault(CODES.noRecords, 'A consulta não retornou registros');
  const numero_paginas = Math.ceil(rows.length / PAGE_SIZE);
  if (pagina > numero_paginas) throw new TinyFault(CODES.pageDoesNotExist, 'A página que você está tentando obter não existe');
  const slice = rows.slice((pagina - 1) * PAGE_SIZE, pagina * PAGE_SIZE);
  return ok({ pagina, numero_paginas, [listKey]: slice.map((row) => ({ [itemKey]: view(row) })) });
}

function requireParam(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new TinyFault(CODES.missingParameter, `O parâmetro ${name} não foi informado`);
  return value;
}

function jsonParam<T>(params: Params, name: string): T {
  const raw = requireParam(params, name);
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new TinyFault(CODES.malformed, `JSON mal formado ou inválido no parâmetro ${name}`);
  }
}

function dateParam(params: Params, name: string): number | null {
  const value = params[name];
  if (value === undefined || value === '') return null;
  const ms = parseTinyDate(value);
  if (ms === null) throw new TinyFault(CODES.validation, `O parâmetro ${name} deve estar no formato dd/mm/aaaa (ou dd/mm/aaaa hh:mm:ss)`);
  return ms;
}

function decimal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

function byId<T>(map: Map<number, T>, params: Params, what: string): T {
  const found = map.get(Number(requireParam(params, 'id')));
  if (!found) throw new TinyFault(CODES.notFound, `${what} não localizado`);
  return found;
}

/** A write batch `{"<plural>": [{"<singular>": {…}}]}`, each entry with its `sequencia`. */
function batch(params: Params, param: string, plural: string, singular: string): Array<{ sequencia: number; body: Record<string, unknown> }> {
  const doc = jsonParam<Record<string, unknown>>(params, param);
  const list = doc[plural];
  if (!Array.isArray(list) || list.length === 0) throw new TinyFault(CODES.malformed, `O elemento ${plural} deve conter ao menos um ${singular}`);
  if (list.length > MAX_BATCH) throw new TinyFault(CODES.tooManyInBatch, `O lote tem mais registros que o permitido (${MAX_BATCH})`);
  return list.map((entry, i) => {
    const body = (entry as Record<string, unknown>)?.[singular] as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') throw new TinyFault(CODES.malformed, `O elemento ${plural}[${i}] não contém ${singular}`);
    const sequencia = Number(body.sequencia);
    if (!Number.isInteger(sequencia)) throw new TinyFault(CODES.validation, `O elemento sequencia é obrigatório (${plural}[${i}])`);
    return { sequencia, body };
  });
}

/** Runs each record of a batch alone: one refused record does not stop the others. */
function eachRecord(entries: Array<{ sequencia: number; body: Record<string, unknown> }>, write: (body: Record<string, unknown>) => { id: number; extra?: Record<string, unknown> }): RegistroOutcome[] {
  const seen = new Set<number>();
  return entries.map(({ sequencia, body }) => {
    if (seen.has(sequencia)) return { sequencia, error: { code: 9, messages: ['Números de sequência em duplicidade'] } };
    seen.add(sequencia);
    try {
      return { sequencia, ...write(body) };
    } catch (err) {
      if (err instanceof TinyFault) return { sequencia, error: { code: err.code, messages: [err.message] } };
      throw err;
    }
  });
}

// ---- products

/** The checks of Tiny's product layout; `problems` collects every refused field at once. */
function checkProductFields(body: Record<string, unknown>, problems: string[]): void {
  const nome = body.nome;
  if (typeof nome !== 'string' || nome.trim() === '') problems.push('O nome do produto deve ser informado');
  else if (nome.length > 120) problems.push('O nome do produto deve ter no máximo 120 caracteres');
  const unidade = body.unidade;
  if (typeof unidade !== 'string' || unidade.trim() === '') problems.push('A unidade do produto deve ser informada');
  else if (unidade.length > 3) problems.push('A unidade do produto deve ter no máximo 3 caracteres');
  const preco = decimal(body.preco);
  if (preco === null || preco < 0) problems.push('O preço de venda deve ser um número maior ou igual a zero (use ponto como separador decimal)');
  if (body.preco_promocional !== undefined && (decimal(body.preco_promocional) ?? -1) < 0) problems.push('O preço promocional deve ser um número maior ou igual a zero');
  if (!/^[0-8]$/.test(String(body.origem ?? ''))) problems.push('A origem do produto deve ser informada conforme a Tabela Origem (0 a 8)');
  if (body.situacao !== undefined && body.situacao !== 'A' && body.situacao !== 'I') problems.push('A situação do produto deve ser A ou I');
  if (body.codigo !== undefined && String(body.codigo).length > 30) problems.push('O código do produto deve ter no máximo 30 caracteres');
}

interface VariationInput {
  codigo: string;
  preco?: unknown;
  grade: Record<string, string>;
  estoque_atual?: unknown;
}

function variationsOf(body: Record<string, unknown>, problems: string[]): VariationInput[] {
  if (body.variacoes === undefined) return [];
  if (!Array.isArray(body.variacoes)) {
    problems.push('O elemento variacoes deve ser uma lista');
    return [];
  }
  return body.variacoes.map((entry, i) => {
    const v = ((entry as { variacao?: unknown }).variacao ?? entry) as Record<string, unknown>;
    if (typeof v.codigo !== 'string' || v.codigo === '') problems.push(`O código da variação ${i + 1} deve ser informado`);
    const grade = v.grade as Record<string, string> | undefined;
    if (!grade || typeof grade !== 'object' || Object.keys(grade).length === 0) problems.push(`A grade da variação ${i + 1} deve ser informada (ex.: {"Tamanho": "M"})`);
    return { codigo: String(v.codigo ?? ''), preco: v.preco, grade: grade ?? {}, estoque_atual: v.estoque_atual };
  });
}

function productFields(body: Record<string, unknown>, current?: SimProduct): Omit<SimProduct, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    codigo: String(body.codigo ?? current?.codigo ?? ''),
    nome: String(body.nome),
    unidade: String(body.unidade),
    preco: decimal(body.preco)!,
    preco_promocional: decimal(body.preco_promocional) ?? current?.preco_promocional ?? 0,
    preco_custo: decimal(body.preco_custo) ?? current?.preco_custo ?? 0,
    gtin: String(body.gtin ?? current?.gtin ?? ''),
    ncm: String(body.ncm ?? current?.ncm ?? ''),
    origem: String(body.origem),
    situacao: (body.situacao as 'A' | 'I') ?? current?.situacao ?? 'A',
    tipo: (body.tipo as 'P' | 'S') ?? current?.tipo ?? 'P',
    classe_produto: current?.classe_produto ?? 'S',
    tipoVariacao: current?.tipoVariacao ?? 'N',
    idProdutoPai: current?.idProdutoPai,
    grade: current?.grade,
    saldo: current?.saldo ?? 0,
  };
}

/** Creates or updates the variations of a parent; each is a product with its own code. */
function writeVariations(store: TinyStore, parent: SimProduct, variations: VariationInput[]): void {
  if (variations.length === 0) return;
  parent.tipoVariacao = 'P';
  parent.classe_produto = 'V';
  for (const v of variations) {
    const existing = store.productByCode(v.codigo);
    if (existing) {
      if (existing.idProdutoPai !== parent.id) throw new TinyFault(CODES.duplicate, `Já existe um produto cadastrado com o código ${v.codigo}`);
      existing.grade = v.grade;
      existing.preco = decimal(v.preco) ?? parent.preco;
      store.touchProduct(existing);
      continue;
    }
    const child = store.addProduct({
      ...parent,
      codigo: v.codigo,
      nome: `${parent.nome} - ${Object.values(v.grade).join(' ')}`,
      preco: decimal(v.preco) ?? parent.preco,
      tipoVariacao: 'V',
      classe_produto: 'V',
      idProdutoPai: parent.id,
      grade: v.grade,
      saldo: decimal(v.estoque_atual) ?? 0,
    });
    store.productChanges.set(child.id, child.updatedAt);
  }
}

function includeProduct(store: TinyStore, body: Record<string, unknown>): { id: number } {
  const problems: string[] = [];
  checkProductFields(body, problems);
  const variations = variationsOf(body, problems);
  if (problems.length) throw new TinyFault(CODES.validation, problems.join('; '));
  const codes = [String(body.codigo ?? ''), ...variations.map((v) => v.codigo)].filter(Boolean);
  if (new Set(codes).size !== codes.length) throw new TinyFault(CODES.validation, 'Há códigos repetidos entre o produto e suas variações');
  for (const codigo of codes) if (store.productByCode(codigo)) throw new TinyFault(CODES.duplicate, `Já existe um produto cadastrado com o código ${codigo}`);
  const product = store.addProduct(productFields(body));
  store.productChanges.set(product.id, product.updatedAt);
  writeVariations(store, product, variations);
  return { id: product.id };
}

function alterProduct(store: TinyStore, body: Record<string, unknown>): { id: number } {
  const product = body.id !== undefined ? store.products.get(Number(body.id)) : body.codigo ? store.productByCode(String(body.codigo)) : undefined;
  if (!product || product.situacao === 'E') throw new TinyFault(CODES.notFound, 'Produto não localizado');
  const problems: string[] = [];
  checkProductFields(body, problems);
  const variations = variationsOf(body, problems);
  if (problems.length) throw new TinyFault(CODES.validation, problems.join('; '));
  if (body.codigo !== undefined && String(body.codigo) !== product.codigo) {
    const other = store.productByCode(String(body.codigo));
    if (other && other.id !== product.id) throw new TinyFault(CODES.duplicate, `Já existe um produto cadastrado com o código ${String(body.codigo)}`);
  }
  Object.assign(product, productFields(body, product));
  store.touchProduct(product);
  writeVariations(store, product, variations);
  return { id: product.id };
}

function searchText(params: Params): string {
  return (params.pesquisa ?? '').trim().toLowerCase();
}

/** Changed records since `dataAlteracao`, oldest first; what is answered leaves the queue. */
function drainQueue(store: TinyStore, queue: Map<number, number>, params: Params, view: (p: SimProduct, changedAt: number) => unknown) {
  const since = dateParam(params, 'dataAlteracao');
  if (since === null) throw new TinyFault(CODES.missingParameter, 'O parâmetro dataAlteracao não foi informado');
  const rows = [...queue.entries()]
    .filter(([id, at]) => at >= since && store.products.has(id))
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const answer = page(rows, params, 'produtos', 'produto', ([id, at]) => view(store.products.get(id)!, at));
  const pagina = Number(params.pagina || 1);
  for (const [id] of rows.slice((pagina - 1) * PAGE_SIZE, pagina * PAGE_SIZE)) queue.delete(id);
  return answer;
}

// ---- orders

function orderItems(value: unknown, problems: string[]): SimOrderItem[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('O pedido deve conter ao menos um item');
    return [];
  }
  return value.map((entry, i) => {
    const item = ((entry as { item?: unknown }).item ?? entry) as Record<string, unknown>;
    const quantidade = decimal(item.quantidade);
    const valor = decimal(item.valor_unitario);
    if (!item.descricao && !item.codigo) problems.push(`O item ${i + 1} deve ter código ou descrição`);
    if (quantidade === null || quantidade <= 0) problems.push(`A quantidade do item ${i + 1} deve ser maior que zero`);
    if (valor === null || valor < 0) problems.push(`O valor unitário do item ${i + 1} deve ser um número maior ou igual a zero`);
    return { codigo: String(item.codigo ?? ''), descricao: String(item.descricao ?? item.codigo ?? ''), unidade: String(item.unidade ?? 'UN'), quantidade: quantidade ?? 0, valor_unitario: valor ?? 0 };
  });
}

const SEARCH_FILTERS = ['numero', 'cliente', 'cpf_cnpj', 'dataInicial', 'dataFinal', 'dataAtualizacao', 'situacao', 'numeroEcommerce', 'idVendedor', 'nomeVendedor', 'marcador'];

export const METHODS: Record<string, MethodHandler> = {
  'info.php': () => ok({ conta: { razao_social: 'Loja Simulada LTDA', cnpj: '12.345.678/0001-90', fantasia: 'Loja Simulada', email: 'contato@loja.example' } }),

  'produtos.pesquisa.php'(params, store) {
    const text = searchText(params);
    const situacao = params.situacao;
    if (situacao && !['A', 'I', 'E'].includes(situacao)) throw new TinyFault(CODES.validation, 'A situação deve ser A, I ou E');
    const rows = [...store.products.values()].filter(
      (p) => (situacao ? p.situacao === situacao : p.situacao !== 'E') && (!text || p.nome.toLowerCase().includes(text) || p.codigo.toLowerCase().includes(text)),
    );
    return page(rows, params, 'produtos', 'produto', productRow);
  },
  'produto.obter.php': (params, store) => ok({ produto: productDetail(byId(store.products, params, 'Produto'), store) }),
  'produto.obter.estoque.php': (params, store) => ok({ produto: stockView(byId(store.products, params, 'Produto')) }),
  'produto.incluir.php': (params, store) => written(eachRecord(batch(params, 'produto', 'produtos', 'produto'), (body) => includeProduct(store, body))),
  'produto.alterar.php': (params, store) => written(eachRecord(batch(params, 'produto', 'produtos', 'produto'), (body) => alterProduct(store, body))),

  'produto.atualizar.estoque.php'(params, store) {
    const { estoque } = jsonParam<{ estoque?: Record<string, unknown> }>(params, 'estoque');
    if (!estoque || typeof estoque !== 'object') throw new TinyFault(CODES.malformed, 'O elemento estoque deve ser informado');
    const product = store.products.get(Number(estoque.idProduto));
    if (!product) throw new TinyFault(CODES.notFound, 'Produto não localizado');
    const tipo = estoque.tipo ?? 'B';
    const quantidade = decimal(estoque.quantidade);
    if (!['B', 'E', 'S'].includes(String(tipo))) throw new TinyFault(CODES.validation, 'O tipo do lançamento deve ser B, E ou S');
    if (quantidade === null || quantidade < 0) throw new TinyFault(CODES.validation, 'A quantidade deve ser um número maior ou igual a zero (use ponto como separador decimal)');
    if (product.tipoVariacao === 'P') throw new TinyFault(CODES.validation, 'O estoque de um produto com variações é lançado nas variações');
    const saldo = tipo === 'B' ? quantidade : tipo === 'E' ? product.saldo + quantidade : product.saldo - quantidade;
    store.setStock(product, saldo);
    return written([{ sequencia: 1, id: product.id, extra: { saldoEstoque: saldo, registroCriado: true } }]);
  },

  'produto.atualizar.precos.php'(params, store) {
    const { precos } = jsonParam<{ precos?: Array<Record<string, unknown>> }>(params, 'data');
    if (!Array.isArray(precos) || precos.length === 0) throw new TinyFault(CODES.malformed, 'O elemento precos deve conter ao menos um preço');
    const outcomes = precos.map((price, i): RegistroOutcome => {
      const sequencia = i + 1;
      const product = store.products.get(Number(price.id));
      if (!product) return { sequencia, error: { code: CODES.notFound, messages: ['Produto não localizado'] } };
      const preco = price.preco === undefined ? product.preco : decimal(price.preco);
      const promo = price.preco_promocional === undefined ? product.preco_promocional : decimal(price.preco_promocional);
      if (preco === null || preco < 0 || promo === null || promo < 0) return { sequencia, error: { code: CODES.validation, messages: ['Os preços devem ser números maiores ou iguais a zero'] } };
      product.preco = preco;
      product.preco_promocional = promo;
      store.touchProduct(product);
      return { sequencia, id: product.id };
    });
    return written(outcomes);
  },

  'lista.atualizacoes.produtos': (params, store) => drainQueue(store, store.productChanges, params, (p, at) => ({ ...productRow(p), data_alteracao: tinyDateTime(at) })),
  'lista.atualizacoes.estoque': (params, store) =>
    drainQueue(store, store.stockChanges, params, (p, at) => {
      const { depositos, ...stock } = stockView(p);
      return { ...stock, tipo_variacao: p.tipoVariacao, localizacao: '', depositos, data_alteracao: tinyDateTime(at) };
    }),

  'pedidos.pesquisa.php'(params, store) {
    // Tiny: "Ao menos um desses parâmetros deve ser informado."
    if (!SEARCH_FILTERS.some((f) => params[f])) throw new TinyFault(CODES.missingParameter, 'Ao menos um parâmetro de pesquisa deve ser informado');
    const from = dateParam(params, 'dataInicial');
    const to = dateParam(params, 'dataFinal');
    const changedSince = dateParam(params, 'dataAtualizacao');
    if (params.situacao && !(params.situacao in ORDER_STATUS_NAMES)) throw new TinyFault(CODES.validation, `Situação inválida: ${params.situacao}`);
    const rows = [...store.orders.values()].filter(
      (o) =>
        (from === null || o.createdAt >= from) &&
        (to === null || o.createdAt < to + 86_400_000) &&
        (changedSince === null || o.updatedAt >= changedSince) &&
        (!params.situacao || o.situacao === params.situacao) &&
        (!params.numeroEcommerce || o.numero_ecommerce === params.numeroEcommerce) &&
        (!params.numero || String(o.numero) === params.numero),
    );
    if (params.sort === 'DESC') rows.reverse();
    return page(rows, params, 'pedidos', 'pedido', orderRow);
  },
  'pedido.obter.php': (params, store) => ok({ pedido: orderDetail(byId(store.orders, params, 'Pedido')) }),

  'pedido.incluir.php'(params, store) {
    const { pedido } = jsonParam<{ pedido?: Record<string, unknown> }>(params, 'pedido');
    if (!pedido || typeof pedido !== 'object') throw new TinyFault(CODES.malformed, 'O elemento pedido deve ser informado');
    const outcome = eachRecord([{ sequencia: 1, body: pedido }], (body) => {
      const problems: string[] = [];
      const cliente = body.cliente as Record<string, unknown> | undefined;
      if (!cliente || typeof cliente.nome !== 'string' || cliente.nome.trim() === '') problems.push('O nome do cliente deve ser informado');
      const itens = orderItems(body.itens, problems);
      const date = body.data_pedido === undefined ? store.now() : parseTinyDate(String(body.data_pedido));
      if (date === null) problems.push('A data do pedido deve estar no formato dd/mm/aaaa');
      if (problems.length) throw new TinyFault(CODES.validation, problems.join('; '));
      const order = store.addOrder({
        numero_ecommerce: body.numero_pedido_ecommerce ? String(body.numero_pedido_ecommerce) : null,
        createdAt: date!,
        cliente: cliente as SimOrder['cliente'],
        itens,
        situacao: 'aberto',
        codigo_rastreamento: '',
        url_rastreamento: '',
        despacho: {},
        obs: String(body.obs ?? ''),
      });
      return { id: order.id, extra: { numero: order.numero } };
    });
    return written(outcome, { single: true });
  },

  'pedido.alterar.situacao'(params, store) {
    const order = byId(store.orders, params, 'Pedido');
    const situacao = requireParam(params, 'situacao');
    if (!(situacao in ORDER_STATUS_NAMES)) throw new TinyFault(CODES.validation, `Situação inválida: ${situacao}`);
    order.situacao = situacao;
    store.touchOrder(order);
    return ok();
  },

  'pedido.cadastrar.codigorastreamento.php'(params, store) {
    const order = byId(store.orders, params, 'Pedido');
    if (params.formaEnvio && params.formaEnvio !== 'C' && params.formaEnvio !== 'T') throw new TinyFault(CODES.validation, "formaEnvio deve ser 'C' (Correios) ou 'T' (transportador)");
    if (params.codigoRastreamento !== undefined) order.codigo_rastreamento = params.codigoRastreamento;
    if (params.urlRastreamento !== undefined) order.url_rastreamento = params.urlRastreamento;
    for (const field of ['formaEnvio', 'transportadora', 'dataPrevista', 'volumes', 'observacoes']) if (params[field] !== undefined) order.despacho[field] = params[field];
    store.touchOrder(order);
    return ok();
  },

  'contatos.pesquisa.php'(params, store) {
    const text = searchText(params);
    const cpf = (params.cpf_cnpj ?? '').replace(/\D/g, '');
    const since = dateParam(params, 'dataMinimaAtualizacao');
    const situacao = params.situacao === 'Excluido' ? 'E' : params.situacao === 'Ativo' ? 'A' : null;
    const rows = [...store.contacts.values()].filter(
      (c) =>
        (!text || c.nome.toLowerCase().includes(text) || c.codigo.toLowerCase().includes(text)) &&
        (!cpf || c.cpf_cnpj.replace(/\D/g, '') === cpf) &&
        (since === null || c.updatedAt >= since) &&
        (situacao === null || c.situacao === situacao),
    );
    return page(rows, params, 'contatos', 'contato', contactRow);
  },
  'contato.obter.php': (params, store) => ok({ contato: contactRow(byId(store.contacts, params, 'Contato')) }),
  'contato.incluir.php': (params, store) => written(eachRecord(batch(params, 'contato', 'contatos', 'contato'), (body) => ({ id: store.addContact(contactFields(body)).id }))),
  'contato.alterar.php': (params, store) =>
    written(
      eachRecord(batch(params, 'contato', 'contatos', 'contato'), (body) => {
        const contact = store.contacts.get(Number(body.id));
        if (!contact) throw new TinyFault(CODES.notFound, 'Contato não localizado');
        Object.assign(contact, contactFields(body, contact));
        store.touchContact(contact);
        return { id: contact.id };
      }),
    ),
};

function contactFields(body: Record<string, unknown>, current?: ReturnType<TinyStore['contacts']['get']>) {
  const problems: string[] = [];
  const nome = String(body.nome ?? '').trim();
  if (!nome) problems.push('O nome do contato deve ser informado');
  const tipo = String(body.tipo_pessoa ?? current?.tipo_pessoa ?? 'F');
  if (!['F', 'J', 'E'].includes(tipo)) problems.push('O tipo de pessoa deve ser F, J ou E');
  const doc = String(body.cpf_cnpj ?? current?.cpf_cnpj ?? '').replace(/\D/g, '');
  if (doc && tipo === 'F' && doc.length !== 11) problems.push('O CPF deve ter 11 dígitos');
  if (doc && tipo === 'J' && doc.length !== 14) problems.push('O CNPJ deve ter 14 dígitos');
  if (problems.length) throw new TinyFault(CODES.validation, problems.join('; '));
  const text = (field: string) => String(body[field] ?? (current as Record<string, unknown> | undefined)?.[field] ?? '');
  return {
    codigo: text('codigo'),
    nome,
    fantasia: text('fantasia'),
    tipo_pessoa: tipo as 'F' | 'J' | 'E',
    cpf_cnpj: doc,
    email: text('email'),
    fone: text('fone'),
    endereco: text('endereco'),
    numero: text('numero'),
    bairro: text('bairro'),
    cep: text('cep'),
    cidade: text('cidade'),
    uf: text('uf'),
    situacao: (current?.situacao ?? 'A') as 'A' | 'E',
  };
}

/** The body of an error raised by a handler. */
export function faultBody(err: TinyFault): { retorno: Retorno } {
  return fail(err.code, err.message);
}
