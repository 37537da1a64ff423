/**
 * The simulated catalogue: products (with parent/child variation families), their stock row and
 * their price row, kept inside the product to stay small with thousands of records.
 *
 * Rules reproduced (spec POST/PUT /v1/produto, tags Estoque and Preço):
 * - SKU is unique: a second one answers 400 "Erro de integridade…";
 * - a PUT replaces the whole product: a field left out goes back to its default;
 * - price and stock fields are read-only on /produto (ignored on writes): they change only
 *   through PUT /v1/produto_estoque/{produto_id} and /v1/produto_preco/{produto_id};
 * - the detail leaves `descricao_completa` out unless `?descricao_completa=1`, the list unless
 *   `?description_html=1`; the list carries no price or stock;
 * - a variation is `tipo: "atributo_opcao"` with `pai` pointing at a `tipo: "atributo"` product.
 */
import type { SimRequest, SimResponse, SimRoute } from '../../simulator-kit/server';
import { badRequest, decimal, filterDate, invalidFields, liDate, listPage, notFound, numeric, utcDate } from './tastypie';

export type ProductType = 'normal' | 'atributo' | 'atributo_opcao';

export interface SimProduct {
  id: number;
  sku: string;
  nome: string | null;
  tipo: ProductType;
  paiId: number | null;
  descricao_completa: string;
  ativo: boolean;
  destaque: boolean;
  usado: boolean;
  removido: boolean;
  peso: number | null;
  altura: number | null;
  largura: number | null;
  profundidade: number | null;
  id_externo: number | null;
  mpn: string | null;
  ncm: string | null;
  gtin: string | null;
  apelido: string | null;
  categorias: string[];
  marca: string | null;
  grades: string[];
  variacoes: string[];
  created: number;
  modified: number;
  stock: { gerenciado: boolean; quantidade: number; reservada: number; emEstoque: number; semEstoque: number };
  price: { cheio: number; custo: number | null; promocional: number | null; sobConsulta: boolean };
}

export interface CatalogStats {
  productCreates: number;
  productUpdates: number;
  stockWrites: number;
  priceWrites: number;
}

export interface Catalog {
  readonly products: Map<number, SimProduct>;
  readonly stats: CatalogStats;
  add(fields: ProductFields, at?: number): SimProduct;
  bySku(sku: string): SimProduct | undefined;
  childrenOf(id: number): number[];
  routes(notify: (products: SimProduct[]) => void): SimRoute[];
  /** A product as the product webhook sends it (numbers, price and stock inline). */
  webhookPayload(p: SimProduct): Record<string, unknown>;
}

export type ProductFields = Omit<SimProduct, 'id' | 'created' | 'modified' | 'stock' | 'price'> & Partial<Pick<SimProduct, 'stock' | 'price'>>;

const FIRST_ID = 180_000_000;
/** The stock and price rows have ids of their own, distinct from the product id in their path. */
const ROW_ID_OFFSET = 40_000_000;
const TYPES: ProductType[] = ['normal', 'atributo', 'atributo_opcao'];
const DUPLICATE = 'Erro de integridade, verifique se o SKU ou ID Externo estão duplicados.';
const REQUIRED = 'Este campo é obrigatório.';

export const productUri = (id: number) => `/api/v1/produto/${id}`;

export function createCatalog(stats: CatalogStats = { productCreates: 0, productUpdates: 0, stockWrites: 0, priceWrites: 0 }): Catalog {
  const products = new Map<number, SimProduct>();
  const skus = new Map<string, number>();
  const children = new Map<number, number[]>();
  let nextId = FIRST_ID;

  const add = (fields: ProductFields, at = Date.now()): SimProduct => {
    const p: SimProduct = {
      ...fields,
      id: nextId++,
      created: at,
      modified: at,
      stock: fields.stock ?? { gerenciado: true, quantidade: 0, reservada: 0, emEstoque: 0, semEstoque: -1 },
      price: fields.price ?? { cheio: 0, custo: null, promocional: null, sobConsulta: false },
    };
    products.set(p.id, p);
    skus.set(p.sku, p.id);
    if (p.paiId !== null) children.set(p.paiId, [...(children.get(p.paiId) ?? []), p.id]);
    return p;
  };

  const serialise = (p: SimProduct, options: { detail: boolean; description: boolean }) => ({
    id: p.id,
    id_externo: p.id_externo,
    sku: p.sku,
    mpn: p.mpn,
    ncm: p.ncm,
    gtin: p.gtin,
    nome: p.nome,
    apelido: p.apelido,
    ...(options.description ? { descricao_completa: p.descricao_completa } : {}),
    ativo: p.ativo,
    destaque: p.destaque,
    usado: p.usado,
    removido: p.removido,
    bloqueado: false,
    peso: p.peso === null ? null : decimal(p.peso, 3),
    altura: p.altura,
    largura: p.largura,
    profundidade: p.profundidade,
    tipo: p.tipo,
    pai: p.paiId === null ? null : productUri(p.paiId),
    filhos: (children.get(p.id) ?? []).map(productUri),
    grades: p.grades,
    variacoes: p.variacoes,
    categorias: p.categorias,
    marca: p.marca,
    url: `https://loja.example/${p.apelido ?? `produto-${p.id}`}`,
    seo: `/api/v1/seo/${p.id}`,
    resource_uri: productUri(p.id),
    data_criacao: liDate(p.created),
    data_modificacao: liDate(p.modified),
    ...(options.detail
      ? {
          preco_cheio: decimal(p.price.cheio),
          preco_custo: p.price.custo === null ? null : decimal(p.price.custo),
          preco_promocional: p.price.promocional === null ? null : decimal(p.price.promocional),
          preco_sob_consulta: p.price.sobConsulta,
          estoque_gerenciado: p.stock.gerenciado,
          estoque_quantidade: p.stock.gerenciado ? p.stock.quantidade : 0,
          estoque_situacao_em_estoque: p.stock.emEstoque,
          estoque_situacao_sem_estoque: p.stock.semEstoque,
          imagem_principal: null,
          imagens: [],
        }
      : {}),
  });

  const stockRow = (p: SimProduct) => {
    // With gerenciado=false "os quatro campos retornarão 0" (spec tag Estoque).
    const s = p.stock.gerenciado ? p.stock : { ...p.stock, quantidade: 0, reservada: 0, emEstoque: 0, semEstoque: 0 };
    return {
      id: p.id + ROW_ID_OFFSET,
      produto: productUri(p.id),
      gerenciado: s.gerenciado,
      quantidade: s.quantidade,
      quantidade_reservada: s.reservada,
      quantidade_disponivel: s.quantidade - s.reservada,
      situacao_em_estoque: s.emEstoque,
      situacao_sem_estoque: s.semEstoque,
      resource_uri: `/api/v1/produto_estoque/${p.id}`,
    };
  };

  const priceRow = (p: SimProduct) => ({
    id: p.id + ROW_ID_OFFSET,
    produto: productUri(p.id),
    cheio: decimal(p.price.cheio),
    custo: p.price.custo === null ? null : decimal(p.price.custo),
    promocional: p.price.promocional === null ? null : decimal(p.price.promocional),
    sob_consulta: p.price.sobConsulta,
    resource_uri: `/api/v1/produto_preco/${p.id}`,
  });

  /** The fields of a POST or PUT body, defaults for what is missing; or the error to answer. */
  const fromBody = (body: Record<string, unknown>, self?: SimProduct): ProductFields | SimResponse => {
    const errors: Record<string, string> = {};
    const text = (f: string): string | null => (typeof body[f] === 'string' && (body[f] as string).trim() ? (body[f] as string) : null);
    const num = (f: string): number | null => {
      if (body[f] === undefined || body[f] === null) return null;
      const n = numeric(body[f]);
      if (n === undefined || n < 0) errors[f] = 'Informe um número válido.';
      return n ?? null;
    };
    const bool = (f: string, dflt: boolean): boolean => {
      if (body[f] === undefined || body[f] === null) return dflt;
      if (typeof body[f] !== 'boolean') errors[f] = 'Informe true ou false.';
      return body[f] === true;
    };
    const uris = (f: string): string[] => (Array.isArray(body[f]) ? (body[f] as unknown[]).filter((u): u is string => typeof u === 'string') : []);

    const tipo = (body.tipo ?? 'normal') as ProductType;
    if (!TYPES.includes(tipo)) errors.tipo = `Escolha entre ${TYPES.join(', ')}.`;
    const sku = text('sku');
    if (!sku) errors.sku = REQUIRED;
    const nome = text('nome');
    // Children need no name of their own: the store shows the parent's with the variation.
    if (!nome && tipo !== 'atributo_opcao') errors.nome = REQUIRED;
    let paiId: number | null = null;
    if (tipo === 'atributo_opcao') {
      const m = typeof body.pai === 'string' ? /\/produto\/(\d+)\/?$/.exec(body.pai) : null;
      const parent = m ? products.get(Number(m[1])) : undefined;
      if (!parent || parent.tipo !== 'atributo') errors.pai = 'Informe o produto pai (tipo atributo) desta variação.';
      else paiId = parent.id;
    }
    const idExterno = body.id_externo === undefined || body.id_externo === null ? null : numeric(body.id_externo);
    if (idExterno === undefined || (idExterno !== null && !Number.isInteger(idExterno))) errors.id_externo = 'Informe um número inteiro.';
    const fields: ProductFields = {
      sku: sku ?? '',
      nome,
      tipo,
      paiId,
      descricao_completa: text('descricao_completa') ?? '',
      ativo: bool('ativo', true),
      destaque: bool('destaque', false),
      usado: bool('usado', false),
      removido: bool('removido', false),
      peso: num('peso'),
      altura: num('altura'),
      largura: num('largura'),
      profundidade: num('profundidade'),
      id_externo: idExterno ?? null,
      mpn: text('mpn'),
      ncm: text('ncm'),
      gtin: text('gtin'),
      apelido: text('apelido'),
      categorias: uris('categorias'),
      marca: text('marca'),
      grades: uris('grades'),
      variacoes: uris('variacoes'),
    };
    if (Object.keys(errors).length) return invalidFields('produto', errors);
    const holder = skus.get(fields.sku);
    if (holder !== undefined && holder !== self?.id) return badRequest(DUPLICATE);
    return fields;
  };

  const bodyOf = (req: SimRequest): Record<string, unknown> | null =>
    req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : null;

  const productOf = (req: SimRequest): SimProduct | undefined => products.get(Number(req.params.id));

  const routes = (notify: (changed: SimProduct[]) => void): SimRoute[] => [
    {
      method: 'GET',
      path: '/produto',
      handler(req) {
        const since = filterDate(req.query.get('data_modificacao__gte'));
        const until = filterDate(req.query.get('data_modificacao__lte'));
        if (since === undefined || until === undefined) return badRequest('Data inválida. Use o formato AAAA-MM-DD HH:MM:SS.');
        const sku = req.query.get('sku');
        const ativo = req.query.get('ativo');
        const removido = req.query.get('removido');
        let rows: SimProduct[];
        if (sku !== null) {
          const id = skus.get(sku);
          rows = id === undefined ? [] : [products.get(id)!];
        } else rows = [...products.values()];
        rows = rows.filter(
          (p) =>
            (since === null || p.modified >= since) &&
            (until === null || p.modified <= until) &&
            (ativo === null || String(p.ativo) === ativo) &&
            (removido === null || String(p.removido) === removido),
        );
        const description = req.query.get('description_html') === '1';
        return listPage(req, 'produto', rows, (p) => serialise(p, { detail: false, description }));
      },
    },
    {
      method: 'GET',
      path: '/produto/:id',
      handler(req) {
        const p = productOf(req);
        return p ? { status: 200, body: serialise(p, { detail: true, description: req.query.get('descricao_completa') === '1' }) } : notFound;
      },
    },
    {
      method: 'POST',
      path: '/produto',
      handler(req) {
        const body = bodyOf(req);
        if (!body) return badRequest('O corpo da requisição deve ser um objeto JSON.');
        const fields = fromBody(body);
        if ('status' in fields) return fields;
        const p = add(fields);
        stats.productCreates++;
        notify([p]);
        return { status: 201, body: serialise(p, { detail: true, description: true }) };
      },
    },
    {
      method: 'PUT',
      path: '/produto/:id',
      handler(req) {
        const p = productOf(req);
        if (!p) return notFound;
        const body = bodyOf(req);
        if (!body) return badRequest('O corpo da requisição deve ser um objeto JSON.');
        const fields = fromBody(body, p);
        if ('status' in fields) return fields;
        // A family cannot change shape: a child stays under its parent.
        if (fields.paiId !== p.paiId) return invalidFields('produto', { pai: 'Não é possível alterar o produto pai.' });
        skus.delete(p.sku);
        Object.assign(p, fields, { modified: Date.now() });
        skus.set(p.sku, p.id);
        stats.productUpdates++;
        notify([p]);
        return { status: 200, body: serialise(p, { detail: true, description: true }) };
      },
    },
    { method: 'GET', path: '/produto_estoque', handler: (req) => listPage(req, 'produto_estoque', [...products.values()], stockRow) },
    {
      method: 'GET',
      path: '/produto_estoque/:id',
      handler: (req) => {
        const p = productOf(req);
        return p ? { status: 200, body: stockRow(p) } : notFound;
      },
    },
    {
      method: 'PUT',
      path: '/produto_estoque/:id',
      handler(req) {
        const p = productOf(req);
        if (!p) return notFound;
        const body = bodyOf(req);
        if (!body) return badRequest('O corpo da requisição deve ser um objeto JSON.');
        const errors: Record<string, string> = {};
        const int = (f: string, min: number): number | undefined => {
          if (body[f] === undefined) return undefined;
          if (!Number.isInteger(body[f]) || (body[f] as number) < min) errors[f] = min < 0 ? `Informe um inteiro a partir de ${min}.` : 'Informe um número inteiro.';
          return body[f] as number;
        };
        // Quantity may be negative (sold beyond stock); "sem estoque" -1 means unavailable.
        const quantidade = int('quantidade', -Infinity);
        const emEstoque = int('situacao_em_estoque', 0);
        const semEstoque = int('situacao_sem_estoque', -1);
        if (body.gerenciado !== undefined && typeof body.gerenciado !== 'boolean') errors.gerenciado = 'Informe true ou false.';
        if (Object.keys(errors).length) return invalidFields('produto_estoque', errors);
        const s = p.stock;
        if (typeof body.gerenciado === 'boolean') s.gerenciado = body.gerenciado;
        if (quantidade !== undefined) s.quantidade = quantidade;
        if (emEstoque !== undefined) s.emEstoque = emEstoque;
        if (semEstoque !== undefined) s.semEstoque = semEstoque;
        stats.stockWrites++;
        return { status: 200, body: stockRow(p) };
      },
    },
    { method: 'GET', path: '/produto_preco', handler: (req) => listPage(req, 'produto_preco', [...products.values()], priceRow) },
    {
      method: 'GET',
      path: '/produto_preco/:id',
      handler: (req) => {
        const p = productOf(req);
        return p ? { status: 200, body: priceRow(p) } : notFound;
      },
    },
    {
      method: 'PUT',
      path: '/produto_preco/:id',
      handler(req) {
        const p = productOf(req);
        if (!p) return notFound;
        const body = bodyOf(req);
        if (!body) return badRequest('O corpo da requisição deve ser um objeto JSON.');
        const errors: Record<string, string> = {};
        const money = (f: string, nullable: boolean): number | null | undefined => {
          if (body[f] === undefined) return undefined;
          if (body[f] === null && nullable) return null;
          const n = numeric(body[f]);
          if (n === undefined || n < 0) errors[f] = 'Informe um valor válido.';
          return n;
        };
        const cheio = money('cheio', false);
        const custo = money('custo', true);
        const promocional = money('promocional', true);
        if (body.sob_consulta !== undefined && typeof body.sob_consulta !== 'boolean') errors.sob_consulta = 'Informe true ou false.';
        if (Object.keys(errors).length) return invalidFields('produto_preco', errors);
        if (cheio !== undefined && cheio !== null) p.price.cheio = cheio;
        if (custo !== undefined) p.price.custo = custo;
        if (promocional !== undefined) p.price.promocional = promocional;
        if (typeof body.sob_consulta === 'boolean') p.price.sobConsulta = body.sob_consulta;
        stats.priceWrites++;
        return { status: 200, body: priceRow(p) };
      },
    },
  ];

  const webhookPayload = (p: SimProduct): Record<string, unknown> => ({
    id: p.id,
    pai: p.paiId,
    sku: p.sku,
    nome: p.nome,
    tipo: p.tipo,
    ativo: p.ativo,
    removido: p.removido,
    disponivel: p.ativo && !p.removido,
    preco_cheio: p.price.cheio,
    preco_promocional: p.price.promocional,
    preco_venda: p.price.promocional ?? p.price.cheio,
    estoque_gerenciado: p.stock.gerenciado,
    estoque_quantidade: p.stock.quantidade,
    estoque_quantidade_reservada: p.stock.reservada,
    estoque_situacao_em_estoque: p.stock.emEstoque,
    estoque_situacao_sem_estoque: p.stock.semEstoque,
    peso: p.peso,
    altura: p.altura,
    largura: p.largura,
    comprimento: p.profundidade,
    grades: p.grades,
    data_criacao: utcDate(p.created),
    data_modificacao: utcDate(p.modified),
  });

  return {
    products,
    stats,
    add,
    bySku: (sku) => {
      const id = skus.get(sku);
      return id === undefined ? undefined : products.get(id);
    },
    childrenOf: (id) => children.get(id) ?? [],
    routes,
    webhookPayload,
  };
}
