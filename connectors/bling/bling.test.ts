/**
 * The Bling connector against its simulator over real HTTP: every entity read (paginated and
 * incremental), written (create, update) and fetched by id; stock movement semantics; order
 * status changes; signed webhooks; and flows through a real Ponte (Temporal worker + database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFound, ValidationError } from '../http/errors';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { ConnectionContext, EntityName, EntitySupport, IncomingWebhook, ReadRequest, SyncRecord } from '../types';
import { bling } from './index';
import { type BlingSimulator, cnpjAt, cpfAt, startBlingSimulator } from './simulator';
import { blingWebhooks } from './webhooks';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';

const pacers = new PacerRegistry();
let connections = 0;

function open(sim: BlingSimulator, settings: Record<string, unknown> = {}): ConnectionContext {
  return openConnection(
    {
      id: `bling-test-${++connections}`,
      provider: 'bling',
      baseUrl: `${sim.url}/Api/v3`,
      credentials: { accessToken: sim.credentials.accessToken, clientSecret: sim.credentials.clientSecret },
      settings: { rateLimit: { requestsPerSecond: 0 }, ...settings },
    },
    pacers,
  ).ctx;
}

const entity = (name: EntityName): Required<EntitySupport> => bling.entities[name as keyof typeof bling.entities] as Required<EntitySupport>;

/** Reads a whole entity batch after batch, as the fetch node does. */
async function readAll(name: EntityName, ctx: ConnectionContext, options: Partial<ReadRequest> = {}): Promise<{ records: SyncRecord[]; batches: number }> {
  const records: SyncRecord[] = [];
  let cursor: string | null = null;
  let batches = 0;
  do {
    const batch = await entity(name).read.read(ctx, { cursor, since: options.since ?? null, batchSize: options.batchSize ?? 120 });
    records.push(...batch.records);
    cursor = batch.nextCursor;
    batches++;
  } while (cursor !== null);
  return { records, batches };
}

/** Requests the simulator answered from index `from` on, for one method and path. */
function requests(sim: BlingSimulator, from: number, method: string, path: string) {
  return sim.requestLog.slice(from).filter((r) => r.method === method && r.path === path);
}

const justNow = () => new Date(Date.now() - 60_000).toISOString();

describe('products', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedProducts(250);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every product over pages of 100, in the record shape flows rely on', async () => {
    const from = sim.requestLog.length;
    const { records, batches } = await readAll('products', ctx, { batchSize: 120 });
    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.key)).size).toBe(250);
    expect(batches).toBeGreaterThan(1);
    const first = [...sim.products.values()][0];
    expect(records[0]).toEqual({
      key: String(first.id),
      sku: first.codigo,
      data: expect.objectContaining({ id: first.id, codigo: first.codigo, preco: first.preco, estoque: { saldoVirtualTotal: first.estoque.saldoVirtualTotal } }),
    });
    const pages = requests(sim, from, 'GET', '/produtos').map((r) => new URLSearchParams(r.query));
    expect(pages.map((q) => q.get('pagina'))).toEqual(['1', '2', '3', '4']);
    expect(pages.every((q) => q.get('limite') === '100')).toBe(true);
  });

  it('reads only the products changed since the cursor, sending dataAlteracaoInicial in Brasília time', async () => {
    const since = justNow();
    const ids = [...sim.products.keys()].slice(10, 13);
    for (const id of ids) sim.updateProduct(id, { preco: 99.9 });
    const from = sim.requestLog.length;
    const { records } = await readAll('products', ctx, { since });
    expect(records.map((r) => r.key).sort()).toEqual(ids.map(String).sort());
    const sent = new URLSearchParams(requests(sim, from, 'GET', '/produtos')[0].query).get('dataAlteracaoInicial');
    expect(sent).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('creates a product with its SKU as codigo, gets it, replaces it with PUT and finds it by SKU', async () => {
    const writer = entity('products').write;
    const { externalId } = await writer.create(ctx, { sku: 'CAM-PRETA-M', data: { nome: 'Camiseta preta M', preco: 49.9, unidade: 'UN', gtin: '7891234567895' } });
    const created = sim.products.get(Number(externalId))!;
    expect(created).toMatchObject({ codigo: 'CAM-PRETA-M', nome: 'Camiseta preta M', preco: 49.9, tipo: 'P', situacao: 'A', formato: 'S' });

    const got = await entity('products').get(ctx, externalId);
    expect(got).toMatchObject({ key: externalId, sku: 'CAM-PRETA-M', data: { nome: 'Camiseta preta M', gtin: '7891234567895' } });

    await writer.update(ctx, externalId, { sku: 'CAM-PRETA-M', data: { nome: 'Camiseta preta M (nova)', preco: 59.9 } });
    expect(sim.products.get(Number(externalId))).toMatchObject({ nome: 'Camiseta preta M (nova)', preco: 59.9, codigo: 'CAM-PRETA-M' });
    // PUT replaces: the gtin the update did not send is gone.
    expect((await entity('products').get(ctx, externalId))!.data.gtin).toBeUndefined();

    expect(await writer.findBySku!(ctx, 'CAM-PRETA-M')).toBe(externalId);
    expect(await writer.findBySku!(ctx, 'NO-SUCH-SKU')).toBeNull();
    expect(await entity('products').get(ctx, '16999999999')).toBeNull();
  });

  it('writes variations with formato V, and an update keeps each variation (matched by código) under its id', async () => {
    const writer = entity('products').write;
    const variation = (codigo: string, atributos: string, preco: number) => ({ nome: `Tênis ${atributos}`, codigo, preco, variacao: { nome: atributos } });
    const { externalId } = await writer.create(ctx, {
      sku: 'TENIS',
      data: { nome: 'Tênis corrida', preco: 300, variacoes: [variation('TENIS-38', 'Tamanho:38', 300), variation('TENIS-40', 'Tamanho:40', 310)] },
    });
    const parent = sim.products.get(Number(externalId))!;
    expect(parent.formato).toBe('V');
    expect(parent.variacoes).toHaveLength(2);
    const [v38, v40] = parent.variacoes!.map((id) => sim.products.get(id)!);
    expect(v38).toMatchObject({ codigo: 'TENIS-38', idProdutoPai: parent.id, variacao: { nome: 'Tamanho:38', ordem: 1 } });
    expect(await writer.findBySku!(ctx, 'TENIS-40')).toBe(String(v40.id));

    await writer.update(ctx, externalId, {
      sku: 'TENIS',
      data: { nome: 'Tênis corrida', preco: 320, variacoes: [variation('TENIS-38', 'Tamanho:38', 320), variation('TENIS-42', 'Tamanho:42', 330)] },
    });
    const after = sim.products.get(Number(externalId))!;
    expect(after.variacoes![0]).toBe(v38.id);
    expect(sim.products.get(v38.id)!.preco).toBe(320);
    expect(sim.products.has(v40.id)).toBe(false);
    expect(sim.products.get(after.variacoes![1])!.codigo).toBe('TENIS-42');
  });

  it("fails the record with Bling's validation message when Bling refuses it", async () => {
    const writer = entity('products').write;
    const missingName = writer.create(ctx, { sku: 'SEM-NOME', data: { preco: 10 } });
    await expect(missingName).rejects.toBeInstanceOf(ValidationError);
    await expect(missingName).rejects.toThrow(/VALIDATION_ERROR.*nome/);
    const taken = [...sim.products.values()][0].codigo;
    await expect(writer.create(ctx, { sku: taken, data: { nome: 'Outro', preco: 1 } })).rejects.toThrow(/codigo: O código .* já está sendo utilizado/);
  });
});

describe('stock', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedProducts(250);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every balance, asking GET /estoques/saldos for at most 50 products at a time', async () => {
    const from = sim.requestLog.length;
    const { records, batches } = await readAll('stock', ctx, { batchSize: 120 });
    expect(records).toHaveLength(250);
    expect(batches).toBeGreaterThan(1);
    const p = [...sim.products.values()][7];
    expect(records.find((r) => r.key === String(p.id))).toEqual({
      key: String(p.id),
      sku: p.codigo,
      data: {
        produto: { id: p.id, codigo: p.codigo },
        saldoFisicoTotal: p.estoque.saldoVirtualTotal,
        saldoVirtualTotal: p.estoque.saldoVirtualTotal,
        depositos: [{ id: sim.defaultDepositId, saldoFisico: p.estoque.saldoVirtualTotal, saldoVirtual: p.estoque.saldoVirtualTotal }],
      },
    });
    const calls = requests(sim, from, 'GET', '/estoques/saldos').map((r) => new URLSearchParams(r.query).getAll('idsProdutos[]').length);
    expect(calls).toEqual([50, 50, 50, 50, 50]);
  });

  it('reads every balance on an incremental run too: Bling has no "changed since" for balances', async () => {
    const { records } = await readAll('stock', ctx, { since: justNow() });
    expect(records).toHaveLength(250);
  });

  it('B sets the balance, E adds to it, S subtracts from it, in the deposit chosen', async () => {
    const writer = entity('stock').write;
    const p = [...sim.products.values()][3];
    const id = String(p.id);
    await writer.update(ctx, id, { data: { quantidade: 10 } }); // B is the default
    expect(sim.balances(p.id)).toEqual([{ id: sim.defaultDepositId, saldoFisico: 10, saldoVirtual: 10 }]);
    await writer.update(ctx, id, { data: { operacao: 'E', quantidade: 5 } });
    expect(sim.products.get(p.id)!.estoque.saldoVirtualTotal).toBe(15);
    await writer.update(ctx, id, { data: { operacao: 'S', quantidade: 3 } });
    expect(sim.products.get(p.id)!.estoque.saldoVirtualTotal).toBe(12);
    await writer.update(ctx, id, { data: { operacao: 'B', quantidade: 7 } });
    expect(sim.products.get(p.id)!.estoque.saldoVirtualTotal).toBe(7);
    expect(sim.stockMovements.slice(-4).map((m) => [m.operacao, m.antes, m.depois])).toEqual([
      ['B', 3 * 7 % 50, 10],
      ['E', 10, 15],
      ['S', 15, 12],
      ['B', 12, 7],
    ]);

    // Another deposit: named in the record, or by the connection's setting.
    const loja = sim.deposits[1].id;
    await writer.update(ctx, id, { data: { operacao: 'B', quantidade: 4, deposito: { id: loja } } });
    await writer.update(open(sim, { depositoId: loja }), id, { data: { operacao: 'E', quantidade: 1 } });
    const got = await entity('stock').get(ctx, id);
    expect(got!.data).toMatchObject({
      saldoVirtualTotal: 12,
      depositos: [
        { id: sim.defaultDepositId, saldoVirtual: 7 },
        { id: loja, saldoVirtual: 5 },
      ],
    });
  });

  it('finds the product by SKU for a new stock record, and fails the record when Bling has no such SKU', async () => {
    const writer = entity('stock').write;
    const p = [...sim.products.values()][20];
    const { externalId } = await writer.create(ctx, { sku: p.codigo, data: { quantidade: 33 } });
    expect(externalId).toBe(String(p.id));
    expect(sim.products.get(p.id)!.estoque.saldoVirtualTotal).toBe(33);
    expect(await writer.findBySku!(ctx, p.codigo)).toBe(String(p.id));
    await expect(writer.create(ctx, { sku: 'NAO-EXISTE', data: { quantidade: 1 } })).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses movements Bling would refuse', async () => {
    const writer = entity('stock').write;
    const id = String([...sim.products.keys()][0]);
    await expect(writer.update(ctx, id, { data: { operacao: 'X', quantidade: 1 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(writer.update(ctx, id, { data: { operacao: 'E' } })).rejects.toThrow(/quantidade/);
    await expect(writer.update(ctx, id, { data: { quantidade: 1, deposito: { id: 1 } } })).rejects.toThrow(/deposito: O depósito informado não existe/);
    const { externalId: parent } = await entity('products').write.create(ctx, { sku: 'KIT-V', data: { nome: 'Com variações', variacoes: [{ codigo: 'KIT-V-1', variacao: { nome: 'Cor:Azul' } }] } });
    await expect(writer.update(ctx, parent, { data: { quantidade: 1 } })).rejects.toThrow(/variações/);
  });
});

describe('prices', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedProducts(250);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it("reads the products' own prices over several pages, and incrementally", async () => {
    const { records } = await readAll('prices', ctx);
    expect(records).toHaveLength(250);
    const p = [...sim.products.values()][5];
    expect(records[5]).toEqual({ key: String(p.id), sku: p.codigo, data: { id: p.id, codigo: p.codigo, nome: p.nome, preco: p.preco, precoCusto: p.precoCusto } });

    const since = justNow();
    await entity('prices').write.update(ctx, String(p.id), { sku: p.codigo, data: { preco: 12.34 } });
    const { records: changed } = await readAll('prices', ctx, { since });
    expect(changed.map((r) => r.key)).toEqual([String(p.id)]);
  });

  it("writes a product's own price with PATCH, leaving every other field as it was", async () => {
    const writer = entity('prices').write;
    const p = [...sim.products.values()][40];
    const before = { ...sim.products.get(p.id)! };
    const from = sim.requestLog.length;
    const { externalId } = await writer.create(ctx, { sku: p.codigo, data: { preco: 77.7 } });
    expect(externalId).toBe(String(p.id));
    await writer.update(ctx, externalId, { sku: p.codigo, data: { preco: 88.8 } });
    expect(sim.requestLog.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /produtos', `PATCH /produtos/${p.id}`, `PATCH /produtos/${p.id}`]);
    expect(sim.products.get(p.id)).toMatchObject({ ...before, preco: 88.8, dataAlteracao: expect.any(String) });
    expect((await entity('prices').get(ctx, externalId))!.data.preco).toBe(88.8);
    await expect(writer.update(ctx, externalId, { data: { preco: -1 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(writer.create(ctx, { sku: 'NAO-EXISTE', data: { preco: 1 } })).rejects.toBeInstanceOf(NotFound);
  });

  it('writes per-channel prices as product-store links when the connection names a loja, and reads them back', async () => {
    const loja = sim.lojas[0].id;
    const lctx = open(sim, { lojaId: loja });
    const writer = entity('prices').write;
    const list = [...sim.products.values()].slice(0, 130);
    const ids: string[] = [];
    for (const p of list) {
      expect(await writer.findBySku!(lctx, p.codigo)).toBeNull();
      ids.push((await writer.create(lctx, { sku: p.codigo, data: { preco: p.preco + 5, precoPromocional: p.preco + 1 } })).externalId);
    }
    expect(sim.productStores.size).toBe(130);
    const link = sim.productStores.get(Number(ids[0]))!;
    expect(link).toMatchObject({ codigo: list[0].codigo, preco: list[0].preco + 5, produto: { id: list[0].id }, loja: { id: loja } });
    expect(await writer.findBySku!(lctx, list[0].codigo)).toBe(ids[0]);

    await writer.update(lctx, ids[0], { sku: list[0].codigo, data: { preco: 1.5 } });
    expect(sim.productStores.get(Number(ids[0]))).toMatchObject({ preco: 1.5, precoPromocional: list[0].preco + 1, codigo: list[0].codigo });
    // A second create for a linked product updates the link instead of linking twice.
    expect((await writer.create(lctx, { sku: list[1].codigo, data: { preco: 2 } })).externalId).toBe(ids[1]);
    expect(sim.productStores.size).toBe(130);

    const { records } = await readAll('prices', lctx);
    expect(records).toHaveLength(130);
    expect(records[0]).toMatchObject({ key: ids[0], sku: list[0].codigo, data: { preco: 1.5, loja: { id: loja } } });
    // Every link was written a moment ago: age them, so the cursor sees only what changes next.
    for (const l of sim.productStores.values()) l.dataAlteracao = '2026-01-01 00:00:00';
    const since = justNow();
    await writer.update(lctx, ids[2], { data: { preco: 3 } });
    expect((await readAll('prices', lctx, { since })).records.map((r) => r.key)).toEqual([ids[2]]);
    expect((await entity('prices').get(lctx, ids[2]))!.data.preco).toBe(3);
  });
});

describe('contas a receber', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedProducts(5);
    sim.seedContacts(3);
    sim.seedOrders(12);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  const settle = (orderId: number, amount: string, extra: { retry?: boolean } = {}) =>
    bling.receivables!.settle(ctx, { orderId: String(orderId), amount, paidAt: '2026-11-20T14:03:00-03:00', paymentId: 'E1', note: 'Pix E1', ...extra });

  it("settles an order's receivable once: launched on first need, then reported as already received", async () => {
    const order = [...sim.orders.values()][0];
    const first = await settle(order.id, order.total.toFixed(2));
    expect(first.outcome).toBe('settled');
    expect(sim.receipts).toEqual([{ receivableId: Number(first.receivableId), data: '2026-11-20', valorRecebido: order.total, historico: 'Pix E1' }]);
    expect(sim.receivables.get(Number(first.receivableId))).toMatchObject({ situacao: 2, origem: { id: order.id, tipoOrigem: 'venda' } });
    // The same payment again: Bling already has it received, nothing is sent.
    expect(await settle(order.id, order.total.toFixed(2))).toEqual({ receivableId: first.receivableId, outcome: 'already' });
    expect(sim.receipts).toHaveLength(1);
  });

  it('leaves a partly received installment to a person when an earlier attempt got no answer', async () => {
    const order = [...sim.orders.values()][1];
    const half = (order.total / 2).toFixed(2);
    expect((await settle(order.id, half)).outcome).toBe('settled');
    await expect(settle(order.id, half, { retry: true })).rejects.toThrow(/check it in Bling/);
    expect(sim.receipts.filter((r) => r.valorRecebido === Number(half))).toHaveLength(1);
  });

  it('fails the record in words when the sale does not exist', async () => {
    await expect(settle(999_999, '10.00')).rejects.toThrow(ValidationError);
  });
});

describe('orders', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedProducts(50);
    sim.seedContacts(30);
    sim.seedOrders(250);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every order over pages of 100 (the list has no items), and incrementally', async () => {
    const { records, batches } = await readAll('orders', ctx);
    expect(records).toHaveLength(250);
    expect(batches).toBeGreaterThan(1);
    const o = [...sim.orders.values()][0];
    expect(records[0]).toMatchObject({ key: String(o.id), sku: o.numeroLoja, data: { id: o.id, numero: o.numero, total: o.total, situacao: o.situacao, contato: { id: o.contato.id } } });
    expect(records[0].data.itens).toBeUndefined();

    const since = justNow();
    const changed = [...sim.orders.keys()].slice(200, 202);
    for (const id of changed) sim.updateOrder(id, { observacoes: 'alterado' });
    expect((await readAll('orders', ctx, { since })).records.map((r) => r.key)).toEqual(changed.map(String));
  });

  it('reads each order with its items when the connection asks for details', async () => {
    const { records } = await readAll('orders', open(sim, { orderDetails: true }), { batchSize: 10, since: justNow() });
    expect(records.length).toBeGreaterThan(0);
    expect(records[0].data.itens).toEqual([expect.objectContaining({ quantidade: expect.any(Number), valor: expect.any(Number) })]);
  });

  it('creates an order, gets it with its items, replaces it with PUT and finds it by numeroLoja', async () => {
    const writer = entity('orders').write;
    const contact = [...sim.contacts.values()][3];
    const product = [...sim.products.values()][4];
    const data = {
      data: '2026-11-20',
      contato: { id: contact.id },
      loja: { id: sim.lojas[0].id },
      itens: [{ produto: { id: product.id }, quantidade: 2, valor: 50, descricao: product.nome }],
      parcelas: [{ dataVencimento: '2026-12-20', valor: 100, formaPagamento: { id: 1 } }],
    };
    const { externalId } = await writer.create(ctx, { sku: 'MLB-900001', data });
    const created = sim.orders.get(Number(externalId))!;
    expect(created).toMatchObject({ numeroLoja: 'MLB-900001', total: 100, situacao: { id: 6 }, contato: { id: contact.id } });

    const got = await entity('orders').get(ctx, externalId);
    expect(got).toMatchObject({ key: externalId, sku: 'MLB-900001', data: { itens: [{ codigo: product.codigo, quantidade: 2, valor: 50 }], contato: { nome: contact.nome } } });

    await writer.update(ctx, externalId, { sku: 'MLB-900001', data: { ...data, itens: [{ ...data.itens[0], quantidade: 3 }], parcelas: [{ ...data.parcelas[0], valor: 150 }] } });
    expect(sim.orders.get(Number(externalId))).toMatchObject({ total: 150, numeroLoja: 'MLB-900001', situacao: { id: 6 } });
    expect(await writer.findBySku!(ctx, 'MLB-900001')).toBe(externalId);
    expect(await writer.findBySku!(ctx, 'MLB-000000')).toBeNull();
    expect(await entity('orders').get(ctx, '1')).toBeNull();

    // Bling refuses an order whose installments do not add up, or for a contact it does not know.
    await expect(writer.create(ctx, { sku: 'MLB-900002', data: { ...data, parcelas: [{ ...data.parcelas[0], valor: 1 }] } })).rejects.toThrow(/parcelas/);
    await expect(writer.create(ctx, { sku: 'MLB-900003', data: { ...data, contato: { id: 42 } } })).rejects.toThrow(/contato: O contato 42 não existe/);
  });

  it('changes the status with PATCH …/situacoes/{idSituacao} only, never with PUT', async () => {
    const writer = entity('orders').write;
    const id = String([...sim.orders.keys()][10]);
    const from = sim.requestLog.length;
    await writer.update(ctx, id, { data: { situacao: { id: 9 } } });
    expect(sim.requestLog.slice(from).map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /pedidos/vendas/${id}/situacoes/9`]);
    expect(sim.orders.get(Number(id))!.situacao).toEqual({ id: 9, valor: 1 });
    await writer.update(ctx, id, { data: { situacao: 12 } });
    expect(sim.orders.get(Number(id))!.situacao.id).toBe(12);
    await expect(writer.update(ctx, id, { data: { situacao: 999 } })).rejects.toThrow(/situação 999 não existe/);

    // A new order asked for in another status is created "Em aberto", then moved.
    const o = [...sim.orders.values()][0];
    const { externalId } = await writer.create(ctx, { sku: 'MLB-CANCEL', data: { contato: o.contato, itens: [{ descricao: 'Avulso', quantidade: 1, valor: 10 }], situacao: { id: 15 } } });
    expect(sim.orders.get(Number(externalId))!.situacao.id).toBe(15);
  });
});

describe('customers', () => {
  let sim: BlingSimulator;
  let ctx: ConnectionContext;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
    sim.seedContacts(250);
    ctx = open(sim);
  });
  afterAll(() => sim?.close());

  it('reads every contact over pages of 100, with the CPF/CNPJ as SKU, and incrementally', async () => {
    const { records, batches } = await readAll('customers', ctx);
    expect(records).toHaveLength(250);
    expect(batches).toBeGreaterThan(1);
    const c = [...sim.contacts.values()][0];
    expect(records[0]).toEqual({ key: String(c.id), sku: c.numeroDocumento, data: { id: c.id, nome: c.nome, codigo: c.codigo, situacao: 'A', numeroDocumento: c.numeroDocumento, telefone: c.telefone, celular: '' } });
    const since = justNow();
    const id = [...sim.contacts.keys()][99];
    sim.updateContact(id, { telefone: '(11) 99999-0000' });
    expect((await readAll('customers', ctx, { since })).records.map((r) => r.key)).toEqual([String(id)]);
  });

  it('creates a contact under its CPF/CNPJ, gets it, replaces it and finds it by document', async () => {
    const writer = entity('customers').write;
    const cpf = cpfAt(900_001);
    const { externalId } = await writer.create(ctx, { sku: cpf, data: { nome: 'Maria Souza', email: 'maria@example.com.br', endereco: { geral: { municipio: 'Recife', uf: 'PE' } } } });
    expect(sim.contacts.get(Number(externalId))).toMatchObject({ nome: 'Maria Souza', tipo: 'F', numeroDocumento: cpf, situacao: 'A' });
    expect(await entity('customers').get(ctx, externalId)).toMatchObject({ key: externalId, sku: cpf, data: { endereco: { geral: { uf: 'PE' } } } });
    await writer.update(ctx, externalId, { sku: cpf, data: { nome: 'Maria S. Souza', email: 'maria@example.com.br' } });
    expect(sim.contacts.get(Number(externalId))!.nome).toBe('Maria S. Souza');
    expect(await writer.findBySku!(ctx, `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`)).toBe(externalId);

    const cnpj = cnpjAt(7);
    const { externalId: company } = await writer.create(ctx, { sku: cnpj, data: { nome: 'Loja Exemplo Ltda' } });
    expect(sim.contacts.get(Number(company))!.tipo).toBe('J');
    await expect(writer.create(ctx, { sku: '12345678900', data: { nome: 'CPF errado' } })).rejects.toThrow(/numeroDocumento: O CPF informado é inválido/);
    expect(await entity('customers').get(ctx, '5')).toBeNull();
  });
});

describe('webhooks', () => {
  let sim: BlingSimulator;
  beforeAll(async () => {
    sim = await startBlingSimulator({ requestsPerSecond: 0 });
  });
  afterAll(() => sim?.close());

  const incoming = (d: { rawBody: string; headers: Record<string, string> }): IncomingWebhook => ({ rawBody: d.rawBody, headers: d.headers, query: {} });

  it('accepts a delivery signed with the client secret and turns it into an event with its eventId', () => {
    const delivery = sim.webhook('order.created', { id: 22_000_000_123, numero: 5, total: 10, situacao: { id: 6, valor: 0 } });
    const req = incoming(delivery);
    expect(blingWebhooks.verify(req, { clientSecret: sim.credentials.clientSecret }, {})).toBe('valid');
    expect(bling.webhooks.parse(req)).toEqual([{ eventId: delivery.envelope.eventId, topic: 'order.created', entity: 'orders', action: 'created', resourceId: '22000000123' }]);
    const stockEvent = sim.webhook('stock.updated', { produto: { id: 16_000_000_001 }, deposito: { id: sim.defaultDepositId, saldoFisico: 3, saldoVirtual: 3 } });
    expect(blingWebhooks.parse(incoming(stockEvent))).toMatchObject([{ entity: 'stock', action: 'updated', resourceId: '16000000001' }]);
  });

  it('rejects a delivery with a bad, missing or unprefixed signature, or a tampered body', () => {
    const delivery = sim.webhook('product.updated', { id: 1, nome: 'x' });
    const secret = { clientSecret: sim.credentials.clientSecret };
    expect(blingWebhooks.verify({ ...incoming(delivery), rawBody: delivery.rawBody.replace('"x"', '"y"') }, secret, {})).toBe('invalid');
    expect(blingWebhooks.verify(incoming(delivery), { clientSecret: 'another-secret' }, {})).toBe('invalid');
    expect(blingWebhooks.verify({ ...incoming(delivery), headers: { 'content-type': 'application/json' } }, secret, {})).toBe('invalid');
    const bare = delivery.headers['x-bling-signature-256'].slice('sha256='.length);
    expect(blingWebhooks.verify({ ...incoming(delivery), headers: { 'x-bling-signature-256': bare } }, secret, {})).toBe('invalid');
    expect(blingWebhooks.verify(incoming(delivery), {}, {})).toBe('invalid');
  });

  it('signs what the API changes as Bling would notify it, and the events point to records get can fetch', async () => {
    const ctx = open(sim);
    const { externalId } = await entity('products').write.create(ctx, { sku: 'WH-1', data: { nome: 'Produto notificado', preco: 5 } });
    await entity('stock').write.update(ctx, externalId, { data: { operacao: 'E', quantidade: 2 } });
    const events = sim.webhookOutbox.map((d) => {
      expect(blingWebhooks.verify(incoming(d), { clientSecret: sim.credentials.clientSecret }, {})).toBe('valid');
      return blingWebhooks.parse(incoming(d))[0];
    });
    expect(events.map((e) => `${e.topic} ${e.resourceId}`)).toEqual([`product.created ${externalId}`, `stock.updated ${externalId}`]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
    expect((await entity('stock').get(ctx, events[1].resourceId))!.data.saldoVirtualTotal).toBe(2);
  });
});

describe('flows through Ponte', () => {
  let h: Harness;
  const sims: BlingSimulator[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  async function account(products: number, requestsPerSecond = 0) {
    const sim = await startBlingSimulator({ requestsPerSecond });
    sims.push(sim);
    sim.seedProducts(products);
    return sim;
  }
  const connection = (sim: BlingSimulator, rateLimit: Record<string, number> = { requestsPerSecond: 0 }) => ({
    name: 'Bling',
    provider: 'bling',
    baseUrl: `${sim.url}/Api/v3`,
    credentials: { accessToken: sim.credentials.accessToken },
    settings: { rateLimit },
  });
  const fields = { nome: 'nome', preco: 'preco', tipo: 'tipo', situacao: 'situacao', formato: 'formato', unidade: 'unidade', descricaoCurta: 'descricaoCurta' };

  /** Every source product is in the target exactly once (códigos are unique there), with its price. */
  function expectCopied(source: BlingSimulator, target: BlingSimulator) {
    expect(target.products.size).toBe(source.products.size);
    const byCode = new Map([...target.products.values()].map((p) => [p.codigo, p]));
    for (const p of source.products.values()) expect(byCode.get(p.codigo), p.codigo).toMatchObject({ nome: p.nome, preco: p.preco });
    expect(target.stats.writes['POST /produtos']).toBe(source.products.size);
  }

  it('moves 5,000 products from one Bling account to another, each created once', async () => {
    const source = await account(5000);
    const target = await account(0);
    const { flowId } = await setUpFlow(h, {
      source: { connection: connection(source), entity: 'products', batchSize: 1000 },
      target: { connection: connection(target), entity: 'products', matchBy: 'sku' },
      fields,
    });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: 5000, created: 5000, updated: 0, skipped: 0, failed: 0, conflict: 0 });
    expectCopied(source, target);
  });

  it('slows down through a burst of 429s without losing or repeating a record', async () => {
    const source = await account(1000);
    const target = await account(0);
    const { flowId } = await setUpFlow(h, {
      source: { connection: connection(source), entity: 'products', batchSize: 250 },
      target: { connection: connection(target), entity: 'products', matchBy: 'sku' },
      fields,
    });
    source.faults.throttleNext(2);
    target.faults.throttleNext(40);
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ processed: 1000, created: 1000, failed: 0, conflict: 0 });
    expect(source.faults.throttled + target.faults.throttled).toBe(42);
    console.log(`[bling] 429s sent by the simulators during the burst: ${source.faults.throttled + target.faults.throttled} (source ${source.faults.throttled}, target ${target.faults.throttled})`);
    expectCopied(source, target);
  });

  it("paced at 2.85 requests/s, a flow never meets the 3 requests/s window's 429", async () => {
    const source = await account(1000, 3);
    const target = await account(0);
    const { flowId } = await setUpFlow(h, {
      source: { connection: connection(source, { requestsPerSecond: 2.85, burst: 1 }), entity: 'products', batchSize: 500 },
      target: { connection: connection(target), entity: 'products', matchBy: 'sku' },
      fields,
    });
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toMatchObject({ created: 1000, failed: 0 });
    expect(source.stats.requests).toBeGreaterThanOrEqual(11);
    expect(source.stats.overLimit).toBe(0);
    console.log(`[bling] paced source: ${source.stats.requests} requests, ${source.stats.overLimit} answered 429 by the 3 req/s window`);
    expectCopied(source, target);
  });
});
