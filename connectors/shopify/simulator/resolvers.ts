/**
 * What the simulated Admin API does for each query and mutation it serves, with Shopify's
 * validation rules and `userErrors` (business errors come back in HTTP 200, inside the payload).
 */
import { createHash, randomUUID } from 'node:crypto';
import { fail, type Resolver } from './graphql';
import { compileSearch, type Filterable, type SearchWarning } from './search';
import { gid, handleize, idOf, InvalidCursor, money, paginate, type ShopStore, type SimAddress, type SimCustomer, type SimInventoryItem, type SimOrder, type SimProduct, type SimVariant } from './store';
import { createViews } from './views';

export interface SimStats {
  productCreates: number;
  productUpdates: number;
  priceUpdates: number;
  inventorySets: number;
  customerCreates: number;
  customerUpdates: number;
  fulfillmentsCreated: number;
  trackingUpdates: number;
  ordersCancelled: number;
  ordersClosed: number;
  ordersMarkedPaid: number;
}

export interface ResolverDeps {
  store: ShopStore;
  stats: SimStats;
  shop: { name: string; domain: string };
  /** Collects `extensions.search` warnings for the current request. */
  warn(path: string, query: string, warnings: SearchWarning[]): void;
}

interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

/** Shopify 2026-04: the reasons inventorySetQuantities accepts. */
const INVENTORY_REASONS = new Set(['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage']);

const MAX_VARIANTS = 2048;

/** Cost Shopify charges for a mutation field: 10, plus productSet's per-variant complexity (2025-10+). */
export function mutationCost(field: string, args: Record<string, unknown>): number {
  if (field === 'productSet') {
    const input = (args.input ?? {}) as { variants?: unknown[]; metafields?: unknown[] };
    return Math.ceil(10 + 0.2 * (input.variants?.length ?? 0) + 0.4 * (input.metafields?.length ?? 0));
  }
  return 10;
}

export function createResolvers(deps: ResolverDeps): { query: Record<string, Resolver>; mutation: Record<string, Resolver> } {
  const { store, stats } = deps;

  const levelFilters: Filterable<{ item: SimInventoryItem; locationId: number }> = {
    updated_at: { kind: 'date', get: (e) => e.item.levels.get(e.locationId)?.updatedAt },
    created_at: { kind: 'date', get: (e) => e.item.levels.get(e.locationId)?.createdAt },
    inventory_item_id: { kind: 'number', get: (e) => e.item.id },
  };
  const filterLevels = (entries: Array<{ item: SimInventoryItem; locationId: number }>, args: Record<string, unknown>) => search('inventoryLevels', entries, args, levelFilters);
  const views = createViews(store, filterLevels);

  function search<T>(path: string, items: T[], args: Record<string, unknown>, filters: Filterable<T>): T[] {
    const query = typeof args.query === 'string' ? args.query : '';
    const compiled = compileSearch(query, filters);
    if (compiled.warnings.length) deps.warn(path, query, compiled.warnings);
    return query ? items.filter(compiled.matches) : items;
  }

  const page = (fn: () => ReturnType<typeof paginate>) => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InvalidCursor) fail('Invalid cursor for current pagination sort.', { code: 'BAD_REQUEST' });
      throw err;
    }
  };

  const skuOfVariant = (v: SimVariant) => v.sku ?? '';
  const productFilters: Filterable<SimProduct> = {
    id: { kind: 'number', get: (p) => p.id },
    title: { kind: 'text', get: (p) => p.title },
    default: { kind: 'text', get: (p) => p.title },
    handle: { kind: 'text', get: (p) => p.handle },
    status: { kind: 'text', get: (p) => p.status },
    vendor: { kind: 'text', get: (p) => p.vendor },
    product_type: { kind: 'text', get: (p) => p.productType },
    tag: { kind: 'list', get: (p) => p.tags },
    sku: { kind: 'list', get: (p) => p.variantIds.map((id) => skuOfVariant(store.variants.get(id)!)) },
    created_at: { kind: 'date', get: (p) => p.createdAt },
    updated_at: { kind: 'date', get: (p) => p.updatedAt },
  };
  const variantFilters: Filterable<SimVariant> = {
    id: { kind: 'number', get: (v) => v.id },
    sku: { kind: 'text', get: skuOfVariant },
    barcode: { kind: 'text', get: (v) => v.barcode },
    product_id: { kind: 'number', get: (v) => v.productId },
    title: { kind: 'text', get: (v) => v.optionValues.join(' / ') },
    created_at: { kind: 'date', get: (v) => v.createdAt },
    updated_at: { kind: 'date', get: (v) => v.updatedAt },
  };
  const itemFilters: Filterable<SimInventoryItem> = {
    id: { kind: 'number', get: (i) => i.id },
    sku: { kind: 'text', get: (i) => store.variants.get(i.variantId)?.sku },
    created_at: { kind: 'date', get: (i) => i.createdAt },
    updated_at: { kind: 'date', get: (i) => i.updatedAt },
  };
  const orderFilters: Filterable<SimOrder> = {
    id: { kind: 'number', get: (o) => o.id },
    name: { kind: 'text', get: (o) => `#${o.number}` },
    default: { kind: 'text', get: (o) => `#${o.number}` },
    email: { kind: 'text', get: (o) => o.email },
    tag: { kind: 'list', get: (o) => o.tags },
    sku: { kind: 'list', get: (o) => o.lineItems.map((li) => li.sku ?? '') },
    status: { kind: 'text', get: (o) => (o.cancelledAt ? 'cancelled' : o.closedAt ? 'closed' : 'open') },
    financial_status: { kind: 'text', get: (o) => o.financialStatus.toLowerCase() },
    fulfillment_status: { kind: 'text', get: (o) => ({ FULFILLED: 'shipped', UNFULFILLED: 'unshipped', PARTIALLY_FULFILLED: 'partial' })[store.fulfillmentStatus(o)] },
    created_at: { kind: 'date', get: (o) => o.createdAt },
    updated_at: { kind: 'date', get: (o) => o.updatedAt },
    processed_at: { kind: 'date', get: (o) => o.processedAt },
  };
  const customerFilters: Filterable<SimCustomer> = {
    id: { kind: 'number', get: (c) => c.id },
    email: { kind: 'text', get: (c) => c.email },
    phone: { kind: 'text', get: (c) => c.phone },
    first_name: { kind: 'text', get: (c) => c.firstName },
    last_name: { kind: 'text', get: (c) => c.lastName },
    state: { kind: 'text', get: (c) => c.state },
    tag: { kind: 'list', get: (c) => c.tags },
    created_at: { kind: 'date', get: (c) => c.createdAt },
    updated_at: { kind: 'date', get: (c) => c.updatedAt },
  };

  /** The SKU when the query is exactly one `sku:` term (answered from the SKU index, as Shopify's search index would). */
  const skuOnly = (args: Record<string, unknown>): string | null => {
    const q = typeof args.query === 'string' ? args.query.trim() : '';
    const m = /^sku:(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(q);
    return m ? (m[1] ?? m[2] ?? m[3]).replace(/\\(.)/g, '$1') : null;
  };
  const variantsWithSku = (sku: string) => [...(store.variantsBySku.get(sku) ?? [])].sort((a, b) => a - b).map((id) => store.variants.get(id)!);

  const sortBy = <T extends { updatedAt: string; createdAt: string }>(key: unknown): ((t: T) => string) | undefined =>
    key === 'UPDATED_AT' ? (t) => t.updatedAt : key === 'CREATED_AT' ? (t) => t.createdAt : undefined;

  const query: Record<string, Resolver> = {
    shop: () => ({ id: gid('Shop', 1), name: deps.shop.name, email: 'loja@example.com.br', myshopifyDomain: deps.shop.domain, currencyCode: 'BRL', ianaTimezone: 'America/Sao_Paulo' }),
    product: (args) => {
      const p = store.products.get(idOf('Product', args.id) ?? -1);
      return p ? views.product(p) : null;
    },
    products: (args) => page(() => paginate(search('products', [...store.products.values()], args, productFilters), args, (p) => p.id, views.product, sortBy<SimProduct>(args.sortKey))),
    productVariant: (args) => {
      const v = store.variants.get(idOf('ProductVariant', args.id) ?? -1);
      return v ? views.variant(v) : null;
    },
    productVariants: (args) => {
      const sku = skuOnly(args);
      const variants = sku !== null ? variantsWithSku(sku) : search('productVariants', [...store.variants.values()], args, variantFilters);
      return page(() => paginate(variants, args, (v) => v.id, views.variant, sortBy<SimVariant>(args.sortKey)));
    },
    inventoryItem: (args) => {
      const item = store.inventoryItems.get(idOf('InventoryItem', args.id) ?? -1);
      return item ? views.inventoryItem(item) : null;
    },
    inventoryItems: (args) => {
      const sku = skuOnly(args);
      const items = sku !== null ? variantsWithSku(sku).map((v) => store.inventoryItems.get(v.inventoryItemId)!) : search('inventoryItems', [...store.inventoryItems.values()], args, itemFilters);
      return page(() => paginate(items, args, (i) => i.id, views.inventoryItem));
    },
    location: (args) => {
      const l = args.id == null ? store.primaryLocation : store.locations.get(idOf('Location', args.id) ?? -1);
      return l ? views.location(l) : null;
    },
    locations: (args) => page(() => paginate([...store.locations.values()], args, (l) => l.id, views.location)),
    order: (args) => {
      const o = store.orders.get(idOf('Order', args.id) ?? -1);
      return o ? views.order(o) : null;
    },
    orders: (args) => page(() => paginate(search('orders', [...store.orders.values()], args, orderFilters), args, (o) => o.id, views.order, sortBy<SimOrder>(args.sortKey))),
    customer: (args) => {
      const c = store.customers.get(idOf('Customer', args.id) ?? -1);
      return c ? views.customer(c) : null;
    },
    customers: (args) => page(() => paginate(search('customers', [...store.customers.values()], args, customerFilters), args, (c) => c.id, views.customer, sortBy<SimCustomer>(args.sortKey))),
  };

  // --------------------------------------------------------------------------------------------
  // productSet: the desired state of a product, as an ERP sync sends it.

  interface VariantInput {
    id?: string;
    optionValues: Array<{ optionName?: string; name?: string; optionId?: string; id?: string }>;
    price?: string | number;
    compareAtPrice?: string | number | null;
    sku?: string;
    barcode?: string;
    taxable?: boolean;
    inventoryPolicy?: string;
    inventoryItem?: { sku?: string; tracked?: boolean };
    inventoryQuantities?: Array<{ locationId: string; name: string; quantity: number }>;
  }

  const productSet: Resolver = (args) => {
    const input = args.input as Record<string, unknown> & { productOptions?: Array<{ id?: string; name?: string; values?: Array<{ name?: string }> }>; variants?: VariantInput[]; tags?: string[] };
    const identifier = args.identifier as { id?: string; handle?: string } | null | undefined;
    const errors: UserError[] = [];
    const payload = (product: SimProduct | null) => ({ product: product ? views.product(product) : null, userErrors: errors });

    let product: SimProduct | null = null;
    if (identifier?.id) {
      product = store.products.get(idOf('Product', identifier.id) ?? -1) ?? null;
      if (!product) {
        errors.push({ field: ['identifier', 'id'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' });
        return payload(null);
      }
    } else if (identifier?.handle) {
      const id = store.handles.get(identifier.handle);
      product = id ? (store.products.get(id) ?? null) : null;
    }
    const creating = !product;

    const title = input.title as string | undefined;
    if (creating && (!title || !title.trim())) errors.push({ field: ['input', 'title'], message: "Title can't be blank", code: 'INVALID_PRODUCT' });
    if (title !== undefined && title.length > 255) errors.push({ field: ['input', 'title'], message: 'Title is too long (maximum is 255 characters)', code: 'INVALID_PRODUCT' });
    const variantsIn = input.variants;
    const optionsIn = input.productOptions;
    if (variantsIn && !optionsIn) errors.push({ field: ['input', 'productOptions'], message: 'Product options input is required when updating variants', code: 'PRODUCT_OPTIONS_INPUT_MISSING' });
    if (optionsIn && !variantsIn) errors.push({ field: ['input', 'variants'], message: 'Variants input is required when updating options', code: 'VARIANTS_INPUT_MISSING' });
    if (variantsIn && variantsIn.length > MAX_VARIANTS) errors.push({ field: ['input', 'variants'], message: `Products can have at most ${MAX_VARIANTS} variants`, code: 'INVALID_VARIANT' });
    const handle = input.handle as string | undefined;
    if (handle !== undefined) {
      const owner = store.handles.get(handle);
      if (owner !== undefined && owner !== product?.id) errors.push({ field: ['input', 'handle'], message: `Handle '${handle}' already in use. Please provide a new handle.`, code: 'HANDLE_NOT_UNIQUE' });
    }

    // Options and variants: every variant names a value for every option, and no two variants share a combination.
    const optionNames = (optionsIn ?? []).map((o) => o.name ?? '');
    if (new Set(optionNames).size !== optionNames.length) errors.push({ field: ['input', 'productOptions'], message: 'Duplicated option name.', code: 'DUPLICATED_OPTION_NAME' });
    const combos = new Set<string>();
    const resolvedVariants: Array<{ input: VariantInput; values: string[]; existing?: SimVariant }> = [];
    (variantsIn ?? []).forEach((v, i) => {
      const at = ['input', 'variants', String(i)];
      const values: string[] = [];
      for (const [k, opt] of (optionsIn ?? []).entries()) {
        const given = v.optionValues.find((ov) => ov.optionName === opt.name);
        if (!given?.name) {
          errors.push({ field: [...at, 'optionValues'], message: `Option value for option '${opt.name}' is missing`, code: 'INVALID_VARIANT' });
          return;
        }
        if (!(opt.values ?? []).some((x) => x.name === given.name)) {
          errors.push({ field: [...at, 'optionValues', String(k)], message: `Option value '${given.name}' does not exist on option '${opt.name}'`, code: 'OPTION_VALUE_DOES_NOT_EXIST' });
          return;
        }
        values.push(given.name);
      }
      for (const ov of v.optionValues)
        if (!optionNames.includes(ov.optionName ?? '')) {
          errors.push({ field: [...at, 'optionValues'], message: `Option '${ov.optionName}' does not exist`, code: 'OPTION_DOES_NOT_EXIST' });
          return;
        }
      const combo = values.join('\u0000');
      if (combos.has(combo)) errors.push({ field: at, message: `The variant '${values.join(' / ')}' already exists.`, code: 'INVALID_VARIANT' });
      combos.add(combo);
      for (const f of ['price', 'compareAtPrice'] as const)
        if (v[f] != null && !(Number(v[f]) >= 0)) errors.push({ field: [...at, f], message: `${f === 'price' ? 'Price' : 'Compare at price'} must be greater than or equal to 0`, code: 'INVALID_VARIANT' });
      const sku = v.sku ?? v.inventoryItem?.sku;
      if (sku !== undefined && sku.length > 255) errors.push({ field: [...at, 'sku'], message: 'SKU is too long (maximum is 255 characters)', code: 'INVALID_VARIANT' });
      let existing: SimVariant | undefined;
      if (v.id) {
        existing = store.variants.get(idOf('ProductVariant', v.id) ?? -1);
        if (!existing || existing.productId !== product?.id) errors.push({ field: [...at, 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' });
      }
      for (const q of v.inventoryQuantities ?? []) {
        if (!store.locations.has(idOf('Location', q.locationId) ?? -1)) errors.push({ field: [...at, 'inventoryQuantities', 'locationId'], message: 'Location does not exist', code: 'INVALID_INPUT' });
        if (q.name !== 'available' && q.name !== 'on_hand') errors.push({ field: [...at, 'inventoryQuantities', 'name'], message: "Quantity name must be 'available' or 'on_hand'", code: 'INVALID_INPUT' });
      }
      resolvedVariants.push({ input: v, values, existing });
    });
    if (errors.length) return payload(null);

    const now = store.now();
    if (!product) {
      const base = handle ?? handleize(title!);
      product = { id: store.nextId('product'), title: title!, handle: handle ?? store.uniqueHandle(base), status: 'ACTIVE', vendor: '', productType: '', descriptionHtml: '', tags: [], options: [], variantIds: [], createdAt: now, updatedAt: now };
      store.products.set(product.id, product);
      store.handles.set(product.handle, product.id);
    }
    const p = product;
    if (title !== undefined) p.title = title;
    for (const f of ['vendor', 'productType', 'descriptionHtml', 'status'] as const) if (input[f] !== undefined && input[f] !== null) p[f] = input[f] as string;
    if (handle !== undefined && handle !== p.handle) {
      store.handles.delete(p.handle);
      p.handle = handle;
      store.handles.set(handle, p.id);
    }
    if (input.tags !== undefined) p.tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];

    if (optionsIn && variantsIn) {
      p.options = optionsIn.map((o) => {
        const previous = p.options.find((x) => x.name === o.name);
        return {
          id: previous?.id ?? store.nextId('option'),
          name: o.name!,
          values: (o.values ?? []).map((v) => ({ id: previous?.values.find((x) => x.name === v.name)?.id ?? store.nextId('option'), name: v.name! })),
        };
      });
      // List semantics: variants not in the input are deleted; those without an id are created.
      const keep = new Set(resolvedVariants.filter((r) => r.existing).map((r) => r.existing!.id));
      for (const id of p.variantIds) if (!keep.has(id)) store.removeVariant(store.variants.get(id)!);
      p.variantIds = [];
      for (const { input: v, values, existing } of resolvedVariants) {
        const stock = new Map<number, number>();
        for (const q of v.inventoryQuantities ?? []) if (q.name === 'available') stock.set(idOf('Location', q.locationId)!, q.quantity);
        const sku = v.sku ?? v.inventoryItem?.sku;
        if (existing) {
          const previousSku = existing.sku;
          existing.optionValues = values;
          if (sku !== undefined) existing.sku = sku || null;
          if (v.price !== undefined) existing.price = money(v.price);
          if (v.compareAtPrice !== undefined) existing.compareAtPrice = v.compareAtPrice === null ? null : money(v.compareAtPrice);
          if (v.barcode !== undefined) existing.barcode = v.barcode;
          if (v.taxable !== undefined) existing.taxable = v.taxable;
          if (v.inventoryPolicy !== undefined) existing.inventoryPolicy = v.inventoryPolicy;
          existing.updatedAt = now;
          existing.position = p.variantIds.length + 1;
          p.variantIds.push(existing.id);
          store.indexSku(existing, previousSku);
          const item = store.inventoryItems.get(existing.inventoryItemId)!;
          if (v.inventoryItem?.tracked !== undefined) item.tracked = v.inventoryItem.tracked;
          for (const [locationId, quantity] of stock) {
            const level = item.levels.get(locationId);
            if (level) Object.assign(level, { available: quantity, onHand: quantity, updatedAt: now });
          }
        } else {
          store.addVariant(p, { optionValues: values, sku: sku || null, price: money(v.price ?? 0), compareAtPrice: v.compareAtPrice == null ? null : money(v.compareAtPrice), barcode: v.barcode ?? null, taxable: v.taxable, inventoryPolicy: v.inventoryPolicy }, stock);
        }
      }
    } else if (creating) {
      p.options = [{ id: store.nextId('option'), name: 'Title', values: [{ id: store.nextId('option'), name: 'Default Title' }] }];
      store.addVariant(p, { optionValues: ['Default Title'] });
    }
    p.updatedAt = now;
    if (creating) stats.productCreates++;
    else stats.productUpdates++;
    return payload(p);
  };

  // --------------------------------------------------------------------------------------------

  const productVariantsBulkUpdate: Resolver = (args) => {
    const errors: UserError[] = [];
    const product = store.products.get(idOf('Product', args.productId) ?? -1);
    if (!product) return { product: null, productVariants: null, userErrors: [{ field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }] };
    const inputs = args.variants as Array<{ id?: string; price?: string | number; compareAtPrice?: string | number | null; barcode?: string; taxable?: boolean; inventoryPolicy?: string; inventoryItem?: { sku?: string; tracked?: boolean } }>;
    const targets: SimVariant[] = [];
    inputs.forEach((v, i) => {
      if (!v.id) return errors.push({ field: ['variants', String(i), 'id'], message: 'Product variant is missing ID attribute', code: 'PRODUCT_VARIANT_ID_MISSING' });
      const variant = store.variants.get(idOf('ProductVariant', v.id) ?? -1);
      if (!variant || variant.productId !== product.id) return errors.push({ field: ['variants', String(i), 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' });
      if (v.price != null && !(Number(v.price) >= 0)) return errors.push({ field: ['variants', String(i), 'price'], message: 'Price cannot take a negative value.', code: 'NEGATIVE_PRICE_VALUE' });
      if (v.compareAtPrice != null && !(Number(v.compareAtPrice) >= 0)) return errors.push({ field: ['variants', String(i), 'compareAtPrice'], message: 'Compare at price cannot take a negative value.', code: 'NEGATIVE_PRICE_VALUE' });
      targets.push(variant);
    });
    if (errors.length && args.allowPartialUpdates !== true) return { product: views.product(product), productVariants: null, userErrors: errors };
    const now = store.now();
    inputs.forEach((v) => {
      const variant = targets.find((t) => gid('ProductVariant', t.id) === v.id);
      if (!variant) return;
      if (v.price != null) variant.price = money(v.price);
      if (v.compareAtPrice !== undefined) variant.compareAtPrice = v.compareAtPrice === null ? null : money(v.compareAtPrice);
      if (v.barcode !== undefined) variant.barcode = v.barcode;
      if (v.taxable !== undefined) variant.taxable = v.taxable;
      if (v.inventoryPolicy !== undefined) variant.inventoryPolicy = v.inventoryPolicy;
      if (v.inventoryItem?.sku !== undefined) {
        const previous = variant.sku;
        variant.sku = v.inventoryItem.sku || null;
        store.indexSku(variant, previous);
      }
      variant.updatedAt = now;
      stats.priceUpdates++;
    });
    product.updatedAt = now;
    return { product: views.product(product), productVariants: targets.map(views.variant), userErrors: errors };
  };

  // --------------------------------------------------------------------------------------------
  // inventorySetQuantities, 2026-04: @idempotent is mandatory and every quantity carries
  // changeFromQuantity (null opts out of the compare-and-swap check).

  const idempotency = new Map<string, { fingerprint: string; result: unknown }>();

  const inventorySetQuantities: Resolver = (args, info) => {
    const key = info.directives.idempotent?.key;
    if (typeof key !== 'string' || !key) fail('The @idempotent directive with a key is required for inventorySetQuantities as of API version 2026-04.', { code: 'BAD_REQUEST' });
    const input = args.input as { name: string; reason: string; referenceDocumentUri?: string; quantities: Array<Record<string, unknown>> };
    const fingerprint = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const seen = idempotency.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) return { inventoryAdjustmentGroup: null, userErrors: [{ field: null, message: 'The same idempotency key cannot be used with different operation parameters.', code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }] };
      return seen.result;
    }
    for (const q of input.quantities) {
      const itemId = idOf('InventoryItem', q.inventoryItemId) ?? -1;
      const sold = store.racingSales.get(itemId);
      const level = store.inventoryItems.get(itemId)?.levels.get(store.primaryLocation.id);
      if (sold === undefined || !level) continue;
      store.racingSales.delete(itemId);
      level.available -= sold;
      level.onHand -= sold;
    }
    const errors: UserError[] = [];
    if (input.name !== 'available' && input.name !== 'on_hand') errors.push({ field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'.", code: 'INVALID_NAME' });
    if (!INVENTORY_REASONS.has(input.reason)) errors.push({ field: ['input', 'reason'], message: `The reason '${input.reason}' is not valid.`, code: 'INVALID_REASON' });
    const targets: Array<{ item: SimInventoryItem; locationId: number; quantity: number }> = [];
    input.quantities.forEach((q, i) => {
      const at = ['input', 'quantities', String(i)];
      if (!('changeFromQuantity' in q)) return errors.push({ field: [...at, 'changeFromQuantity'], message: 'changeFromQuantity must be given for each quantity; pass null to skip the check.', code: 'COMPARE_QUANTITY_REQUIRED' });
      const item = store.inventoryItems.get(idOf('InventoryItem', q.inventoryItemId) ?? -1);
      if (!item) return errors.push({ field: [...at, 'inventoryItemId'], message: 'The specified inventory item could not be found.', code: 'INVALID_INVENTORY_ITEM' });
      const locationId = idOf('Location', q.locationId) ?? -1;
      if (!store.locations.has(locationId)) return errors.push({ field: [...at, 'locationId'], message: 'The specified location could not be found.', code: 'INVALID_LOCATION' });
      const level = item.levels.get(locationId);
      if (!level) return errors.push({ field: [...at, 'locationId'], message: 'The inventory item is not stocked at the location.', code: 'ITEM_NOT_STOCKED_AT_LOCATION' });
      if ((q.quantity as number) > 1_000_000_000 || (q.quantity as number) < -1_000_000_000) return errors.push({ field: [...at, 'quantity'], message: 'The quantity is out of range.', code: 'INVALID_QUANTITY_TOO_HIGH' });
      const current = input.name === 'available' ? level.available : level.onHand;
      if (q.changeFromQuantity !== null && q.changeFromQuantity !== current)
        return errors.push({ field: [...at, 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.', code: 'CHANGE_FROM_QUANTITY_STALE' });
      targets.push({ item, locationId, quantity: q.quantity as number });
    });
    let result: unknown;
    if (errors.length) result = { inventoryAdjustmentGroup: null, userErrors: errors };
    else {
      const now = store.now();
      const changes = targets.map(({ item, locationId, quantity }) => {
        const level = item.levels.get(locationId)!;
        const before = input.name === 'available' ? level.available : level.onHand;
        const delta = quantity - before;
        level.available += delta;
        level.onHand += delta;
        level.updatedAt = now;
        item.updatedAt = now;
        stats.inventorySets++;
        return { name: input.name, delta, quantityAfterChange: quantity, item: views.inventoryItem(item), location: views.location(store.locations.get(locationId)!) };
      });
      result = {
        inventoryAdjustmentGroup: { id: gid('InventoryAdjustmentGroup', store.nextId('misc')), reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, createdAt: now, changes },
        userErrors: [],
      };
    }
    idempotency.set(key, { fingerprint, result });
    return result;
  };

  // --------------------------------------------------------------------------------------------
  // Customers: e-mail and phone are unique per shop; a customer needs a name, e-mail or phone.

  const customerErrors = (input: Record<string, unknown>, self: SimCustomer | null): UserError[] => {
    const errors: UserError[] = [];
    const email = input.email as string | undefined;
    const phone = input.phone as string | undefined;
    if (email) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: ['email'], message: 'Email is invalid' });
      else if ([...store.customers.values()].some((c) => c.id !== self?.id && c.email?.toLowerCase() === email.toLowerCase())) errors.push({ field: ['email'], message: 'Email has already been taken' });
    }
    if (phone) {
      if (!/^\+[1-9]\d{7,14}$/.test(phone)) errors.push({ field: ['phone'], message: 'Phone is invalid' });
      else if ([...store.customers.values()].some((c) => c.id !== self?.id && c.phone === phone)) errors.push({ field: ['phone'], message: 'Phone has already been taken' });
    }
    const merged = { firstName: self?.firstName, lastName: self?.lastName, email: self?.email, phone: self?.phone, ...input };
    if (!merged.firstName && !merged.lastName && !merged.email && !merged.phone) errors.push({ field: null, message: 'Customer must have a name, phone number or email address' });
    return errors;
  };

  const applyCustomer = (c: SimCustomer, input: Record<string, unknown>) => {
    for (const f of ['firstName', 'lastName', 'email', 'phone', 'note'] as const) if (input[f] !== undefined) c[f] = (input[f] as string | null) || null;
    if (input.taxExempt !== undefined) c.taxExempt = Boolean(input.taxExempt);
    if (input.tags !== undefined) c.tags = [...new Set(((input.tags as string[]) ?? []).map((t) => t.trim()).filter(Boolean))];
    if (input.addresses !== undefined) c.addresses = (input.addresses as SimAddress[]) ?? [];
    c.updatedAt = store.now();
  };

  const customerCreate: Resolver = (args) => {
    const input = args.input as Record<string, unknown>;
    if (input.id) return { customer: null, userErrors: [{ field: ['id'], message: 'Id is not allowed when creating a customer' }] };
    const errors = customerErrors(input, null);
    if (errors.length) return { customer: null, userErrors: errors };
    const now = store.now();
    const c: SimCustomer = { id: store.nextId('customer'), firstName: null, lastName: null, email: null, phone: null, note: null, tags: [], state: 'DISABLED', taxExempt: false, addresses: [], createdAt: now, updatedAt: now };
    applyCustomer(c, input);
    store.customers.set(c.id, c);
    stats.customerCreates++;
    return { customer: views.customer(c), userErrors: [] };
  };

  const customerUpdate: Resolver = (args) => {
    const input = args.input as Record<string, unknown>;
    const c = store.customers.get(idOf('Customer', input.id) ?? -1);
    if (!c) return { customer: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] };
    const errors = customerErrors(input, c);
    if (errors.length) return { customer: null, userErrors: errors };
    applyCustomer(c, input);
    stats.customerUpdates++;
    return { customer: views.customer(c), userErrors: [] };
  };

  // --------------------------------------------------------------------------------------------
  // Orders: fulfil with tracking through fulfillment orders; cancel, close, reopen, mark as paid.

  const findFulfillmentOrder = (id: unknown) => {
    const foId = idOf('FulfillmentOrder', id);
    for (const o of store.orders.values()) {
      const fo = o.fulfillmentOrders.find((x) => x.id === foId);
      if (fo) return { order: o, fo };
    }
    return null;
  };

  const tracking = (t: { number?: string; numbers?: string[]; company?: string; url?: string; urls?: string[] } | undefined) => {
    if (!t) return [];
    const numbers = t.numbers ?? (t.number ? [t.number] : []);
    const urls = t.urls ?? (t.url ? [t.url] : []);
    return numbers.map((n, i) => ({ number: n, company: t.company ?? null, url: urls[i] ?? null }));
  };

  const fulfillmentCreate: Resolver = (args) => {
    const input = args.fulfillment as { lineItemsByFulfillmentOrder: Array<{ fulfillmentOrderId: string; fulfillmentOrderLineItems?: Array<{ id: string; quantity: number }> }>; trackingInfo?: Parameters<typeof tracking>[0] };
    const found = input.lineItemsByFulfillmentOrder.map((g) => ({ g, hit: findFulfillmentOrder(g.fulfillmentOrderId) }));
    const missing = found.find((f) => !f.hit);
    if (missing) return { fulfillment: null, userErrors: [{ field: ['fulfillment'], message: 'Fulfillment order does not exist.' }] };
    const orders = new Set(found.map((f) => f.hit!.order.id));
    if (orders.size > 1) return { fulfillment: null, userErrors: [{ field: ['fulfillment'], message: 'All fulfillment orders must belong to the same order.' }] };
    const closed = found.find((f) => f.hit!.fo.status !== 'OPEN' && f.hit!.fo.status !== 'IN_PROGRESS');
    if (closed) return { fulfillment: null, userErrors: [{ field: ['fulfillment'], message: `Fulfillment order ${gid('FulfillmentOrder', closed.hit!.fo.id)} has an unfulfillable status= ${closed.hit!.fo.status.toLowerCase()}.` }] };
    const order = found[0].hit!.order;
    const now = store.now();
    for (const { g, hit } of found) {
      const fo = hit!.fo;
      for (const li of fo.lineItems) {
        const wanted = g.fulfillmentOrderLineItems?.find((x) => idOf('FulfillmentOrderLineItem', x.id) === li.id);
        const qty = g.fulfillmentOrderLineItems ? (wanted?.quantity ?? 0) : li.remaining;
        li.remaining = Math.max(0, li.remaining - qty);
      }
      fo.status = fo.lineItems.every((li) => li.remaining === 0) ? 'CLOSED' : 'IN_PROGRESS';
      fo.updatedAt = now;
    }
    const fulfillment = { id: store.nextId('fulfillment'), name: `#${order.number}-F${order.fulfillments.length + 1}`, status: 'SUCCESS', createdAt: now, updatedAt: now, tracking: tracking(input.trackingInfo) };
    order.fulfillments.push(fulfillment);
    store.fulfillmentOwners.set(fulfillment.id, order.id);
    order.updatedAt = now;
    stats.fulfillmentsCreated++;
    return { fulfillment: views.fulfillment(fulfillment), userErrors: [] };
  };

  const fulfillmentTrackingInfoUpdate: Resolver = (args) => {
    const id = idOf('Fulfillment', args.fulfillmentId) ?? -1;
    const order = store.orders.get(store.fulfillmentOwners.get(id) ?? -1);
    const fulfillment = order?.fulfillments.find((f) => f.id === id);
    if (!order || !fulfillment) return { fulfillment: null, userErrors: [{ field: ['fulfillmentId'], message: 'Fulfillment does not exist.' }] };
    fulfillment.tracking = tracking(args.trackingInfoInput as Parameters<typeof tracking>[0]);
    fulfillment.updatedAt = order.updatedAt = store.now();
    stats.trackingUpdates++;
    return { fulfillment: views.fulfillment(fulfillment), userErrors: [] };
  };

  const orderCancel: Resolver = (args) => {
    const order = store.orders.get(idOf('Order', args.orderId) ?? -1);
    const result = (errors: UserError[]) => ({ job: errors.length ? null : { id: gid('Job', randomUUID()), done: true }, orderCancelUserErrors: errors, userErrors: errors.map(({ field, message }) => ({ field, message })) });
    if (!order) return result([{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }]);
    if (order.cancelledAt) return result([{ field: ['orderId'], message: 'Order has already been cancelled', code: 'INVALID' }]);
    if (order.fulfillments.length > 0) return result([{ field: ['orderId'], message: 'Cannot cancel an order with fulfillments; cancel or return them first', code: 'INVALID' }]);
    const now = store.now();
    order.cancelledAt = now;
    order.cancelReason = args.reason as string;
    order.closedAt = now;
    for (const fo of order.fulfillmentOrders) if (fo.status === 'OPEN' || fo.status === 'IN_PROGRESS') fo.status = 'CANCELLED';
    const refund = (args.refundMethod as { originalPaymentMethodsRefund?: boolean } | undefined)?.originalPaymentMethodsRefund === true;
    if (order.financialStatus === 'PAID' && refund) order.financialStatus = 'REFUNDED';
    if (order.financialStatus === 'PENDING' || order.financialStatus === 'AUTHORIZED') order.financialStatus = 'VOIDED';
    order.updatedAt = now;
    stats.ordersCancelled++;
    return result([]);
  };

  const withOrder = (apply: (o: SimOrder) => string | null): Resolver => (args) => {
    const order = store.orders.get(idOf('Order', (args.input as { id: string }).id) ?? -1);
    if (!order) return { order: null, userErrors: [{ field: ['id'], message: 'Order does not exist' }] };
    const problem = apply(order);
    if (problem) return { order: views.order(order), userErrors: [{ field: ['id'], message: problem }] };
    order.updatedAt = store.now();
    return { order: views.order(order), userErrors: [] };
  };

  const mutation: Record<string, Resolver> = {
    productSet,
    productVariantsBulkUpdate,
    inventorySetQuantities,
    customerCreate,
    customerUpdate,
    fulfillmentCreate,
    fulfillmentTrackingInfoUpdate,
    orderCancel,
    orderClose: withOrder((o) => {
      o.closedAt ??= store.now();
      stats.ordersClosed++;
      return null;
    }),
    orderOpen: withOrder((o) => {
      if (o.cancelledAt) return 'Cancelled orders cannot be reopened';
      o.closedAt = null;
      return null;
    }),
    orderMarkAsPaid: withOrder((o) => {
      if (o.financialStatus === 'PAID' || o.cancelledAt) return 'Order cannot be marked as paid.';
      o.financialStatus = 'PAID';
      stats.ordersMarkedPaid++;
      return null;
    }),
  };

  return { query, mutation };
}
