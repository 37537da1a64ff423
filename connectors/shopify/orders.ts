/**
 * Orders: read since a cursor (`updated_at`), one by id, and updated back from the ERP — status
 * (paid, fulfilled, cancelled, closed, reopened) and tracking. Shopify fulfils through
 * fulfillment orders (the old order fulfillments endpoint is gone): a shipment is
 * `fulfillmentCreate` over the order's open fulfillment orders, with the tracking; a later
 * tracking change is `fulfillmentTrackingInfoUpdate`. Orders are born at Shopify's checkout, so
 * Ponte does not create them. The record's SKU is the order's name (`#1001`).
 */
import { NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, SyncRecord, WriteInput } from '../types';
import { type Connection, graphql, graphqlRetrying, searchValue, updatedSince } from './client';
import { completeConnection, readConnectionBatch } from './paging';

/** 10 orders with their first 10 line items cost 802 points requested. */
const ORDERS_PER_PAGE = 10;
const LINES_PER_ORDER_PAGE = 10;
/** 50 more line items cost 303 points requested. */
const MORE_LINES_PER_PAGE = 50;

const MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone';
const LINE_FIELDS = `id sku name quantity variant { id } originalUnitPriceSet { ${MONEY} } discountedTotalSet { ${MONEY} }`;
const ORDER_FIELDS = `id name email phone note tags createdAt updatedAt processedAt cancelledAt cancelReason closed closedAt
  displayFinancialStatus displayFulfillmentStatus currencyCode
  totalPriceSet { ${MONEY} } subtotalPriceSet { ${MONEY} } totalShippingPriceSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalTaxSet { ${MONEY} }
  customer { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
  shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
  fulfillments(first: 10) { id status createdAt trackingInfo(first: 10) { number company url } }
  lineItems(first: ${LINES_PER_ORDER_PAGE}) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } }`;

const ORDERS_PAGE = `query PonteOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: ID) { nodes { ${ORDER_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const ORDER = `query PonteOrder($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const MORE_LINES = `query PonteOrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: ${MORE_LINES_PER_PAGE}, after: $after) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;
const ORDER_BY_NAME = 'query PonteOrderByName($query: String!) { orders(first: 1, query: $query) { nodes { id } } }';
/** What an update compares against, so sending the same change twice does nothing the second time. */
const ORDER_STATE = `query PonteOrderState($id: ID!) {
  order(id: $id) { id cancelledAt closed displayFinancialStatus
    fulfillmentOrders(first: 20) { nodes { id status } }
    fulfillments(first: 20) { id trackingInfo(first: 10) { number company url } } }
}`;
const FULFIL = `mutation PonteFulfil($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } } }`;
const UPDATE_TRACKING = `mutation PonteTracking($fulfillmentId: ID!, $tracking: FulfillmentTrackingInput!, $notify: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $tracking, notifyCustomer: $notify) { fulfillment { id } userErrors { field message } }
}`;
const CANCEL = `mutation PonteCancel($orderId: ID!, $reason: OrderCancelReason!, $refundMethod: OrderCancelRefundMethodInput, $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refundMethod: $refundMethod, restock: $restock, notifyCustomer: $notifyCustomer, staffNote: $staffNote) { job { id done } orderCancelUserErrors { field message code } }
}`;
const CLOSE = 'mutation PonteClose($input: OrderCloseInput!) { orderClose(input: $input) { order { id closed } userErrors { field message } } }';
const REOPEN = 'mutation PonteReopen($input: OrderOpenInput!) { orderOpen(input: $input) { order { id closed } userErrors { field message } } }';
const MARK_PAID = 'mutation PonteMarkPaid($input: OrderMarkAsPaidInput!) { orderMarkAsPaid(input: $input) { order { id displayFinancialStatus } userErrors { field message } } }';

interface ShopifyOrder {
  id: string;
  name: string;
  lineItems: Connection<Record<string, unknown>>;
  [field: string]: unknown;
}

interface OrderState {
  id: string;
  cancelledAt: string | null;
  closed: boolean;
  displayFinancialStatus: string | null;
  fulfillmentOrders: { nodes: Array<{ id: string; status: string }> };
  fulfillments: Array<{ id: string; trackingInfo: Array<{ number: string | null; company: string | null; url: string | null }> }>;
}

async function withAllLines(ctx: ConnectionContext, order: ShopifyOrder): Promise<SyncRecord> {
  const lines = await completeConnection(order.lineItems, async (after) => {
    const res = await graphqlRetrying<{ order: { lineItems: Connection<Record<string, unknown>> } | null }>(ctx, MORE_LINES, { id: order.id, after });
    return res.order?.lineItems ?? null;
  });
  return { key: order.id, sku: order.name, data: { ...order, lineItems: { nodes: lines } } };
}

// ---------------------------------------------------------------------------------------------
// The change an ERP sends back.

const STATUSES: Record<string, 'paid' | 'fulfilled' | 'cancelled' | 'closed' | 'open'> = {
  paid: 'paid',
  fulfilled: 'fulfilled',
  shipped: 'fulfilled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  closed: 'closed',
  archived: 'closed',
  open: 'open',
};
const CANCEL_REASONS = ['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF'];

interface Tracking {
  number?: string;
  company?: string;
  url?: string;
}

interface OrderChange {
  status?: (typeof STATUSES)[string];
  tracking?: Tracking;
  notifyCustomer: boolean;
  cancelReason: string;
  refund: boolean;
  restock: boolean;
  staffNote?: string;
}

function parseChange(data: Record<string, unknown>): OrderChange {
  const rawStatus = data.status === undefined || data.status === null ? undefined : String(data.status).toLowerCase();
  const status = rawStatus === undefined ? undefined : STATUSES[rawStatus];
  if (rawStatus !== undefined && !status) throw new ValidationError(`Unknown order status "${String(data.status)}" for Shopify; use one of: ${Object.keys(STATUSES).join(', ')}`);
  const t = (data.tracking as Tracking | undefined) ?? {};
  const tracking: Tracking = {
    number: (t.number ?? data.trackingNumber) as string | undefined,
    company: (t.company ?? data.trackingCompany) as string | undefined,
    url: (t.url ?? data.trackingUrl) as string | undefined,
  };
  const cancelReason = String(data.cancelReason ?? 'OTHER').toUpperCase();
  if (!CANCEL_REASONS.includes(cancelReason)) throw new ValidationError(`Unknown cancelReason "${String(data.cancelReason)}"; Shopify takes ${CANCEL_REASONS.join(', ')}`);
  return {
    status,
    tracking: tracking.number ? tracking : undefined,
    notifyCustomer: data.notifyCustomer === true,
    cancelReason,
    // Money does not move unless the ERP says so.
    refund: data.refund === true,
    restock: data.restock !== false,
    staffNote: typeof data.staffNote === 'string' ? data.staffNote : undefined,
  };
}

const sameTracking = (a: OrderState['fulfillments'][number]['trackingInfo'], t: Tracking) =>
  a.length === 1 && a[0].number === t.number && (a[0].company ?? undefined) === t.company && (t.url === undefined || a[0].url === t.url);

async function update(ctx: ConnectionContext, id: string, input: WriteInput): Promise<void> {
  const change = parseChange(input.data);
  const res = await graphql<{ order: OrderState | null }>(ctx, ORDER_STATE, { id });
  const state = res.order;
  if (!state) throw new NotFound(`Shopify has no order ${id}`);

  if (change.status === 'cancelled') {
    if (state.cancelledAt) return;
    await graphql(ctx, CANCEL, {
      orderId: id,
      reason: change.cancelReason,
      refundMethod: { originalPaymentMethodsRefund: change.refund },
      restock: change.restock,
      notifyCustomer: change.notifyCustomer,
      staffNote: change.staffNote ?? null,
    });
    return;
  }
  if (state.cancelledAt && (change.status || change.tracking)) throw new ValidationError(`Shopify order ${id} is cancelled; it cannot be ${change.status ?? 'shipped'} any more`);

  if (change.status === 'paid' && state.displayFinancialStatus !== 'PAID') await graphql(ctx, MARK_PAID, { input: { id } });

  if (change.tracking || change.status === 'fulfilled') {
    const open = state.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
    const tracking = change.tracking ? { number: change.tracking.number, company: change.tracking.company, url: change.tracking.url } : undefined;
    // One fulfillment per fulfillment order: Shopify will not mix locations in one fulfillment.
    for (const fo of open) await graphql(ctx, FULFIL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }], notifyCustomer: change.notifyCustomer, trackingInfo: tracking } });
    const latest = state.fulfillments[state.fulfillments.length - 1];
    if (open.length === 0 && change.tracking) {
      if (!latest) throw new ValidationError(`Shopify order ${id} has nothing to ship (no open fulfillment order)`);
      if (!sameTracking(latest.trackingInfo, change.tracking)) await graphql(ctx, UPDATE_TRACKING, { fulfillmentId: latest.id, tracking, notify: change.notifyCustomer });
    }
  }

  if (change.status === 'closed' && !state.closed) await graphql(ctx, CLOSE, { input: { id } });
  if (change.status === 'open' && state.closed) await graphql(ctx, REOPEN, { input: { id } });
}

/** By order name, `#1001` (a bare number is taken as one). */
async function findBySku(ctx: ConnectionContext, name: string): Promise<string | null> {
  const wanted = /^\d+$/.test(name) ? `#${name}` : name;
  const res = await graphql<{ orders: Connection<{ id: string }> }>(ctx, ORDER_BY_NAME, { query: `name:${searchValue(wanted)}` });
  return res.orders.nodes[0]?.id ?? null;
}

export const orders: EntitySupport = {
  read: {
    read: (ctx, req) =>
      readConnectionBatch<SyncRecord>(
        ctx,
        req,
        async (after) => {
          const res = await graphql<{ orders: Connection<ShopifyOrder> }>(ctx, ORDERS_PAGE, { first: ORDERS_PER_PAGE, after, query: updatedSince(req.since) });
          const nodes: SyncRecord[] = [];
          for (const o of res.orders.nodes) nodes.push(await withAllLines(ctx, o));
          return { nodes, pageInfo: res.orders.pageInfo };
        },
        (record) => record,
      ),
  },
  async get(ctx, id) {
    const res = await graphqlRetrying<{ order: ShopifyOrder | null }>(ctx, ORDER, { id });
    return res.order ? withAllLines(ctx, res.order) : null;
  },
  write: {
    async create(_ctx, input) {
      // A per-record outcome, not a failed run: one unknown order must not stop the others.
      throw new NotFound(`Shopify creates orders at checkout; Ponte only updates them. No Shopify order matches ${input.sku ?? 'this record'}: match orders by their number (e.g. #1001)`);
    },
    update,
    findBySku,
  },
};
