/**
 * The Bling simulator's data model: the records it keeps (shaped like API v3's), the seeds tests
 * and the demo use, and the small helpers its routes share (Bling's error envelope, field checks).
 */
import type { SimResponse } from '../../simulator-kit/server';
import { cpfAt } from './documents';

export interface BlingProduct {
  id: number;
  nome: string;
  codigo: string;
  preco: number;
  precoCusto: number;
  tipo: 'P' | 'S' | 'N';
  situacao: 'A' | 'I';
  formato: 'S' | 'V' | 'E';
  unidade: string;
  descricaoCurta: string;
  /** `saldoVirtualTotal` is the product's balance over all deposits (the simulator has no reservations). */
  estoque: { saldoVirtualTotal: number; minimo?: number; maximo?: number; crossdocking?: number; localizacao?: string };
  /** Not in Bling's list response; kept to serve `dataAlteracaoInicial`. */
  dataAlteracao: string;
  /** On a variation: the product it belongs to. */
  idProdutoPai?: number;
  /** On a variation: its attributes ("Cor:Azul;Tamanho:M") and position. */
  variacao?: { nome: string; ordem: number; produtoPai: { id: number } };
  /** On a product with variations (formato V): its variations' ids, in order. */
  variacoes?: number[];
  /** Other documented fields the API accepted (gtin, marca, pesoBruto…), returned by `GET /produtos/{id}`. */
  extra?: Record<string, unknown>;
}

export interface BlingContact {
  id: number;
  nome: string;
  codigo: string;
  situacao: 'A' | 'E' | 'I' | 'S';
  numeroDocumento: string;
  telefone: string;
  celular: string;
  fantasia: string;
  tipo: 'F' | 'J' | 'E';
  email: string;
  /** Other documented fields (endereco, ie, rg, dadosAdicionais…). */
  extra?: Record<string, unknown>;
  dataAlteracao: string;
}

export interface BlingOrderItem {
  id: number;
  codigo: string;
  unidade: string;
  quantidade: number;
  desconto: number;
  valor: number;
  descricao: string;
  produto?: { id: number };
}

export interface BlingOrder {
  id: number;
  numero: number;
  numeroLoja: string;
  data: string;
  dataSaida: string;
  dataPrevista: string;
  totalProdutos: number;
  total: number;
  contato: { id: number };
  situacao: { id: number; valor: number };
  loja: { id: number };
  itens: BlingOrderItem[];
  parcelas: Array<{ id: number; dataVencimento: string; valor: number; observacoes: string; formaPagamento: { id: number } }>;
  observacoes: string;
  observacoesInternas: string;
  outrasDespesas: number;
  desconto: { valor: number; unidade: 'REAL' | 'PERCENTUAL' };
  /** Other documented fields (transporte, vendedor, intermediador, categoria…). */
  extra?: Record<string, unknown>;
  dataAlteracao: string;
}

/** A product's code and prices in one sales channel (`/produtos/lojas`). */
export interface BlingProductStore {
  id: number;
  codigo: string;
  preco: number;
  precoPromocional: number;
  produto: { id: number };
  loja: { id: number };
  categoriasProdutos: Array<{ id: number }>;
  dataAlteracao: string;
}

export interface BlingDeposit {
  id: number;
  descricao: string;
  situacao: 0 | 1;
  padrao: boolean;
  desconsiderarSaldo: boolean;
}

export interface BlingStockMovement {
  id: number;
  produto: { id: number };
  deposito: { id: number };
  operacao: 'B' | 'E' | 'S';
  quantidade: number;
  preco?: number;
  custo?: number;
  observacoes?: string;
  /** The deposit's balance before and after the movement. */
  antes: number;
  depois: number;
}

export interface BlingWebhookDelivery {
  rawBody: string;
  /** Lower-cased, as Ponte receives them. */
  headers: Record<string, string>;
  envelope: { eventId: string; date: string; version: string; event: string; companyId: string; data: unknown };
}


export const PAGE_LIMIT = 100;
/** Ids per `GET /estoques/saldos` call; the research notes "about 50" — the simulator refuses more. */
export const MAX_BALANCE_IDS = 50;
export const FIRST_ID = 16_000_000_000;
export const FIRST_CREATED_PRODUCT_ID = 16_900_000_000;
export const FIRST_CONTACT_ID = 17_000_000_000;
export const FIRST_ORDER_ID = 22_000_000_000;
export const FIRST_STORE_LINK_ID = 19_000_000_000;
export const FIRST_MOVEMENT_ID = 23_000_000_000;
export const LOG_CAP = 10_000;

export const ORDER_STATUSES = [
  { id: 6, nome: 'Em aberto', valor: 0 },
  { id: 9, nome: 'Atendido', valor: 1 },
  { id: 12, nome: 'Cancelado', valor: 2 },
  { id: 15, nome: 'Em andamento', valor: 3 },
];

/** Documented product fields the simulator stores as they come and returns in the detail. */
export const PRODUCT_EXTRA_FIELDS = [
  'dataValidade', 'pesoLiquido', 'pesoBruto', 'volumes', 'itensPorCaixa', 'gtin', 'gtinEmbalagem', 'tipoProducao', 'condicao', 'freteGratis', 'marca',
  'descricaoComplementar', 'linkExterno', 'observacoes', 'descricaoEmbalagemDiscreta', 'categoria', 'fornecedor', 'dimensoes', 'tributacao', 'midia',
  'linhaProduto', 'camposCustomizados', 'artigoPerigoso',
];
export const CONTACT_EXTRA_FIELDS = [
  'indicadorIe', 'ie', 'rg', 'inscricaoMunicipal', 'orgaoEmissor', 'emailNotaFiscal', 'orgaoPublico', 'endereco', 'vendedor', 'dadosAdicionais', 'financeiro', 'pais', 'tiposContato', 'pessoasContato',
];
export const ORDER_EXTRA_FIELDS = ['numeroPedidoCompra', 'categoria', 'tributacao', 'transporte', 'vendedor', 'intermediador', 'taxas'];

export function blingProductAt(i: number): BlingProduct {
  return {
    id: FIRST_ID + i,
    nome: `Produto ${i}`,
    codigo: `SKU-${String(i).padStart(6, '0')}`,
    preco: Math.round((10 + (i % 500) * 1.37) * 100) / 100,
    precoCusto: Math.round((5 + (i % 500) * 0.61) * 100) / 100,
    tipo: 'P',
    situacao: 'A',
    formato: 'S',
    unidade: 'UN',
    descricaoCurta: `Descrição do produto ${i}`,
    estoque: { saldoVirtualTotal: (i * 7) % 50 },
    dataAlteracao: '2026-01-01 00:00:00',
  };
}

export function blingContactAt(i: number): BlingContact {
  return {
    id: FIRST_CONTACT_ID + i,
    nome: `Cliente ${i}`,
    codigo: `CLI-${String(i).padStart(6, '0')}`,
    situacao: 'A',
    numeroDocumento: cpfAt(i),
    telefone: `(11) 3${String(i % 10_000_000).padStart(7, '0')}`,
    celular: '',
    fantasia: '',
    tipo: 'F',
    email: `cliente${i}@example.com.br`,
    dataAlteracao: '2026-01-01 00:00:00',
  };
}

/** Bling's date format for filters: "YYYY-MM-DD HH:MM:SS", in Brasília time (UTC-3). */
export function blingNow(date = new Date()): string {
  return new Date(date.getTime() - 3 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function blingToday(): string {
  return blingNow().slice(0, 10);
}

export interface FieldError {
  code: number;
  msg: string;
  element: string;
  namespace: string;
  collection: unknown[];
}

export function blingError(status: number, type: string, message: string, description = message, fields?: FieldError[]): SimResponse {
  return { status, body: { error: fields?.length ? { type, message, description, fields } : { type, message, description } } };
}

/** A request helper's answer when the request cannot go on. */
export class Refusal {
  constructor(readonly res: SimResponse) {}
}

export const notFound = (what: string) => blingError(404, 'RESOURCE_NOT_FOUND', `${what} não encontrado`, 'O recurso requisitado não foi encontrado. Verifique o endpoint e se o ID informado existe.');

/** Collects field problems the way Bling reports them: one `fields[]` entry per problem. */
export class Problems {
  readonly list: FieldError[] = [];
  constructor(private readonly namespace: string) {}
  add(element: string, msg: string, code = 1, namespace = this.namespace) {
    this.list.push({ code, msg, element, namespace, collection: [] });
  }
  answer(message: string, description: string): SimResponse | null {
    return this.list.length ? blingError(400, 'VALIDATION_ERROR', message, description, this.list) : null;
  }
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
export const idOf = (v: unknown): number | undefined => (isObject(v) && v.id !== undefined && v.id !== null && v.id !== '' ? Number(v.id) : undefined);
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;

export function pick(source: Record<string, unknown>, fields: string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (source[f] !== undefined) out[f] = source[f];
  return Object.keys(out).length ? out : undefined;
}

export function bounded<T>(list: T[], item: T) {
  list.push(item);
  if (list.length > LOG_CAP) list.splice(0, list.length - LOG_CAP);
}
