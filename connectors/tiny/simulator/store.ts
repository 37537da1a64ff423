/**
 * The simulated Tiny account: products (variations are products of their own), orders,
 * contacts, and the two change queues the "API para estoque em tempo real" extension keeps.
 * Records are flat objects in Maps: 5,000 products cost a few MB.
 */
import { tinyDate, tinyDateTime } from './envelope';

export interface SimProduct {
  id: number;
  codigo: string;
  nome: string;
  unidade: string;
  preco: number;
  preco_promocional: number;
  preco_custo: number;
  gtin: string;
  ncm: string;
  origem: string;
  situacao: 'A' | 'I' | 'E';
  tipo: 'P' | 'S';
  classe_produto: 'S' | 'V';
  /** N normal, P parent of variations, V variation. */
  tipoVariacao: 'N' | 'P' | 'V';
  idProdutoPai?: number;
  grade?: Record<string, string>;
  saldo: number;
  createdAt: number;
  updatedAt: number;
}

export const ORDER_STATUS_NAMES: Record<string, string> = {
  aberto: 'Em aberto',
  aprovado: 'Aprovado',
  preparando_envio: 'Preparando envio',
  faturado: 'Faturado (atendido)',
  pronto_envio: 'Pronto para envio',
  enviado: 'Enviado',
  entregue: 'Entregue',
  nao_entregue: 'Não Entregue',
  cancelado: 'Cancelado',
};

export interface SimOrderItem {
  codigo: string;
  descricao: string;
  unidade: string;
  quantidade: number;
  valor_unitario: number;
}

export interface SimOrder {
  id: number;
  numero: number;
  numero_ecommerce: string | null;
  createdAt: number;
  cliente: Record<string, unknown> & { nome: string };
  itens: SimOrderItem[];
  situacao: keyof typeof ORDER_STATUS_NAMES;
  codigo_rastreamento: string;
  url_rastreamento: string;
  despacho: Record<string, string>;
  obs: string;
  updatedAt: number;
}

export interface SimContact {
  id: number;
  codigo: string;
  nome: string;
  fantasia: string;
  tipo_pessoa: 'F' | 'J' | 'E';
  cpf_cnpj: string;
  email: string;
  fone: string;
  endereco: string;
  numero: string;
  bairro: string;
  cep: string;
  cidade: string;
  uf: string;
  situacao: 'A' | 'E';
  createdAt: number;
  updatedAt: number;
}

// Seeds are dated in the past so "changed since now" finds only what a test changes.
export const SEED_TIME = Date.UTC(2020, 0, 1, 12);

export class TinyStore {
  readonly products = new Map<number, SimProduct>();
  readonly orders = new Map<number, SimOrder>();
  readonly contacts = new Map<number, SimContact>();
  /** Product id → when it changed; read entries leave the queue (Tiny: "removidos da fila"). */
  readonly productChanges = new Map<number, number>();
  readonly stockChanges = new Map<number, number>();
  private readonly byCode = new Map<string, number>();
  private nextProductId = 700_000_000;
  private nextOrderId = 800_000_000;
  private nextOrderNumber = 1;
  private nextContactId = 900_000_000;
  private clock = 0;

  /** Strictly increasing milliseconds, so "changed since" never ties within a test. */
  now(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  productByCode(codigo: string): SimProduct | undefined {
    const id = this.byCode.get(codigo);
    return id === undefined ? undefined : this.products.get(id);
  }

  addProduct(fields: Omit<SimProduct, 'id' | 'createdAt' | 'updatedAt'>, at = this.now()): SimProduct {
    const p: SimProduct = { ...fields, id: this.nextProductId++, createdAt: at, updatedAt: at };
    this.products.set(p.id, p);
    this.byCode.set(p.codigo, p.id);
    return p;
  }

  touchProduct(p: SimProduct): void {
    p.updatedAt = this.now();
    this.productChanges.set(p.id, p.updatedAt);
  }

  setStock(p: SimProduct, saldo: number): void {
    p.saldo = saldo;
    this.stockChanges.set(p.id, this.now());
  }

  variationsOf(parent: SimProduct): SimProduct[] {
    return [...this.products.values()].filter((p) => p.idProdutoPai === parent.id);
  }

  addOrder(fields: Omit<SimOrder, 'id' | 'numero' | 'updatedAt'>, at = this.now()): SimOrder {
    const o: SimOrder = { ...fields, id: this.nextOrderId++, numero: this.nextOrderNumber++, updatedAt: at };
    this.orders.set(o.id, o);
    return o;
  }

  touchOrder(o: SimOrder): void {
    o.updatedAt = this.now();
  }

  addContact(fields: Omit<SimContact, 'id' | 'createdAt' | 'updatedAt'>, at = this.now()): SimContact {
    const c: SimContact = { ...fields, id: this.nextContactId++, createdAt: at, updatedAt: at };
    this.contacts.set(c.id, c);
    return c;
  }

  touchContact(c: SimContact): void {
    c.updatedAt = this.now();
  }
}

/** The i-th seeded product: simple, active, with stock. Codes match Bling's seed (`SKU-000001`). */
export function seededProduct(i: number): Omit<SimProduct, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    codigo: `TINY-${String(i).padStart(6, '0')}`,
    nome: `Produto Tiny ${i}`,
    unidade: 'UN',
    preco: Math.round((20 + (i % 300) * 1.11) * 100) / 100,
    preco_promocional: 0,
    preco_custo: Math.round((8 + (i % 300) * 0.47) * 100) / 100,
    gtin: '',
    ncm: '6109.10.00',
    origem: '0',
    situacao: 'A',
    tipo: 'P',
    classe_produto: 'S',
    tipoVariacao: 'N',
    saldo: (i * 3) % 40,
  };
}

export function seededOrder(i: number, at: number): Omit<SimOrder, 'id' | 'numero' | 'updatedAt'> {
  return {
    numero_ecommerce: `MLB-${2000000000 + i}`,
    createdAt: at,
    cliente: { nome: `Cliente ${i}`, cpf_cnpj: String(10_000_000_000 + i).slice(0, 11), tipo_pessoa: 'F', cidade: 'São Paulo', uf: 'SP' },
    itens: [{ codigo: `TINY-${String(i % 50).padStart(6, '0')}`, descricao: `Produto Tiny ${i % 50}`, unidade: 'UN', quantidade: 1 + (i % 3), valor_unitario: 49.9 }],
    situacao: 'aprovado',
    codigo_rastreamento: '',
    url_rastreamento: '',
    despacho: {},
    obs: '',
  };
}

export function seededContact(i: number): Omit<SimContact, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    codigo: `CLI-${String(i).padStart(6, '0')}`,
    nome: `Cliente ${i}`,
    fantasia: '',
    tipo_pessoa: 'F',
    cpf_cnpj: String(20_000_000_000 + i).slice(0, 11),
    email: `cliente${i}@example.com`,
    fone: '',
    endereco: 'Rua das Flores',
    numero: String(i),
    bairro: 'Centro',
    cep: '01001000',
    cidade: 'São Paulo',
    uf: 'SP',
    situacao: 'A',
  };
}

// The views Tiny answers with.

/** A row of `produtos.pesquisa`. */
export function productRow(p: SimProduct): Record<string, unknown> {
  return {
    id: p.id,
    data_criacao: tinyDateTime(p.createdAt),
    nome: p.nome,
    codigo: p.codigo,
    preco: p.preco,
    preco_promocional: p.preco_promocional,
    unidade: p.unidade,
    gtin: p.gtin,
    tipoVariacao: p.tipoVariacao,
    localizacao: '',
    preco_custo: p.preco_custo,
    preco_custo_medio: p.preco_custo,
    situacao: p.situacao,
  };
}

/** `produto.obter`: the row plus fiscal data, the parent of a variation, the variations of a parent. */
export function productDetail(p: SimProduct, store: TinyStore): Record<string, unknown> {
  const detail: Record<string, unknown> = { ...productRow(p), ncm: p.ncm, origem: p.origem, tipo: p.tipo, classe_produto: p.classe_produto, peso_liquido: 0, peso_bruto: 0 };
  if (p.tipoVariacao === 'V') Object.assign(detail, { idProdutoPai: p.idProdutoPai, grade: p.grade });
  if (p.tipoVariacao === 'P')
    detail.variacoes = store.variationsOf(p).map((v) => ({ variacao: { id: v.id, codigo: v.codigo, preco: v.preco, grade: v.grade, estoqueAtual: v.saldo } }));
  return detail;
}

export function stockView(p: SimProduct): Record<string, unknown> {
  return {
    id: p.id,
    nome: p.nome,
    codigo: p.codigo,
    unidade: p.unidade,
    saldo: p.saldo,
    saldoReservado: 0,
    depositos: [{ deposito: { nome: 'Geral', desconsiderar: 'N', saldo: p.saldo, empresa: 'Loja Simulada' } }],
  };
}

export function orderRow(o: SimOrder): Record<string, unknown> {
  return {
    id: o.id,
    numero: o.numero,
    numero_ecommerce: o.numero_ecommerce,
    data_pedido: tinyDate(o.createdAt),
    data_prevista: '',
    nome: o.cliente.nome,
    valor: orderTotal(o),
    id_vendedor: 0,
    nome_vendedor: '',
    situacao: ORDER_STATUS_NAMES[o.situacao],
    codigo_rastreamento: o.codigo_rastreamento,
    url_rastreamento: o.url_rastreamento,
  };
}

export function orderTotal(o: SimOrder): number {
  return Math.round(o.itens.reduce((sum, i) => sum + i.quantidade * i.valor_unitario, 0) * 100) / 100;
}

export function orderDetail(o: SimOrder): Record<string, unknown> {
  return {
    ...orderRow(o),
    cliente: o.cliente,
    itens: o.itens.map((item) => ({ item })),
    total_produtos: orderTotal(o),
    total_pedido: orderTotal(o),
    obs: o.obs,
    ...o.despacho,
  };
}

export function contactRow(c: SimContact): Record<string, unknown> {
  const { createdAt, updatedAt: _hidden, situacao, ...rest } = c;
  return { ...rest, situacao: situacao === 'A' ? 'Ativo' : 'Excluido', data_criacao: tinyDateTime(createdAt) };
}
