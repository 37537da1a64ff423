import { describe, expect, it } from 'vitest';
import { ValueMapMissing } from '../../connectors/http/errors';
import type { SyncRecord } from '../../connectors/types';
import { mapExecutor } from '../../nodes/map/execute';
import { transformExecutor } from '../../nodes/transform/execute';
import { type LoadedConnection, ValueMaps } from './lookup';

const connection = (id: string, name: string, maps: Record<string, { defaultValue?: string; entries: Record<string, string> }>): LoadedConnection => ({
  id,
  name,
  maps: new Map(Object.entries(maps).map(([mapName, m]) => [mapName, { name: mapName, defaultValue: m.defaultValue ?? null, entries: new Map(Object.entries(m.entries)) }])),
});

const target = connection('bling', 'Bling loja', {
  carrier: { entries: { 'Correios / SEDEX 10': 'ECT', '10': 'dez' } },
  unit: { defaultValue: 'UN', entries: { Caixa: 'CX' } },
});
const source = connection('ml', 'Mercado Livre', {
  carrier: { entries: { Jadlog: 'never used: the target owns "carrier"' } },
  payment_method: { entries: { pix: 'PIX' } },
});
const maps = new ValueMaps([target, source]);
const record = (data: Record<string, unknown>): SyncRecord => ({ key: '1', data });

describe('de-para lookup', () => {
  it('translates through the first connection that has the map, trimmed and case-sensitive', () => {
    expect(maps.translate('carrier', 'Correios / SEDEX 10')).toBe('ECT');
    expect(maps.translate('carrier', '  Correios / SEDEX 10 ')).toBe('ECT');
    expect(maps.translate('carrier', 10)).toBe('dez');
    expect(maps.translate('payment_method', 'pix')).toBe('PIX');
    expect(() => maps.translate('carrier', 'correios / sedex 10')).toThrow(ValueMapMissing);
  });

  it('gives nothing for nothing, the default for an unmapped value, and fails without one', () => {
    expect(maps.translate('carrier', null)).toBeUndefined();
    expect(maps.translate('carrier', undefined)).toBeUndefined();
    expect(maps.translate('carrier', '  ')).toBeUndefined();
    expect(maps.translate('unit', 'Pacote')).toBe('UN');
    // The source's "carrier" has Jadlog, but the target's map is the one that counts: entries never merge.
    expect(() => maps.translate('carrier', 'Jadlog')).toThrow('De-para "carrier" (connection Bling loja) has no entry for "Jadlog" and no default: add it, then reprocess');
    expect(() => maps.translate('order_status', 'paid')).toThrow('De-para "order_status" does not exist on connection Bling loja or Mercado Livre: create it with an entry for "paid", then reprocess');
    expect(() => maps.translate('carrier', { nome: 'x' })).toThrow(TypeError);
  });

  it('is $depara in map and transform expressions, one record at a time', async () => {
    const map = mapExecutor.compile({ fields: { carrier: "$depara('carrier', transportadora)", units: "$depara('unit', itens.unidade)", note: "$depara('carrier', nada)" } }, { valueMaps: maps });
    expect(await map(record({ transportadora: 'Correios / SEDEX 10', itens: [{ unidade: 'Caixa' }, { unidade: 'Kg' }] }))).toEqual({ key: '1', data: { carrier: 'ECT', units: ['CX', 'UN'] } });
    await expect(map(record({ transportadora: 'Loggi' }))).rejects.toBeInstanceOf(ValueMapMissing);

    const transform = transformExecutor.compile({ mode: 'expression', expression: "{ 'pagamento': $depara('payment_method', forma) }" }, { valueMaps: maps });
    expect(await transform(record({ forma: 'pix' }))).toEqual({ key: '1', data: { pagamento: 'PIX' } });
    const filter = transformExecutor.compile({ mode: 'filter', expression: "$depara('payment_method', forma) = 'PIX'" }, { valueMaps: maps });
    await expect(filter(record({ forma: 'boleto' }))).rejects.toThrow('has no entry for "boleto"');
  });
});
