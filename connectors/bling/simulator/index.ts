/**
 * Bling API v3 simulator, built from the public docs (developer.bling.com.br, its OpenAPI file)
 * and the typed entities of the `bling-erp-api` SDK:
 * - base path /Api/v3; OAuth2 token endpoint with Basic client auth; Bearer access tokens;
 * - `pagina` (1-based) / `limite` (max 100) with `{"data": [...]}` and no totals: an empty page ends;
 * - 3 requests per second per account (fixed one-second windows) and 120,000 per day, answered
 *   429 with Bling's error envelope beyond;
 * - the error envelope `{"error":{"type","message","description","fields"?:[{code,msg,element,namespace,collection}]}}`;
 * - produtos: list (filters `codigos[]`, `idsProdutos[]`, `criterio`, `tipo`, `dataAlteracaoInicial/Final`),
 *   detail, POST (variations with `formato: "V"` + `variacoes[]`), PUT (replaces: variations left out
 *   are deleted, new ones without `id` are created with new ids), PATCH (partial); códigos are unique;
 * - estoques: `GET /estoques/saldos?idsProdutos[]=` (per deposit), `POST /estoques` with operacao
 *   B (balanço: sets), E (entrada: adds), S (saída: subtracts); `GET /depositos`;
 * - produtos/lojas: a product's code and price in one sales channel (loja);
 * - pedidos/vendas: list (no items), detail, POST, PUT, `PATCH /pedidos/vendas/{id}/situacoes/{idSituacao}` (204);
 * - contatos: list, detail, POST, PUT (204); CPF/CNPJ check digits are validated;
 * - contas a receber: launched from an order's parcelas, listed, and settled ("baixa"): see receivables.ts;
 * - webhooks: `signWebhook(rawBody)` and `webhook(event, data)` build signed deliveries
 *   (`X-Bling-Signature-256: sha256=<hex HMAC-SHA256(body, client secret)>`); API writes also
 *   queue the delivery Bling would send in `webhookOutbox`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hmacSha256 } from '../../http/signatures';
import { basicAuth, bearerToken, type RunningSimulator, type SimRequest, type SimResponse, startSimServer } from '../../simulator-kit/server';
import { FaultPlan, fixedWindow } from '../../simulator-kit/throttle';
import { digitsOnly, isValidCnpj, isValidCpf } from './documents';
import { type BlingReceipt, type BlingReceivable, receivablesOf } from './receivables';
import {
  CONTACT_EXTRA_FIELDS,
  DATE,
  DATE_TIME,
  FIRST_CONTACT_ID,
  FIRST_CREATED_PRODUCT_ID,
  FIRST_MOVEMENT_ID,
  FIRST_ORDER_ID,
  FIRST_STORE_LINK_ID,
  MAX_BALANCE_IDS,
  ORDER_EXTRA_FIELDS,
  ORDER_STATUSES,
  PAGE_LIMIT,
  PRODUCT_EXTRA_FIELDS,
  Problems,
  Refusal,
  blingContactAt,
  blingError,
  blingNow,
  blingProductAt,
  blingToday,
  bounded,
  idOf,
  isNumber,
  isObject,
  notFound,
  pick,
  round2,
  str,
} from './model';
import type { BlingProduct, BlingContact, BlingOrderItem, BlingOrder, BlingProductStore, BlingDeposit, BlingStockMovement, BlingWebhookDelivery } from './model';

export { cnpjAt, cpfAt, isValidCnpj, isValidCpf } from './documents';
export { blingContactAt, blingNow, blingProductAt } from './model';
export type { BlingProduct, BlingContact, BlingOrderItem, BlingOrder, BlingProductStore, BlingDeposit, BlingStockMovement, BlingWebhookDelivery } from './model';

export interface BlingSimulatorOptions {
  port?: number;
  /** Requests per second per account; Bling's published limit is 3. 0 turns throttling off. */
  requestsPerSecond?: number;
  /** Requests per day per account; Bling's published limit is 120,000. 0 turns it off. */
  requestsPerDay?: number;
  clientId?: string;
  clientSecret?: string;
  /** Access token accepted from the start (tests and the demo skip the OAuth dance). */
  accessToken?: string;
  /** The account's id as webhooks carry it (`companyId`). */
  companyId?: string;
}

export interface BlingSimulator extends RunningSimulator {
  readonly products: Map<number, BlingProduct>;
  readonly contacts: Map<number, BlingContact>;
  readonly orders: Map<number, BlingOrder>;
  readonly productStores: Map<number, BlingProductStore>;
  readonly deposits: BlingDeposit[];
  readonly defaultDepositId: number;
  /** Sales channels of the account (`loja.id` in orders and `/produtos/lojas`). */
  readonly lojas: Array<{ id: number; descricao: string }>;
  /** Sales order statuses of the Vendas module: Em aberto 6, Atendido 9, Cancelado 12, Em andamento 15. */
  readonly orderStatuses: Array<{ id: number; nome: string; valor: number }>;
  readonly stockMovements: BlingStockMovement[];
  readonly faults: FaultPlan;
  /**
   * `requests`: requests past auth and injected faults; `overLimit`: answered 429 by the
   * per-second window; `overDailyLimit`: by the daily quota; `writes`: accepted writes per
   * route ("POST /produtos", …).
   */
  readonly stats: { requests: number; overLimit: number; overDailyLimit: number; refreshes: number; writes: Record<string, number> };
  /** The last 10,000 requests that reached a route: method, path under /Api/v3 and query string. */
  readonly requestLog: Array<{ method: string; path: string; query: string }>;
  /** Deliveries Bling would send for the writes made through the API (last 10,000). */
  readonly webhookOutbox: BlingWebhookDelivery[];
  /** Every access token issued so far stops working, as after 6 hours. */
  expireAccessTokens(): void;
  readonly credentials: { clientId: string; clientSecret: string; accessToken: string; refreshToken: string };
  seedProducts(count: number, options?: { startAt?: number }): void;
  updateProduct(id: number, change: Partial<Omit<BlingProduct, 'id'>>): void;
  seedContacts(count: number, options?: { startAt?: number }): void;
  updateContact(id: number, change: Partial<Omit<BlingContact, 'id'>>): void;
  /** Orders for existing contacts (one is seeded if there is none), with items of existing products when there are. */
  seedOrders(count: number, options?: { startAt?: number }): void;
  updateOrder(id: number, change: Partial<Omit<BlingOrder, 'id'>>): void;
  /** Contas a receber, and every baixa accepted (a payment settled twice shows twice here). */
  receivables: Map<number, BlingReceivable>;
  receipts: BlingReceipt[];
  /** "Lançar contas" of an order: its parcelas become open receivables (once). */
  launchAccounts(orderId: number): BlingReceivable[];
  /** A product's balance in each deposit (the default deposit first). */
  balances(productId: number): Array<{ id: number; saldoFisico: number; saldoVirtual: number }>;
  /** `sha256=<hex HMAC-SHA256(rawBody, client secret)>`, the `X-Bling-Signature-256` header. */
  signWebhook(rawBody: string): string;
  /** A signed delivery of `event` ("order.created", "product.updated", "stock.updated"…). */
  webhook(event: string, data: unknown, options?: { eventId?: string; date?: string }): BlingWebhookDelivery;
}


export async function startBlingSimulator(options: BlingSimulatorOptions = {}): Promise<BlingSimulator> {
  const products = new Map<number, BlingProduct>();
  const byCode = new Map<string, number>();
  const contacts = new Map<number, BlingContact>();
  const orders = new Map<number, BlingOrder>();
  const productStores = new Map<number, BlingProductStore>();
  const deposits: BlingDeposit[] = [
    { id: 14_886_000_001, descricao: 'Geral', situacao: 1, padrao: true, desconsiderarSaldo: false },
    { id: 14_886_000_002, descricao: 'Loja física', situacao: 1, padrao: false, desconsiderarSaldo: false },
  ];
  const defaultDepositId = deposits[0].id;
  const lojas = [
    { id: 204_000_001, descricao: 'Mercado Livre' },
    { id: 204_000_002, descricao: 'Loja virtual' },
  ];
  // Balances outside the default deposit; the default deposit holds the rest of saldoVirtualTotal.
  const otherDeposits = new Map<number, Map<number, number>>();
  const stockMovements: BlingStockMovement[] = [];
  const faults = new FaultPlan();
  const credentials = {
    clientId: options.clientId ?? 'bling-client-id',
    clientSecret: options.clientSecret ?? randomBytes(16).toString('hex'),
    accessToken: options.accessToken ?? randomBytes(24).toString('hex'),
    refreshToken: randomBytes(24).toString('hex'),
  };
  const companyId = options.companyId ?? randomBytes(16).toString('hex');
  const validTokens = new Set([credentials.accessToken]);
  const throttle = fixedWindow(options.requestsPerSecond ?? 3, 1000);
  const perDay = options.requestsPerDay ?? 120_000;
  const daily = { day: '', count: 0 };
  const stats = { requests: 0, overLimit: 0, overDailyLimit: 0, refreshes: 0, writes: {} as Record<string, number> };
  const requestLog: BlingSimulator['requestLog'] = [];
  const webhookOutbox: BlingWebhookDelivery[] = [];
  const codes = new Set<string>();
  let nextProductId = FIRST_CREATED_PRODUCT_ID;
  let nextContactId = FIRST_CONTACT_ID + 500_000_000;
  let nextOrderId = FIRST_ORDER_ID + 500_000_000;
  let nextStoreLinkId = FIRST_STORE_LINK_ID;
  let nextMovementId = FIRST_MOVEMENT_ID;
  let nextItemId = 1;

  const wrote = (route: string) => (stats.writes[route] = (stats.writes[route] ?? 0) + 1);

  // ---------------------------------------------------------------- webhooks

  const signWebhook = (rawBody: string) => `sha256=${hmacSha256(credentials.clientSecret, rawBody, 'hex')}`;
  const webhook: BlingSimulator['webhook'] = (event, data, opts = {}) => {
    const envelope = { eventId: opts.eventId ?? randomUUID(), date: opts.date ?? new Date().toISOString(), version: 'v1', event, companyId, data };
    const rawBody = JSON.stringify(envelope);
    return { rawBody, headers: { 'content-type': 'application/json', 'x-bling-signature-256': signWebhook(rawBody) }, envelope };
  };
  const emit = (event: string, data: unknown) => bounded(webhookOutbox, webhook(event, data));

  // ---------------------------------------------------------------- stock

  const sumOthers = (id: number) => {
    let sum = 0;
    for (const q of otherDeposits.get(id)?.values() ?? []) sum += q;
    return sum;
  };
  const balanceIn = (p: BlingProduct, depositId: number): number =>
    depositId === defaultDepositId ? round2(p.estoque.saldoVirtualTotal - sumOthers(p.id)) : (otherDeposits.get(p.id)?.get(depositId) ?? 0);

  const balances = (productId: number): Array<{ id: number; saldoFisico: number; saldoVirtual: number }> => {
    const p = products.get(productId);
    if (!p) return [];
    if (p.formato === 'V' && p.variacoes?.length) {
      const sum = new Map<number, number>();
      for (const vid of p.variacoes) for (const d of balances(vid)) sum.set(d.id, round2((sum.get(d.id) ?? 0) + d.saldoVirtual));
      return [...sum].map(([id, q]) => ({ id, saldoFisico: q, saldoVirtual: q }));
    }
    const out = [{ id: defaultDepositId, saldoFisico: balanceIn(p, defaultDepositId), saldoVirtual: balanceIn(p, defaultDepositId) }];
    for (const [id, q] of otherDeposits.get(p.id) ?? []) out.push({ id, saldoFisico: q, saldoVirtual: q });
    return out;
  };
  const totalOf = (p: BlingProduct): number => (p.formato === 'V' && p.variacoes?.length ? round2(balances(p.id).reduce((s, d) => s + d.saldoVirtual, 0)) : p.estoque.saldoVirtualTotal);

  // ---------------------------------------------------------------- projections

  const listProduct = (p: BlingProduct) => ({
    id: p.id,
    ...(p.idProdutoPai ? { idProdutoPai: p.idProdutoPai } : {}),
    nome: p.nome,
    codigo: p.codigo,
    preco: p.preco,
    precoCusto: p.precoCusto,
    tipo: p.tipo,
    situacao: p.situacao,
    formato: p.formato,
    unidade: p.unidade,
    descricaoCurta: p.descricaoCurta,
    estoque: p.formato === 'V' && p.variacoes?.length ? { saldoVirtualTotal: totalOf(p) } : p.estoque,
  });

  const detailProduct = (p: BlingProduct): Record<string, unknown> => {
    const { dataAlteracao: _d, extra, variacoes, variacao, idProdutoPai: _pai, ...base } = p;
    const out: Record<string, unknown> = { ...base, ...extra, estoque: { ...p.estoque, saldoVirtualTotal: totalOf(p) } };
    if (variacao) out.variacao = variacao;
    out.variacoes = (variacoes ?? []).flatMap((id) => {
      const v = products.get(id);
      return v ? [detailProduct(v)] : [];
    });
    return out;
  };

  const contactRef = (id: number) => {
    const c = contacts.get(id);
    return c ? { id: c.id, nome: c.nome, tipoPessoa: c.tipo, numeroDocumento: c.numeroDocumento } : { id, nome: '', tipoPessoa: 'F', numeroDocumento: '' };
  };
  const listContact = (c: BlingContact) => ({ id: c.id, nome: c.nome, codigo: c.codigo, situacao: c.situacao, numeroDocumento: c.numeroDocumento, telefone: c.telefone, celular: c.celular });
  const detailContact = (c: BlingContact) => {
    const { dataAlteracao: _d, extra, ...base } = c;
    return { ...base, ...extra };
  };
  const listOrder = (o: BlingOrder) => ({
    id: o.id,
    numero: o.numero,
    numeroLoja: o.numeroLoja,
    data: o.data,
    dataSaida: o.dataSaida,
    dataPrevista: o.dataPrevista,
    totalProdutos: o.totalProdutos,
    total: o.total,
    contato: contactRef(o.contato.id),
    situacao: o.situacao,
    loja: o.loja,
  });
  const detailOrder = (o: BlingOrder) => {
    const { dataAlteracao: _d, extra, ...base } = o;
    return { ...base, ...extra, contato: contactRef(o.contato.id) };
  };
  const storeLink = (l: BlingProductStore) => {
    const { dataAlteracao: _d, ...base } = l;
    return base;
  };

  // ---------------------------------------------------------------- request helpers

  const paging = (req: SimRequest): { offset: number; limit: number } | Refusal => {
    const pagina = Number(req.query.get('pagina') ?? 1);
    const limite = Math.min(Number(req.query.get('limite') ?? PAGE_LIMIT), PAGE_LIMIT);
    if (!Number.isInteger(pagina) || pagina < 1) return new Refusal(blingError(400, 'VALIDATION_ERROR', 'Parâmetro pagina inválido'));
    if (!Number.isInteger(limite) || limite < 1) return new Refusal(blingError(400, 'VALIDATION_ERROR', 'Parâmetro limite inválido'));
    return { offset: (pagina - 1) * limite, limit: limite };
  };

  /** dataAlteracaoInicial/Final as Bling takes them: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". */
  const changedBetween = (req: SimRequest): ((dataAlteracao: string) => boolean) | Refusal => {
    const from = req.query.get('dataAlteracaoInicial');
    const to = req.query.get('dataAlteracaoFinal');
    for (const [name, v] of [['dataAlteracaoInicial', from], ['dataAlteracaoFinal', to]] as const)
      if (v && !DATE_TIME.test(v)) return new Refusal(blingError(400, 'VALIDATION_ERROR', `Parâmetro ${name} inválido`, `Informe ${name} no formato AAAA-MM-DD HH:MM:SS`));
    const toEnd = to && to.length === 10 ? `${to} 23:59:59` : to;
    return (d) => (!from || d >= from) && (!toEnd || d <= toEnd);
  };

  /** One page of `source` filtered lazily: stops as soon as the page is full. */
  function pageOf<T, R>(source: Iterable<T>, keep: (x: T) => boolean, offset: number, limit: number, project: (x: T) => R): R[] {
    const out: R[] = [];
    let seen = 0;
    for (const x of source) {
      if (!keep(x)) continue;
      if (seen++ < offset) continue;
      out.push(project(x));
      if (out.length >= limit) break;
    }
    return out;
  }

  const bodyOf = (req: SimRequest): Record<string, unknown> | Refusal => {
    if (!req.rawBody.trim()) return new Refusal(blingError(400, 'EMPTY_REQUEST_BODY', 'O corpo da requisição está vazio'));
    if (!isObject(req.body)) return new Refusal(blingError(400, 'INVALID_REQUEST_BODY', 'O corpo da requisição não é um JSON válido'));
    return req.body;
  };

  // ---------------------------------------------------------------- products

  interface ProductInput {
    fields: Pick<BlingProduct, 'nome' | 'codigo' | 'preco' | 'tipo' | 'situacao' | 'formato' | 'unidade' | 'descricaoCurta'> & { estoque?: BlingProduct['estoque'] };
    extra?: Record<string, unknown>;
    variations: Array<{ id?: number; input: ProductInput; variacao: { nome: string; ordem: number } }>;
  }

  /** Reads and checks a product body. `current` is set on PATCH (fields left out keep their value). */
  const readProduct = (body: Record<string, unknown>, problems: Problems, path: string, current?: BlingProduct, allowVariations = true): ProductInput => {
    const at = (f: string) => (path ? `${path}.${f}` : f);
    const has = (f: string) => body[f] !== undefined && body[f] !== null;
    const nome = has('nome') ? str(body.nome).trim() : (current?.nome ?? '');
    if (!nome) problems.add(at('nome'), 'O nome do produto deve ser informado', 1);
    else if (nome.length > 120) problems.add(at('nome'), 'O nome do produto deve ter no máximo 120 caracteres', 2);
    const codigo = has('codigo') ? str(body.codigo).trim() : (current?.codigo ?? '');
    if (codigo.length > 60) problems.add(at('codigo'), 'O código do produto deve ter no máximo 60 caracteres', 2);
    const tipo = (has('tipo') ? body.tipo : (current?.tipo ?? undefined)) as BlingProduct['tipo'];
    if (!['P', 'S', 'N'].includes(tipo as string)) problems.add(at('tipo'), 'O tipo do produto deve ser P, S ou N', 3);
    const situacao = (has('situacao') ? body.situacao : (current?.situacao ?? undefined)) as BlingProduct['situacao'];
    if (!['A', 'I'].includes(situacao as string)) problems.add(at('situacao'), 'A situação do produto deve ser A ou I', 3);
    const formato = (has('formato') ? body.formato : (current?.formato ?? undefined)) as BlingProduct['formato'];
    if (!(allowVariations ? ['S', 'V', 'E'] : ['S', 'E']).includes(formato as string)) problems.add(at('formato'), allowVariations ? 'O formato do produto deve ser S, V ou E' : 'O formato de uma variação deve ser S ou E', 3);
    const preco = has('preco') ? body.preco : (current?.preco ?? 0);
    if (!isNumber(preco) || preco < 0) problems.add(at('preco'), 'O preço deve ser um número maior ou igual a zero', 4);
    const estoque = isObject(body.estoque) ? (body.estoque as Record<string, unknown>) : undefined;
    const fields: ProductInput['fields'] = {
      nome,
      codigo,
      preco: isNumber(preco) ? round2(preco) : 0,
      tipo,
      situacao,
      formato,
      unidade: has('unidade') ? str(body.unidade) : (current?.unidade ?? 'UN'),
      descricaoCurta: has('descricaoCurta') ? str(body.descricaoCurta) : (current?.descricaoCurta ?? ''),
      estoque: estoque ? (pick(estoque, ['minimo', 'maximo', 'crossdocking', 'localizacao']) as BlingProduct['estoque']) : undefined,
    };
    const extra = { ...current?.extra, ...pick(body, PRODUCT_EXTRA_FIELDS) };
    const variations: ProductInput['variations'] = [];
    if (allowVariations && formato === 'V') {
      const list = Array.isArray(body.variacoes) ? body.variacoes : [];
      if (!list.length && !current) problems.add(at('variacoes'), 'Um produto com variações (formato V) deve ter ao menos uma variação', 5);
      list.forEach((raw, i) => {
        const vp = `${at('variacoes')}[${i}]`;
        if (!isObject(raw)) return problems.add(vp, 'Variação inválida', 3);
        const attributes = isObject(raw.variacao) ? str(raw.variacao.nome).trim() : '';
        if (!attributes) problems.add(`${vp}.variacao.nome`, 'Informe os atributos da variação, como "Cor:Azul;Tamanho:M"', 1);
        const merged = { tipo: fields.tipo, situacao: 'A', formato: 'S', unidade: fields.unidade, nome: `${nome} ${attributes}`.trim(), ...raw };
        variations.push({
          id: raw.id !== undefined && raw.id !== null ? Number(raw.id) : undefined,
          input: readProduct(merged, problems, vp, undefined, false),
          variacao: { nome: attributes, ordem: isObject(raw.variacao) && isNumber(raw.variacao.ordem) ? raw.variacao.ordem : i + 1 },
        });
      });
    } else if (!allowVariations && Array.isArray(body.variacoes) && body.variacoes.length) {
      problems.add(at('variacoes'), 'Uma variação não pode ter variações', 5);
    } else if (formato !== 'V' && Array.isArray(body.variacoes) && body.variacoes.length) {
      problems.add(at('formato'), 'Para cadastrar variações informe o formato V', 5);
    }
    return { fields, extra: Object.keys(extra).length ? extra : undefined, variations };
  };

  /** Códigos are unique in an account; `keep` are ids allowed to hold theirs (the product being saved). */
  const checkCodes = (input: ProductInput, problems: Problems, keep: Set<number>) => {
    const seen = new Map<string, string>();
    const check = (codigo: string, element: string) => {
      if (!codigo) return;
      const owner = codeOwner(codigo);
      if ((owner !== undefined && !keep.has(owner)) || seen.has(codigo)) problems.add(element, `O código ${codigo} já está sendo utilizado por outro produto`, 6);
      seen.set(codigo, element);
    };
    check(input.fields.codigo, 'codigo');
    input.variations.forEach((v, i) => check(v.input.fields.codigo, `variacoes[${i}].codigo`));
  };

  /** The product holding `codigo`; the index is checked against the map, which tests may edit directly. */
  const codeOwner = (codigo: string): number | undefined => {
    const id = byCode.get(codigo);
    if (id !== undefined && products.get(id)?.codigo === codigo) return id;
    if (id !== undefined) byCode.delete(codigo);
    for (const p of products.values())
      if (p.codigo === codigo) {
        byCode.set(codigo, p.id);
        return p.id;
      }
    return undefined;
  };

  const setCode = (p: BlingProduct, codigo: string) => {
    if (p.codigo && byCode.get(p.codigo) === p.id) byCode.delete(p.codigo);
    p.codigo = codigo;
    if (codigo) byCode.set(codigo, p.id);
  };

  const removeProduct = (id: number) => {
    const p = products.get(id);
    if (!p) return;
    if (byCode.get(p.codigo) === id) byCode.delete(p.codigo);
    products.delete(id);
    otherDeposits.delete(id);
  };

  const newProduct = (input: ProductInput, parent?: { id: number; variacao: { nome: string; ordem: number } }): BlingProduct => {
    const p: BlingProduct = {
      id: nextProductId++,
      ...input.fields,
      codigo: '',
      precoCusto: 0,
      estoque: { ...input.fields.estoque, saldoVirtualTotal: 0 },
      dataAlteracao: blingNow(),
    };
    if (input.extra) p.extra = input.extra;
    if (parent) {
      p.idProdutoPai = parent.id;
      p.variacao = { ...parent.variacao, produtoPai: { id: parent.id } };
    }
    products.set(p.id, p);
    setCode(p, input.fields.codigo);
    return p;
  };

  /** Writes `input` over `p` (PUT: everything not sent goes back to its default). */
  const overwrite = (p: BlingProduct, input: ProductInput) => {
    const { codigo, estoque, ...rest } = input.fields;
    Object.assign(p, rest, { dataAlteracao: blingNow() });
    p.estoque = { ...estoque, saldoVirtualTotal: p.estoque.saldoVirtualTotal };
    p.extra = input.extra;
    setCode(p, codigo);
  };

  /** Saves a product's variations as PUT does: listed ids are updated, new ones created, the rest deleted. */
  const saveVariations = (parent: BlingProduct, input: ProductInput) => {
    const result = { saved: [] as Array<{ id: number }>, updated: [] as Array<{ id: number }>, deleted: [] as Array<{ id: number }> };
    const keep = new Set(input.variations.flatMap((v) => (v.id ? [v.id] : [])));
    for (const id of parent.variacoes ?? []) if (!keep.has(id)) {
      removeProduct(id);
      result.deleted.push({ id });
    }
    const ids: number[] = [];
    for (const v of input.variations) {
      const existing = v.id ? products.get(v.id) : undefined;
      if (existing) {
        overwrite(existing, v.input);
        existing.variacao = { ...v.variacao, produtoPai: { id: parent.id } };
        ids.push(existing.id);
        result.updated.push({ id: existing.id });
      } else {
        const created = newProduct(v.input, { id: parent.id, variacao: v.variacao });
        ids.push(created.id);
        result.saved.push({ id: created.id });
      }
    }
    parent.variacoes = ids;
    return result;
  };

  const productRoutes = [
    {
      method: 'GET',
      path: '/Api/v3/produtos',
      handler(req: SimRequest): SimResponse {
        const page = paging(req);
        if (page instanceof Refusal) return page.res;
        const changed = changedBetween(req);
        if (changed instanceof Refusal) return changed.res;
        const codigos = req.query.getAll('codigos[]');
        const ids = req.query.getAll('idsProdutos[]').map(Number);
        const criterio = Number(req.query.get('criterio') ?? 5);
        const tipo = req.query.get('tipo') ?? 'T';
        const keep = (p: BlingProduct) => {
          if (!changed(p.dataAlteracao)) return false;
          if (criterio === 2 && p.situacao !== 'A') return false;
          if (criterio === 3 && p.situacao !== 'I') return false;
          if (tipo === 'P' && p.tipo !== 'P') return false;
          if (tipo === 'S' && p.tipo === 'P') return false;
          if (tipo === 'E' && p.formato !== 'E') return false;
          if (tipo === 'PS' && (p.formato !== 'S' || p.idProdutoPai)) return false;
          if (tipo === 'C' && p.formato !== 'V') return false;
          if (tipo === 'V' && !p.idProdutoPai) return false;
          return true;
        };
        let source: Iterable<BlingProduct> = products.values();
        if (codigos.length || ids.length) {
          const wanted = new Set([...ids, ...codigos.flatMap((c) => codeOwner(c) ?? [])]);
          source = [...wanted].flatMap((id) => (products.has(id) ? [products.get(id)!] : []));
        }
        return { status: 200, body: { data: pageOf(source, keep, page.offset, page.limit, listProduct) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/produtos/:id',
      handler(req: SimRequest): SimResponse {
        const p = products.get(Number(req.params.id));
        if (!p) return notFound('Produto');
        return { status: 200, body: { data: detailProduct(p) } };
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/produtos',
      handler(req: SimRequest): SimResponse {
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('PRODUTOS');
        const input = readProduct(body, problems, '');
        checkCodes(input, problems, new Set());
        const refused = problems.answer('Não foi possível salvar o produto', 'O produto não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        const p = newProduct(input);
        const variations = input.fields.formato === 'V' ? saveVariations(p, input) : { saved: [], updated: [], deleted: [] };
        wrote('POST /produtos');
        emit('product.created', detailProduct(p));
        return { status: 201, body: { data: { id: p.id, variations, warnings: [] } } };
      },
    },
    {
      method: 'PUT',
      path: '/Api/v3/produtos/:id',
      handler(req: SimRequest): SimResponse {
        const p = products.get(Number(req.params.id));
        if (!p) return notFound('Produto');
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('PRODUTOS');
        const input = readProduct(body, problems, '', undefined, !p.idProdutoPai);
        // The product's current variations are all updated or deleted by this PUT: their códigos are free to reuse.
        checkCodes(input, problems, new Set([p.id, ...(p.variacoes ?? [])]));
        for (const [i, v] of input.variations.entries())
          if (v.id && !p.variacoes?.includes(v.id)) problems.add(`variacoes[${i}].id`, `A variação ${v.id} não pertence a este produto`, 7);
        const refused = problems.answer('Não foi possível salvar o produto', 'O produto não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        overwrite(p, input);
        let variations = { saved: [] as Array<{ id: number }>, updated: [] as Array<{ id: number }>, deleted: [] as Array<{ id: number }> };
        if (input.fields.formato === 'V') variations = saveVariations(p, input);
        else if (p.variacoes?.length) {
          for (const id of p.variacoes) {
            removeProduct(id);
            variations.deleted.push({ id });
          }
          delete p.variacoes;
        }
        wrote('PUT /produtos');
        emit('product.updated', detailProduct(p));
        return { status: 200, body: { data: { id: p.id, variations, warnings: [] } } };
      },
    },
    {
      method: 'PATCH',
      path: '/Api/v3/produtos/:id',
      handler(req: SimRequest): SimResponse {
        const p = products.get(Number(req.params.id));
        if (!p) return notFound('Produto');
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('PRODUTOS');
        const input = readProduct({ ...body, variacoes: undefined }, problems, '', p, !p.idProdutoPai);
        if (body.codigo !== undefined) checkCodes({ ...input, variations: [] }, problems, new Set([p.id]));
        if (body.variacoes !== undefined) problems.add('variacoes', 'Para alterar variações use PUT /produtos/{idProduto}', 5);
        const refused = problems.answer('Não foi possível salvar o produto', 'O produto não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        const estoque = input.fields.estoque ?? (pick(p.estoque, ['minimo', 'maximo', 'crossdocking', 'localizacao']) as BlingProduct['estoque'] | undefined);
        overwrite(p, { ...input, fields: { ...input.fields, estoque } });
        wrote('PATCH /produtos');
        emit('product.updated', detailProduct(p));
        return { status: 200, body: { data: { id: p.id, warnings: [] } } };
      },
    },
  ];

  // ---------------------------------------------------------------- stock

  const stockRoutes = [
    {
      method: 'GET',
      path: '/Api/v3/depositos',
      handler(req: SimRequest): SimResponse {
        const page = paging(req);
        if (page instanceof Refusal) return page.res;
        return { status: 200, body: { data: deposits.slice(page.offset, page.offset + page.limit) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/estoques/saldos',
      handler(req: SimRequest): SimResponse {
        const ids = req.query.getAll('idsProdutos[]');
        const codigos = req.query.getAll('codigos[]');
        if (!ids.length && !codigos.length) return blingError(400, 'VALIDATION_ERROR', 'Informe os produtos', 'O parâmetro idsProdutos[] é obrigatório', [{ code: 1, msg: 'Informe ao menos um ID de produto', element: 'idsProdutos', namespace: 'ESTOQUES', collection: [] }]);
        if (ids.length + codigos.length > MAX_BALANCE_IDS)
          return blingError(400, 'VALIDATION_ERROR', 'Produtos demais na consulta', `Consulte no máximo ${MAX_BALANCE_IDS} produtos por requisição`);
        const wanted = [...new Set([...ids.map(Number), ...codigos.flatMap((c) => codeOwner(c) ?? [])])];
        const data = wanted.flatMap((id) => {
          const p = products.get(id);
          if (!p) return [];
          const depositos = balances(id);
          const total = round2(depositos.reduce((s, d) => s + d.saldoVirtual, 0));
          return [{ produto: { id: p.id, codigo: p.codigo }, saldoFisicoTotal: total, saldoVirtualTotal: total, depositos }];
        });
        return { status: 200, body: { data } };
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/estoques',
      handler(req: SimRequest): SimResponse {
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('ESTOQUES');
        const produto = isObject(body.produto) ? body.produto : {};
        const p = produto.id !== undefined ? products.get(Number(produto.id)) : typeof produto.codigo === 'string' ? products.get(codeOwner(produto.codigo) ?? -1) : undefined;
        if (!p) problems.add('produto', produto.id !== undefined || produto.codigo !== undefined ? 'O produto informado não existe' : 'Informe o produto', 1);
        else if (p.formato === 'V') problems.add('produto', 'O estoque de um produto com variações é lançado nas variações', 8);
        else if (p.tipo !== 'P') problems.add('produto', 'Serviços não controlam estoque', 8);
        const depositoId = idOf(body.deposito);
        const deposito = deposits.find((d) => d.id === depositoId);
        if (depositoId === undefined) problems.add('deposito', 'Informe o depósito', 1);
        else if (!deposito) problems.add('deposito', 'O depósito informado não existe', 1);
        const operacao = body.operacao as BlingStockMovement['operacao'];
        if (!['B', 'E', 'S'].includes(operacao)) problems.add('operacao', 'A operação deve ser B (balanço), E (entrada) ou S (saída)', 3);
        const quantidade = body.quantidade;
        if (!isNumber(quantidade)) problems.add('quantidade', 'Informe a quantidade', 1);
        else if (operacao === 'B' ? quantidade < 0 : quantidade <= 0) problems.add('quantidade', operacao === 'B' ? 'A quantidade do balanço não pode ser negativa' : 'A quantidade deve ser maior que zero', 4);
        for (const f of ['preco', 'custo'] as const) if (body[f] !== undefined && !(isNumber(body[f]) && (body[f] as number) >= 0)) problems.add(f, `O campo ${f} deve ser um número maior ou igual a zero`, 4);
        const refused = problems.answer('Não foi possível lançar o estoque', 'O lançamento de estoque não pode ser salvo, pois há problemas na sua validação.');
        if (refused || !p || !deposito || !isNumber(quantidade)) return refused!;
        const antes = balanceIn(p, deposito.id);
        const depois = round2(operacao === 'B' ? quantidade : operacao === 'E' ? antes + quantidade : antes - quantidade);
        if (deposito.id !== defaultDepositId) {
          if (!otherDeposits.has(p.id)) otherDeposits.set(p.id, new Map());
          otherDeposits.get(p.id)!.set(deposito.id, depois);
        }
        p.estoque.saldoVirtualTotal = round2(p.estoque.saldoVirtualTotal + depois - antes);
        const movement: BlingStockMovement = {
          id: nextMovementId++,
          produto: { id: p.id },
          deposito: { id: deposito.id },
          operacao,
          quantidade,
          ...pick(body, ['preco', 'custo', 'observacoes']),
          antes,
          depois,
        };
        bounded(stockMovements, movement);
        wrote('POST /estoques');
        emit('stock.updated', { produto: { id: p.id }, deposito: { id: deposito.id, saldoFisico: depois, saldoVirtual: depois }, operacao, quantidade });
        return { status: 201, body: { data: { id: movement.id } } };
      },
    },
  ];

  // ---------------------------------------------------------------- product-store links (prices per channel)

  const readStoreLink = (body: Record<string, unknown>, problems: Problems, current?: BlingProductStore) => {
    const produtoId = idOf(body.produto) ?? current?.produto.id;
    const lojaId = idOf(body.loja) ?? current?.loja.id;
    const codigo = body.codigo !== undefined ? str(body.codigo).trim() : (current?.codigo ?? '');
    if (!codigo) problems.add('codigo', 'Informe o código do produto na loja', 1);
    if (produtoId === undefined) problems.add('produto', 'Informe o produto', 1);
    else if (!products.has(produtoId)) problems.add('produto', 'O produto informado não existe', 1);
    if (lojaId === undefined) problems.add('loja', 'Informe a loja', 1);
    else if (!lojas.some((l) => l.id === lojaId)) problems.add('loja', 'A loja informada não existe', 1);
    for (const f of ['preco', 'precoPromocional'] as const) if (body[f] !== undefined && !(isNumber(body[f]) && (body[f] as number) >= 0)) problems.add(f, `O campo ${f} deve ser um número maior ou igual a zero`, 4);
    const duplicate = [...productStores.values()].find((l) => l.produto.id === produtoId && l.loja.id === lojaId && l.id !== current?.id);
    if (duplicate) problems.add('produto', `O produto já está vinculado a esta loja (vínculo ${duplicate.id})`, 6);
    return {
      codigo,
      preco: isNumber(body.preco) ? round2(body.preco) : (current?.preco ?? 0),
      precoPromocional: isNumber(body.precoPromocional) ? round2(body.precoPromocional) : (current?.precoPromocional ?? 0),
      produto: { id: produtoId! },
      loja: { id: lojaId! },
      categoriasProdutos: Array.isArray(body.categoriasProdutos) ? (body.categoriasProdutos as Array<{ id: number }>) : (current?.categoriasProdutos ?? []),
    };
  };

  const storeRoutes = [
    {
      method: 'GET',
      path: '/Api/v3/produtos/lojas',
      handler(req: SimRequest): SimResponse {
        const page = paging(req);
        if (page instanceof Refusal) return page.res;
        const changed = changedBetween(req);
        if (changed instanceof Refusal) return changed.res;
        const idProduto = req.query.get('idProduto');
        const idLoja = req.query.get('idLoja');
        const keep = (l: BlingProductStore) => changed(l.dataAlteracao) && (!idProduto || l.produto.id === Number(idProduto)) && (!idLoja || l.loja.id === Number(idLoja));
        return { status: 200, body: { data: pageOf(productStores.values(), keep, page.offset, page.limit, storeLink) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/produtos/lojas/:id',
      handler(req: SimRequest): SimResponse {
        const l = productStores.get(Number(req.params.id));
        return l ? { status: 200, body: { data: storeLink(l) } } : notFound('Vínculo do produto com a loja');
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/produtos/lojas',
      handler(req: SimRequest): SimResponse {
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('PRODUTOSLOJAS');
        const fields = readStoreLink(body, problems);
        const refused = problems.answer('Não foi possível vincular o produto à loja', 'O vínculo não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        const link: BlingProductStore = { id: nextStoreLinkId++, ...fields, dataAlteracao: blingNow() };
        productStores.set(link.id, link);
        wrote('POST /produtos/lojas');
        return { status: 201, body: { data: { id: link.id, categoriasProdutos: link.categoriasProdutos } } };
      },
    },
    {
      method: 'PUT',
      path: '/Api/v3/produtos/lojas/:id',
      handler(req: SimRequest): SimResponse {
        const link = productStores.get(Number(req.params.id));
        if (!link) return notFound('Vínculo do produto com a loja');
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('PRODUTOSLOJAS');
        // PUT replaces: codigo, produto and loja are required again.
        const fields = readStoreLink(body, problems, { ...link, codigo: '', produto: { id: undefined as never }, loja: { id: undefined as never }, preco: 0, precoPromocional: 0 });
        const refused = problems.answer('Não foi possível alterar o vínculo do produto com a loja', 'O vínculo não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        Object.assign(link, fields, { dataAlteracao: blingNow() });
        wrote('PUT /produtos/lojas');
        return { status: 200, body: { data: { id: link.id, categoriasProdutos: link.categoriasProdutos } } };
      },
    },
  ];

  // ---------------------------------------------------------------- orders

  const statusById = (id: number) => ORDER_STATUSES.find((s) => s.id === id);

  const readOrder = (body: Record<string, unknown>, problems: Problems, current?: BlingOrder) => {
    const contatoId = idOf(body.contato);
    if (contatoId === undefined) problems.add('contato', 'Informe o contato do pedido', 1);
    else if (!contacts.has(contatoId)) problems.add('contato', `O contato ${contatoId} não existe`, 1);
    const data = body.data === undefined || body.data === null || body.data === '' ? (current?.data ?? blingToday()) : str(body.data);
    if (!DATE.test(data)) problems.add('data', 'A data do pedido deve estar no formato AAAA-MM-DD', 2);
    for (const f of ['dataSaida', 'dataPrevista'] as const) if (body[f] && !DATE.test(str(body[f]))) problems.add(f, `O campo ${f} deve estar no formato AAAA-MM-DD`, 2);
    let numero = current?.numero;
    if (body.numero !== undefined && body.numero !== null && body.numero !== '') {
      numero = Number(body.numero);
      if (!Number.isInteger(numero) || numero <= 0) problems.add('numero', 'O número do pedido deve ser um inteiro positivo', 2);
    }
    if (numero !== undefined && [...orders.values()].some((o) => o.numero === numero && o.id !== current?.id)) problems.add('numero', `Já existe um pedido de venda com o número ${numero}`, 6);
    const lojaId = idOf(body.loja) ?? 0;
    if (lojaId !== 0 && !lojas.some((l) => l.id === lojaId)) problems.add('loja', 'A loja informada não existe', 1);
    const numeroLoja = str(body.numeroLoja).trim();
    if (numeroLoja && [...orders.values()].some((o) => o.numeroLoja === numeroLoja && o.loja.id === lojaId && o.id !== current?.id))
      problems.add('numeroLoja', `Já existe um pedido com o número ${numeroLoja} nesta loja`, 6);
    const rawItems = Array.isArray(body.itens) ? body.itens : [];
    if (!rawItems.length) problems.add('itens', 'O pedido deve ter ao menos um item', 1);
    const itens: BlingOrderItem[] = rawItems.map((raw, i) => {
      const at = `itens[${i}]`;
      const item = isObject(raw) ? raw : {};
      let produtoId = idOf(item.produto);
      if (produtoId !== undefined && !products.has(produtoId)) problems.add(`${at}.produto`, `O produto ${produtoId} não existe`, 1, 'ITENS');
      const codigo = str(item.codigo);
      if (produtoId === undefined && codigo) produtoId = codeOwner(codigo);
      const p = produtoId !== undefined ? products.get(produtoId) : undefined;
      const quantidade = item.quantidade;
      if (!(isNumber(quantidade) && quantidade > 0)) problems.add(`${at}.quantidade`, 'A quantidade do item deve ser maior que zero', 4, 'ITENS');
      const valor = item.valor;
      if (!(isNumber(valor) && valor >= 0)) problems.add(`${at}.valor`, 'O valor do item deve ser um número maior ou igual a zero', 4, 'ITENS');
      const descricao = str(item.descricao) || p?.nome || '';
      if (!descricao) problems.add(`${at}.descricao`, 'Informe a descrição do item', 1, 'ITENS');
      const desconto = isNumber(item.desconto) ? item.desconto : 0;
      return {
        id: nextItemId++,
        codigo: codigo || p?.codigo || '',
        unidade: str(item.unidade) || p?.unidade || 'UN',
        quantidade: isNumber(quantidade) ? quantidade : 0,
        desconto,
        valor: isNumber(valor) ? valor : 0,
        descricao,
        ...(p ? { produto: { id: p.id } } : {}),
      };
    });
    const totalProdutos = round2(itens.reduce((s, it) => s + it.quantidade * it.valor * (1 - it.desconto / 100), 0));
    const desconto = isObject(body.desconto) ? { valor: isNumber(body.desconto.valor) ? body.desconto.valor : 0, unidade: body.desconto.unidade === 'PERCENTUAL' ? 'PERCENTUAL' : 'REAL' } : { valor: 0, unidade: 'REAL' };
    const outrasDespesas = isNumber(body.outrasDespesas) ? body.outrasDespesas : 0;
    const frete = isObject(body.transporte) && isNumber(body.transporte.frete) ? body.transporte.frete : 0;
    const descontoValor = desconto.unidade === 'PERCENTUAL' ? (totalProdutos * desconto.valor) / 100 : desconto.valor;
    const total = round2(totalProdutos - descontoValor + frete + outrasDespesas);
    const parcelas = (Array.isArray(body.parcelas) ? body.parcelas : []).map((raw, i) => {
      const parcela = isObject(raw) ? raw : {};
      if (idOf(parcela.formaPagamento) === undefined) problems.add(`parcelas[${i}].formaPagamento`, 'Informe a forma de pagamento da parcela', 1, 'PARCELAS');
      if (!isNumber(parcela.valor)) problems.add(`parcelas[${i}].valor`, 'Informe o valor da parcela', 1, 'PARCELAS');
      return {
        id: nextItemId++,
        dataVencimento: str(parcela.dataVencimento) || data,
        valor: isNumber(parcela.valor) ? parcela.valor : 0,
        observacoes: str(parcela.observacoes),
        formaPagamento: { id: idOf(parcela.formaPagamento) ?? 0 },
      };
    });
    if (parcelas.length && Math.abs(round2(parcelas.reduce((s, p) => s + p.valor, 0)) - total) > 0.01)
      problems.add('parcelas', `A soma das parcelas difere do total do pedido (${total.toFixed(2)})`, 9, 'PARCELAS');
    return {
      numero,
      numeroLoja,
      data,
      dataSaida: str(body.dataSaida) || data,
      dataPrevista: str(body.dataPrevista) || data,
      totalProdutos,
      total,
      contato: { id: contatoId! },
      loja: { id: lojaId },
      itens,
      parcelas,
      observacoes: str(body.observacoes),
      observacoesInternas: str(body.observacoesInternas),
      outrasDespesas,
      desconto: desconto as BlingOrder['desconto'],
      extra: pick(body, ORDER_EXTRA_FIELDS),
    };
  };

  const nextOrderNumber = () => {
    let max = 0;
    for (const o of orders.values()) if (o.numero > max) max = o.numero;
    return max + 1;
  };

  const orderEvent = (o: BlingOrder) => ({ id: o.id, data: o.data, numero: o.numero, numeroLoja: o.numeroLoja, total: o.total, situacao: o.situacao, contato: { id: o.contato.id }, loja: o.loja });

  const accounts = receivablesOf(orders, wrote);

  const orderRoutes = [
    {
      method: 'GET',
      path: '/Api/v3/pedidos/vendas',
      handler(req: SimRequest): SimResponse {
        const page = paging(req);
        if (page instanceof Refusal) return page.res;
        const changed = changedBetween(req);
        if (changed instanceof Refusal) return changed.res;
        const situacoes = req.query.getAll('idsSituacoes[]').map(Number);
        const numerosLojas = req.query.getAll('numerosLojas[]');
        const idContato = req.query.get('idContato');
        const numero = req.query.get('numero');
        const idLoja = req.query.get('idLoja');
        const dataInicial = req.query.get('dataInicial');
        const dataFinal = req.query.get('dataFinal');
        const keep = (o: BlingOrder) =>
          changed(o.dataAlteracao) &&
          (!situacoes.length || situacoes.includes(o.situacao.id)) &&
          (!numerosLojas.length || numerosLojas.includes(o.numeroLoja)) &&
          (!idContato || o.contato.id === Number(idContato)) &&
          (!numero || o.numero === Number(numero)) &&
          (!idLoja || o.loja.id === Number(idLoja)) &&
          (!dataInicial || o.data >= dataInicial) &&
          (!dataFinal || o.data <= dataFinal);
        return { status: 200, body: { data: pageOf(orders.values(), keep, page.offset, page.limit, listOrder) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/pedidos/vendas/:id',
      handler(req: SimRequest): SimResponse {
        const o = orders.get(Number(req.params.id));
        return o ? { status: 200, body: { data: detailOrder(o) } } : notFound('Pedido de venda');
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/pedidos/vendas',
      handler(req: SimRequest): SimResponse {
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('VENDAS');
        const fields = readOrder(body, problems);
        const refused = problems.answer('Não foi possível salvar a venda', 'A venda não pode ser salva, pois há problemas na sua validação.');
        if (refused) return refused;
        const status = statusById(6)!;
        const o: BlingOrder = { id: nextOrderId++, ...fields, numero: fields.numero ?? nextOrderNumber(), situacao: { id: status.id, valor: status.valor }, dataAlteracao: blingNow() };
        if (!o.extra) delete o.extra;
        orders.set(o.id, o);
        wrote('POST /pedidos/vendas');
        emit('order.created', orderEvent(o));
        return { status: 201, body: { data: { id: o.id, alertas: [] } } };
      },
    },
    {
      method: 'PUT',
      path: '/Api/v3/pedidos/vendas/:id',
      handler(req: SimRequest): SimResponse {
        const o = orders.get(Number(req.params.id));
        if (!o) return notFound('Pedido de venda');
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('VENDAS');
        const fields = readOrder(body, problems, o);
        const refused = problems.answer('Não foi possível salvar a venda', 'A venda não pode ser salva, pois há problemas na sua validação.');
        if (refused) return refused;
        // situacao is read-only here: it changes only through PATCH …/situacoes/{idSituacao}.
        Object.assign(o, fields, { numero: fields.numero ?? o.numero, dataAlteracao: blingNow() });
        if (!o.extra) delete o.extra;
        wrote('PUT /pedidos/vendas');
        emit('order.updated', orderEvent(o));
        return { status: 200, body: { data: { id: o.id, alertas: [] } } };
      },
    },
    {
      method: 'PATCH',
      path: '/Api/v3/pedidos/vendas/:id/situacoes/:idSituacao',
      handler(req: SimRequest): SimResponse {
        const o = orders.get(Number(req.params.id));
        if (!o) return notFound('Pedido de venda');
        const status = statusById(Number(req.params.idSituacao));
        if (!status)
          return blingError(400, 'VALIDATION_ERROR', 'Não foi possível alterar a situação', 'A situação informada não existe no módulo de vendas', [
            { code: 1, msg: `A situação ${req.params.idSituacao} não existe`, element: 'idSituacao', namespace: 'VENDAS', collection: [] },
          ]);
        o.situacao = { id: status.id, valor: status.valor };
        o.dataAlteracao = blingNow();
        wrote('PATCH /pedidos/vendas/situacoes');
        emit('order.updated', orderEvent(o));
        return { status: 204 };
      },
    },
  ];

  // ---------------------------------------------------------------- contacts

  const readContact = (body: Record<string, unknown>, problems: Problems) => {
    const nome = str(body.nome).trim();
    if (!nome) problems.add('nome', 'O nome do contato deve ser informado', 1);
    const tipo = body.tipo as BlingContact['tipo'];
    if (!['F', 'J', 'E'].includes(tipo)) problems.add('tipo', 'O tipo de pessoa deve ser F, J ou E', 3);
    const numeroDocumento = digitsOnly(body.numeroDocumento);
    if (numeroDocumento && tipo === 'F' && !isValidCpf(numeroDocumento)) problems.add('numeroDocumento', 'O CPF informado é inválido', 2);
    if (numeroDocumento && tipo === 'J' && !isValidCnpj(numeroDocumento)) problems.add('numeroDocumento', 'O CNPJ informado é inválido', 2);
    const situacao = (body.situacao ?? 'A') as BlingContact['situacao'];
    if (!['A', 'E', 'I', 'S'].includes(situacao)) problems.add('situacao', 'A situação do contato deve ser A, E, I ou S', 3);
    const email = str(body.email).trim();
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.add('email', 'O e-mail informado é inválido', 2);
    return {
      nome,
      codigo: str(body.codigo),
      situacao,
      numeroDocumento,
      telefone: str(body.telefone),
      celular: str(body.celular),
      fantasia: str(body.fantasia),
      tipo,
      email,
      extra: pick(body, CONTACT_EXTRA_FIELDS),
    };
  };

  const contactRoutes = [
    {
      method: 'GET',
      path: '/Api/v3/contatos',
      handler(req: SimRequest): SimResponse {
        const page = paging(req);
        if (page instanceof Refusal) return page.res;
        const changed = changedBetween(req);
        if (changed instanceof Refusal) return changed.res;
        const documento = digitsOnly(req.query.get('numeroDocumento'));
        const pesquisa = (req.query.get('pesquisa') ?? '').toLowerCase();
        const ids = req.query.getAll('idsContatos[]').map(Number);
        const keep = (c: BlingContact) =>
          changed(c.dataAlteracao) &&
          c.situacao !== 'E' &&
          (!documento || c.numeroDocumento === documento) &&
          (!ids.length || ids.includes(c.id)) &&
          (!pesquisa || [c.nome, c.fantasia, c.email, c.codigo, c.numeroDocumento].some((v) => v.toLowerCase().includes(pesquisa)));
        return { status: 200, body: { data: pageOf(contacts.values(), keep, page.offset, page.limit, listContact) } };
      },
    },
    {
      method: 'GET',
      path: '/Api/v3/contatos/:id',
      handler(req: SimRequest): SimResponse {
        const c = contacts.get(Number(req.params.id));
        return c ? { status: 200, body: { data: detailContact(c) } } : notFound('Contato');
      },
    },
    {
      method: 'POST',
      path: '/Api/v3/contatos',
      handler(req: SimRequest): SimResponse {
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('CONTATOS');
        const fields = readContact(body, problems);
        const refused = problems.answer('Não foi possível salvar o contato', 'O contato não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        const c: BlingContact = { id: nextContactId++, ...fields, dataAlteracao: blingNow() };
        if (!c.extra) delete c.extra;
        contacts.set(c.id, c);
        wrote('POST /contatos');
        emit('contact.created', detailContact(c));
        return { status: 201, body: { data: { id: c.id } } };
      },
    },
    {
      method: 'PUT',
      path: '/Api/v3/contatos/:id',
      handler(req: SimRequest): SimResponse {
        const c = contacts.get(Number(req.params.id));
        if (!c) return notFound('Contato');
        const body = bodyOf(req);
        if (body instanceof Refusal) return body.res;
        const problems = new Problems('CONTATOS');
        const fields = readContact(body, problems);
        const refused = problems.answer('Não foi possível salvar o contato', 'O contato não pode ser salvo, pois há problemas na sua validação.');
        if (refused) return refused;
        Object.assign(c, fields, { dataAlteracao: blingNow() });
        if (!c.extra) delete c.extra;
        wrote('PUT /contatos');
        emit('contact.updated', detailContact(c));
        return { status: 204 };
      },
    },
  ];

  // ---------------------------------------------------------------- server

  const sim = await startSimServer({
    port: options.port,
    before(req) {
      if (!req.path.startsWith('/Api/v3/')) return blingError(404, 'RESOURCE_NOT_FOUND', 'Recurso não encontrado');
      if (req.path === '/Api/v3/oauth/token' || req.path === '/Api/v3/oauth/authorize') return null;
      const token = bearerToken(req);
      if (!token || !validTokens.has(token)) return blingError(401, 'invalid_token', 'invalid_token', 'The access token provided is invalid');
      const fault = faults.next();
      if (fault === 'throttle') return blingError(429, 'TOO_MANY_REQUESTS', 'Limite de requisições atingido', 'Aguarde antes de realizar novas requisições');
      if (fault === 'fail') return blingError(503, 'SERVICE_UNAVAILABLE', 'Serviço indisponível');
      stats.requests++;
      const decision = throttle(token);
      if (!decision.allowed) stats.overLimit++;
      if (!decision.allowed) return blingError(429, 'TOO_MANY_REQUESTS', 'Limite de requisições atingido', 'Limite de 3 requisições por segundo excedido');
      if (perDay > 0) {
        const day = blingToday();
        if (daily.day !== day) Object.assign(daily, { day, count: 0 });
        if (++daily.count > perDay) {
          stats.overDailyLimit++;
          return blingError(429, 'TOO_MANY_REQUESTS', 'Limite de requisições atingido', `Limite de ${perDay} requisições diárias excedido`);
        }
      }
      bounded(requestLog, { method: req.method, path: req.path.slice('/Api/v3'.length), query: req.query.toString() });
      return null;
    },
    notFound: () => blingError(404, 'RESOURCE_NOT_FOUND', 'Recurso não encontrado', 'O recurso requisitado não foi encontrado. Verifique se o endpoint solicitado está correto.'),
    routes: [
      {
        // The seller's consent page; the simulator approves at once. Bling requires `state`.
        method: 'GET',
        path: '/Api/v3/oauth/authorize',
        handler(req) {
          if (req.query.get('client_id') !== credentials.clientId) return blingError(400, 'invalid_client', 'client_id inválido');
          if (!req.query.get('state')) return blingError(400, 'invalid_request', 'O parâmetro state é obrigatório');
          const redirect = req.query.get('redirect_uri') ?? 'http://127.0.0.1/callback';
          const code = randomBytes(10).toString('hex');
          codes.add(code);
          const back = new URL(redirect);
          back.searchParams.set('code', code);
          back.searchParams.set('state', req.query.get('state')!);
          return { status: 302, headers: { location: back.toString() } };
        },
      },
      {
        method: 'POST',
        path: '/Api/v3/oauth/token',
        handler(req) {
          const client = basicAuth(req);
          if (!client || client.user !== credentials.clientId || client.password !== credentials.clientSecret)
            return { status: 401, body: { error: { type: 'invalid_client', message: 'invalid_client', description: 'Client authentication failed' } } };
          const form = (req.body ?? {}) as Record<string, string>;
          if (form.grant_type === 'authorization_code') {
            if (!codes.delete(form.code)) return { status: 400, body: { error: { type: 'invalid_grant', message: 'invalid_grant', description: 'Invalid authorization code' } } };
          } else if (form.grant_type !== 'refresh_token' || form.refresh_token !== credentials.refreshToken) {
            return { status: 400, body: { error: { type: 'invalid_grant', message: 'invalid_grant', description: 'Invalid refresh token' } } };
          } else stats.refreshes++;
          credentials.accessToken = randomBytes(24).toString('hex');
          credentials.refreshToken = randomBytes(24).toString('hex');
          validTokens.add(credentials.accessToken);
          return { status: 200, body: { access_token: credentials.accessToken, expires_in: 21600, token_type: 'Bearer', scope: '', refresh_token: credentials.refreshToken } };
        },
      },
      // /produtos/lojas before /produtos/:id, or "lojas" would be taken for an id.
      ...storeRoutes,
      ...productRoutes,
      ...stockRoutes,
      ...orderRoutes,
      ...accounts.routes,
      ...contactRoutes,
    ],
  });

  const touch = <T extends { dataAlteracao: string }>(map: Map<number, T>, what: string, id: number, change: Partial<T>) => {
    const x = map.get(id);
    if (!x) throw new Error(`No Bling ${what} ${id}`);
    Object.assign(x, change, { dataAlteracao: blingNow() });
    return x;
  };

  const seedContacts = (count: number, { startAt = 0 } = {}) => {
    for (let i = startAt; i < startAt + count; i++) {
      const c = blingContactAt(i);
      contacts.set(c.id, c);
    }
  };

  return {
    ...sim,
    products,
    contacts,
    orders,
    productStores,
    deposits,
    defaultDepositId,
    lojas,
    orderStatuses: ORDER_STATUSES,
    stockMovements,
    faults,
    stats,
    requestLog,
    webhookOutbox,
    credentials,
    expireAccessTokens: () => validTokens.clear(),
    seedProducts(count, { startAt = 0 } = {}) {
      for (let i = startAt; i < startAt + count; i++) {
        const p = blingProductAt(i);
        const previous = products.get(p.id);
        if (previous && byCode.get(previous.codigo) === p.id) byCode.delete(previous.codigo);
        products.set(p.id, p);
        byCode.set(p.codigo, p.id);
      }
    },
    updateProduct(id, change) {
      const p = products.get(id);
      if (!p) throw new Error(`No Bling product ${id}`);
      const { codigo, ...rest } = change;
      Object.assign(p, rest, { dataAlteracao: blingNow() });
      if (codigo !== undefined) setCode(p, codigo);
    },
    seedContacts,
    updateContact(id, change) {
      touch(contacts, 'contact', id, change);
    },
    seedOrders(count, { startAt = 0 } = {}) {
      if (!contacts.size) seedContacts(1);
      const contactIds = [...contacts.keys()];
      const productList = [...products.values()].filter((p) => p.formato !== 'V').slice(0, 1000);
      for (let i = startAt; i < startAt + count; i++) {
        const p = productList.length ? productList[i % productList.length] : undefined;
        const quantidade = 1 + (i % 3);
        const valor = p?.preco ?? round2(20 + (i % 100));
        const total = round2(quantidade * valor);
        const data = `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
        const status = ORDER_STATUSES[i % 2 === 0 ? 0 : 1];
        const o: BlingOrder = {
          id: FIRST_ORDER_ID + i,
          numero: i + 1,
          numeroLoja: `ML-${2000000000 + i}`,
          data,
          dataSaida: data,
          dataPrevista: data,
          totalProdutos: total,
          total,
          contato: { id: contactIds[i % contactIds.length] },
          situacao: { id: status.id, valor: status.valor },
          loja: { id: lojas[0].id },
          itens: [{ id: nextItemId++, codigo: p?.codigo ?? `AVULSO-${i}`, unidade: 'UN', quantidade, desconto: 0, valor, descricao: p?.nome ?? `Item avulso ${i}`, ...(p ? { produto: { id: p.id } } : {}) }],
          parcelas: [{ id: nextItemId++, dataVencimento: data, valor: total, observacoes: '', formaPagamento: { id: 1_000_001 } }],
          observacoes: '',
          observacoesInternas: '',
          outrasDespesas: 0,
          desconto: { valor: 0, unidade: 'REAL' },
          dataAlteracao: '2026-01-01 00:00:00',
        };
        orders.set(o.id, o);
      }
    },
    updateOrder(id, change) {
      touch(orders, 'order', id, change);
    },
    receivables: accounts.receivables,
    receipts: accounts.receipts,
    launchAccounts(orderId) {
      const order = orders.get(orderId);
      if (!order) throw new Error(`No Bling order ${orderId}`);
      return accounts.launch(order);
    },
    balances,
    signWebhook,
    webhook,
  };
}
