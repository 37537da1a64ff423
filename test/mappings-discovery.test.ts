import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import { startDueReconciliations } from '../server/bindings/reconcile';
import { DEFAULT_TENANT } from '../server/db/client';
import { bindings } from '../server/db/schema';
import { runFlow, setUpBlingToMl } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Polls a discovery or reconciliation until it leaves `running`. */
async function settled(path: string, harness = h, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await harness.api('GET', path);
    if (body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`${path} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const bindingRows = (connectionId: string) => h.database.db.select().from(bindings).where(eq(bindings.connectionId, connectionId));
const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

describe('discovery by SKU ("Descoberta")', () => {
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let flowId: string;
  let blingId: string;
  let mlId: string;
  let discoveryId: string;

  beforeAll(async () => {
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    // The same 2,000 products on both sides, listed before Ponte came along; 10 of them listed twice.
    bling.seedProducts(2000);
    ml.seedItems(2000, { skuPrefix: 'SKU-' });
    ml.seedItems(10, { startAt: 500, skuPrefix: 'SKU-' });
    ({ flowId, blingConnectionId: blingId, mlConnectionId: mlId } = await setUpBlingToMl(h, bling, ml));
  });
  afterAll(async () => {
    await bling?.close();
    await ml?.close();
  });

  it('reports exactly the 10 duplicated SKUs as ambiguous, pairs the other 1,990, and binds nothing', async () => {
    const t0 = Date.now();
    const started = await h.api('POST', '/api/discoveries', { sourceConnectionId: blingId, connectionId: mlId, entity: 'products' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', sourceConnectionId: blingId, connectionId: mlId, entity: 'products' });
    discoveryId = started.body.id;

    const done = await settled(`/api/discoveries/${discoveryId}`);
    console.log(`discovery of 2,000 Bling products × 2,010 Mercado Livre listings: ${Date.now() - t0} ms (reading: ${done.report.readMs} ms)`);
    expect(done.status, done.error).toBe('ready');
    expect(done.report.counts).toEqual({
      matched: 1990,
      ambiguous: 10,
      source: { read: 2000, alreadyBound: 0, withoutSku: 0, unmatched: 0 },
      target: { read: 2010, alreadyBound: 0, withoutSku: 0, unmatched: 0 },
    });
    expect(done.report.skuComparison).toBe('trimmed, case-sensitive');

    // The first page of each list comes with the report; long lists say they are cut.
    expect(done.report.lists.matched).toMatchObject({ total: 1990, truncated: true });
    expect(done.report.lists.matched.items).toHaveLength(100);
    expect(done.report.lists.ambiguous).toMatchObject({ total: 10, truncated: false });
    const ambiguous = done.report.lists.ambiguous.items as Array<{ sku: string; internalIds: string[]; externalIds: string[] }>;
    expect(ambiguous.map((a) => a.sku)).toEqual(Array.from({ length: 10 }, (_, i) => sku(500 + i)));
    for (const a of ambiguous) {
      expect(a.internalIds).toEqual([String([...bling.products.values()].find((p) => p.codigo === a.sku)!.id)]);
      expect(a.externalIds.sort()).toEqual(ml.itemsBySku(a.sku).map((i) => i.id).sort());
      expect(a.externalIds).toHaveLength(2);
    }

    // The whole matched list, a page at a time: every pair is the Bling product and the listing of one SKU.
    const pairs: Array<{ internalId: string; externalId: string; sku: string }> = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page: { status: number; body: { total: number; items: typeof pairs; next: number | null } } = await h.api('GET', `/api/discoveries/${discoveryId}/lists/matched?offset=${offset}&limit=1000`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(1990);
      pairs.push(...page.body.items);
      offset = page.body.next;
    }
    expect(pairs).toHaveLength(1990);
    expect(new Set(pairs.map((p) => p.sku)).size).toBe(1990);
    for (const p of pairs) {
      expect(bling.products.get(Number(p.internalId))!.codigo).toBe(p.sku);
      expect(ml.items.get(p.externalId)!.attributes.find((a) => a.id === 'SELLER_SKU')!.value_name).toBe(p.sku);
    }

    expect(await bindingRows(mlId)).toHaveLength(0);
  });

  it('binds the matched pairs when confirmed, once', async () => {
    const confirmed = await h.api('POST', `/api/discoveries/${discoveryId}/confirm`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', requested: 1990, bound: 1990, skipped: 0 });

    const rows = await bindingRows(mlId);
    expect(rows).toHaveLength(1990);
    for (const b of rows) {
      expect(b).toMatchObject({ status: 'active', sourceConnectionId: blingId, entity: 'products', lastSyncedAt: null, hashOut: null });
      expect(b.sku).toBe(bling.products.get(Number(b.internalId))!.codigo);
    }

    const again = await h.api('POST', `/api/discoveries/${discoveryId}/confirm`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already confirmed/);
    expect(await bindingRows(mlId)).toHaveLength(1990);
    expect((await h.api('GET', `/api/discoveries/${discoveryId}`)).body).toMatchObject({ status: 'confirmed', report: { confirmation: { bound: 1990, skipped: 0 } } });
  });

  it('lets the next sync update the bound listings instead of creating them again', async () => {
    const t0 = Date.now();
    const run = await runFlow(h, flowId);
    console.log(`sync of 2,000 products after discovery: ${Date.now() - t0} ms`);
    // The 10 ambiguous products were not guessed: with no binding, the flow creates them.
    expect(run.counters).toMatchObject({ processed: 2000, updated: 1990, created: 10, failed: 0, conflict: 0 });
    expect(ml.stats.creates).toBe(10);
    for (let i = 0; i < 2000; i++) if (i < 500 || i >= 510) expect(ml.itemsBySku(sku(i))).toHaveLength(1);
    const p = bling.products.get([...bling.products.keys()][42])!;
    expect(ml.itemsBySku(p.codigo)[0].price).toBe(p.preco);
  });

  it('offers nothing already bound in a later discovery', async () => {
    const started = await h.api('POST', '/api/discoveries', { sourceConnectionId: blingId, connectionId: mlId, entity: 'products' });
    const done = await settled(`/api/discoveries/${started.body.id}`);
    expect(done.report.counts).toMatchObject({ matched: 0, source: { read: 2000, alreadyBound: 2000 }, target: { read: 2020, alreadyBound: 2000 } });
    // What is left are the 20 old duplicate listings: still flagged, for a person to close.
    expect(done.report.counts.ambiguous).toBe(10);
  });
});

describe('confirming part of a discovery', () => {
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let blingId: string;
  let mlId: string;

  beforeAll(async () => {
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(20);
    ml.seedItems(20, { skuPrefix: 'SKU-' });
    ({ blingConnectionId: blingId, mlConnectionId: mlId } = await setUpBlingToMl(h, bling, ml));
  });
  afterAll(async () => {
    await bling?.close();
    await ml?.close();
  });

  it('binds only the pairs named, refuses pairs it did not find, and skips pairs bound meanwhile', async () => {
    const started = await h.api('POST', '/api/discoveries', { sourceConnectionId: blingId, connectionId: mlId, entity: 'products' });
    const done = await settled(`/api/discoveries/${started.body.id}`);
    const matched = done.report.lists.matched.items as Array<{ internalId: string; externalId: string }>;
    expect(matched).toHaveLength(20);

    const wrong = await h.api('POST', `/api/discoveries/${started.body.id}/confirm`, { pairs: [{ internalId: matched[0].internalId, externalId: matched[1].externalId }] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/not a matched pair/);

    // A sync (or a person) bound the second pair's listing to something else while the report waited.
    await h.database.db.insert(bindings).values({ tenantId: DEFAULT_TENANT, connectionId: mlId, sourceConnectionId: blingId, entity: 'products', internalId: 'another', externalId: matched[1].externalId, status: 'active' });
    const chosen = matched.slice(0, 3).map(({ internalId, externalId }) => ({ internalId, externalId }));
    const confirmed = await h.api('POST', `/api/discoveries/${started.body.id}/confirm`, { pairs: chosen });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ requested: 3, bound: 2, skipped: 1 });
    const rows = await h.database.db.select().from(bindings).where(and(eq(bindings.connectionId, mlId), eq(bindings.sourceConnectionId, blingId)));
    expect(rows.map((r) => r.internalId).sort()).toEqual(['another', matched[0].internalId, matched[2].internalId].sort());
  });
});

describe('orphans and the delete guard', () => {
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let blingId: string;
  let mlId: string;
  /** The listing deleted while its binding was fresh (synced within the grace window). */
  let fresh: string;
  const listingOf = (i: number) => ml.itemsBySku(sku(i))[0];
  const bindingOfProduct = async (i: number) => (await bindingRows(mlId)).find((b) => b.sku === sku(i))!;
  const reconcile = async (body: Record<string, unknown>) => {
    const started = await h.api('POST', '/api/reconciliations', body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.status).toBe('running');
    return settled(`/api/reconciliations/${started.body.id}`);
  };

  beforeAll(async () => {
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(200);
    const setUp = await setUpBlingToMl(h, bling, ml);
    ({ blingConnectionId: blingId, mlConnectionId: mlId } = setUp);
    expect((await runFlow(h, setUp.flowId)).counters.created).toBe(200);
    // The sync ran an hour ago: outside the grace window.
    await h.database.db.execute(sql`update bindings set last_synced_at = now() - interval '1 hour' where connection_id = ${mlId}`);
  });
  afterAll(async () => {
    await bling?.close();
    await ml?.close();
  });

  it('marks exactly the binding of a listing deleted on Mercado Livre orphan, and leaves one synced minutes ago alone', async () => {
    const gone = listingOf(0).id;
    ml.items.delete(gone);
    // Synced a moment ago: its record may have been created after the read passed it.
    fresh = listingOf(1).id;
    ml.items.delete(fresh);
    await h.database.db.update(bindings).set({ lastSyncedAt: new Date() }).where(eq(bindings.externalId, fresh));

    const t0 = Date.now();
    const rec = await reconcile({ connectionId: mlId, entity: 'products' });
    console.log(`reconciliation of 198 listings against 200 bindings: ${Date.now() - t0} ms`);
    expect(rec).toMatchObject({ status: 'done', bound: 199, seen: 198, missing: 1, marked: 1, maxShare: 0.1 });
    expect(rec.message).toBe('1 of 199 known products are gone from Mercado Livre: 1 binding marked orphan. 1 binding synced in the last 10 minutes was not checked.');

    const orphan = await bindingOfProduct(0);
    expect(orphan.status).toBe('orphan');
    expect(orphan.notes).toMatch(new RegExp(`^Deleted at Mercado Livre \\(the target\\): record ${gone} was missing from a full read on \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z \\(reconciliation ${rec.id}\\)`));
    expect((await bindingOfProduct(1)).status).toBe('active');
    const statuses = (await bindingRows(mlId)).map((b) => b.status);
    expect(statuses.filter((s) => s === 'orphan')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'active')).toHaveLength(199);
  });

  it('marks the binding orphan when the product is deleted at the source (Bling)', async () => {
    const product = [...bling.products.values()].find((p) => p.codigo === sku(2))!;
    bling.products.delete(product.id);
    const rec = await reconcile({ connectionId: blingId, entity: 'products' });
    expect(rec).toMatchObject({ status: 'done', bound: 198, seen: 199, missing: 1, marked: 1 });
    const binding = await bindingOfProduct(2);
    expect(binding.status).toBe('orphan');
    expect(binding.notes).toMatch(new RegExp(`^Deleted at Bling \\(the source\\): record ${product.id} was missing`));
  });

  it('stops a reconciliation whose source returned half the ids, and marks nothing', async () => {
    ml.searchOnly(0.5);
    try {
      const before = await bindingRows(mlId);
      // Listings were created concurrently, so which half the search shows varies: count from what it shows.
      const shown = new Set([...ml.items.keys()].slice(0, Math.ceil(ml.items.size / 2)));
      const checked = before.filter((b) => b.status === 'active' && b.externalId !== fresh);
      const present = checked.filter((b) => shown.has(b.externalId!)).length;
      expect(checked).toHaveLength(197);
      const rec = await reconcile({ connectionId: mlId, entity: 'products' });
      expect(rec).toMatchObject({ status: 'blocked', bound: 197, seen: 99, missing: 197 - present, marked: 0 });
      const share = `${Math.round(((197 - present) / 197) * 1000) / 10}%`;
      expect(rec.message).toBe(
        `Mercado Livre returned ${present} of 197 known products (${share} missing; the limit is 10%). A partial read is not a mass delete — nothing marked. ` +
          'Check the connection, or raise the limit for this run (maxShare). 1 binding synced in the last 10 minutes was not checked.',
      );
      expect((await bindingRows(mlId)).map((b) => [b.id, b.status]).sort()).toEqual(before.map((b) => [b.id, b.status]).sort());

      // A person who knows half the catalogue really went raises the limit for one run.
      const raised = await reconcile({ connectionId: mlId, entity: 'products', maxShare: 0.6 });
      expect(raised).toMatchObject({ status: 'done', maxShare: 0.6, missing: 197 - present, marked: 197 - present });
    } finally {
      ml.searchOnly(1);
    }
    const list = await h.api('GET', `/api/reconciliations?connectionId=${mlId}`);
    expect(list.body.reconciliations.map((r: { status: string }) => r.status)).toEqual(['done', 'blocked', 'done']);
  });
});

describe('the daily reconciliation', () => {
  // A database of its own: only these connections have bindings, so "every bound connection" is known.
  let h2: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let blingId: string;
  let mlId: string;

  beforeAll(async () => {
    h2 = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    bling.seedProducts(20);
    const setUp = await setUpBlingToMl(h2, bling, ml);
    ({ blingConnectionId: blingId, mlConnectionId: mlId } = setUp);
    expect((await runFlow(h2, setUp.flowId)).counters.created).toBe(20);
  });
  afterAll(async () => {
    await h2?.close();
    await bling?.close();
    await ml?.close();
  });

  it('starts once per connection and entity a day, whichever process asks, and never for a paused connection', async () => {
    const starter = { client: h2.client, taskQueue: h2.taskQueue };
    const first = await startDueReconciliations(h2.database.db, starter, DEFAULT_TENANT, new Date('2031-05-02T12:00:00Z'));
    expect(first.failed).toEqual([]);
    expect(first.started.map((s) => `${s.connectionId}/${s.entity}`).sort()).toEqual([`${blingId}/products`, `${mlId}/products`].sort());
    // Another server process, an hour later: the same day's ids, nothing new.
    const second = await startDueReconciliations(h2.database.db, starter, DEFAULT_TENANT, new Date('2031-05-02T13:00:00Z'));
    expect(second.started).toEqual([]);
    for (const s of first.started) expect(await settled(`/api/reconciliations/${s.id}`, h2)).toMatchObject({ status: 'done', marked: 0 });

    expect((await h2.api('POST', `/api/connections/${blingId}/pause`)).status).toBe(200);
    const nextDay = await startDueReconciliations(h2.database.db, starter, DEFAULT_TENANT, new Date('2031-05-03T12:00:00Z'));
    expect(nextDay.started.map((s) => s.connectionId)).toEqual([mlId]);
    for (const s of nextDay.started) await settled(`/api/reconciliations/${s.id}`, h2);
    const refused = await h2.api('POST', '/api/reconciliations', { connectionId: blingId, entity: 'products' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/paused; resume it first/);
  });
});

describe('discovery and reconciliation API', () => {
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let blingId: string;
  let mlId: string;

  beforeAll(async () => {
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    ({ blingConnectionId: blingId, mlConnectionId: mlId } = await setUpBlingToMl(h, bling, ml));
  });
  afterAll(async () => {
    await bling?.close();
    await ml?.close();
  });

  it('answers 400 for missing fields, unknown entities and entities a connector cannot read', async () => {
    const empty = await h.api('POST', '/api/discoveries', {});
    expect(empty.status).toBe(400);
    expect(empty.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['body.connectionId', 'body.entity', 'body.sourceConnectionId']);

    const unknownEntity = await h.api('POST', '/api/discoveries', { sourceConnectionId: blingId, connectionId: mlId, entity: 'widgets' });
    expect(unknownEntity.status).toBe(400);
    expect(unknownEntity.body.message).toMatch(/body\.entity must be equal to one of the allowed values/);

    const unreadable = await h.api('POST', '/api/discoveries', { sourceConnectionId: blingId, connectionId: mlId, entity: 'customers' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.message).toMatch(/^Mercado Livre cannot read customers; it reads products, /);

    const same = await h.api('POST', '/api/discoveries', { sourceConnectionId: mlId, connectionId: mlId, entity: 'products' });
    expect(same.status).toBe(400);

    const share = await h.api('POST', '/api/reconciliations', { connectionId: mlId, entity: 'products', maxShare: 1.5 });
    expect(share.status).toBe(400);
    expect(share.body.message).toMatch(/maxShare must be <= 1/);
    const unreadableRec = await h.api('POST', '/api/reconciliations', { connectionId: mlId, entity: 'customers' });
    expect(unreadableRec.status).toBe(400);

    const badList = await h.api('GET', '/api/discoveries/whatever/lists/everything');
    expect(badList.status).toBe(400);
  });

  it('answers 404 for unknown connections, discoveries and reconciliations', async () => {
    expect((await h.api('POST', '/api/discoveries', { sourceConnectionId: 'nope', connectionId: mlId, entity: 'products' })).status).toBe(404);
    expect((await h.api('POST', '/api/reconciliations', { connectionId: 'nope', entity: 'products' })).status).toBe(404);
    expect((await h.api('GET', '/api/discoveries/disc_nope')).status).toBe(404);
    expect((await h.api('POST', '/api/discoveries/disc_nope/confirm')).status).toBe(404);
    expect((await h.api('GET', '/api/reconciliations/rec_nope')).status).toBe(404);
  });

  it('ends a discovery whose side refuses the credentials in error, with the reason', async () => {
    const refused = await setUpBlingToMl(h, bling, ml, { blingAccessToken: 'not-a-valid-token' });
    const started = await h.api('POST', '/api/discoveries', { sourceConnectionId: refused.blingConnectionId, connectionId: refused.mlConnectionId, entity: 'products' });
    expect(started.status).toBe(202);
    const done = await settled(`/api/discoveries/${started.body.id}`);
    expect(done.status).toBe('error');
    expect(done.error).toMatch(/401|token/i);
    expect((await h.api('GET', `/api/connections/${refused.blingConnectionId}`)).body.status).toBe('error');
    const confirm = await h.api('POST', `/api/discoveries/${started.body.id}/confirm`);
    expect(confirm.status).toBe(409);
  });

  it('documents the routes in /docs', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/discoveries', '/api/discoveries/{id}', '/api/discoveries/{id}/lists/{list}', '/api/discoveries/{id}/confirm', '/api/reconciliations', '/api/reconciliations/{id}']) expect(paths).toContain(p);
  });
});
