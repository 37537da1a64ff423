import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlingSimulator, startBlingSimulator } from '../bling/simulator';
import { PacerRegistry } from '../http/pacing';
import { openConnection } from '../runtime';
import type { SyncRecord } from '../types';
import { runFlow, setUpFlow } from '../../test/support/fixtures';
import { type Harness, startHarness } from '../../test/support/harness';
import { postgres } from './index';
import { closePools } from './pool';
import { createLegacyErpDatabase, type LegacyErpDatabase } from './simulator';

const COUNT = 5000;

describe.skipIf(!process.env.DATABASE_URL)('a flow from Bling into a legacy ERP table on PostgreSQL (needs DATABASE_URL; the CI PostgreSQL leg runs it)', () => {
  let h: Harness;
  let bling: BlingSimulator;
  let erp: LegacyErpDatabase;
  let flowId: string;
  const settings = { entities: { products: { table: 'produtos', keyColumn: 'id', updatedAtColumn: 'atualizado_em', skuColumn: 'codigo', columns: { nome: 'descricao', preco: 'preco', estoque: 'estoque' } } } };

  beforeAll(async () => {
    h = await startHarness();
    bling = await startBlingSimulator({ requestsPerSecond: 0 });
    bling.seedProducts(COUNT);
    erp = await createLegacyErpDatabase(process.env.DATABASE_URL!);
    ({ flowId } = await setUpFlow(h, {
      source: {
        connection: { name: 'Bling', provider: 'bling', baseUrl: `${bling.url}/Api/v3`, credentials: { accessToken: bling.credentials.accessToken }, settings: { rateLimit: { requestsPerSecond: 0 } } },
        entity: 'products',
        batchSize: 1000,
      },
      target: { connection: { name: 'ERP legado', provider: 'postgres', credentials: { connectionString: erp.url }, settings }, entity: 'products' },
      fields: { nome: 'nome', preco: 'preco', estoque: '$floor(estoque.saldoVirtualTotal)' },
    }));
  });
  afterAll(async () => {
    await h?.close();
    await bling?.close();
    await closePools();
    await erp?.close();
  });

  it(`moves ${COUNT} products into the legacy table once, and the connector reads them all back`, async () => {
    const run = await runFlow(h, flowId);
    expect(run.status).toBe('success');
    expect(run.counters).toEqual({ processed: COUNT, created: COUNT, updated: 0, skipped: 0, failed: 0, conflict: 0 });

    const [{ n, distinct }] = await erp.sql`select count(*)::int as n, count(distinct codigo)::int as distinct from produtos`;
    expect([n, distinct]).toEqual([COUNT, COUNT]);

    // Read back through the connector, the way a flow out of the ERP would.
    const ctx = openConnection({ id: 'read-back', provider: 'postgres', baseUrl: null, credentials: { connectionString: erp.url }, settings }, new PacerRegistry()).ctx;
    const records: SyncRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await postgres.entities.products!.read!.read(ctx, { cursor, since: null, batchSize: 1000 });
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    expect(records).toHaveLength(COUNT);
    const bySku = new Map(records.map((r) => [r.sku, r]));
    for (const p of bling.products.values()) {
      expect(bySku.get(p.codigo)?.data, p.codigo).toEqual({ nome: p.nome, preco: p.preco, estoque: Math.floor(p.estoque.saldoVirtualTotal) });
    }
  });

  it('updates only the rows whose product changed in Bling, by key', async () => {
    const [first, second] = [...bling.products.keys()];
    bling.updateProduct(first, { preco: 1234.5 });
    bling.updateProduct(second, { nome: 'Produto renomeado' });
    const run = await runFlow(h, flowId);
    expect(run.counters).toMatchObject({ processed: COUNT, created: 0, updated: 2, skipped: COUNT - 2, failed: 0 });
    const rows = await erp.sql`select codigo, descricao, preco::float as preco from produtos where codigo in (${bling.products.get(first)!.codigo}, ${bling.products.get(second)!.codigo}) order by codigo`;
    expect(rows).toEqual([
      { codigo: bling.products.get(first)!.codigo, descricao: 'Produto 0', preco: 1234.5 },
      { codigo: bling.products.get(second)!.codigo, descricao: 'Produto renomeado', preco: bling.products.get(second)!.preco },
    ]);
    expect(await erp.sql`select count(*)::int as n from produtos`).toEqual([{ n: COUNT }]);
  });
});
