import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValueMapMissing, messageOfError } from '../../connectors/http/errors';
import { type MessageParams, textOf } from '../../connectors/localized';
import { APPROVE_MESSAGES } from '../../nodes/approve/messages';
import { CHARGE_MESSAGES } from '../../nodes/charge/messages';
import { UPSERT_MESSAGES } from '../../nodes/upsert/messages';
import { BINDING_MESSAGES } from '../bindings/messages';
import { ValueMaps } from '../value-maps/lookup';
import { MESSAGE_CATALOGUES, messageText, withMessageText } from './messages';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Parameters that answer every name an entry asks for: a sample text, or null. */
const anyParams = (value: (name: string) => string | null) => new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? value(name) : undefined) }) as MessageParams;

/** Every messages.ts under nodes/ and server/: where record message catalogues live (and the lookup, this file's subject). */
function catalogueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return catalogueFiles(path);
    return e.name === 'messages.ts' ? [path] : [];
  });
}

describe('record messages', () => {
  it('has every message in English and in Portuguese, with any parameters', () => {
    const codes = new Set<string>();
    for (const catalogue of MESSAGE_CATALOGUES) {
      for (const [key, template] of Object.entries(catalogue.texts)) {
        const code = `${catalogue.scope}.${key}`;
        expect(codes.has(code), code).toBe(false);
        codes.add(code);
        for (const params of [anyParams((name) => `‹${name}›`), anyParams(() => null)]) {
          const text = textOf(template, params);
          expect(text.en.trim(), code).not.toBe('');
          expect(text['pt-BR'].trim(), code).not.toBe('');
          expect(text['pt-BR'], code).not.toBe(text.en);
        }
      }
    }
    expect(codes.size).toBeGreaterThan(30);
  });

  it('reads back every catalogue in the tree, so no code is stored that the API cannot show', async () => {
    const listed = new Set(MESSAGE_CATALOGUES);
    const lookup = fileURLToPath(new URL('./messages.ts', import.meta.url));
    const files = [...catalogueFiles(join(ROOT, 'nodes')), ...catalogueFiles(join(ROOT, 'server'))].filter((f) => f !== lookup);
    expect(files.length).toBe(MESSAGE_CATALOGUES.length);
    for (const file of files) {
      const exported = Object.values(await import(file)).filter((v) => v && typeof v === 'object' && 'scope' in v && 'texts' in v);
      expect(exported.length, relative(ROOT, file)).toBeGreaterThan(0);
      for (const catalogue of exported) expect(listed.has(catalogue as never), relative(ROOT, file)).toBe(true);
    }
  });

  it('keeps the English message as it was, and rebuilds it in both languages from the stored code and parameters', () => {
    const said = UPSERT_MESSAGES.of('bothChanged', { fields: 'price, title' });
    expect(said).toEqual({
      message: 'Changed on both sides since the last sync (price, title): nothing was overwritten. Choose ERP wins, channel wins or merge in Mapeamentos',
      messageCode: 'upsert.bothChanged',
      messageParams: { fields: 'price, title' },
    });
    // As the database gives it back (jsonb).
    const stored = JSON.parse(JSON.stringify(said));
    expect(messageText(stored.messageCode, stored.messageParams)).toEqual({
      en: said.message,
      'pt-BR': 'Alterado nos dois lados desde a última sincronização (price, title): nada foi sobrescrito. Escolha "ERP vence", "Canal vence" ou "Mesclar campo a campo" em Mapeamentos',
    });
  });

  it('writes amounts in reais and moments in São Paulo time for the Portuguese reader', () => {
    const charge = CHARGE_MESSAGES.of('createdBefore', { reference: 'PED-1', status: 'pending', amount: '1234.5', newAmount: '99.90' });
    expect(charge.message).toBe('Charge PED-1 was created before (pending, 1234.5); the order now totals 99.90: cancel that charge at the provider and reprocess to charge the new amount');
    expect(messageText(charge.messageCode, charge.messageParams)?.['pt-BR']).toBe(
      'A cobrança PED-1 já tinha sido criada (pendente, R$\u00a01.234,50); o pedido agora soma R$\u00a099,90: cancele essa cobrança no provedor e reprocesse para cobrar o novo valor',
    );
    const echo = BINDING_MESSAGES.of('echo', { at: '2026-11-24T11:33:00.000Z' });
    expect(echo.message).toBe('Unchanged since Ponte wrote it (2026-11-24T11:33:00.000Z): not sent back');
    expect(messageText(echo.messageCode, echo.messageParams)?.['pt-BR']).toBe('Sem mudança desde que a Ponte o gravou em 24/11/2026, 08:33: não foi enviado de volta');
    const rejected = APPROVE_MESSAGES.of('rejected', { by: 'Ana', at: '2026-11-24T11:33:00.000Z', reason: 'cliente desistiu' });
    expect(rejected.message).toBe('Rejected by Ana on 24/11/2026, 08:33: cliente desistiu; nothing was written');
    expect(messageText(rejected.messageCode, rejected.messageParams)?.['pt-BR']).toBe('Rejeitado por Ana em 24/11/2026, 08:33: cliente desistiu; nada foi gravado');
  });

  it('carries the code of a message Ponte wrote on the error that fails the record', () => {
    const maps = new ValueMaps([{ id: 'conn_1', name: 'Bling loja', maps: new Map([['carrier', { name: 'carrier', defaultValue: null, entries: new Map() }]]) }]);
    let thrown: unknown;
    try {
      maps.translate('carrier', 'Jadlog');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValueMapMissing);
    const said = messageOfError(thrown as Error);
    expect(said).toEqual({
      message: 'De-para "carrier" (connection Bling loja) has no entry for "Jadlog" and no default: add it, then reprocess',
      messageCode: 'depara.noEntry',
      messageParams: { map: 'carrier', connection: 'Bling loja', value: 'Jadlog' },
    });
    expect(messageText(said.messageCode, said.messageParams)?.['pt-BR']).toBe('O de-para "carrier" (conexão Bling loja) não tem entrada para "Jadlog" nem valor padrão: adicione a entrada e depois reprocesse');
    // A provider's words have no code.
    expect(messageOfError(new ValueMapMissing('GET /x answered 422'))).toEqual({ message: 'GET /x answered 422' });
  });

  it('knows nothing of an unknown code, and leaves its row as it is', () => {
    for (const code of [null, undefined, '', 'Nope', 'upsert.', 'upsert.nope', '.bothChanged', 'upsert.toString', 'constructor.x', 'toString.x']) expect(messageText(code, {}), String(code)).toBeNull();
    const row = { message: 'GET /x answered 422', messageCode: null, messageParams: null };
    expect(withMessageText(row)).toBe(row);
    expect(withMessageText({ messageCode: 'transform.filteredOut', messageParams: { node: 'only-open' } }).messageText).toEqual({
      en: 'Filtered out by only-open',
      'pt-BR': 'Não passou no filtro do bloco "only-open"',
    });
  });
});
