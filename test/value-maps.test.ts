import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../connectors/bling/simulator';
import { type NuvemshopSimulator, startNuvemshopSimulator } from '../connectors/nuvemshop/simulator';
import { runFlow, setUpFlow } from './support/fixtures';
import { type Harness, startHarness } from './support/harness';

/**
 * Orders from Nuvemshop into Bling, the carrier translated through the Bling connection's
 * "carrier" de-para and the payment through the Nuvemshop connection's "payment_method".
 */
describe('de-para (value maps)', () => {
  let h: Harness;
  const simulators: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    for (const s of simulators) await s.close();
  });

  interface World {
    ns: NuvemshopSimulator;
    bling: BlingSimulator;
    flowId: string;
    nsConnectionId: string;
    blingConnectionId: string;
    carrierMapId: string;
    /** Nuvemshop order ids, in the order the carriers were given. */
    orderIds: number[];
  }

  /** One order per carrier given; "Correios - PAC" and "Correios - SEDEX" have entries. */
  async function world(carriers: string[]): Promise<World> {
    const ns = await startNuvemshopSimulator({ leakPerSecond: 0 });
    const bling = await startBlingSimulator({ requestsPerSecond: 0 });
    simulators.push(ns, bling);
    bling.seedContacts(1);
    const contactId = [...bling.contacts.keys()][0];
    ns.seedOrders(carriers.length);
    const orderIds = [...ns.orders.keys()];
    carriers.forEach((carrier, i) => (ns.orders.get(orderIds[i])!.shipping_option = carrier));

    const { flowId, sourceId, targetId } = await setUpFlow(h, {
      source: { connection: { name: 'Nuvemshop', provider: 'nuvemshop', baseUrl: ns.baseUrl, credentials: ns.credentials, settings: { rateLimit: { requestsPerSecond: 0 } } }, entity: 'orders' },
      target: { connection: { name: 'Bling loja', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } }, entity: 'orders' },
      fields: {
        numeroLoja: '$string(number)',
        data: '$substring(created_at, 0, 10)',
        contato: `{ "id": ${contactId} }`,
        itens: '[products.{ "codigo": sku, "descricao": name, "quantidade": quantity, "valor": $number(price) }]',
        transporte: `{ "frete": $number(shipping_cost_customer), "contato": { "nome": $depara('carrier', shipping_option) } }`,
        observacoesInternas: `'Pagamento: ' & $depara('payment_method', gateway)`,
      },
    });
    const carrier = await h.api('POST', `/api/connections/${targetId}/value-maps`, {
      name: 'carrier',
      label: 'Transportadoras',
      entries: [
        { from: 'Correios - PAC', to: 'Correios' },
        { from: 'Correios - SEDEX', to: 'Correios' },
      ],
    });
    expect(carrier.status, JSON.stringify(carrier.body)).toBe(201);
    // Maps of the source connection are searched after the target's: "payment_method" exists only there,
    // and its "carrier" never answers for the target's.
    expect((await h.api('POST', `/api/connections/${sourceId}/value-maps`, { name: 'payment_method', entries: [{ from: 'mercadopago', to: 'Mercado Pago' }] })).status).toBe(201);
    expect((await h.api('POST', `/api/connections/${sourceId}/value-maps`, { name: 'carrier', entries: [{ from: 'Jadlog', to: 'not this one' }] })).status).toBe(201);
    return { ns, bling, flowId, nsConnectionId: sourceId, blingConnectionId: targetId, carrierMapId: carrier.body.id, orderIds };
  }

  const blingOrderOf = (w: World, nsOrderId: number) => [...w.bling.orders.values()].find((o) => o.numeroLoja === String(w.ns.orders.get(nsOrderId)!.number));
  const carrierIn = (w: World, nsOrderId: number) => (blingOrderOf(w, nsOrderId)?.extra as { transporte?: { contato?: { nome?: string } } } | undefined)?.transporte?.contato?.nome;

  it('manages maps and entries through the API, with clear refusals', async () => {
    const { blingConnectionId, carrierMapId } = await world(['Correios - PAC']);

    const list = await h.api('GET', `/api/connections/${blingConnectionId}/value-maps`);
    expect(list.status).toBe(200);
    expect(list.body.valueMaps).toEqual([expect.objectContaining({ id: carrierMapId, name: 'carrier', label: 'Transportadoras', defaultValue: null, entryCount: 2 })]);

    // Bad names, blank and repeated values, unknown fields: 400 naming each problem.
    const bad = await h.api('POST', `/api/connections/${blingConnectionId}/value-maps`, {
      name: 'Forma Pagamento',
      defaultValue: ' ',
      entries: [
        { from: 'pix', to: 'PIX' },
        { from: ' pix ', to: 'Pix' },
        { from: '', to: 'x' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p: { field: string }) => p.field)).toEqual(['name', 'defaultValue', 'entries[1].from', 'entries[2].from']);
    expect(bad.body.message).toContain('entries[1].from "pix" repeats entries[0].from');
    expect((await h.api('POST', `/api/connections/${blingConnectionId}/value-maps`, { name: 'unit', colour: 'red' })).status).toBe(400);
    expect((await h.api('POST', `/api/connections/${blingConnectionId}/value-maps`, {})).status).toBe(400);

    // Unknown connection or map: 404. A name taken on the connection: 409.
    expect((await h.api('GET', '/api/connections/nope/value-maps')).status).toBe(404);
    expect((await h.api('POST', '/api/connections/nope/value-maps', { name: 'unit' })).status).toBe(404);
    const taken = await h.api('POST', `/api/connections/${blingConnectionId}/value-maps`, { name: 'carrier' });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toContain('already has a de-para named "carrier"');
    for (const [method, url] of [
      ['GET', '/api/value-maps/vmap_nope'],
      ['PATCH', '/api/value-maps/vmap_nope'],
      ['DELETE', '/api/value-maps/vmap_nope'],
      ['PUT', '/api/value-maps/vmap_nope/entries'],
      ['PUT', '/api/value-maps/vmap_nope/entries/x'],
      ['DELETE', '/api/value-maps/vmap_nope/entries/x'],
    ] as const) {
      const body = method === 'PUT' ? (url.endsWith('entries') ? [] : { to: 'y' }) : method === 'PATCH' ? { label: 'z' } : undefined;
      expect((await h.api(method, url, body)).status, `${method} ${url}`).toBe(404);
    }

    // A second map, renamed, with a default; renaming onto a taken name is refused.
    const unit = await h.api('POST', `/api/connections/${blingConnectionId}/value-maps`, { name: 'unidade' });
    expect(unit.status).toBe(201);
    expect(unit.body).toMatchObject({ name: 'unidade', label: null, defaultValue: null, entries: [] });
    expect((await h.api('PATCH', `/api/value-maps/${unit.body.id}`, { name: 'carrier' })).status).toBe(409);
    expect((await h.api('PATCH', `/api/value-maps/${unit.body.id}`, { name: 'Unit' })).status).toBe(400);
    const renamed = await h.api('PATCH', `/api/value-maps/${unit.body.id}`, { name: 'unit', label: 'Unidades', defaultValue: ' UN ' });
    expect(renamed.body).toMatchObject({ name: 'unit', label: 'Unidades', defaultValue: 'UN' });

    // Entries: replace all, then one by one (values with "/" and spaces travel URL-encoded).
    const replaced = await h.api('PUT', `/api/value-maps/${unit.body.id}/entries`, [
      { from: 'Caixa', to: 'CX' },
      { from: 'Peça', to: 'PC' },
    ]);
    expect(replaced.status).toBe(200);
    expect(replaced.body.entries).toEqual([
      { from: 'Caixa', to: 'CX' },
      { from: 'Peça', to: 'PC' },
    ]);
    expect((await h.api('PUT', `/api/value-maps/${unit.body.id}/entries`, [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }])).status).toBe(400);
    expect((await h.api('PUT', `/api/value-maps/${unit.body.id}/entries`, { from: 'a', to: 'b' })).status).toBe(400);
    const from = encodeURIComponent('Correios / SEDEX 10');
    const added = await h.api('PUT', `/api/value-maps/${unit.body.id}/entries/${from}`, { to: 'ECT' });
    expect(added).toEqual({ status: 201, body: { from: 'Correios / SEDEX 10', to: 'ECT' } });
    expect(await h.api('PUT', `/api/value-maps/${unit.body.id}/entries/${from}`, { to: 'ECT 10' })).toEqual({ status: 200, body: { from: 'Correios / SEDEX 10', to: 'ECT 10' } });
    expect((await h.api('PUT', `/api/value-maps/${unit.body.id}/entries/Caixa`, { to: '  ' })).status).toBe(400);
    expect((await h.api('PUT', `/api/value-maps/${unit.body.id}/entries/Caixa`, {})).status).toBe(400);
    expect((await h.api('DELETE', `/api/value-maps/${unit.body.id}/entries/Caixa`)).status).toBe(204);
    const gone = await h.api('DELETE', `/api/value-maps/${unit.body.id}/entries/Caixa`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('De-para "unit" has no entry for "Caixa"');
    expect((await h.api('GET', `/api/value-maps/${unit.body.id}`)).body.entries).toEqual([
      { from: 'Correios / SEDEX 10', to: 'ECT 10' },
      { from: 'Peça', to: 'PC' },
    ]);

    // Deleting a map takes its entries with it.
    expect((await h.api('DELETE', `/api/value-maps/${unit.body.id}`)).status).toBe(204);
    expect((await h.api('GET', `/api/value-maps/${unit.body.id}`)).status).toBe(404);
    expect((await h.api('GET', `/api/connections/${blingConnectionId}/value-maps`)).body.valueMaps.map((m: { name: string }) => m.name)).toEqual(['carrier']);

    // Listed in /docs under their own tag.
    const spec = (h.app as unknown as { swagger(): { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> } }).swagger();
    for (const path of ['/api/connections/{id}/value-maps', '/api/value-maps/{id}', '/api/value-maps/{id}/entries', '/api/value-maps/{id}/entries/{from}'])
      for (const op of Object.values(spec.paths[path])) expect(op, path).toMatchObject({ tags: ['value-maps'], summary: expect.any(String) });
  });

  it('fails only the order whose carrier has no entry, naming the map and the value; a default then covers it', async () => {
    const w = await world(['Correios - PAC', 'Correios - SEDEX', 'Correios - PAC', 'Jadlog', 'Correios - SEDEX', 'Correios - PAC']);
    const run = await runFlow(h, w.flowId);
    expect(run.status).toBe('partial');
    expect(run.counters).toEqual({ processed: 6, created: 5, updated: 0, skipped: 0, failed: 1, conflict: 0 });

    const failed = (await h.api('GET', `/api/runs/${run.id}/records?outcome=failed`)).body.records;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      recordKey: String(w.orderIds[3]),
      nodeId: 'map',
      errorKind: 'ValueMapMissing',
      message: 'De-para "carrier" (connection Bling loja) has no entry for "Jadlog" and no default: add it, then reprocess',
      hint: expect.stringContaining('de-para'),
      payload: expect.objectContaining({ shipping_option: 'Jadlog' }),
      // What the run page needs to offer "Adicionar ao de-para" for exactly this value.
      details: { map: 'carrier', value: 'Jadlog', connectionId: w.blingConnectionId, mapExists: true },
    });

    // The others went through, translated; nothing was written for the Jadlog order.
    expect(w.bling.stats.writes).toEqual({ 'POST /pedidos/vendas': 5 });
    expect(blingOrderOf(w, w.orderIds[3])).toBeUndefined();
    for (const i of [0, 1, 2, 4, 5]) {
      expect(carrierIn(w, w.orderIds[i])).toBe('Correios');
      expect(blingOrderOf(w, w.orderIds[i])!.observacoesInternas).toBe('Pagamento: Mercado Pago');
    }

    // With a default, an unmapped value takes it; the orders already written are unchanged.
    expect((await h.api('PATCH', `/api/value-maps/${w.carrierMapId}`, { defaultValue: 'A combinar' })).status).toBe(200);
    const again = await runFlow(h, w.flowId);
    expect(again.status).toBe('success');
    expect(again.counters).toMatchObject({ processed: 6, created: 1, updated: 0, failed: 0 });
    expect(carrierIn(w, w.orderIds[3])).toBe('A combinar');
    expect(w.bling.stats.writes).toEqual({ 'POST /pedidos/vendas': 6 });
  });

  it('reprocessing a partial run\'s 3 failed records after fixing the de-para makes the three succeed and touches nothing else', async () => {
    const w = await world(['Correios - PAC', 'Jadlog', 'Correios - SEDEX', 'Total Express', 'Correios - PAC', 'Loggi', 'Correios - SEDEX', 'Correios - PAC']);
    const broken = [1, 3, 5].map((i) => String(w.orderIds[i]));
    const partial = await runFlow(h, w.flowId);
    expect(partial.status).toBe('partial');
    expect(partial.counters).toMatchObject({ processed: 8, created: 5, failed: 3 });
    const failed = (await h.api('GET', `/api/runs/${partial.id}/records?outcome=failed`)).body.records;
    expect(failed.map((r: { recordKey: string }) => r.recordKey).sort()).toEqual([...broken].sort());
    expect(failed.map((r: { message: string }) => r.message).sort()).toEqual(
      ['Jadlog', 'Loggi', 'Total Express'].map((v) => `De-para "carrier" (connection Bling loja) has no entry for "${v}" and no default: add it, then reprocess`),
    );

    // The fix: the three carriers get their entries.
    for (const [from, to] of [['Jadlog', 'Jadlog'], ['Total Express', 'Total Express'], ['Loggi', 'Loggi']])
      expect((await h.api('PUT', `/api/value-maps/${w.carrierMapId}/entries/${encodeURIComponent(from)}`, { to })).status).toBe(201);

    const before = { writes: { ...w.bling.stats.writes }, requests: w.bling.requestLog.length, orders: new Map([...w.bling.orders].map(([id, o]) => [id, JSON.stringify(o)])) };
    const res = await h.api('POST', `/api/runs/${partial.id}/reprocess`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ of: partial.id, records: 3 });
    const again = await h.waitForRun(res.body.runId);
    expect(again).toMatchObject({ status: 'success', reprocessOf: partial.id });
    expect(again.counters).toEqual({ processed: 3, created: 3, updated: 0, skipped: 0, failed: 0, conflict: 0 });

    // The three are in Bling with their carriers; nothing else was sent or changed.
    expect(w.bling.requestLog.slice(before.requests).map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill('POST /pedidos/vendas'));
    expect(w.bling.stats.writes).toEqual({ 'POST /pedidos/vendas': before.writes['POST /pedidos/vendas'] + 3 });
    for (const [id, json] of before.orders) expect(JSON.stringify(w.bling.orders.get(id))).toBe(json);
    expect([1, 3, 5].map((i) => carrierIn(w, w.orderIds[i]))).toEqual(['Jadlog', 'Total Express', 'Loggi']);
    const written = (await h.api('GET', `/api/runs/${again.id}/records`)).body.records;
    expect(written.map((r: { recordKey: string }) => r.recordKey).sort()).toEqual([...broken].sort());

    // The original failures are closed, saying where; there is nothing left to reprocess.
    const closed = (await h.api('GET', `/api/runs/${partial.id}/records?outcome=failed`)).body.records;
    expect(closed.map((r: { resolution: string }) => r.resolution)).toEqual(Array(3).fill(`Reprocessed in run ${again.id}`));
    expect((await h.api('POST', `/api/runs/${partial.id}/reprocess`)).body.records).toBe(0);
  });
});
