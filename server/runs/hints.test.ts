import { describe, expect, it } from 'vitest';
import { ERROR_HINTS, hintFor, hintOf } from '../../connectors/http/errors';
import { CSTAT_HINTS, NFE_DATA_HINTS, SEFAZ_FALLBACK_HINTS } from '../../connectors/sefaz/hints';
import { cstatHint, cstatHintOf } from '../../connectors/sefaz/protocol';
import { hintText, withHintText } from './hints';

describe('hints', () => {
  it('has every hint in English and in Portuguese', () => {
    const all = { ...ERROR_HINTS, ...CSTAT_HINTS, ...SEFAZ_FALLBACK_HINTS, ...NFE_DATA_HINTS };
    for (const [code, text] of Object.entries(all)) {
      expect(text.en.trim(), code).not.toBe('');
      expect(text['pt-BR'].trim(), code).not.toBe('');
      expect(text['pt-BR'], code).not.toBe(text.en);
    }
  });

  it('keeps English in `hint` and reads the code back in both languages', () => {
    expect(hintOf('AuthError')).toEqual({ hint: hintFor('AuthError'), hintCode: 'AuthError' });
    expect(hintText('TransformError')).toEqual({ en: 'Fix the expression of this node, then reprocess.', 'pt-BR': 'Corrija a expressão deste bloco e reprocesse.' });
    expect(cstatHintOf('501')).toEqual({ hint: cstatHint('501'), hintCode: 'sefaz.501' });
    expect(hintText('sefaz.501')?.['pt-BR']).toMatch(/^O prazo de cancelamento passou/);
    expect(hintText('nfe.field')).toBe(NFE_DATA_HINTS.field);
  });

  it('gives a rejection with no entry of its own the fixed hint, with a code of its own', () => {
    // 779 (NCM de informação obrigatória) is a rejection the table has no entry for.
    expect(cstatHintOf('779')).toEqual({ hint: SEFAZ_FALLBACK_HINTS.rejected.en, hintCode: 'sefaz.rejected' });
    expect(hintText('sefaz.rejected')).toBe(SEFAZ_FALLBACK_HINTS.rejected);
    expect(hintText('sefaz.other')).toBe(SEFAZ_FALLBACK_HINTS.other);
  });

  it('knows nothing of an unknown code, and leaves its row as it is', () => {
    for (const code of [null, undefined, '', 'Nope', 'sefaz.', 'sefaz.000', 'nfe.toString', 'constructor', 'toString.x', '.AuthError']) expect(hintText(code), String(code)).toBeNull();
    const row = { hint: 'Old English hint', hintCode: null };
    expect(withHintText(row)).toBe(row);
    expect(withHintText({ hintCode: 'Conflict' }).hintText).toBe(ERROR_HINTS.Conflict);
  });
});
