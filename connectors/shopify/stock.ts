/**
 * Stock: the `available` quantity of each inventory item (one per variant) at one location —
 * `settings.locationId`, or the shop's primary location (Shopify answers `location` without an
 * id with the primary one). Records are keyed by the InventoryItem id and carry the variant's SKU.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, ConnectorError, NotFound, ValidationError } from '../http/errors';
import type { ConnectionContext, EntitySupport, WriteInput } from '../types';
import { type Connection, graphql, graphqlRetrying, STALE_QUANTITY, searchValue, updatedSince } from './client';
import { readConnectionBatch } from './paging';

/** 200 levels cost 803 points requested (connection 2 + 200 × 4, plus the location). */
const LEVELS_PER_PAGE = 200;

const LEVEL_FIELDS = 'id updatedAt quantities(names: ["available", "on_hand"]) { name quantity } item { id sku variant { id } }';
const STOCK_PAGE = `query PonteStock($location: ID, $first: Int!, $after: String, $query: String) {
  location(id: $location) { id inventoryLevels(first: $first, after: $after, query: $query) { nodes { ${LEVEL_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;
const STOCK_ITEM = `query PonteStockItem($id: ID!, $location: ID!) { inventoryItem(id: $id) { id inventoryLevel(locationId: $location) { ${LEVEL_FIELDS} } } }`;
const PRIMARY_LOCATION = 'query PontePrimaryLocation { location { id } }';
const ITEM_BY_SKU = 'query PonteInventoryItemBySku($query: String!) { inventoryItems(first: 1, query: $query) { nodes { id } } }';
/**
 * 2026-04: inventorySetQuantities requires the @idempotent directive and, on every quantity,
 * `changeFromQuantity`: the quantity the write expects to replace (compare-and-set).
 */
const SET_QUANTITY = `mutation PonteSetStock($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id } userErrors { field message code } }
}`;

interface Level {
  id: string;
  item: { id: string; sku: string | null };
  [field: string]: unknown;
}

// The primary location never changes for a connection; ask once per process.
const primaryLocations = new Map<string, Promise<string>>();

async function locationId(ctx: ConnectionContext): Promise<string> {
  if (typeof ctx.settings.locationId === 'string' && ctx.settings.locationId) return ctx.settings.locationId;
  const key = `${ctx.connectionId}\u0000${ctx.baseUrl}`;
  let pending = primaryLocations.get(key);
  if (!pending) {
    pending = graphql<{ location: { id: string } | null }>(ctx, PRIMARY_LOCATION).then((r) => {
      if (!r.location) throw new ConfigError('Shopify reports no primary location; set settings.locationId on the connection');
      return r.location.id;
    });
    primaryLocations.set(key, pending);
    pending.catch(() => primaryLocations.delete(key));
  }
  return pending;
}

function levelRecord(level: Level) {
  return { key: level.item.id, sku: level.item.sku || undefined, data: level };
}

/** The quantity to set: `quantity` (or `available`), a whole number. */
function quantityOf(data: Record<string, unknown>): number {
  const raw = data.quantity ?? data.available;
  const quantity = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) throw new ValidationError(`A Shopify stock record needs "quantity" (a number); got ${JSON.stringify(raw)}`);
  // Shopify counts whole units; an ERP may keep fractions (kg, m): round down, never sell what is not there.
  return Math.floor(quantity);
}

/** Compare-and-set attempts before the write is handed back to the run's retries. */
const SET_ATTEMPTS = 5;

async function availableAt(ctx: ConnectionContext, inventoryItemId: string, location: string): Promise<number | null> {
  const res = await graphqlRetrying<{ inventoryItem: { inventoryLevel: Level | null } | null }>(ctx, STOCK_ITEM, { id: inventoryItemId, location });
  const quantities = res.inventoryItem?.inventoryLevel?.quantities as Array<{ name: string; quantity: number }> | undefined;
  return quantities?.find((q) => q.name === 'available')?.quantity ?? null;
}

/**
 * Sets the ERP's quantity with compare-and-set, never last-writer-wins: the write names the
 * quantity it read. When a checkout lands in between, Shopify refuses it; the units sold meanwhile
 * are kept on top of the ERP's figure (the ERP has not seen that order yet) and the write is tried
 * again against the new reading.
 */
async function setQuantity(ctx: ConnectionContext, inventoryItemId: string, input: WriteInput): Promise<void> {
  let quantity = quantityOf(input.data);
  const location = typeof input.data.locationId === 'string' ? input.data.locationId : await locationId(ctx);
  let observed = await availableAt(ctx, inventoryItemId, location);
  for (let attempt = 1; ; attempt++) {
    if (observed === quantity) return;
    try {
      // An absolute set is idempotent by nature, so a retried call may carry a fresh key.
      await graphql(ctx, SET_QUANTITY, {
        key: randomUUID(),
        input: {
          name: 'available',
          reason: 'correction',
          referenceDocumentUri: `ponte://connections/${encodeURIComponent(ctx.connectionId)}`,
          quantities: [{ inventoryItemId, locationId: location, quantity, changeFromQuantity: observed }],
        },
      });
      return;
    } catch (err) {
      if (!(err instanceof ConnectorError && err.providerMessage?.includes(STALE_QUANTITY)) || attempt >= SET_ATTEMPTS) throw err;
    }
    const now = await availableAt(ctx, inventoryItemId, location);
    if (observed !== null && now !== null) quantity += now - observed;
    observed = now;
  }
}

async function findBySku(ctx: ConnectionContext, sku: string): Promise<string | null> {
  const res = await graphql<{ inventoryItems: Connection<{ id: string }> }>(ctx, ITEM_BY_SKU, { query: `sku:${searchValue(sku)}` });
  return res.inventoryItems.nodes[0]?.id ?? null;
}

export const stock: EntitySupport = {
  read: {
    async read(ctx, req) {
      const configured = typeof ctx.settings.locationId === 'string' && ctx.settings.locationId ? ctx.settings.locationId : null;
      return readConnectionBatch<Level>(
        ctx,
        req,
        async (after) => {
          const res = await graphql<{ location: { inventoryLevels: Connection<Level> } | null }>(ctx, STOCK_PAGE, { location: configured, first: LEVELS_PER_PAGE, after, query: updatedSince(req.since) });
          if (!res.location) throw new ConfigError(`Shopify has no location ${configured}; fix settings.locationId on the connection`);
          return res.location.inventoryLevels;
        },
        levelRecord,
      );
    },
  },
  async get(ctx, id) {
    const res = await graphqlRetrying<{ inventoryItem: { inventoryLevel: Level | null } | null }>(ctx, STOCK_ITEM, { id, location: await locationId(ctx) });
    const level = res.inventoryItem?.inventoryLevel;
    return level ? levelRecord(level) : null;
  },
  write: {
    // Shopify creates inventory items with their variants: "creating" stock is finding the
    // variant by SKU and setting its quantity.
    async create(ctx, input) {
      if (!input.sku) throw new ValidationError('A Shopify stock record needs a SKU to find its variant');
      const itemId = await findBySku(ctx, input.sku);
      if (!itemId) throw new NotFound(`Shopify has no variant with SKU ${input.sku}; create the product first (stock is set on existing variants)`);
      await setQuantity(ctx, itemId, input);
      return { externalId: itemId };
    },
    update: setQuantity,
    findBySku,
  },
};
