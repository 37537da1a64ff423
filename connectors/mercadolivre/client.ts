/**
 * The Mercado Livre calls the entities share: who the seller is, reading listings (search ids,
 * multi-get), writing them (PUT with the whole variations array), and SKUs.
 */
import { NotFound, RateLimited, Transient, ValidationError } from '../http/errors';
import { withInlineRetry } from '../http/retry';
import type { ConnectionContext } from '../types';

export interface MlAttribute {
  id: string;
  name?: string;
  value_id?: string | null;
  value_name?: string | null;
}

export interface MlVariation {
  id: number;
  price?: number;
  available_quantity?: number;
  attribute_combinations?: MlAttribute[];
  attributes?: MlAttribute[];
  seller_custom_field?: string | null;
  picture_ids?: string[];
  [field: string]: unknown;
}

export interface MlItem {
  id: string;
  title?: string;
  price?: number;
  available_quantity?: number;
  status?: string;
  seller_custom_field?: string | null;
  attributes?: MlAttribute[];
  variations?: MlVariation[];
  last_updated?: string;
  [field: string]: unknown;
}

/** The multi-get takes at most 20 ids. */
export const MULTI_GET_MAX = 20;

// The seller id never changes for a connection; ask /users/me once per process.
const userIds = new Map<string, number>();

/** The seller's user id: `settings.userId`, else `GET /users/me` (once per connection and process). */
export async function sellerId(ctx: ConnectionContext): Promise<number> {
  const fromSettings = Number(ctx.settings.userId);
  if (fromSettings) return fromSettings;
  let id = userIds.get(ctx.connectionId);
  if (!id) {
    const res = await withInlineRetry(() => ctx.http.send<{ id: number }>({ method: 'GET', path: '/users/me' }, ctx.signal), { signal: ctx.signal });
    id = res.body.id;
    userIds.set(ctx.connectionId, id);
  }
  return id;
}

/**
 * The seller id without a request, for checking notifications: `settings.userId`, or the suffix
 * Mercado Livre puts on its tokens (`APP_USR-…-<user_id>`, `TG-…-<user_id>`).
 */
export function knownSellerId(credentials: Record<string, string>, settings: Record<string, unknown>): string | null {
  if (settings.userId !== undefined && settings.userId !== null && String(settings.userId) !== '') return String(settings.userId);
  if (credentials.userId) return credentials.userId;
  for (const token of [credentials.accessToken, credentials.refreshToken]) {
    const m = token ? /^(?:APP_USR|TG)-.*-(\d+)$/.exec(token) : null;
    if (m) return m[1];
  }
  return null;
}

export function skuOf(thing: { attributes?: MlAttribute[]; seller_custom_field?: string | null } | undefined): string | undefined {
  if (!thing) return undefined;
  return thing.attributes?.find((a) => a.id === 'SELLER_SKU')?.value_name || thing.seller_custom_field || undefined;
}

/** Stamps `SELLER_SKU` in an attribute list (how ML finds a listing or variation by SKU). */
export function withSkuAttribute(attributes: unknown, sku: string | undefined): MlAttribute[] | undefined {
  const list = Array.isArray(attributes) ? (attributes as MlAttribute[]) : undefined;
  if (!sku) return list;
  return [...(list ?? []).filter((a) => a.id !== 'SELLER_SKU'), { id: 'SELLER_SKU', value_name: sku }];
}

export function itemPath(id: string): string {
  return `/items/${encodeURIComponent(id)}`;
}

/** One listing. Not retried here: writers run inside the upsert's retry, readers add their own. */
export async function getItem(ctx: ConnectionContext, id: string): Promise<MlItem> {
  const res = await ctx.http.send<MlItem>({ method: 'GET', path: itemPath(id) }, ctx.signal);
  return res.body;
}

/** Full listings for ids, 20 per multi-get call, in the order asked; ids ML no longer knows are left out. */
export async function multiGet(ctx: ConnectionContext, ids: string[]): Promise<MlItem[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += MULTI_GET_MAX) chunks.push(ids.slice(i, i + MULTI_GET_MAX));
  const getChunk = async (chunk: string[]) => {
    const res = await ctx.http.send<Array<{ code: number; body: MlItem }>>({ method: 'GET', path: '/items', query: { ids: chunk.join(',') } }, ctx.signal);
    const items: MlItem[] = [];
    for (const entry of res.body ?? []) {
      if (entry.code === 200 && entry.body?.id) {
        items.push(entry.body);
        continue;
      }
      // 404 inside the envelope: the listing was deleted between search and get.
      if (entry.code === 404) continue;
      const message = `GET /items?ids= answered ${entry.code} for one listing: ${JSON.stringify(entry.body).slice(0, 200)}`;
      if (entry.code === 429) throw new RateLimited(message, 2000, { status: 429 });
      if (entry.code >= 500) throw new Transient(message, { status: entry.code });
      throw new ValidationError(message, { status: entry.code });
    }
    return items;
  };
  const answers = await Promise.all(chunks.map((chunk) => withInlineRetry(() => getChunk(chunk), { signal: ctx.signal })));
  return answers.flat();
}

export interface PutResult {
  item: MlItem;
  /** ML's warnings (e.g. a price ignored because price automation is on). */
  warnings: Array<{ code?: string; message?: string }>;
}

export async function putItem(ctx: ConnectionContext, id: string, body: Record<string, unknown>): Promise<PutResult> {
  const res = await ctx.http.send<MlItem & { warnings?: PutResult['warnings'] }>({ method: 'PUT', path: itemPath(id), json: body }, ctx.signal);
  const { warnings, ...item } = res.body ?? ({} as MlItem);
  return { item: item as MlItem, warnings: Array.isArray(warnings) ? warnings : [] };
}

/**
 * Since 18 Mar 2026 a listing with price automation ignores the price of a mixed PUT and says so
 * in a warning. The record did not sync, so it is reported instead of counted as updated.
 */
export function refuseIgnoredPrice(id: string, sentPrice: boolean, warnings: PutResult['warnings']): void {
  if (!sentPrice) return;
  const ignored = warnings.find((w) => /price/i.test(`${w.code ?? ''} ${w.message ?? ''}`));
  if (ignored)
    throw new ValidationError(
      `Mercado Livre kept its own price for ${id}: price automation is active on this listing (${ignored.message ?? ignored.code}). The other fields were saved. Turn the automation off in Mercado Livre, or stop sending the price.`,
    );
}

/** A variation as a flow maps it: ML's own fields, plus `sku` as a shorthand for the SELLER_SKU attribute. */
export interface WantedVariation {
  id?: number | string;
  sku?: string;
  price?: number;
  available_quantity?: number;
  attribute_combinations?: MlAttribute[];
  attributes?: MlAttribute[];
  seller_custom_field?: string | null;
  picture_ids?: string[];
}

function comboKey(combos: MlAttribute[] | undefined): string | undefined {
  if (!combos?.length) return undefined;
  return combos
    .map((c) => `${c.id}=${String(c.value_name ?? c.value_id ?? '').trim().toLowerCase()}`)
    .sort()
    .join('|');
}

function wantedSku(v: WantedVariation): string | undefined {
  return v.sku || skuOf(v);
}

/** ML's body for one variation: known fields only, `sku` folded into SELLER_SKU. */
export function variationBody(v: WantedVariation, price: number | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const p = v.price ?? price;
  if (p !== undefined) out.price = p;
  if (v.available_quantity !== undefined) out.available_quantity = v.available_quantity;
  if (v.attribute_combinations !== undefined) out.attribute_combinations = v.attribute_combinations;
  const attributes = withSkuAttribute(v.attributes, v.sku);
  if (attributes !== undefined) out.attributes = attributes;
  if (v.seller_custom_field !== undefined) out.seller_custom_field = v.seller_custom_field;
  if (v.picture_ids !== undefined) out.picture_ids = v.picture_ids;
  return out;
}

/**
 * The `variations` array for a PUT. Mercado Livre deletes every variation a PUT leaves out, so
 * this starts from the listing's current variations and names every one of them:
 * - a wanted variation is matched by id, then SKU, then attribute combination, and sent with its changes;
 * - a current variation nobody asked about is sent as `{id}` (kept as it is) — or `{id, price}`
 *   when the price changes, since a classic listing sells all its variations at one price;
 * - a wanted variation that matches none is added (no id).
 */
export function mergeVariations(current: MlVariation[], wanted: WantedVariation[], price?: number): Array<Record<string, unknown>> {
  const commonPrice = price ?? wanted.find((w) => w.price !== undefined)?.price;
  const left = new Set(wanted);
  const take = (match: (w: WantedVariation) => boolean) => {
    for (const w of left)
      if (match(w)) {
        left.delete(w);
        return w;
      }
    return undefined;
  };
  const out: Array<Record<string, unknown>> = [];
  for (const c of current) {
    const sku = skuOf(c);
    const combo = comboKey(c.attribute_combinations);
    const w =
      take((x) => x.id !== undefined && Number(x.id) === c.id) ??
      (sku ? take((x) => wantedSku(x) === sku) : undefined) ??
      (combo ? take((x) => comboKey(x.attribute_combinations) === combo) : undefined);
    if (!w) {
      out.push(commonPrice !== undefined ? { id: c.id, price: commonPrice } : { id: c.id });
      continue;
    }
    // attribute_combinations identify a variation; they are not changed on an existing one.
    const { attribute_combinations: _combos, attributes: _attributes, ...changes } = variationBody(w, commonPrice);
    // `attributes` replaces the variation's list: sent only when the flow maps it, or to change
    // the SKU (then over the variation's current attributes, so none is lost).
    const attributes = w.attributes ? withSkuAttribute(w.attributes, w.sku) : w.sku && w.sku !== sku ? withSkuAttribute(c.attributes ?? [], w.sku) : undefined;
    out.push(attributes ? { id: c.id, ...changes, attributes } : { id: c.id, ...changes });
  }
  for (const w of left) {
    const { id: _stale, ...fresh } = w;
    if (!fresh.attribute_combinations?.length)
      throw new ValidationError(`Variation ${wantedSku(w) ?? JSON.stringify(w)} matches none of the listing's variations and has no attribute_combinations to create it with`);
    out.push(variationBody(fresh, commonPrice));
  }
  return out;
}

/** A stock or price target: a listing, or one variation of it (`MLB123:456`). Several are joined by commas. */
export interface Target {
  itemId: string;
  variationId?: number;
}

export function parseTargets(externalId: string): Target[] {
  return externalId
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const [itemId, variation] = part.split(':');
      return variation ? { itemId, variationId: Number(variation) } : { itemId };
    });
}

export function formatTargets(targets: Target[]): string {
  return targets.map((t) => (t.variationId ? `${t.itemId}:${t.variationId}` : t.itemId)).join(',');
}

/**
 * Every listing and variation carrying this SKU. The same product is often listed more than once
 * (classic and premium), and stock must reach all of them.
 */
export async function findTargets(ctx: ConnectionContext, sku: string): Promise<Target[]> {
  const uid = await sellerId(ctx);
  const res = await withInlineRetry(
    () => ctx.http.send<{ results: string[] }>({ method: 'GET', path: `/users/${uid}/items/search`, query: { seller_sku: sku, limit: 50 } }, ctx.signal),
    { signal: ctx.signal },
  );
  const ids = res.body.results ?? [];
  if (ids.length === 0) return [];
  const targets: Target[] = [];
  for (const item of await multiGet(ctx, ids)) {
    const variations = (item.variations ?? []).filter((v) => skuOf(v) === sku);
    if (variations.length) for (const v of variations) targets.push({ itemId: item.id, variationId: v.id });
    else if (skuOf(item) === sku) targets.push({ itemId: item.id });
  }
  return targets;
}

export function notFoundBySku(sku: string | undefined): NotFound {
  return new NotFound(`No Mercado Livre listing or variation has SKU ${sku ?? '(none)'} (SELLER_SKU). Create the listing first, or fix the SKU.`);
}
