/**
 * Products and variants (resources/product.md, product_variant.md):
 * - `POST /products` needs a name (422 `{"name": ["can't be blank"]}`), variants default to one;
 * - `PUT /products/{id}` changes the product's own fields; variants change only through
 *   `/products/{id}/variants` (single PUT, partial PATCH with ids, POST, and the collection PUT that
 *   replaces every variant: value combinations not sent are deleted);
 * - `GET /products/sku/{sku}` returns the first product with a variant of that SKU.
 */
import type { SimRequest, SimResponse, SimRoute } from '../../simulator-kit/server';
import { answering, listPage, notFound, nsError, pickFields } from './http';
import {
  blankI18n,
  blankVariant,
  checkVariantSet,
  handleOf,
  i18n,
  indexProduct,
  InvalidWrite,
  mutateProduct,
  nsTime,
  PRODUCT_FIELDS,
  type SimProduct,
  type SimState,
  type SimVariant,
  unindexProduct,
  variantChanges,
} from './store';

const S = '/v1/:store';

function objectBody(req: SimRequest): Record<string, unknown> {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidWrite(400, { code: 400, message: 'Bad Request', description: 'Invalid input format' });
  return body as Record<string, unknown>;
}

function arrayBody(req: SimRequest): Array<Record<string, unknown>> {
  if (!Array.isArray(req.body)) throw new InvalidWrite(400, { code: 400, message: 'Bad Request', description: 'Invalid input format' });
  return req.body as Array<Record<string, unknown>>;
}

function attributesOf(value: unknown): Array<Record<string, string>> {
  return Array.isArray(value) ? value.map((a) => (typeof a === 'string' ? { pt: a } : (a as Record<string, string>))) : [];
}

export function catalogRoutes(state: SimState): SimRoute[] {
  const product = (req: SimRequest): SimProduct | undefined => state.products.get(Number(req.params.id));
  const noProduct = (): SimResponse => notFound('Product not found');
  const touch = (p: SimProduct, at = nsTime()) => {
    p.updated_at = at;
  };
  const newVariant = (p: SimProduct, input: Record<string, unknown>, position: number, now: string): SimVariant => ({
    ...blankVariant(state.ids.variant++, p.id, position, now),
    ...variantChanges(input),
  });

  return [
    {
      method: 'GET',
      path: `${S}/products`,
      handler(req) {
        const published = req.query.get('published');
        const q = req.query.get('q')?.toLowerCase();
        return listPage(req, state.products.values(), (p) => {
          if (published && String(p.published) !== published) return false;
          if (q && !Object.values(p.name).some((n) => n.toLowerCase().includes(q)) && !p.variants.some((v) => v.sku?.toLowerCase().includes(q))) return false;
          return true;
        });
      },
    },
    {
      method: 'GET',
      path: `${S}/products/sku/:sku`,
      handler(req) {
        const [first] = [...(state.skuIndex.get(req.params.sku) ?? [])].sort((a, b) => a - b);
        const p = first === undefined ? undefined : state.products.get(first);
        return p ? { status: 200, body: pickFields(req, p) } : notFound('Product with such SKU does not exist');
      },
    },
    {
      method: 'GET',
      path: `${S}/products/:id`,
      handler(req) {
        const p = product(req);
        return p ? { status: 200, body: pickFields(req, p) } : noProduct();
      },
    },
    {
      method: 'POST',
      path: `${S}/products`,
      handler: (req) =>
        answering(() => {
          const body = objectBody(req);
          if (blankI18n(body.name)) return { status: 422, body: { name: ["can't be blank"] } };
          const now = nsTime();
          const name = i18n(body.name);
          const p: SimProduct = {
            id: state.ids.product++,
            name,
            description: i18n(body.description ?? ''),
            handle: body.handle ? i18n(body.handle) : handleOf(name),
            attributes: attributesOf(body.attributes),
            published: body.published === undefined ? true : Boolean(body.published),
            free_shipping: Boolean(body.free_shipping),
            requires_shipping: body.requires_shipping === undefined ? true : Boolean(body.requires_shipping),
            brand: (body.brand as string) ?? null,
            tags: (body.tags as string) ?? '',
            categories: [],
            images: [],
            variants: [],
            created_at: now,
            updated_at: now,
          };
          const inputs = Array.isArray(body.variants) && body.variants.length ? (body.variants as Array<Record<string, unknown>>) : [{}];
          p.variants = inputs.map((v, i) => newVariant(p, v, i + 1, now));
          checkVariantSet(p, p.variants);
          state.products.set(p.id, p);
          indexProduct(state, p);
          state.stats.productsCreated++;
          return { status: 201, body: p };
        }),
    },
    {
      method: 'PUT',
      path: `${S}/products/:id`,
      handler: (req) =>
        answering(() => {
          const p = product(req);
          if (!p) return noProduct();
          const body = objectBody(req);
          if ('name' in body && blankI18n(body.name)) return { status: 422, body: { name: ["can't be blank"] } };
          // Only the product's own fields; `variants` in this body changes nothing.
          for (const field of PRODUCT_FIELDS) {
            if (!(field in body)) continue;
            if (field === 'name' || field === 'description' || field === 'handle') p[field] = i18n(body[field]);
            else if (field === 'attributes') p.attributes = attributesOf(body.attributes);
            else (p as unknown as Record<string, unknown>)[field] = body[field];
          }
          touch(p);
          state.stats.productsUpdated++;
          return { status: 200, body: p };
        }),
    },
    {
      method: 'DELETE',
      path: `${S}/products/:id`,
      handler(req) {
        const p = product(req);
        if (!p) return noProduct();
        unindexProduct(state, p);
        state.products.delete(p.id);
        return { status: 200, body: {} };
      },
    },
    {
      method: 'GET',
      path: `${S}/products/:id/variants`,
      handler(req) {
        const p = product(req);
        return p ? listPage(req, p.variants) : noProduct();
      },
    },
    {
      method: 'GET',
      path: `${S}/products/:id/variants/:vid`,
      handler(req) {
        const p = product(req);
        if (!p) return noProduct();
        const v = p.variants.find((x) => x.id === Number(req.params.vid));
        return v ? { status: 200, body: pickFields(req, v) } : notFound('Variant not found');
      },
    },
    {
      method: 'POST',
      path: `${S}/products/:id/variants`,
      handler: (req) =>
        answering(() => {
          const p = product(req);
          if (!p) return noProduct();
          const now = nsTime();
          const v = newVariant(p, objectBody(req), p.variants.length + 1, now);
          checkVariantSet(p, [...p.variants, v]);
          mutateProduct(state, p, () => p.variants.push(v));
          touch(p, now);
          state.stats.variantsCreated++;
          return { status: 201, body: v };
        }),
    },
    {
      method: 'PUT',
      path: `${S}/products/:id/variants/:vid`,
      handler: (req) =>
        answering(() => {
          const p = product(req);
          if (!p) return noProduct();
          const v = p.variants.find((x) => x.id === Number(req.params.vid));
          if (!v) return notFound('Variant not found');
          const now = nsTime();
          const next = { ...v, ...variantChanges(objectBody(req)), updated_at: now };
          checkVariantSet(p, p.variants.map((x) => (x.id === v.id ? next : x)));
          mutateProduct(state, p, () => Object.assign(v, next));
          touch(p, now);
          state.stats.variantsUpdated++;
          return { status: 200, body: v };
        }),
    },
    {
      // Partial update of many variants; each element must carry the id of one of this product's variants.
      method: 'PATCH',
      path: `${S}/products/:id/variants`,
      handler: (req) =>
        answering(() => {
          const p = product(req);
          if (!p) return noProduct();
          const items = arrayBody(req);
          const unknownIds = items.filter((i) => !p.variants.some((v) => v.id === Number(i.id))).map((i) => i.id ?? null);
          if (unknownIds.length) return nsError(422, 'Unprocessable Entity', 'Every variant must carry the id of a variant of this product', { invalid_variant_ids: unknownIds });
          const now = nsTime();
          const changes = new Map(items.map((i) => [Number(i.id), variantChanges(i)]));
          const next = p.variants.map((v) => (changes.has(v.id) ? { ...v, ...changes.get(v.id), updated_at: now } : v));
          checkVariantSet(p, next);
          mutateProduct(state, p, () => (p.variants = next));
          touch(p, now);
          state.stats.variantsUpdated += items.length;
          return { status: 200, body: p.variants };
        }),
    },
    {
      // Replaces the whole collection: variants are matched by their values; the rest are deleted.
      method: 'PUT',
      path: `${S}/products/:id/variants`,
      handler: (req) =>
        answering(() => {
          const p = product(req);
          if (!p) return noProduct();
          const items = arrayBody(req);
          if (!items.length) return nsError(400, 'Bad Request', 'There must be at least one variant');
          const now = nsTime();
          const next = items.map((item, i) => {
            const changes = variantChanges(item);
            const values = changes.values ?? [];
            const existing = p.variants.find((v) => JSON.stringify(v.values) === JSON.stringify(values));
            return existing ? { ...existing, ...changes, position: i + 1, updated_at: now } : newVariant(p, item, i + 1, now);
          });
          checkVariantSet(p, next);
          mutateProduct(state, p, () => (p.variants = next));
          touch(p, now);
          state.stats.variantsUpdated += items.length;
          return { status: 200, body: p.variants };
        }),
    },
  ];
}
