/**
 * The simulated catalogue: products and variations, both WordPress posts in one id space, as
 * WC_REST_Products_Controller and WC_REST_Product_Variations_Controller read and write them.
 * Stored compactly (a few fields per post); the full REST shape is rendered on the way out.
 */
import type { SimResponse } from '../../simulator-kit/server';
import { checkTypes, dateFields, type FieldType, invalidParams, wpError } from './wp';

export const PRODUCT_TYPES = ['simple', 'grouped', 'external', 'variable'] as const;
const POST_STATUSES = ['draft', 'pending', 'private', 'publish', 'future'] as const;
const STOCK_STATUSES = ['instock', 'outofstock', 'onbackorder'] as const;
const BACKORDERS = ['no', 'notify', 'yes'] as const;

export interface Attribute {
  id: number;
  name: string;
  position?: number;
  visible?: boolean;
  variation?: boolean;
  options?: string[];
  option?: string;
}

export interface Meta {
  id: number;
  key: string;
  value: unknown;
}

export interface Post {
  id: number;
  /** 0 for a product; the parent product's id for a variation. */
  parentId: number;
  type: (typeof PRODUCT_TYPES)[number] | 'variation';
  name: string;
  slug: string;
  status: string;
  sku: string;
  description: string;
  shortDescription: string;
  regularPrice: string;
  salePrice: string;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: string;
  backorders: string;
  attributes: Attribute[];
  variationIds: number[];
  meta: Meta[];
  /** Fields kept as sent (categories, images, weight…), only when a client sent them. */
  extra?: Record<string, unknown>;
  created: number;
  modified: number;
}

const COMMON_SCHEMA: Record<string, FieldType> = {
  description: 'string',
  sku: 'string',
  regular_price: 'string',
  sale_price: 'string',
  date_on_sale_from: 'string|null',
  date_on_sale_to: 'string|null',
  status: 'string',
  manage_stock: 'boolean',
  stock_quantity: 'integer',
  stock_status: 'string',
  backorders: 'string',
  low_stock_amount: 'integer|null',
  weight: 'string',
  dimensions: 'object',
  attributes: 'array',
  meta_data: 'array',
};
const PRODUCT_SCHEMA: Record<string, FieldType> = { ...COMMON_SCHEMA, name: 'string', slug: 'string', type: 'string', short_description: 'string', categories: 'array', tags: 'array', images: 'array' };
const VARIATION_SCHEMA: Record<string, FieldType> = { ...COMMON_SCHEMA, manage_stock: 'boolean|parent', image: 'object', menu_order: 'integer' };
const ENUMS = { type: PRODUCT_TYPES, status: POST_STATUSES, stock_status: STOCK_STATUSES, backorders: BACKORDERS };
const KEPT_AS_SENT = ['categories', 'tags', 'images', 'image', 'weight', 'dimensions', 'date_on_sale_from', 'date_on_sale_to', 'low_stock_amount'];

/** wc_format_decimal: a price that is not a number is stored empty. */
function decimal(value: string): string {
  const v = value.trim().replace(',', '.');
  return v === '' || !Number.isFinite(Number(v)) ? '' : v;
}

/** sanitize_title, enough for attribute names. */
const slugOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export class Catalog {
  readonly posts = new Map<number, Post>();
  private readonly skuOwner = new Map<string, number>();
  private metaIds = 1;

  constructor(
    private readonly nextId: () => number,
    private readonly clock: () => number,
  ) {}

  get(id: number, kind: 'product' | 'variation' | 'any' = 'any'): Post | undefined {
    const p = this.posts.get(id);
    if (!p || kind === 'any') return p;
    return (kind === 'variation') === (p.type === 'variation') ? p : undefined;
  }

  products(): Post[] {
    return [...this.posts.values()].filter((p) => p.type !== 'variation');
  }

  bySku(sku: string): Post | undefined {
    const id = this.skuOwner.get(sku);
    return id === undefined ? undefined : this.posts.get(id);
  }

  /** Validates and saves a product (parentId 0) or a variation; the post, or WooCommerce's error. */
  save(body: Record<string, unknown>, target: { existing?: Post; parentId?: number }): Post | SimResponse {
    const isVariation = target.existing ? target.existing.type === 'variation' : Boolean(target.parentId);
    const problems = checkTypes(body, isVariation ? VARIATION_SCHEMA : PRODUCT_SCHEMA, ENUMS);
    if (Object.keys(problems).length) return invalidParams(problems);

    const now = this.clock();
    const post: Post = target.existing
      ? { ...target.existing }
      : {
          id: 0,
          parentId: target.parentId ?? 0,
          type: isVariation ? 'variation' : ((body.type as Post['type']) ?? 'simple'),
          name: '',
          slug: '',
          status: 'publish',
          sku: '',
          description: '',
          shortDescription: '',
          regularPrice: '',
          salePrice: '',
          manageStock: false,
          stockQuantity: null,
          stockStatus: 'instock',
          backorders: 'no',
          attributes: [],
          variationIds: [],
          meta: [],
          created: now,
          modified: now,
        };

    if (typeof body.sku === 'string') {
      const sku = body.sku.trim();
      const owner = sku ? this.skuOwner.get(sku) : undefined;
      // WC_Product::set_sku: unique across products and variations.
      if (owner !== undefined && owner !== post.id)
        return wpError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.', { resource_id: owner, unique_sku: `${sku}-1` });
      post.sku = sku;
    }
    if (!isVariation) {
      if (typeof body.name === 'string') post.name = body.name;
      if (typeof body.slug === 'string') post.slug = body.slug;
      if (typeof body.type === 'string') post.type = body.type as Post['type'];
      if (typeof body.short_description === 'string') post.shortDescription = body.short_description;
      if (Array.isArray(body.attributes)) post.attributes = (body.attributes as Attribute[]).map((a, i) => ({ id: a.id ?? 0, name: a.name, position: i, visible: a.visible ?? false, variation: a.variation ?? false, options: a.options ?? [] }));
    } else if (Array.isArray(body.attributes)) {
      // A variation keeps only the attributes its parent declares for variations; others vanish silently.
      const parent = this.posts.get(post.parentId);
      post.attributes = (body.attributes as Attribute[]).flatMap((a) => {
        const pa = parent?.attributes.find((x) => x.variation && (a.id ? x.id === a.id : slugOf(x.name) === slugOf(a.name ?? '')));
        return pa ? [{ id: pa.id, name: pa.name, option: String(a.option ?? '') }] : [];
      });
    }
    if (typeof body.status === 'string') post.status = body.status;
    if (typeof body.description === 'string') post.description = body.description;
    if (typeof body.regular_price === 'string') post.regularPrice = decimal(body.regular_price);
    if (typeof body.sale_price === 'string') post.salePrice = decimal(body.sale_price);
    // A variation's "parent" means the parent product counts its stock.
    if (body.manage_stock !== undefined) post.manageStock = body.manage_stock === true;
    if (typeof body.backorders === 'string') post.backorders = body.backorders;
    if (typeof body.stock_status === 'string') post.stockStatus = body.stock_status;
    // prepare_object_for_database: stock_quantity counts only when stock is managed; otherwise it is cleared.
    if (post.manageStock) {
      if (Number.isInteger(body.stock_quantity)) post.stockQuantity = body.stock_quantity as number;
      if (post.stockQuantity === null) post.stockQuantity = 0;
      post.stockStatus = post.stockQuantity > 0 ? 'instock' : post.backorders !== 'no' ? 'onbackorder' : 'outofstock';
    } else {
      post.stockQuantity = null;
      post.backorders = 'no';
    }
    if (Array.isArray(body.meta_data)) this.applyMeta(post, body.meta_data as Array<{ key?: string; value?: unknown; id?: number }>);
    for (const f of KEPT_AS_SENT) if (body[f] !== undefined) post.extra = { ...post.extra, [f]: body[f] };
    post.modified = now;

    if (!post.id) post.id = this.nextId();
    if (target.existing?.sku && target.existing.sku !== post.sku) this.skuOwner.delete(target.existing.sku);
    if (post.sku) this.skuOwner.set(post.sku, post.id);
    this.posts.set(post.id, post);
    if (isVariation && !target.existing) {
      const parent = this.posts.get(post.parentId);
      if (parent) parent.variationIds = [...parent.variationIds, post.id];
    }
    return post;
  }

  /** update_meta_data: a key that exists gets the new value, a new key is added. */
  private applyMeta(post: Post, entries: Array<{ key?: string; value?: unknown; id?: number }>) {
    const meta = [...post.meta];
    for (const e of entries) {
      if (!e.key) continue;
      const at = meta.findIndex((m) => (e.id ? m.id === e.id : m.key === e.key));
      if (at >= 0) meta[at] = { ...meta[at], value: e.value };
      else meta.push({ id: this.metaIds++, key: e.key, value: e.value });
    }
    post.meta = meta;
  }

  delete(post: Post): void {
    for (const vid of post.variationIds) this.delete(this.posts.get(vid)!);
    if (post.sku) this.skuOwner.delete(post.sku);
    this.posts.delete(post.id);
    const parent = post.parentId ? this.posts.get(post.parentId) : undefined;
    if (parent) parent.variationIds = parent.variationIds.filter((id) => id !== post.id);
  }

  private priceOf(p: Post): string {
    if (p.type === 'variable') {
      const prices = p.variationIds.map((id) => this.posts.get(id)).filter((v): v is Post => Boolean(v)).map((v) => Number(v.salePrice || v.regularPrice)).filter((n) => n > 0);
      return prices.length ? String(Math.min(...prices)) : '';
    }
    return p.salePrice || p.regularPrice;
  }

  /** The REST representation (GET /products/{id}); a variation read through /products keeps type "variation". */
  renderProduct(p: Post, siteUrl: string): Record<string, unknown> {
    const onSale = p.salePrice !== '' && Number(p.salePrice) < Number(p.regularPrice);
    return {
      id: p.id,
      name: p.name,
      slug: p.slug || slugOf(p.name) || String(p.id),
      permalink: `${siteUrl}/produto/${p.slug || slugOf(p.name) || p.id}/`,
      ...dateFields('date_created', p.created),
      ...dateFields('date_modified', p.modified),
      type: p.type,
      status: p.status,
      featured: false,
      catalog_visibility: 'visible',
      description: p.description,
      short_description: p.shortDescription,
      sku: p.sku,
      price: this.priceOf(p),
      regular_price: p.type === 'variable' ? '' : p.regularPrice,
      sale_price: p.type === 'variable' ? '' : p.salePrice,
      date_on_sale_from: null,
      date_on_sale_from_gmt: null,
      date_on_sale_to: null,
      date_on_sale_to_gmt: null,
      on_sale: onSale,
      purchasable: this.priceOf(p) !== '',
      total_sales: 0,
      virtual: false,
      downloadable: false,
      tax_status: 'taxable',
      tax_class: '',
      manage_stock: p.manageStock,
      stock_quantity: p.stockQuantity,
      stock_status: p.stockStatus,
      backorders: p.backorders,
      backorders_allowed: p.backorders !== 'no',
      backordered: false,
      low_stock_amount: null,
      sold_individually: false,
      weight: '',
      dimensions: { length: '', width: '', height: '' },
      shipping_required: true,
      parent_id: p.parentId,
      categories: [],
      tags: [],
      images: [],
      attributes: p.attributes,
      default_attributes: [],
      variations: p.variationIds,
      grouped_products: [],
      menu_order: 0,
      related_ids: [],
      meta_data: p.meta,
      ...p.extra,
    };
  }

  /** GET /products/{parent}/variations/{id}: no parent_id in v3's variation shape. */
  renderVariation(v: Post, siteUrl: string): Record<string, unknown> {
    return {
      id: v.id,
      ...dateFields('date_created', v.created),
      ...dateFields('date_modified', v.modified),
      description: v.description,
      permalink: `${siteUrl}/?p=${v.id}`,
      sku: v.sku,
      price: v.salePrice || v.regularPrice,
      regular_price: v.regularPrice,
      sale_price: v.salePrice,
      on_sale: v.salePrice !== '' && Number(v.salePrice) < Number(v.regularPrice),
      status: v.status,
      purchasable: (v.salePrice || v.regularPrice) !== '',
      virtual: false,
      downloadable: false,
      tax_status: 'taxable',
      tax_class: '',
      manage_stock: v.manageStock ? true : 'parent',
      stock_quantity: v.stockQuantity,
      stock_status: v.stockStatus,
      backorders: v.backorders,
      backorders_allowed: v.backorders !== 'no',
      backordered: false,
      low_stock_amount: null,
      weight: '',
      dimensions: { length: '', width: '', height: '' },
      shipping_class: '',
      shipping_class_id: 0,
      image: null,
      attributes: v.attributes,
      menu_order: 0,
      meta_data: v.meta,
      ...v.extra,
    };
  }
}
