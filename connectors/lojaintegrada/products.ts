/**
 * Products (`/v1/produto`). LI models variations as a family: a parent product (`tipo:
 * "atributo"`, with `grades`) and one child product per variation (`tipo: "atributo_opcao"`,
 * `pai: "/api/v1/produto/<parent>"`, `variacoes: [grade variation URIs]`), each with its own
 * id, SKU, stock and price. Reads return every product of the family as its own record.
 *
 * Writes: the record's data is LI's product body. `filhos` may list the variations as objects
 * (each one a child product body with its own `sku`): the parent is written, then each child,
 * found again by SKU. Price and stock are NOT product fields at LI (the spec: "Não é possível
 * criar/alterar estoque e valores no endpoint de produto"): write them with the `prices` and
 * `stock` entities.
 */
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { findFirst, getOrNull, productUri, readTastypieList, segment, toBrasiliaTime } from './client';

export interface LiProduct {
  id: number;
  sku: string;
  tipo?: 'normal' | 'atributo' | 'atributo_opcao';
  pai?: string | null;
  [field: string]: unknown;
}

/**
 * Fields LI accepts on POST/PUT /v1/produto. A PUT replaces the whole product ("é necessário
 * enviar todos os campos do produto"), so an update sends these from the current product
 * with the new values on top: a field the mapping does not set keeps its value.
 */
const WRITABLE = [
  'id_externo', 'sku', 'mpn', 'ncm', 'gtin', 'nome', 'apelido', 'descricao_completa', 'ativo', 'destaque', 'peso', 'altura', 'largura',
  'profundidade', 'tipo', 'usado', 'categorias', 'marca', 'removido', 'pai', 'grades', 'variacoes',
] as const;

function toRecord(p: LiProduct): SyncRecord {
  return { key: String(p.id), sku: p.sku || undefined, data: p };
}

/** The product body and, when `filhos` lists objects, the variations to write after it. */
function splitFamily(data: Record<string, unknown>): { product: Record<string, unknown>; children: Array<Record<string, unknown>> } {
  const { filhos, ...product } = data;
  const children = Array.isArray(filhos) ? filhos.filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null) : [];
  // `filhos` as LI returns it (child URIs) is read-only: it is not sent back.
  return { product, children };
}

async function createProduct(ctx: ConnectionContext, body: Record<string, unknown>): Promise<string> {
  const res = await ctx.http.send<LiProduct>({ method: 'POST', path: '/produto', json: body }, ctx.signal);
  return String(res.body.id);
}

async function replaceProduct(ctx: ConnectionContext, id: string, changes: Record<string, unknown>): Promise<void> {
  // descricao_completa=1: without it LI leaves the description out, and the PUT would erase it.
  const current = await ctx.http.send<LiProduct>({ method: 'GET', path: `/produto/${segment(id)}`, query: { descricao_completa: 1 } }, ctx.signal);
  const body: Record<string, unknown> = {};
  for (const field of WRITABLE) if (current.body[field] !== undefined) body[field] = current.body[field];
  await ctx.http.send({ method: 'PUT', path: `/produto/${segment(id)}`, json: { ...body, ...changes } }, ctx.signal);
}

export async function findProductIdBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const found = await findFirst<LiProduct>(ctx, '/produto', { sku });
  return found ? String(found.id) : null;
}

/**
 * Each variation is a product of its own, found by its SKU: created under the parent when
 * missing, replaced when present. Retried one by one so a 429 on the third variation does not
 * send the first two again.
 */
async function writeChildren(ctx: ConnectionContext, parentId: string, children: Array<Record<string, unknown>>): Promise<void> {
  for (const child of children) {
    const body = { ...child, tipo: 'atributo_opcao', pai: productUri(parentId) };
    const sku = typeof child.sku === 'string' ? child.sku : undefined;
    await withInlineRetry(
      async () => {
        const existing = sku ? await findProductIdBySku(ctx, sku) : null;
        if (existing) await replaceProduct(ctx, existing, body);
        else await createProduct(ctx, body);
      },
      { signal: ctx.signal },
    );
  }
}

export const products: EntitySupport = {
  read: {
    read(ctx, req) {
      return readTastypieList<LiProduct>(
        ctx,
        req,
        '/produto',
        {
          // The list leaves descriptions out unless asked.
          description_html: 1,
          // Without it LI also lists products in the trash (removido=true).
          removido: 'false',
          data_modificacao__gte: req.since ? toBrasiliaTime(req.since, ' ') : undefined,
        },
        (objects) => objects.map(toRecord),
      );
    },
  },
  write: {
    async create(ctx, input: WriteInput) {
      const { product, children } = splitFamily(input.data);
      const body = { tipo: children.length ? 'atributo' : 'normal', ...product, ...(input.sku ? { sku: input.sku } : {}) };
      const id = await createProduct(ctx, body);
      await writeChildren(ctx, id, children);
      return { externalId: id };
    },
    async update(ctx, externalId, input: WriteInput) {
      const { product, children } = splitFamily(input.data);
      await replaceProduct(ctx, externalId, { ...product, ...(input.sku ? { sku: input.sku } : {}) });
      await writeChildren(ctx, externalId, children);
    },
    findBySku: findProductIdBySku,
  },
  async get(ctx, id) {
    const p = await getOrNull<LiProduct>(ctx, `/produto/${segment(id)}`, { descricao_completa: 1 });
    return p ? toRecord(p) : null;
  },
};
