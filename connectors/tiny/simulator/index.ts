/**
 * Tiny ERP API v2 simulator, built from Tiny's public docs (tiny.com.br/api-docs/api2-*):
 * - `POST /api2/<method>` with a form body carrying `token` and `formato=json`; the token is
 *   read from the form only (a JSON body or a GET carries none and is refused with código 1);
 *   `formato` other than json gets an XML answer, as Tiny does;
 * - every answer is HTTP 200 with the `retorno` envelope, errors included: 1/2 token, 6 too
 *   many requests in the last minute (sliding window per token), 11 too many at once,
 *   10 missing parameter, 20 no records, 23 page does not exist, 30 duplicate code,
 *   31 validation (with Tiny's messages), 32 not found, 35 unexpected (injected failures);
 * - searches serve 100 records per page with `pagina`/`numero_paginas`;
 * - `lista.atualizacoes.*` are queues: what is answered leaves them;
 * - unknown methods get HTTP 404 "File not found", like Tiny's web server.
 */
import { randomBytes } from 'node:crypto';
import { type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan } from '../../simulator-kit/throttle';
import { CODES, fail, tinyDate, TinyFault } from './envelope';
import { faultBody, METHODS, type Params } from './methods';
import { ORDER_STATUS_NAMES, SEED_TIME, seededContact, seededOrder, seededProduct, type SimContact, type SimOrder, type SimProduct, TinyStore } from './store';

export type { SimContact, SimOrder, SimProduct } from './store';

export interface TinySimulatorOptions {
  port?: number;
  token?: string;
  webhookSecret?: string;
  /** Requests per window per token: the plan's limit per minute. Default 30; 0 turns it off. */
  requestsPerMinute?: number;
  /** The window the limit counts over; Tiny counts the last minute. Tests may shrink it. */
  windowMs?: number;
  /** Requests in flight at once per token before código 11. Default 0: no limit. */
  maxConcurrent?: number;
  /** Delay before each answer, so concurrency exists to be limited. */
  latencyMs?: number;
}

export interface TinySimulatorStats {
  /** Requests that passed the token check, injected faults and the limits. */
  requests: number;
  /** Answered código 6 because the window was full (injected throttling is in `faults.throttled`). */
  overLimit: number;
  /** Answered código 11 because too many requests were in flight. */
  tooConcurrent: number;
  /** Successful calls per method, e.g. `calls['produto.incluir.php']`. */
  calls: Record<string, number>;
}

export interface TinySimulator extends RunningSimulator {
  /** The base URL a connection uses: `<url>/api2`. */
  readonly baseUrl: string;
  readonly faults: FaultPlan;
  readonly stats: TinySimulatorStats;
  readonly credentials: { token: string; webhookSecret: string };
  readonly products: Map<number, SimProduct>;
  readonly orders: Map<number, SimOrder>;
  readonly contacts: Map<number, SimContact>;
  /** Every throttling answer sent: injected (código 6), over the window (6) and too concurrent (11). */
  throttlingAnswers(): number;
  seedProducts(count: number, options?: { startAt?: number }): SimProduct[];
  /** A parent with one variation per grade, e.g. `[{Tamanho: 'P'}, {Tamanho: 'M'}]`. */
  seedProductWithVariations(codigo: string, grades: Array<Record<string, string>>): { parent: SimProduct; variations: SimProduct[] };
  seedOrders(count: number): SimOrder[];
  seedContacts(count: number): SimContact[];
  productByCode(codigo: string): SimProduct | undefined;
  /** A change made in Tiny's UI: the product enters the change queue. */
  updateProduct(id: number, change: Partial<Omit<SimProduct, 'id'>>): void;
  /** A stock movement made in Tiny: the product enters the stock change queue. */
  setStock(id: number, saldo: number): void;
  updateOrder(id: number, change: Partial<Pick<SimOrder, 'situacao' | 'codigo_rastreamento'>>): void;
  /** The JSON body Tiny posts to a webhook for this record. */
  webhookBody(tipo: 'inclusao_pedido' | 'atualizacao_pedido' | 'estoque', id: number): Record<string, unknown>;
  /** Posts a webhook the way Tiny does (JSON, no signature); returns the HTTP status it got. */
  deliverWebhook(url: string, body: Record<string, unknown>): Promise<number>;
}

const CNPJ = '12345678000190';

/** A fixed window would let 2× the limit through around its edge; Tiny counts the last minute. */
function slidingWindow(limit: number, windowMs: number) {
  const sent = new Map<string, number[]>();
  return (key: string): boolean => {
    if (!(limit > 0)) return true;
    const now = Date.now();
    const times = (sent.get(key) ?? []).filter((t) => now - t < windowMs);
    sent.set(key, times);
    if (times.length >= limit) return false;
    times.push(now);
    return true;
  };
}

function xmlAnswer(): SimResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: '<?xml version="1.0" encoding="UTF-8"?><retorno><status_processamento>1</status_processamento><status>Erro</status><codigo_erro>10</codigo_erro><erros><erro>formato não suportado por este simulador</erro></erros></retorno>',
  };
}

export async function startTinySimulator(options: TinySimulatorOptions = {}): Promise<TinySimulator> {
  const store = new TinyStore();
  const faults = new FaultPlan();
  const credentials = { token: options.token ?? randomBytes(32).toString('hex'), webhookSecret: options.webhookSecret ?? randomBytes(16).toString('hex') };
  const stats: TinySimulatorStats = { requests: 0, overLimit: 0, tooConcurrent: 0, calls: {} };
  const withinLimit = slidingWindow(options.requestsPerMinute ?? 30, options.windowMs ?? 60_000);
  const maxConcurrent = options.maxConcurrent ?? 0;
  let inFlight = 0;

  async function handle(req: SimRequest): Promise<SimResponse> {
    const method = req.params.method;
    const handler = METHODS[method];
    if (!handler) return { status: 404, headers: { 'content-type': 'text/html' }, body: 'File not found.' };
    const isForm = String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const params = (isForm ? req.body : {}) as Params;
    const answer = (body: unknown): SimResponse => ({ status: 200, body });

    if (!params.token) return answer(fail(CODES.tokenMissing, 'Token não informado'));
    if (params.token !== credentials.token) return answer(fail(CODES.tokenInvalid, 'Token inválido ou não encontrado'));
    const fault = faults.next();
    if (fault === 'throttle') return answer(fail(CODES.tooManyInLastMinute, 'API Bloqueada - Excedido o número de acessos no último minuto'));
    if (fault === 'fail') return answer(fail(CODES.unexpected, 'Ocorreu um erro inesperado, tente novamente mais tarde'));
    if (!withinLimit(params.token)) {
      stats.overLimit++;
      return answer(fail(CODES.tooManyInLastMinute, 'API Bloqueada - Excedido o número de acessos no último minuto'));
    }
    if (maxConcurrent > 0 && inFlight >= maxConcurrent) {
      stats.tooConcurrent++;
      return answer(fail(CODES.tooManyConcurrent, 'API Bloqueada - Muitos acessos concorrentes'));
    }
    if ((params.formato ?? '').toLowerCase() !== 'json') return xmlAnswer();
    stats.requests++;
    inFlight++;
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const body = handler(params, store);
      if ((body.retorno as { status?: string }).status !== 'Erro') stats.calls[method] = (stats.calls[method] ?? 0) + 1;
      return answer(body);
    } catch (err) {
      if (err instanceof TinyFault) return answer(faultBody(err));
      throw err;
    } finally {
      inFlight--;
    }
  }

  const sim = await startSimServer({
    port: options.port,
    routes: [{ method: 'POST', path: '/api2/:method', handler: handle }],
    notFound: () => ({ status: 404, headers: { 'content-type': 'text/html' }, body: 'File not found.' }),
  });

  const product = (id: number) => {
    const p = store.products.get(id);
    if (!p) throw new Error(`No Tiny product ${id}`);
    return p;
  };

  return {
    ...sim,
    baseUrl: `${sim.url}/api2`,
    faults,
    stats,
    credentials,
    products: store.products,
    orders: store.orders,
    contacts: store.contacts,
    throttlingAnswers: () => faults.throttled + stats.overLimit + stats.tooConcurrent,
    seedProducts(count, { startAt = 0 } = {}) {
      const added: SimProduct[] = [];
      for (let i = startAt; i < startAt + count; i++) added.push(store.addProduct(seededProduct(i), SEED_TIME + i));
      return added;
    },
    seedProductWithVariations(codigo, grades) {
      const parent = store.addProduct({ ...seededProduct(0), codigo, nome: `Camiseta ${codigo}`, tipoVariacao: 'P', classe_produto: 'V', saldo: 0 }, SEED_TIME);
      const variations = grades.map((grade, i) =>
        store.addProduct(
          { ...seededProduct(i + 1), codigo: `${codigo}-${Object.values(grade).join('-')}`, nome: `Camiseta ${codigo} ${Object.values(grade).join(' ')}`, tipoVariacao: 'V', classe_produto: 'V', idProdutoPai: parent.id, grade, saldo: 5 + i },
          SEED_TIME,
        ),
      );
      return { parent, variations };
    },
    seedOrders(count) {
      return Array.from({ length: count }, (_, i) => {
        const at = SEED_TIME + i * 60_000;
        return store.addOrder({ ...seededOrder(i, at) }, at);
      });
    },
    seedContacts(count) {
      return Array.from({ length: count }, (_, i) => store.addContact(seededContact(i), SEED_TIME + i));
    },
    productByCode: (codigo) => store.productByCode(codigo),
    updateProduct(id, change) {
      const p = product(id);
      Object.assign(p, change);
      store.touchProduct(p);
    },
    setStock(id, saldo) {
      store.setStock(product(id), saldo);
    },
    updateOrder(id, change) {
      const o = store.orders.get(id);
      if (!o) throw new Error(`No Tiny order ${id}`);
      Object.assign(o, change);
      store.touchOrder(o);
    },
    webhookBody(tipo, id) {
      if (tipo === 'estoque') {
        const p = product(id);
        return { versao: '1.0.0', cnpj: CNPJ, idEcommerce: 1234, tipo, dados: { tipoEstoque: 'F', saldo: p.saldo, idProduto: p.id, sku: p.codigo, skuMapeamento: p.codigo, skuMapeamentoPai: '' } };
      }
      const o = store.orders.get(id);
      if (!o) throw new Error(`No Tiny order ${id}`);
      return {
        versao: '1.0.0',
        cnpj: CNPJ,
        tipo,
        dados: {
          id: o.id,
          numero: o.numero,
          data: tinyDate(o.createdAt),
          idPedidoEcommerce: o.numero_ecommerce ?? '',
          codigoSituacao: o.situacao,
          descricaoSituacao: ORDER_STATUS_NAMES[o.situacao],
          idContato: 0,
          cliente: { nome: o.cliente.nome, cpfCnpj: String(o.cliente.cpf_cnpj ?? '') },
        },
      };
    },
    async deliverWebhook(url, body) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status;
    },
  };
}
