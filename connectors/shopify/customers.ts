/**
 * Customers. Shopify keeps e-mail (and phone) unique per store, so the e-mail is a customer's
 * natural key: the record's SKU is the e-mail, or the code stamped as the tag `ponte-sku:<code>`
 * when the source identifies customers by a code (an ERP's contact code). Since 2025-04 the
 * e-mail and phone are read through `defaultEmailAddress` and `defaultPhoneNumber`.
 */
import type { ConnectionContext, EntitySupport, WriteInput } from '../types';
import { type Connection, graphql, graphqlRetrying, SKU_TAG_PREFIX, searchValue, skuFromTags, updatedSince } from './client';
import { readConnectionBatch } from './paging';

/** 200 customers cost 802 points requested (connection 2 + 200 × 4). */
const CUSTOMERS_PER_PAGE = 200;

const ADDRESS = 'firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone';
const CUSTOMER_FIELDS = `id firstName lastName displayName note tags state verifiedEmail taxExempt createdAt updatedAt
  defaultEmailAddress { emailAddress marketingState } defaultPhoneNumber { phoneNumber marketingState } defaultAddress { ${ADDRESS} }`;
const CUSTOMERS_PAGE = `query PonteCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: ID) { nodes { ${CUSTOMER_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const CUSTOMER = `query PonteCustomer($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`;
const FIND = 'query PonteCustomerBy($query: String!) { customers(first: 1, query: $query) { nodes { id } } }';
const CREATE = 'mutation PonteCustomerCreate($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';
const UPDATE = 'mutation PonteCustomerUpdate($input: CustomerInput!) { customerUpdate(input: $input) { customer { id } userErrors { field message } } }';

interface ShopifyCustomer {
  id: string;
  tags: string[];
  defaultEmailAddress: { emailAddress: string } | null;
  [field: string]: unknown;
}

const isEmail = (value: string) => /^[^@\s]+@[^@\s]+$/.test(value);

const record = (c: ShopifyCustomer) => ({ key: c.id, sku: skuFromTags(c.tags) ?? c.defaultEmailAddress?.emailAddress ?? undefined, data: c });

/**
 * The record's data is a CustomerInput. Stamps the SKU: an e-mail fills `email` when the mapping
 * left it out; a code becomes the tag `ponte-sku:<code>` — on creation, and on update only when
 * the mapping sends `tags` (Shopify replaces the whole list; otherwise it keeps the stamp).
 */
function customerInput(input: WriteInput, creating: boolean): Record<string, unknown> {
  const data = { ...input.data };
  const sku = input.sku;
  if (!sku) return data;
  if (isEmail(sku)) {
    if (!data.email) data.email = sku;
  } else if (creating || Array.isArray(data.tags)) {
    const tags = Array.isArray(data.tags) ? (data.tags as string[]) : [];
    const tag = `${SKU_TAG_PREFIX}${sku}`;
    data.tags = tags.includes(tag) ? tags : [...tags, tag];
  }
  return data;
}

async function findBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const query = isEmail(sku) ? `email:${searchValue(sku)}` : `tag:${searchValue(`${SKU_TAG_PREFIX}${sku}`)}`;
  const res = await graphql<{ customers: Connection<{ id: string }> }>(ctx, FIND, { query });
  return res.customers.nodes[0]?.id ?? null;
}

export const customers: EntitySupport = {
  read: {
    read: (ctx, req) =>
      readConnectionBatch<ShopifyCustomer>(
        ctx,
        req,
        async (after) => (await graphql<{ customers: Connection<ShopifyCustomer> }>(ctx, CUSTOMERS_PAGE, { first: CUSTOMERS_PER_PAGE, after, query: updatedSince(req.since) })).customers,
        record,
      ),
  },
  async get(ctx, id) {
    const res = await graphqlRetrying<{ customer: ShopifyCustomer | null }>(ctx, CUSTOMER, { id });
    return res.customer ? record(res.customer) : null;
  },
  write: {
    async create(ctx, input) {
      const res = await graphql<{ customerCreate: { customer: { id: string } } }>(ctx, CREATE, { input: customerInput(input, true) });
      return { externalId: res.customerCreate.customer.id };
    },
    async update(ctx, externalId, input) {
      await graphql(ctx, UPDATE, { input: { ...customerInput(input, false), id: externalId } });
    },
    findBySku,
  },
};
