import { beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type MercadoLivreSimulator, startMercadoLivreSimulator } from '../connectors/mercadolivre/simulator';
import type { FlowDocument } from '../nodes/flow-model/document';
import { mlOrdersToBling, runFlow, setUpBlingToMl } from './support/fixtures';
import { useBlingAndMl } from './support/bling-and-ml';
import { type Harness, startHarness } from './support/harness';

describe('bindings: conflicts, orphans and what people do with them', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let flowId: string;
  let mlId: string;
  let blingId: string;

  useBlingAndMl({ products: 6 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    ({ flowId, mlConnectionId: mlId, blingConnectionId: blingId } = await setUpBlingToMl(h, bling, ml));
    expect((await runFlow(h, flowId)).counters.created).toBe(6);
  });

  const blingIds = () => [...bling.products.keys()];
  const bindingOf = async (internalId: number) => {
    const res = await h.api('GET', `/api/bindings?connectionId=${mlId}&q=${internalId}`);
    return res.body.bindings.find((b: { internalId: string }) => b.internalId === String(internalId));
  };
  const listingOf = (internalId: number) => ml.itemsBySku(bling.products.get(internalId)!.codigo)[0];
  /** A seller edits the listing on Mercado Livre's own site. */
  const editOnMl = (internalId: number, change: Record<string, unknown>) => Object.assign(listingOf(internalId), change);

  it('lists the mappings of a connection, each with both ids, SKU, status and last sync', async () => {
    const res = await h.api('GET', `/api/bindings?connectionId=${mlId}&entity=products&status=active`);
    expect(res.status).toBe(200);
    expect(res.body.bindings).toHaveLength(6);
    const [first] = res.body.bindings;
    expect(first).toMatchObject({ connectionId: mlId, sourceConnectionId: blingId, entity: 'products', status: 'active', flowId, sku: expect.any(String) });
    expect(first.externalId).toBe(listingOf(Number(first.internalId)).id);
    expect(Date.parse(first.lastSyncedAt)).toBeGreaterThan(Date.now() - 120_000);
    const bySku = await h.api('GET', `/api/bindings?connectionId=${mlId}&sku=${encodeURIComponent(first.sku)}`);
    expect(bySku.body.bindings.map((b: { id: number }) => b.id)).toEqual([first.id]);
    const bad = await h.api('GET', `/api/bindings?status=sideways`);
    expect(bad.status).toBe(400);
  });

  it('flags a product changed on both sides as a conflict, overwrites nothing, and pushes what only the ERP changed', async () => {
    const [a, b] = blingIds();
    bling.updateProduct(a, { nome: 'Nome novo no Bling A' });
    editOnMl(a, { title: 'Título editado no ML A' });
    bling.updateProduct(b, { preco: 777 });
    editOnMl(b, { title: 'Título editado no ML B' });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('partial');
    expect(run.counters).toMatchObject({ conflict: 1, updated: 1, skipped: 4 });
    // a: both changed the title → conflict, the listing keeps the channel's edit.
    expect(listingOf(a).title).toBe('Título editado no ML A');
    const conflict = await bindingOf(a);
    expect(conflict.status).toBe('conflict');
    expect(conflict.conflict).toMatchObject({ fields: ['title'], source: { title: 'Nome novo no Bling A' }, target: { title: 'Título editado no ML A' } });
    const records = await h.api('GET', `/api/runs/${run.id}/records?outcome=conflict`);
    expect(records.body.records[0].message).toMatch(/both sides.*title/);
    // The screens show Ponte's message in the reader's language; `message` stays English for logs and exports.
    expect(records.body.records[0]).toMatchObject({
      messageCode: 'upsert.bothChanged',
      messageText: {
        en: records.body.records[0].message,
        'pt-BR': 'Alterado nos dois lados desde a última sincronização (title): nada foi sobrescrito. Escolha "ERP vence", "Canal vence" ou "Mesclar campo a campo" em Mapeamentos',
      },
    });
    // b: only the ERP changed the price (the ERP owns it), only the channel changed the title: both kept.
    expect(listingOf(b)).toMatchObject({ price: 777, title: 'Título editado no ML B' });
    expect((await bindingOf(b)).status).toBe('active');
  });

  it('resolves "ERP wins": the listing takes the ERP title, and the next run has nothing to do', async () => {
    const [a] = blingIds();
    const binding = await bindingOf(a);
    const res = await h.api('POST', `/api/bindings/${binding.id}/resolve`, { choice: 'source' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ wroteTarget: true, binding: { status: 'active', conflict: null } });
    expect(listingOf(a).title).toBe('Nome novo no Bling A');
    // The audit log names who chose what for this mapping.
    const audit = await h.api('GET', `/api/audit?action=binding.resolve&targetId=${binding.id}`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ actorName: expect.stringContaining(h.admin.email), details: { choice: 'source' } })]);
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ skipped: 6, updated: 0, conflict: 0 });
  });

  it('resolves "channel wins": the listing keeps its title, later runs leave it, and a later ERP change goes through', async () => {
    const [, , c] = blingIds();
    bling.updateProduct(c, { nome: 'Bling C novo' });
    editOnMl(c, { title: 'ML C editado' });
    expect((await runFlow(h, flowId)).counters.conflict).toBe(1);
    const binding = await bindingOf(c);
    const res = await h.api('POST', `/api/bindings/${binding.id}/resolve`, { choice: 'target' });
    expect(res.status).toBe(200);
    expect(listingOf(c).title).toBe('ML C editado');
    expect((await runFlow(h, flowId)).counters).toMatchObject({ skipped: 6, conflict: 0 });
    expect(listingOf(c).title).toBe('ML C editado');
    bling.updateProduct(c, { nome: 'Bling C de novo' });
    expect((await runFlow(h, flowId)).counters).toMatchObject({ updated: 1, conflict: 0 });
    expect(listingOf(c).title).toBe('Bling C de novo');
  });

  it('resolves a merge field by field, keeping what each side alone changed', async () => {
    const [, , , d] = blingIds();
    bling.updateProduct(d, { nome: 'Bling D', preco: 55 });
    editOnMl(d, { title: 'ML D', condition: 'used' });
    const run = await runFlow(h, flowId);
    expect(run.counters.conflict).toBe(1);
    const binding = await bindingOf(d);
    expect(binding.conflict.fields).toEqual(['title']);
    const incomplete = await h.api('POST', `/api/bindings/${binding.id}/resolve`, { choice: 'merge', fields: {} });
    expect(incomplete.status).toBe(400);
    expect(JSON.stringify(incomplete.body)).toMatch(/title/);
    const res = await h.api('POST', `/api/bindings/${binding.id}/resolve`, { choice: 'merge', fields: { title: 'target' } });
    expect(res.status).toBe(200);
    // title as chosen; the price the ERP owns; the condition only the channel changed.
    expect(listingOf(d)).toMatchObject({ title: 'ML D', condition: 'used', price: 55 });
    const again = await h.api('POST', `/api/bindings/${binding.id}/resolve`, { choice: 'source' });
    expect(again.status).toBe(409);
    expect((await runFlow(h, flowId)).counters).toMatchObject({ skipped: 6, conflict: 0 });
  });

  it('marks the mapping orphan when the listing was deleted on the channel, instead of creating it twice', async () => {
    const [, , , , e] = blingIds();
    ml.items.delete(listingOf(e).id);
    bling.updateProduct(e, { preco: 12.5 });
    const creates = ml.stats.creates;
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ conflict: 1, created: 0 });
    expect(ml.stats.creates).toBe(creates);
    const orphan = await bindingOf(e);
    expect(orphan.status).toBe('orphan');
    expect(orphan.notes).toMatch(/Deleted at Mercado Livre/);
    // Deleting the mapping (the records stay) lets the next run list it again.
    expect((await h.api('DELETE', `/api/bindings/${orphan.id}`)).status).toBe(204);
    expect((await runFlow(h, flowId)).counters).toMatchObject({ created: 1, conflict: 0 });
    expect(ml.itemsBySku(bling.products.get(e)!.codigo)).toHaveLength(1);
  });

  it('refuses to save a flow that matches by a field without naming the field', async () => {
    const flow = await h.api('GET', `/api/flows/${flowId}`);
    const document = structuredClone(flow.body.document);
    document.nodes.find((n: { type: string }) => n.type === 'upsert').params.matchBy = 'field';
    const res = await h.api('PUT', `/api/flows/${flowId}`, { document });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([expect.objectContaining({ nodeId: 'ml-items', field: 'params.externalIdField', message: 'params.externalIdField is required' })]);
  });

  it('maps by hand, refusing an id already mapped, and re-syncs one record now', async () => {
    const [a, b] = blingIds();
    const taken = await bindingOf(a);
    const clash = await h.api('POST', '/api/bindings', { connectionId: mlId, sourceConnectionId: blingId, entity: 'products', internalId: '999', externalId: taken.externalId });
    expect(clash.status).toBe(409);
    expect(clash.body.message).toMatch(/Already mapped/);
    const invalid = await h.api('POST', '/api/bindings', { connectionId: 'nope', entity: 'things', internalId: '1', externalId: '2' });
    expect(invalid.status).toBe(400);
    const made = await h.api('POST', '/api/bindings', { connectionId: mlId, sourceConnectionId: blingId, entity: 'products', internalId: 'legacy-1', externalId: 'MLB-legacy-1' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'active', notes: 'Mapped by hand' });

    // Someone overwrote the listing's price by hand; re-sync pushes the ERP's record again.
    const target = await bindingOf(b);
    editOnMl(b, { price: 1 });
    const updates = ml.stats.updates;
    const resync = await h.api('POST', `/api/bindings/${target.id}/resync`, { direction: 'push' });
    expect(resync.status, JSON.stringify(resync.body)).toBe(202);
    const run = await h.waitForRun(resync.body.runId);
    expect(run.counters).toMatchObject({ processed: 1, updated: 1 });
    expect(ml.stats.updates).toBe(updates + 1);
    expect(listingOf(b).price).toBe(bling.products.get(b)!.preco);
    const pull = await h.api('POST', `/api/bindings/${target.id}/resync`, { direction: 'pull' });
    expect(pull.status).toBe(409);
    expect(pull.body.message).toMatch(/No published flow brings products from Mercado Livre into Bling/);
  });
});

describe('orders from a channel', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let base: string;
  let hookPath: string;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    ml = await startMercadoLivreSimulator();
    const conn = async (body: object) => (await h.api('POST', '/api/connections', body)).body.id as string;
    const blingId = await conn({ name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } });
    const mlId = await conn({
      name: 'Mercado Livre',
      provider: 'mercadolivre',
      baseUrl: ml.url,
      credentials: { accessToken: ml.credentials.accessToken, clientId: ml.credentials.clientId },
      settings: { rateLimit: { requestsPerSecond: 0 } },
    });
    const flow = await h.api('POST', '/api/flows', { name: 'Pedidos ML → Bling', document: mlOrdersToBling(mlId, blingId) });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    expect((await h.api('POST', `/api/flows/${flow.body.id}/publish`)).status).toBe(201);
    hookPath = new URL((await h.api('GET', `/api/connections/${mlId}/webhook`)).body.webhookUrl).pathname;
  });

  const notify = (orderId: number) => fetch(base + hookPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ml.notificationFor('orders_v2', `/orders/${orderId}`)) });
  const runsOf = async (n: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const list = (await h.api('GET', '/api/runs?limit=100')).body.runs as Array<{ id: string; status: string }>;
      if (list.length >= n && list.every((r) => r.status !== 'running')) return list;
      if (Date.now() > deadline) throw new Error(`waited for ${n} finished runs, have ${JSON.stringify(list)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('creates the buyer once and the order once, even when the same order arrives twice at the same time', async () => {
    const [order] = ml.seedOrders(1, { status: 'paid' });
    // Two notifications (a burst may read them in one run) and two runs by hand, all at once.
    const flowId = (await h.api('GET', '/api/flows')).body.flows[0].id as string;
    const [a, b, ...manual] = await Promise.all([notify(order.id), notify(order.id), h.api('POST', `/api/flows/${flowId}/runs`), h.api('POST', `/api/flows/${flowId}/runs`)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(manual.map((m) => m.status)).toEqual([202, 202]);
    const runs = await runsOf(3);
    expect(runs.every((r) => r.status === 'success')).toBe(true);
    expect(bling.contacts.size).toBe(1);
    const [contact] = bling.contacts.values();
    expect(contact.nome).toBe(order.buyer.nickname);
    const orders = [...bling.orders.values()].filter((o) => o.numeroLoja === String(order.id));
    expect(orders).toHaveLength(1);
    expect(orders[0].contato.id).toBe(contact.id);
  });

  it('reuses the bound buyer for the next order of the same person', async () => {
    const [first] = [...ml.orders.values()];
    const [second] = ml.seedOrders(1, { status: 'paid' });
    second.buyer = { ...first.buyer };
    const before = (await h.api('GET', '/api/runs?limit=100')).body.runs.length as number;
    expect((await notify(second.id)).status).toBe(202);
    await runsOf(before + 1);
    expect(bling.contacts.size).toBe(1);
    const placed = [...bling.orders.values()].find((o) => o.numeroLoja === String(second.id));
    expect(placed?.contato.id).toBe([...bling.contacts.values()][0].id);
    const customers = await h.api('GET', '/api/bindings?entity=customers');
    expect(customers.body.bindings).toHaveLength(1);
    expect(customers.body.bindings[0]).toMatchObject({ internalId: String(first.buyer.id), status: 'active' });
  });

  it("points each order line at the ERP's product: by the mapping from the products flow, else by SKU; a product the ERP lacks fails only that order", async () => {
    const blingId = (await h.api('GET', '/api/connections')).body.connections.find((c: { provider: string }) => c.provider === 'bling').id as string;
    const mlId = (await h.api('GET', '/api/connections')).body.connections.find((c: { provider: string }) => c.provider === 'mercadolivre').id as string;
    // Bling has SKU-000000 and SKU-000001; the listing of the second carries another SKU on Mercado Livre.
    bling.seedProducts(2);
    const [byCode, byMapping] = [...bling.products.values()];
    const listings = ml.seedItems(3, { skuPrefix: 'SKU-' });
    const attr = listings[1].attributes.find((a) => a.id === 'SELLER_SKU')!;
    attr.value_name = 'ANUNCIO-SEM-SKU-DO-ERP';
    const bound = await h.api('POST', '/api/bindings', { connectionId: mlId, sourceConnectionId: blingId, entity: 'products', internalId: String(byMapping.id), externalId: listings[1].id });
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);

    const document = mlOrdersToBling(mlId, blingId, { trigger: 'manual' });
    const map = document.nodes.find((n) => n.id === 'to-bling')!;
    (map.params.fields as Record<string, string>).itens = '[order_items.{"produto": {"id": item.id, "codigo": item.seller_sku}, "descricao": item.title, "quantidade": quantity, "valor": unit_price}]';
    const write = document.nodes.find((n) => n.id === 'write-order')!;
    write.params.dependencies = [...(write.params.dependencies as object[]), { entity: 'products', field: 'itens[].produto', skuField: 'codigo', create: false }];
    const flow = await h.api('POST', '/api/flows', { name: 'Pedidos ML → Bling com produtos', document });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    await h.api('POST', `/api/flows/${flow.body.id}/publish`);

    const [viaSku, viaMapping, missing] = ml.seedOrders(3, { status: 'paid' });
    const run = await runFlow(h, flow.body.id);
    expect(run.status).toBe('partial');
    const placed = (orderId: number) => [...bling.orders.values()].find((o) => o.numeroLoja === String(orderId));
    expect(placed(viaSku.id)?.itens[0].produto).toEqual({ id: byCode.id });
    expect(placed(viaMapping.id)?.itens[0].produto).toEqual({ id: byMapping.id });
    expect(placed(missing.id)).toBeUndefined();
    const failed = await h.api('GET', `/api/runs/${run.id}/records?outcome=failed`);
    const keys = failed.body.records.map((r: { recordKey: string }) => r.recordKey);
    expect(keys).toContain(String(missing.id));
    const record = failed.body.records.find((r: { recordKey: string }) => r.recordKey === String(missing.id));
    expect(record.message).toMatch(new RegExp(`products ${listings[2].id} \\(SKU-000002\\) does not exist at Bling`));
    expect(record.messageText['pt-BR']).toBe(
      `O produto ${listings[2].id} (SKU-000002) não existe em Bling, e este fluxo não faz esse cadastro: cadastre em Bling ou vincule em Mapeamentos e depois reprocesse`,
    );
  });
});

describe('two-way sync of products', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let ml: MercadoLivreSimulator;
  let toMl: string;
  let toBling: string;

  useBlingAndMl({ products: 20 }, (s) => ({ h, bling, ml } = s));
  beforeAll(async () => {
    const setUp = await setUpBlingToMl(h, bling, ml);
    toMl = setUp.flowId;
    const document: FlowDocument = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'trigger.manual', typeVersion: 1, params: {} },
        { id: 'ml-items', type: 'fetch', typeVersion: 1, params: { connectionId: setUp.mlConnectionId, entity: 'products' } },
        { id: 'to-product', type: 'map', typeVersion: 1, params: { fields: { nome: 'title', preco: 'price' } } },
        { id: 'bling-products', type: 'upsert', typeVersion: 1, params: { connectionId: setUp.blingConnectionId, entity: 'products' } },
      ],
      edges: [
        { from: 'start', fromPort: 'out', to: 'ml-items' },
        { from: 'ml-items', fromPort: 'out', to: 'to-product' },
        { from: 'to-product', fromPort: 'out', to: 'bling-products' },
      ],
    };
    const flow = await h.api('POST', '/api/flows', { name: 'ML → Bling', document });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    await h.api('POST', `/api/flows/${flow.body.id}/publish`);
    toBling = flow.body.id;
  });

  it("does not send Ponte's own writes back, updates the twin it knows instead of creating one, and does not bounce that either", async () => {
    expect((await runFlow(h, toMl)).counters.created).toBe(20);
    // Reading the listings Ponte just wrote: all echoes, nothing written to Bling.
    const back = await runFlow(h, toBling);
    expect(back.counters).toEqual({ processed: 20, created: 0, updated: 0, skipped: 20, failed: 0, conflict: 0 });
    const skipped = await h.api('GET', `/api/runs/${back.id}/records?outcome=skipped&limit=1`);
    expect(skipped.body.records[0].message).toMatch(/Unchanged since Ponte wrote it/);
    expect(skipped.body.records[0]).toMatchObject({
      messageCode: 'bindings.echo',
      messageText: { en: skipped.body.records[0].message, 'pt-BR': expect.stringMatching(/^Sem mudança desde que a Ponte o gravou em \d\d\/\d\d\/\d{4}, \d\d:\d\d: não foi enviado de volta$/) },
    });
    expect(bling.products.size).toBe(20);

    // A seller renames one listing on Mercado Livre: it reaches the Bling product it came from.
    const [productId] = [...bling.products.keys()];
    const [listing] = ml.itemsBySku(bling.products.get(productId)!.codigo);
    listing.title = 'Renomeado no Mercado Livre';
    const change = await runFlow(h, toBling);
    expect(change.counters).toMatchObject({ updated: 1, created: 0, skipped: 19 });
    expect(bling.products.get(productId)!.nome).toBe('Renomeado no Mercado Livre');
    expect(bling.products.size).toBe(20);

    // Bling now holds Ponte's write: the ERP → channel flow does not bounce it back.
    const forth = await runFlow(h, toMl);
    expect(forth.counters).toMatchObject({ updated: 0, created: 0, skipped: 20 });
  });
});
