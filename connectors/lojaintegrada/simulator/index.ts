/**
 * Loja Integrada API v1 simulator, built from LI's public API reference (api-docs.lojaintegrada.com.br,
 * the older Apiary docs) and its help centre:
 * - `/v1/...` (and the `/api/v1/...` form its URIs use), Django-Tastypie lists
 *   `{meta: {limit, next, offset, previous, total_count}, objects}` with limit/offset;
 * - auth `Authorization: chave_api <key> aplicacao <key>` or the query parameters
 *   `chave_api`/`chave_aplicacao`; anything else answers an empty 401 (Tastypie's default);
 * - JSON bodies only (`Content-Type: application/json`, else 400 as Tastypie answers);
 * - budgets per minute: 100 per store (code 633), 3,000 per application (533), 1,200 per IP
 *   (133), answered HTTP 429 with the code; LI documents no Retry-After, so none is sent;
 * - webhooks registered with `PUT /webhooks/v1/pedido|produto {notifyUrl, token}` and
 *   delivered as POSTs carrying `Authorization: Bearer <token>` (no signature).
 * The catalogue and the sales side live in catalog.ts and sales.ts.
 */
import { randomBytes } from 'node:crypto';
import { type RunningSimulator, type SimRequest, type SimResponse, type SimRoute, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, fixedWindow } from '../../simulator-kit/throttle';
import { type CatalogStats, createCatalog, type ProductFields, productUri, type SimProduct } from './catalog';
import { createSales, type SalesStats, type SimCustomer, type SimOrder } from './sales';
import { badRequest } from './tastypie';

export type { SimCustomer, SimOrder, SimProduct };

export interface RequestLimits {
  /** Per store (chave_api), LI's 100/min. */
  store: number;
  /** Per application (chave_aplicacao), LI's 3,000/min. */
  application: number;
  /** Per IP, LI's 1,200/min. */
  ip: number;
}

export interface LojaIntegradaSimulatorOptions {
  port?: number;
  chaveApi?: string;
  chaveAplicacao?: string;
  /** Requests per minute per budget; 0 turns one off. Defaults to LI's published numbers. */
  limits?: Partial<RequestLimits>;
  /** false turns every budget off (tests that are not about limits). */
  throttle?: boolean;
}

export interface LojaIntegradaStats extends CatalogStats, SalesStats {
  /** Authenticated requests that reached the rate limiter (injected faults not counted). */
  requests: number;
  /** 429s sent because a real budget ran out (injected ones are in `faults.throttled`). */
  overLimit: number;
  unauthorized: number;
  webhooksSent: number;
}

export interface LojaIntegradaSimulator extends RunningSimulator {
  readonly faults: FaultPlan;
  readonly stats: LojaIntegradaStats;
  readonly credentials: { chaveApi: string; chaveAplicacao: string };
  readonly products: Map<number, SimProduct>;
  readonly orders: Map<number, SimOrder>;
  readonly customers: Map<number, SimCustomer>;
  /** `count` simple products with SKUs `LI-000000`…, price and stock set, last changed on 2024-06-01. */
  seedProducts(count: number, options?: { startAt?: number }): void;
  /** A parent (`tipo: atributo`) and `variations` children, SKUs `<sku>-1`…; returns the parent. */
  seedProductFamily(sku: string, variations: number): SimProduct;
  seedCustomers(count: number, options?: { startAt?: number }): void;
  /** Paid orders numbered from `startAt` (default 1), one shipment each, last changed on 2024-06-01. */
  seedOrders(count: number, options?: { startAt?: number }): void;
  /** A change made in the store's panel: the product's `data_modificacao` moves to now. */
  touchProduct(id: number, change?: Partial<Pick<SimProduct, 'nome' | 'descricao_completa' | 'ativo'>>): void;
  touchCustomer(id: number, change?: Partial<Pick<SimCustomer, 'nome' | 'telefone_celular'>>): void;
  /** A status change made in the store (a payment confirmed…): the order webhook fires. */
  changeOrderStatus(numero: number, codigo: string): void;
  productsBySku(sku: string): SimProduct[];
  /** Resolves when every webhook delivery started so far has been answered (or failed). */
  webhooksSettled(): Promise<void>;
}

/** Seeded records were last changed here, so "changed since" tests can tell them from new changes. */
const SEED_TIME = Date.parse('2024-06-01T12:00:00Z');
const LIMIT_ANSWERS: Record<keyof RequestLimits, { code: number; error: string }> = {
  ip: { code: 133, error: 'Limite de requisições por IP excedido.' },
  application: { code: 533, error: 'Limite de requisições por aplicação excedido.' },
  store: { code: 633, error: 'Limite de requisições por loja excedido.' },
};
const PREFIXES = ['/v1', '/api/v1'];

function tooManyRequests(which: keyof RequestLimits): SimResponse {
  return { status: 429, body: LIMIT_ANSWERS[which] };
}

/** The store and application keys of a request, from the header or (legacy) the query string. */
function keysOf(req: SimRequest): { api: string; app: string } | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^chave_api\s+(\S+)\s+aplicacao\s+(\S+)\s*$/.exec(header);
    return m ? { api: m[1], app: m[2] } : null;
  }
  const api = req.query.get('chave_api');
  const app = req.query.get('chave_aplicacao');
  return api && app ? { api, app } : null;
}

export async function startLojaIntegradaSimulator(options: LojaIntegradaSimulatorOptions = {}): Promise<LojaIntegradaSimulator> {
  const credentials = {
    chaveApi: options.chaveApi ?? randomBytes(10).toString('hex'),
    chaveAplicacao: options.chaveAplicacao ?? crypto.randomUUID(),
  };
  const stats: LojaIntegradaStats = {
    requests: 0,
    overLimit: 0,
    unauthorized: 0,
    webhooksSent: 0,
    productCreates: 0,
    productUpdates: 0,
    stockWrites: 0,
    priceWrites: 0,
    statusChanges: 0,
    trackingChanges: 0,
    customerCreates: 0,
  };
  const catalog = createCatalog(stats);
  const sales = createSales(stats);
  const faults = new FaultPlan();
  const on = options.throttle !== false;
  const limits: RequestLimits = { store: 100, application: 3000, ip: 1200, ...options.limits };
  const budgets = {
    ip: fixedWindow(on ? limits.ip : 0, 60_000),
    application: fixedWindow(on ? limits.application : 0, 60_000),
    store: fixedWindow(on ? limits.store : 0, 60_000),
  };

  // Webhooks: per kind, the registered URLs and the token each delivery carries.
  const hooks = { pedido: new Map<string, string>(), produto: new Map<string, string>() };
  const deliveries = new Set<Promise<void>>();
  const deliver = (kind: keyof typeof hooks, payload: unknown) => {
    for (const [url, token] of hooks[kind]) {
      stats.webhooksSent++;
      const sent = fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) })
        .then((res) => res.body?.cancel())
        .catch(() => {})
        .finally(() => deliveries.delete(sent));
      deliveries.add(sent);
    }
  };
  const notifyProducts = (changed: SimProduct[]) => deliver('produto', changed.map(catalog.webhookPayload));
  const notifyOrder = (order: SimOrder, statusChanged: boolean) => deliver('pedido', sales.webhookPayload(order, statusChanged));

  const webhookRoute = (method: 'PUT' | 'DELETE'): SimRoute => ({
    method,
    path: '/webhooks/v1/:kind',
    handler(req) {
      const kind = req.params.kind as keyof typeof hooks;
      if (!(kind in hooks)) return { status: 404 };
      const body = (req.body ?? {}) as { notifyUrl?: unknown; token?: unknown };
      if (typeof body.notifyUrl !== 'string' || typeof body.token !== 'string' || !body.notifyUrl || !body.token) return badRequest('notifyUrl e token são obrigatórios.');
      let affected = 0;
      if (method === 'PUT') {
        hooks[kind].set(body.notifyUrl, body.token);
        affected = 1;
      } else if (hooks[kind].get(body.notifyUrl) === body.token) {
        hooks[kind].delete(body.notifyUrl);
        affected = 1;
      }
      return { status: 200, body: { message: `Registros afetados: ${affected}` } };
    },
  });

  const apiRoutes = [...catalog.routes(notifyProducts), ...sales.routes(notifyOrder)];
  const routes: SimRoute[] = [
    ...PREFIXES.flatMap((prefix) => apiRoutes.map((r) => ({ ...r, path: prefix + r.path }))),
    webhookRoute('PUT'),
    webhookRoute('DELETE'),
  ];

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (!PREFIXES.some((p) => req.path.startsWith(`${p}/`)) && !req.path.startsWith('/webhooks/v1/')) return { status: 404 };
      const keys = keysOf(req);
      if (!keys || keys.api !== credentials.chaveApi || keys.app !== credentials.chaveAplicacao) {
        stats.unauthorized++;
        return { status: 401 };
      }
      const fault = faults.next();
      if (fault === 'throttle') return tooManyRequests('store');
      if (fault === 'fail') return { status: 503, body: { error_message: 'Sorry, this request could not be processed. Please try again later.' } };
      stats.requests++;
      // Every budget counts the request; the first one exhausted answers.
      const spent = (['ip', 'application', 'store'] as const).filter((which) => !budgets[which](which === 'store' ? keys.api : which === 'application' ? keys.app : 'ip').allowed);
      if (spent.length) {
        stats.overLimit++;
        return tooManyRequests(spent[0]);
      }
      if ((req.method === 'POST' || req.method === 'PUT') && !String(req.headers['content-type'] ?? '').includes('application/json')) {
        return badRequest(`The format indicated '${req.headers['content-type'] ?? ''}' had no available deserialization method. Please check your \`\`formats\`\` and \`\`content_types\`\` on your Serializer.`);
      }
      return null;
    },
    notFound: () => ({ status: 404 }),
    routes,
  });

  const productFields = (i: number): ProductFields => ({
    sku: `LI-${String(i).padStart(6, '0')}`,
    nome: `Produto ${i}`,
    tipo: 'normal',
    paiId: null,
    descricao_completa: `<p>Descrição do produto ${i}</p>`,
    ativo: true,
    destaque: false,
    usado: false,
    removido: false,
    peso: 0.45,
    altura: 2,
    largura: 12,
    profundidade: 6,
    id_externo: null,
    mpn: null,
    ncm: null,
    gtin: null,
    apelido: `produto-${i}`,
    categorias: [],
    marca: null,
    grades: [],
    variacoes: [],
    stock: { gerenciado: true, quantidade: (i * 7) % 50, reservada: 0, emEstoque: 0, semEstoque: -1 },
    price: { cheio: Math.round((20 + (i % 300) * 1.1) * 100) / 100, custo: null, promocional: null, sobConsulta: false },
  });

  const seedCustomers = (count: number, { startAt = 0 } = {}) => {
    for (let i = startAt; i < startAt + count; i++) {
      const none = { cpf: null, cnpj: null, razao_social: null, telefone_celular: null, sexo: null, data_nascimento: null, grupo: null };
      sales.addCustomer({ ...none, nome: `Cliente ${i}`, email: `cliente${i}@example.com`, tipo: 'PF' }, SEED_TIME);
    }
  };

  return {
    ...sim,
    async close() {
      await Promise.allSettled([...deliveries]);
      await sim.close();
    },
    faults,
    stats,
    credentials,
    products: catalog.products,
    orders: sales.orders,
    customers: sales.customers,
    seedProducts(count, { startAt = 0 } = {}) {
      for (let i = startAt; i < startAt + count; i++) catalog.add(productFields(i), SEED_TIME);
    },
    seedProductFamily(sku, variations) {
      const grade = '/api/v1/grades/8945';
      const parent = catalog.add({ ...productFields(catalog.products.size), sku, nome: `Família ${sku}`, tipo: 'atributo', grades: [grade] }, SEED_TIME);
      for (let k = 1; k <= variations; k++) {
        const variacoes = [`/api/v1/grade/8945/variacao/${37_000 + k}`];
        catalog.add({ ...productFields(catalog.products.size), sku: `${sku}-${k}`, nome: null, tipo: 'atributo_opcao', paiId: parent.id, variacoes }, SEED_TIME);
      }
      return parent;
    },
    seedCustomers,
    seedOrders(count, { startAt = 1 } = {}) {
      if (sales.customers.size === 0) seedCustomers(1);
      const clienteIds = [...sales.customers.keys()];
      for (let numero = startAt; numero < startAt + count; numero++) {
        sales.addOrder({
          numero,
          clienteId: clienteIds[numero % clienteIds.length],
          situacao: 'pedido_pago',
          itens: [{ sku: `LI-${String(numero % 100).padStart(6, '0')}`, nome: `Produto ${numero % 100}`, quantidade: 1 + (numero % 3), preco: 49.9, produtoId: null }],
          at: SEED_TIME,
        });
      }
    },
    touchProduct(id, change = {}) {
      const p = catalog.products.get(id);
      if (!p) throw new Error(`No Loja Integrada product ${id}`);
      Object.assign(p, change, { modified: Date.now() });
    },
    touchCustomer(id, change = {}) {
      const c = sales.customers.get(id);
      if (!c) throw new Error(`No Loja Integrada customer ${id}`);
      Object.assign(c, change, { modified: Date.now() });
    },
    changeOrderStatus(numero, codigo) {
      const o = sales.orders.get(numero);
      if (!o) throw new Error(`No Loja Integrada order ${numero}`);
      sales.setStatus(o, codigo);
      notifyOrder(o, true);
    },
    productsBySku(sku) {
      const p = catalog.bySku(sku);
      return p ? [p] : [];
    },
    async webhooksSettled() {
      await Promise.allSettled([...deliveries]);
    },
  };
}

export { productUri };
