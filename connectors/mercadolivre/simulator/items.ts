/**
 * Listings (items) of the Mercado Livre simulator: the store, POST/PUT validation, variations
 * (a PUT's `variations` array replaces the item's: every variation missing from it is deleted,
 * as Mercado Livre does), price automation, the seller's item search and the multi-get.
 */
import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../simulator-kit/server';

export interface MlAttribute {
  id: string;
  name?: string;
  value_id?: string | null;
  value_name: string;
}

export interface MlVariation {
  id: number;
  price: number;
  available_quantity: number;
  sold_quantity: number;
  attribute_combinations: MlAttribute[];
  attributes: MlAttribute[];
  seller_custom_field: string | null;
  picture_ids: string[];
}

export interface MlItem {
  id: string;
  site_id: 'MLB';
  seller_id: number;
  title: string;
  category_id: string;
  price: number;
  currency_id: string;
  available_quantity: number;
  sold_quantity: number;
  buying_mode: string;
  listing_type_id: string;
  condition: string;
  status: 'active' | 'paused' | 'closed';
  seller_custom_field: string | null;
  attributes: Array<{ id: string; value_name: string }>;
  /** Empty for a listing without variations. */
  variations: MlVariation[];
  date_created: string;
  last_updated: string;
}

export function mlError(status: number, error: string, message: string, cause: unknown[] = []): SimResponse {
  return { status, body: { message, error, status, cause } };
}

const REQUIRED = ['title', 'category_id', 'price', 'currency_id', 'available_quantity', 'buying_mode', 'listing_type_id', 'condition'] as const;
const UPDATABLE = new Set(['title', 'price', 'available_quantity', 'status', 'seller_custom_field', 'attributes', 'condition', 'variations']);
const VARIATION_FIELDS = new Set(['id', 'price', 'available_quantity', 'attribute_combinations', 'attributes', 'seller_custom_field', 'picture_ids']);
const SEARCH_LIMIT = 100;
const OFFSET_CAP = 1000;

type Cause = { department: string; cause_id: number; type: 'error'; code: string; references: string[]; message: string };

function skuOfAttributes(attributes: Array<{ id: string; value_name: string }> | undefined, custom: string | null | undefined): string | null {
  return attributes?.find((a) => a.id === 'SELLER_SKU')?.value_name ?? custom ?? null;
}

export function itemSkus(item: MlItem): string[] {
  const skus = [skuOfAttributes(item.attributes, item.seller_custom_field), ...item.variations.map((v) => skuOfAttributes(v.attributes, v.seller_custom_field))];
  return [...new Set(skus.filter((s): s is string => Boolean(s)))];
}

function comboKey(combos: MlAttribute[]): string {
  return combos
    .map((c) => `${c.id}=${c.value_name ?? c.value_id}`)
    .sort()
    .join('|');
}

export interface ItemStoreOptions {
  sellerId: () => number;
  /** Called after every change a seller would be notified of. */
  notify: (topic: string, resource: string) => void;
  scrollTtlMs: number;
}

export class ItemStore {
  readonly items = new Map<string, MlItem>();
  readonly bySku = new Map<string, Set<string>>();
  private readonly skusOfItem = new Map<string, string[]>();
  readonly priceAutomation = new Set<string>();
  private readonly scrolls = new Map<string, { ids: string[]; position: number; expiresAt: number }>();
  /** Share of the listings a search lists (1: all), for a provider answering with part of the catalogue. */
  searchShare = 1;
  readonly counters = { creates: 0, updates: 0, variationsDeleted: 0, scanPages: 0, offsetPages: 0 };
  private nextId = 1_000_000_000;
  private nextVariationId = 180_000_000_000;

  constructor(private readonly options: ItemStoreOptions) {}

  private index(item: MlItem) {
    for (const sku of this.skusOfItem.get(item.id) ?? []) this.bySku.get(sku)?.delete(item.id);
    const skus = itemSkus(item);
    for (const sku of skus) {
      if (!this.bySku.has(sku)) this.bySku.set(sku, new Set());
      this.bySku.get(sku)!.add(item.id);
    }
    this.skusOfItem.set(item.id, skus);
  }

  expireScrolls(): void {
    this.scrolls.clear();
  }

  /**
   * Listings already on the account (not counted as API creates). `variations` gives each one that
   * many; `skuPrefix` (default `ML-`) lets the SKUs be an ERP's own (Bling's seeds are `SKU-000000`…).
   */
  seed(count: number, options: { startAt?: number; variations?: number; lastUpdated?: string; skuPrefix?: string } = {}): MlItem[] {
    const created: MlItem[] = [];
    const at = options.lastUpdated ?? new Date(Date.now() - 86_400_000).toISOString();
    for (let i = options.startAt ?? 0; i < (options.startAt ?? 0) + count; i++) {
      const sku = `${options.skuPrefix ?? 'ML-'}${String(i).padStart(6, '0')}`;
      const price = Math.round((20 + (i % 300) * 1.11) * 100) / 100;
      const variations: MlVariation[] = Array.from({ length: options.variations ?? 0 }, (_, v) => ({
        id: this.nextVariationId++,
        price,
        available_quantity: (i + v) % 9,
        sold_quantity: 0,
        attribute_combinations: [{ id: 'COLOR', name: 'Cor', value_name: ['Azul', 'Preto', 'Branco', 'Verde'][v % 4] + (v >= 4 ? ` ${v}` : '') }],
        attributes: [{ id: 'SELLER_SKU', value_name: `${sku}-${v}` }],
        seller_custom_field: null,
        picture_ids: [],
      }));
      const item: MlItem = {
        id: `MLB${this.nextId++}`,
        site_id: 'MLB',
        seller_id: this.options.sellerId(),
        title: `Anúncio ${i}`,
        category_id: 'MLB1000',
        price,
        currency_id: 'BRL',
        available_quantity: variations.length ? variations.reduce((s, v) => s + v.available_quantity, 0) : i % 40,
        sold_quantity: 0,
        buying_mode: 'buy_it_now',
        listing_type_id: 'gold_special',
        condition: 'new',
        status: 'active',
        seller_custom_field: null,
        attributes: [{ id: 'SELLER_SKU', value_name: sku }],
        variations,
        date_created: at,
        last_updated: at,
      };
      this.items.set(item.id, item);
      this.index(item);
      created.push(item);
    }
    return created;
  }

  private validate(body: Record<string, unknown>, creating: boolean, cause: Cause[]) {
    const add = (field: string, code: string, message: string) =>
      cause.push({ department: 'items', cause_id: cause.length + 1, type: 'error', code: `item.${field}.${code}`, references: [`item.${field}`], message });
    const hasVariations = Array.isArray(body.variations) && body.variations.length > 0;
    if (creating)
      for (const f of REQUIRED) {
        // With variations, price and quantity come from them.
        if (hasVariations && (f === 'price' || f === 'available_quantity')) continue;
        if (body[f] === undefined || body[f] === null || body[f] === '') add(f, 'required', `The field ${f} is required.`);
      }
    if (body.price !== undefined && !(typeof body.price === 'number' && body.price > 0)) add('price', 'invalid', 'The price must be a positive number.');
    if (body.available_quantity !== undefined && !(Number.isInteger(body.available_quantity) && (body.available_quantity as number) >= 0))
      add('available_quantity', 'invalid', 'available_quantity must be a non-negative integer.');
    if (body.title !== undefined && (typeof body.title !== 'string' || body.title.length > 60)) add('title', 'length.invalid', 'The title must have at most 60 characters.');
    if (body.currency_id !== undefined && body.currency_id !== 'BRL') add('currency_id', 'invalid', 'Currency not valid for site MLB.');
    if (body.variations !== undefined && !Array.isArray(body.variations)) add('variations', 'invalid', 'variations must be an array.');
    return add;
  }

  /** Checks one variation of a POST or PUT; `existing` is the variation an `id` points to. */
  private validateVariation(v: Record<string, unknown>, existing: MlVariation | undefined, add: (f: string, c: string, m: string) => void) {
    const unknown = Object.keys(v).filter((k) => !VARIATION_FIELDS.has(k));
    if (unknown.length) add('variations', 'invalid_fields', `Unknown variation fields: ${unknown.join(', ')}.`);
    if (!existing) {
      if (!Array.isArray(v.attribute_combinations) || v.attribute_combinations.length === 0)
        add('variations.attribute_combinations', 'required', 'A new variation needs attribute_combinations.');
      if (v.price === undefined) add('variations.price', 'required', 'A new variation needs a price.');
      if (v.available_quantity === undefined) add('variations.available_quantity', 'required', 'A new variation needs available_quantity.');
    }
    if (v.price !== undefined && !(typeof v.price === 'number' && v.price > 0)) add('variations.price', 'invalid', 'The variation price must be a positive number.');
    if (v.available_quantity !== undefined && !(Number.isInteger(v.available_quantity) && (v.available_quantity as number) >= 0))
      add('variations.available_quantity', 'invalid', 'The variation available_quantity must be a non-negative integer.');
  }

  private buildVariation(v: Record<string, unknown>, base?: MlVariation): MlVariation {
    const out: MlVariation = base
      ? { ...base }
      : { id: this.nextVariationId++, price: 0, available_quantity: 0, sold_quantity: 0, attribute_combinations: [], attributes: [], seller_custom_field: null, picture_ids: [] };
    if (v.price !== undefined) out.price = v.price as number;
    if (v.available_quantity !== undefined) out.available_quantity = v.available_quantity as number;
    if (v.attribute_combinations !== undefined) out.attribute_combinations = v.attribute_combinations as MlAttribute[];
    if (v.attributes !== undefined) out.attributes = v.attributes as MlAttribute[];
    if (v.seller_custom_field !== undefined) out.seller_custom_field = v.seller_custom_field as string | null;
    if (v.picture_ids !== undefined) out.picture_ids = v.picture_ids as string[];
    return out;
  }

  /** Mercado Livre's classic listings sell every variation at one price, and no two variations may share a combination. */
  private checkVariationSet(variations: MlVariation[], add: (f: string, c: string, m: string) => void) {
    if (new Set(variations.map((v) => v.price)).size > 1) add('variations.price', 'not_equal', 'All the variations of an item must have the same price.');
    const keys = variations.map((v) => comboKey(v.attribute_combinations));
    if (new Set(keys).size !== keys.length) add('variations.attribute_combinations', 'duplicated', 'Two variations have the same attribute_combinations.');
  }

  create(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const cause: Cause[] = [];
    const add = this.validate(body, true, cause);
    const requested = Array.isArray(body.variations) ? (body.variations as Array<Record<string, unknown>>) : [];
    for (const v of requested) {
      if (v.id !== undefined) add('variations.id', 'invalid', 'A new item cannot carry variation ids.');
      this.validateVariation(v, undefined, add);
    }
    if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);
    const variations = requested.map((v) => this.buildVariation(v));
    this.checkVariationSet(variations, add);
    if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);
    const now = new Date().toISOString();
    const item: MlItem = {
      id: `MLB${this.nextId++}`,
      site_id: 'MLB',
      seller_id: this.options.sellerId(),
      title: body.title as string,
      category_id: body.category_id as string,
      price: variations.length ? variations[0].price : (body.price as number),
      currency_id: body.currency_id as string,
      available_quantity: variations.length ? variations.reduce((s, v) => s + v.available_quantity, 0) : (body.available_quantity as number),
      sold_quantity: 0,
      buying_mode: body.buying_mode as string,
      listing_type_id: body.listing_type_id as string,
      condition: body.condition as string,
      status: 'active',
      seller_custom_field: (body.seller_custom_field as string) ?? null,
      attributes: (body.attributes as MlItem['attributes']) ?? [],
      variations,
      date_created: now,
      last_updated: now,
    };
    this.items.set(item.id, item);
    this.index(item);
    this.counters.creates++;
    this.options.notify('items', `/items/${item.id}`);
    return { status: 201, body: item };
  }

  get(id: string): MlItem | SimResponse {
    return this.items.get(id) ?? mlError(404, 'not_found', `Item with id ${id} not found`);
  }

  update(req: SimRequest): SimResponse {
    const found = this.items.get(req.params.id);
    if (!found) return mlError(404, 'not_found', `Item with id ${req.params.id} not found`);
    let body = (req.body ?? {}) as Record<string, unknown>;
    const unknownFields = Object.keys(body).filter((k) => !UPDATABLE.has(k));
    if (unknownFields.length)
      return mlError(400, 'validation_error', 'Validation error', unknownFields.map((f) => ({ type: 'error', code: `item.${f}.not_modifiable`, message: `Field ${f} cannot be modified.` })));
    if (body.title !== undefined && found.sold_quantity > 0)
      return mlError(400, 'validation_error', 'Validation error', [{ type: 'error', code: 'item.title.not_modifiable', message: 'Title cannot be modified after a sale.' }]);

    // Price automation (since 18 Mar 2026): a price-only change is refused; with other fields the
    // price is ignored and a warning comes back.
    const warnings: unknown[] = [];
    if (this.priceAutomation.has(found.id)) {
      const variations = Array.isArray(body.variations) ? (body.variations as Array<Record<string, unknown>>) : null;
      const touchesPrice = body.price !== undefined || Boolean(variations?.some((v) => v.price !== undefined));
      const priceOnly =
        touchesPrice &&
        Object.keys(body).every((k) => k === 'price' || k === 'variations') &&
        (!variations || variations.every((v) => Object.keys(v).every((k) => k === 'id' || k === 'price')));
      if (priceOnly)
        return mlError(400, 'bad_request', 'Price automation is active for this item: its price cannot be changed through the API.', [
          { type: 'error', code: 'item.price.automation_active', message: 'The item has price automation active.' },
        ]);
      if (touchesPrice) {
        const { price: _ignored, ...rest } = body;
        body = rest;
        if (variations) body.variations = variations.map(({ price: _p, ...v }) => v);
        warnings.push({ department: 'items', type: 'warning', code: 'item.price.ignored', message: 'The price was ignored: the item has price automation active.' });
      }
    }

    const cause: Cause[] = [];
    const add = this.validate(body, false, cause);
    if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);

    let nextVariations = found.variations;
    let deleted = 0;
    if (Array.isArray(body.variations)) {
      const requested = body.variations as Array<Record<string, unknown>>;
      const current = new Map(found.variations.map((v) => [v.id, v]));
      for (const v of requested) {
        const existing = v.id === undefined ? undefined : current.get(Number(v.id));
        if (v.id !== undefined && !existing) add('variations.id', 'invalid', `Variation ${v.id} does not belong to item ${found.id}.`);
        else this.validateVariation(v, existing, add);
      }
      if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);
      // The array is the item's new set of variations: what it does not name is deleted.
      nextVariations = requested.map((v) => this.buildVariation(v, v.id === undefined ? undefined : current.get(Number(v.id))));
      const kept = new Set(nextVariations.map((v) => v.id));
      deleted = found.variations.filter((v) => !kept.has(v.id)).length;
      this.checkVariationSet(nextVariations, add);
    }
    if (nextVariations.length > 0) {
      if (body.available_quantity !== undefined)
        add('available_quantity', 'not_modifiable', 'The item has variations: change available_quantity in each variation.');
      if (body.price !== undefined) add('price', 'not_modifiable', 'The item has variations: change the price in the variations.');
    }
    if (cause.length) return mlError(400, 'validation_error', 'Validation error', cause);

    const { variations: _v, ...fields } = body;
    Object.assign(found, fields, { last_updated: new Date().toISOString() });
    if (Array.isArray(body.variations)) {
      found.variations = nextVariations;
      this.counters.variationsDeleted += deleted;
    }
    if (found.variations.length) {
      found.price = found.variations[0].price;
      found.available_quantity = found.variations.reduce((s, v) => s + v.available_quantity, 0);
    }
    this.index(found);
    this.counters.updates++;
    this.options.notify('items', `/items/${found.id}`);
    return { status: 200, body: warnings.length ? { ...found, warnings } : found };
  }

  multiGet(req: SimRequest): SimResponse {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) return mlError(400, 'bad_request', 'ids is required');
    if (ids.length > 20) return mlError(400, 'bad_request', 'Max 20 ids per request');
    const fields = (req.query.get('attributes') ?? '').split(',').filter(Boolean);
    return {
      status: 200,
      body: ids.map((id) => {
        const item = this.items.get(id);
        if (!item) return { code: 404, body: { message: `Item with id ${id} not found`, error: 'not_found', status: 404, cause: [] } };
        return { code: 200, body: fields.length ? Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f as keyof MlItem]])) : item };
      }),
    };
  }

  search(req: SimRequest, sellerId: number): SimResponse {
    if (Number(req.params.userId) !== sellerId) return mlError(403, 'forbidden', 'Caller is not the owner of this resource');
    const rawLimit = Number(req.query.get('limit') ?? 50);
    if (!Number.isInteger(rawLimit) || rawLimit < 1) return mlError(400, 'bad_request', 'Invalid limit.');
    const limit = Math.min(rawLimit, SEARCH_LIMIT);
    const select = (): string[] => {
      const sku = req.query.get('seller_sku');
      const status = req.query.get('status');
      let list = sku ? [...(this.bySku.get(sku) ?? [])].flatMap((id) => this.items.get(id) ?? []) : [...this.items.values()];
      // A partial answer whose total agrees with it: nothing tells the caller it is short.
      if (!sku && this.searchShare < 1) list = list.slice(0, Math.ceil(list.length * this.searchShare));
      if (status) list = list.filter((i) => i.status === status);
      const order = req.query.get('orders');
      const by = (f: (i: MlItem) => string, dir: 1 | -1) => (a: MlItem, b: MlItem) => (f(a) < f(b) ? -dir : f(a) > f(b) ? dir : a.id < b.id ? -1 : 1);
      if (order === 'last_updated_desc') list.sort(by((i) => i.last_updated, -1));
      else if (order === 'last_updated_asc') list.sort(by((i) => i.last_updated, 1));
      else if (order === 'start_time_desc') list.sort(by((i) => i.date_created, -1));
      else if (order === 'start_time_asc') list.sort(by((i) => i.date_created, 1));
      return list.map((i) => i.id);
    };
    const seller_id = String(sellerId);

    if (req.query.get('search_type') === 'scan') {
      if (req.query.get('offset')) return mlError(400, 'bad_request', 'offset is not allowed with search_type=scan; use scroll_id.');
      this.counters.scanPages++;
      const scrollId = req.query.get('scroll_id');
      let scroll: { ids: string[]; position: number; expiresAt: number };
      if (scrollId) {
        const found = this.scrolls.get(scrollId);
        if (!found || found.expiresAt < Date.now()) return mlError(400, 'bad_request', `The scroll_id ${scrollId} is invalid or expired. Start a new scan.`);
        scroll = found;
      } else {
        // A scan reads a snapshot taken when it starts.
        scroll = { ids: select(), position: 0, expiresAt: 0 };
      }
      const results = scroll.ids.slice(scroll.position, scroll.position + limit);
      const next = randomBytes(12).toString('base64url');
      this.scrolls.set(next, { ids: scroll.ids, position: scroll.position + results.length, expiresAt: Date.now() + this.options.scrollTtlMs });
      return { status: 200, body: { seller_id, results, paging: { total: scroll.ids.length, limit }, scroll_id: next } };
    }
    const offset = Number(req.query.get('offset') ?? 0);
    if (!Number.isInteger(offset) || offset < 0) return mlError(400, 'bad_request', 'Invalid offset.');
    if (offset + limit > OFFSET_CAP) return mlError(400, 'bad_request', 'Invalid offset. Use search_type=scan for more than 1000 results.');
    this.counters.offsetPages++;
    const ids = select();
    return { status: 200, body: { seller_id, results: ids.slice(offset, offset + limit), paging: { total: ids.length, offset, limit } } };
  }
}
