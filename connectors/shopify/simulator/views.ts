/** GraphQL views of the store's records: what each Shopify object answers, built on demand. */
import type { Source } from './graphql';
import { gid, paginate, type ShopStore, type SimAddress, type SimCustomer, type SimFulfillment, type SimInventoryItem, type SimLocation, type SimOrder, type SimProduct, type SimVariant } from './store';

export interface Views {
  product(p: SimProduct): Source;
  variant(v: SimVariant): Source;
  inventoryItem(item: SimInventoryItem): Source;
  level(item: SimInventoryItem, locationId: number): Source | null;
  location(l: SimLocation): Source;
  order(o: SimOrder): Source;
  customer(c: SimCustomer): Source;
  fulfillment(f: SimFulfillment): Source;
  address(a: SimAddress | null | undefined): Source | null;
}

const moneyBag = (amount: number | string, currency = 'BRL') => {
  const m = { amount: Number(amount).toFixed(2), currencyCode: currency };
  return { shopMoney: m, presentmentMoney: m };
};

export function createViews(store: ShopStore, levelsQuery: (items: Array<{ item: SimInventoryItem; locationId: number }>, args: Record<string, unknown>) => Array<{ item: SimInventoryItem; locationId: number }>): Views {
  const views: Views = {
    product(p) {
      const variants = () => p.variantIds.map((id) => store.variants.get(id)!).filter(Boolean);
      return {
        id: gid('Product', p.id),
        title: p.title,
        handle: p.handle,
        status: p.status,
        vendor: p.vendor,
        productType: p.productType,
        descriptionHtml: p.descriptionHtml,
        tags: p.tags,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        publishedAt: p.status === 'ACTIVE' ? p.createdAt : null,
        tracksInventory: true,
        totalInventory: () => variants().reduce((sum, v) => sum + [...(store.inventoryItems.get(v.inventoryItemId)?.levels.values() ?? [])].reduce((s, l) => s + l.available, 0), 0),
        options: (args: Record<string, unknown>) =>
          p.options.slice(0, typeof args.first === 'number' ? args.first : undefined).map((o, i) => ({
            id: gid('ProductOption', o.id),
            name: o.name,
            position: i + 1,
            values: o.values.map((v) => v.name),
            optionValues: o.values.map((v) => ({ id: gid('ProductOptionValue', v.id), name: v.name, hasVariants: variants().some((x) => x.optionValues[i] === v.name) })),
          })),
        variants: (args: Record<string, unknown>) => paginate(variants(), args, (v) => v.position, views.variant),
        variantsCount: () => ({ count: p.variantIds.length, precision: 'EXACT' }),
      };
    },
    variant(v) {
      const product = store.products.get(v.productId);
      const item = store.inventoryItems.get(v.inventoryItemId);
      const quantity = item ? [...item.levels.values()].reduce((s, l) => s + l.available, 0) : 0;
      return {
        id: gid('ProductVariant', v.id),
        title: v.optionValues.join(' / '),
        sku: v.sku ?? '',
        barcode: v.barcode,
        price: v.price,
        compareAtPrice: v.compareAtPrice,
        position: v.position,
        taxable: v.taxable,
        inventoryPolicy: v.inventoryPolicy,
        inventoryQuantity: quantity,
        availableForSale: product?.status === 'ACTIVE' && (quantity > 0 || v.inventoryPolicy === 'CONTINUE'),
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
        selectedOptions: () => (product?.options ?? []).map((o, i) => ({ name: o.name, value: v.optionValues[i] })),
        product: () => (product ? views.product(product) : null),
        inventoryItem: () => (item ? views.inventoryItem(item) : null),
      };
    },
    inventoryItem(item) {
      const variant = store.variants.get(item.variantId);
      return {
        id: gid('InventoryItem', item.id),
        sku: variant?.sku ?? '',
        tracked: item.tracked,
        requiresShipping: item.requiresShipping,
        createdAt: item.createdAt,
        updatedAt: item.updatedAt,
        variant: () => (variant ? views.variant(variant) : null),
        inventoryLevel: (args: Record<string, unknown>) => {
          const locationId = Number(String(args.locationId).split('/').pop());
          return views.level(item, locationId);
        },
        inventoryLevels: (args: Record<string, unknown>) =>
          paginate(
            levelsQuery([...item.levels.keys()].map((locationId) => ({ item, locationId })), args),
            args,
            (e) => e.locationId,
            (e) => views.level(e.item, e.locationId)!,
          ),
      };
    },
    level(item, locationId) {
      const level = item.levels.get(locationId);
      const location = store.locations.get(locationId);
      if (!level || !location) return null;
      return {
        id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${item.id}`,
        createdAt: level.createdAt,
        updatedAt: level.updatedAt,
        quantities: (args: Record<string, unknown>) =>
          ((args.names as string[]) ?? []).map((name) => ({
            id: `gid://shopify/InventoryQuantity/${locationId}?inventory_item_id=${item.id}&name=${name}`,
            name,
            quantity: name === 'available' ? level.available : name === 'on_hand' ? level.onHand : name === 'committed' ? level.onHand - level.available : 0,
            updatedAt: level.updatedAt,
          })),
        item: () => views.inventoryItem(item),
        location: () => views.location(location),
      };
    },
    location(l) {
      return {
        id: gid('Location', l.id),
        name: l.name,
        isActive: true,
        fulfillsOnlineOrders: l.primary,
        inventoryLevels: (args: Record<string, unknown>) => {
          const entries: Array<{ item: SimInventoryItem; locationId: number }> = [];
          for (const item of store.inventoryItems.values()) if (item.levels.has(l.id)) entries.push({ item, locationId: l.id });
          return paginate(levelsQuery(entries, args), args, (e) => e.item.id, (e) => views.level(e.item, e.locationId)!);
        },
        inventoryLevel: (args: Record<string, unknown>) => {
          const itemId = Number(String(args.inventoryItemId).split('/').pop());
          const item = store.inventoryItems.get(itemId);
          return item ? views.level(item, l.id) : null;
        },
      };
    },
    order(o) {
      const subtotal = store.subtotal(o);
      const customer = o.customerId ? store.customers.get(o.customerId) : undefined;
      return {
        id: gid('Order', o.id),
        name: `#${o.number}`,
        email: o.email,
        phone: o.phone,
        note: o.note,
        tags: o.tags,
        test: false,
        confirmed: true,
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
        processedAt: o.processedAt,
        cancelledAt: o.cancelledAt,
        cancelReason: o.cancelReason,
        closed: o.closedAt !== null,
        closedAt: o.closedAt,
        displayFinancialStatus: o.financialStatus,
        displayFulfillmentStatus: store.fulfillmentStatus(o),
        currencyCode: o.currency,
        totalPriceSet: moneyBag(subtotal + Number(o.shippingPrice) - Number(o.discounts)),
        subtotalPriceSet: moneyBag(subtotal - Number(o.discounts)),
        totalShippingPriceSet: moneyBag(o.shippingPrice),
        totalDiscountsSet: moneyBag(o.discounts),
        totalTaxSet: moneyBag(0),
        customer: () => (customer ? views.customer(customer) : null),
        shippingAddress: () => views.address(o.shippingAddress),
        billingAddress: () => views.address(o.shippingAddress),
        lineItems: (args: Record<string, unknown>) =>
          paginate(o.lineItems, args, (li) => li.id, (li) => {
            const variant = li.variantId ? store.variants.get(li.variantId) : undefined;
            const product = variant ? store.products.get(variant.productId) : undefined;
            return {
              id: gid('LineItem', li.id),
              sku: li.sku,
              name: li.name,
              title: li.name,
              quantity: li.quantity,
              currentQuantity: o.cancelledAt ? 0 : li.quantity,
              requiresShipping: true,
              variant: () => (variant ? views.variant(variant) : null),
              product: () => (product ? views.product(product) : null),
              originalUnitPriceSet: moneyBag(li.price),
              discountedTotalSet: moneyBag(Number(li.price) * li.quantity),
            };
          }),
        fulfillmentOrders: (args: Record<string, unknown>) =>
          paginate(o.fulfillmentOrders, args, (fo) => fo.id, (fo) => ({
            id: gid('FulfillmentOrder', fo.id),
            status: fo.status,
            requestStatus: 'UNSUBMITTED',
            createdAt: fo.createdAt,
            updatedAt: fo.updatedAt,
            lineItems: (a: Record<string, unknown>) =>
              paginate(fo.lineItems, a, (li) => li.id, (li) => ({
                id: gid('FulfillmentOrderLineItem', li.id),
                sku: o.lineItems.find((x) => x.id === li.lineItemId)?.sku ?? null,
                totalQuantity: li.total,
                remainingQuantity: li.remaining,
              })),
          })),
        fulfillments: (args: Record<string, unknown>) => o.fulfillments.slice(0, typeof args.first === 'number' ? args.first : undefined).map(views.fulfillment),
      };
    },
    fulfillment(f) {
      return {
        id: gid('Fulfillment', f.id),
        name: f.name,
        status: f.status,
        createdAt: f.createdAt,
        updatedAt: f.updatedAt,
        trackingInfo: (args: Record<string, unknown>) => f.tracking.slice(0, typeof args.first === 'number' ? args.first : undefined),
      };
    },
    customer(c) {
      const orders = () => [...store.orders.values()].filter((o) => o.customerId === c.id);
      return {
        id: gid('Customer', c.id),
        firstName: c.firstName,
        lastName: c.lastName,
        displayName: [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '',
        note: c.note,
        tags: c.tags,
        state: c.state,
        verifiedEmail: Boolean(c.email),
        taxExempt: c.taxExempt,
        numberOfOrders: () => String(orders().length),
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        amountSpent: () => ({ amount: orders().reduce((s, o) => s + store.subtotal(o), 0).toFixed(2), currencyCode: 'BRL' }),
        defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: 'NOT_SUBSCRIBED' } : null,
        defaultPhoneNumber: c.phone ? { phoneNumber: c.phone, marketingState: 'NOT_SUBSCRIBED' } : null,
        defaultAddress: () => views.address(c.addresses[0]),
        addressesV2: (args: Record<string, unknown>) => paginate(c.addresses.map((a, i) => ({ a, i })), args, (e) => e.i + 1, (e) => views.address(e.a)!),
      };
    },
    address(a) {
      if (!a) return null;
      return {
        firstName: a.firstName ?? null,
        lastName: a.lastName ?? null,
        name: [a.firstName, a.lastName].filter(Boolean).join(' '),
        company: a.company ?? null,
        address1: a.address1 ?? null,
        address2: a.address2 ?? null,
        city: a.city ?? null,
        province: a.provinceCode ?? null,
        provinceCode: a.provinceCode ?? null,
        zip: a.zip ?? null,
        country: a.countryCode === 'BR' ? 'Brazil' : (a.countryCode ?? null),
        countryCodeV2: a.countryCode ?? null,
        phone: a.phone ?? null,
      };
    },
  };
  return views;
}
