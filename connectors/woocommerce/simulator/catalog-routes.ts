/** /products, /products/{id}, /products/batch and the variations routes under them. */
import type { SimRequest, SimResponse, SimRoute } from '../../simulator-kit/server';
import type { Catalog, Post } from './catalog';
import { BASE, batchItems, bodyOf, forMethods, invalidId, isError, json, listResponse, numericParam } from './rest';
import { noRoute, onlyFields, wpError } from './wp';

export interface CatalogStats {
  batches: number;
  batchItems: number;
  productCreates: number;
  productUpdates: number;
}

const PRODUCT_ORDERBY = ['date', 'modified', 'id', 'include', 'title', 'slug', 'price', 'popularity', 'rating', 'menu_order'];
const VARIATION_ORDERBY = ['date', 'modified', 'id', 'include', 'title', 'slug', 'menu_order'];

export function catalogRoutes(catalog: Catalog, stats: CatalogStats, siteUrl: string): SimRoute[] {
  const renderProduct = (p: Post) => catalog.renderProduct(p, siteUrl);
  const renderVariation = (v: Post) => catalog.renderVariation(v, siteUrl);

  function saveProduct(body: Record<string, unknown>, existing?: Post): Post | SimResponse {
    const saved = catalog.save(body, { existing });
    if (!isError(saved)) {
      if (existing) stats.productUpdates++;
      else stats.productCreates++;
    }
    return saved;
  }

  function listProducts(req: SimRequest): SimResponse {
    const sku = req.query.get('sku');
    const type = req.query.get('type');
    const status = req.query.get('status') ?? 'any';
    let rows: Post[];
    if (sku) {
      // v3 searches products and variations by SKU; a comma splits values, the whole string counts too.
      const wanted = new Set([sku, ...sku.split(',')].map((s) => s.trim()));
      rows = [...wanted].map((s) => catalog.bySku(s)).filter((p): p is Post => Boolean(p));
    } else rows = catalog.products();
    if (type) rows = rows.filter((p) => p.type === type);
    // "any" is every status but trash.
    rows = rows.filter((p) => (status === 'any' ? p.status !== 'trash' : p.status === status));
    return listResponse(req, siteUrl, rows, PRODUCT_ORDERBY, renderProduct);
  }

  function removeProduct(p: Post, force: boolean): Record<string, unknown> {
    const rendered = renderProduct(p);
    if (force) catalog.delete(p);
    else p.status = 'trash';
    return rendered;
  }

  function createVariation(parentId: number, body: Record<string, unknown>): Record<string, unknown> | SimResponse {
    if (!catalog.get(parentId, 'product')) return wpError(404, 'woocommerce_rest_product_variation_invalid_parent', 'Cannot set attributes due to invalid parent product.');
    const v = catalog.save(body, { parentId });
    if (isError(v)) return v;
    stats.productCreates++;
    return renderVariation(v);
  }

  function updateVariation(parentId: number, id: number, body: Record<string, unknown>): Record<string, unknown> | SimResponse {
    const v = catalog.get(id, 'variation');
    if (!v || v.parentId !== parentId) return invalidId('product_variation', 400);
    const saved = catalog.save(body, { existing: v });
    if (isError(saved)) return saved;
    stats.productUpdates++;
    return renderVariation(saved);
  }

  const variationOf = (req: SimRequest) => {
    const v = catalog.get(Number(req.params.vid), 'variation');
    return v && v.parentId === Number(req.params.id) ? v : undefined;
  };

  return [
    { method: 'GET', path: `${BASE}/products`, handler: listProducts },
    {
      method: 'POST',
      path: `${BASE}/products`,
      handler(req) {
        const body = bodyOf(req);
        if (body.id) return wpError(400, 'woocommerce_rest_product_exists', 'Cannot create existing product.');
        const p = saveProduct(body);
        return isError(p) ? p : json(201, renderProduct(p), { location: `${siteUrl}${BASE}/products/${p.id}` });
      },
    },
    // Before /products/:id, which would take "batch" for an id.
    ...forMethods(['POST', 'PUT', 'PATCH'], `${BASE}/products/batch`, (req) =>
      batchItems(
        req,
        {
          create: (b) => {
            const p = saveProduct(b);
            return isError(p) ? p : renderProduct(p);
          },
          update: (id, b) => {
            const existing = catalog.get(id);
            if (!existing) return invalidId('product', 400);
            const p = saveProduct(b, existing);
            return isError(p) ? p : renderProduct(p);
          },
          remove: (id) => {
            const p = catalog.get(id);
            return p ? removeProduct(p, true) : invalidId('product');
          },
        },
        stats,
      ),
    ),
    {
      method: 'GET',
      path: `${BASE}/products/:id`,
      handler(req) {
        const id = numericParam(req, 'id');
        if (id === null) return noRoute();
        const p = catalog.get(id);
        return p ? json(200, onlyFields(req, renderProduct(p))) : invalidId('product');
      },
    },
    ...forMethods(['PUT', 'PATCH'], `${BASE}/products/:id`, (req) => {
      const id = numericParam(req, 'id');
      if (id === null) return noRoute();
      const existing = catalog.get(id);
      if (!existing) return invalidId('product', 400);
      const p = saveProduct(bodyOf(req), existing);
      return isError(p) ? p : json(200, renderProduct(p));
    }),
    {
      method: 'DELETE',
      path: `${BASE}/products/:id`,
      handler(req) {
        const id = numericParam(req, 'id');
        const p = id === null ? undefined : catalog.get(id);
        if (!p) return invalidId('product');
        return json(200, removeProduct(p, ['true', '1'].includes(req.query.get('force') ?? '')));
      },
    },

    ...forMethods(['POST', 'PUT', 'PATCH'], `${BASE}/products/:id/variations/batch`, (req) => {
      const parentId = numericParam(req, 'id');
      if (parentId === null || !catalog.get(parentId, 'product')) return invalidId('product');
      return batchItems(
        req,
        {
          create: (b) => createVariation(parentId, b),
          update: (id, b) => updateVariation(parentId, id, b),
          remove: (id) => {
            const v = catalog.get(id, 'variation');
            if (!v || v.parentId !== parentId) return invalidId('product_variation');
            const rendered = renderVariation(v);
            catalog.delete(v);
            return rendered;
          },
        },
        stats,
      );
    }),
    {
      method: 'GET',
      path: `${BASE}/products/:id/variations`,
      handler(req) {
        const parentId = numericParam(req, 'id');
        const parent = parentId === null ? undefined : catalog.get(parentId, 'product');
        if (!parent) return invalidId('product');
        const rows = parent.variationIds.map((id) => catalog.get(id)).filter((v): v is Post => Boolean(v));
        return listResponse(req, siteUrl, rows, VARIATION_ORDERBY, renderVariation);
      },
    },
    {
      method: 'POST',
      path: `${BASE}/products/:id/variations`,
      handler(req) {
        const parentId = numericParam(req, 'id');
        if (parentId === null) return noRoute();
        const v = createVariation(parentId, bodyOf(req));
        return isError(v) ? v : json(201, v);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/products/:id/variations/:vid`,
      handler(req) {
        const v = variationOf(req);
        return v ? json(200, renderVariation(v)) : invalidId('product_variation');
      },
    },
    ...forMethods(['PUT', 'PATCH'], `${BASE}/products/:id/variations/:vid`, (req) => {
      const r = updateVariation(Number(req.params.id), Number(req.params.vid), bodyOf(req));
      return isError(r) ? r : json(200, r);
    }),
  ];
}
