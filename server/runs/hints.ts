/**
 * A stored hint code read back as text in both languages the UI speaks. Outcome rows and
 * refusals keep `hint` in English (logs, exports, tickets) and the code; screens and Portuguese
 * messages show the text of the reader's language. Codes: an error kind (connectors/http/errors.ts),
 * `sefaz.<cStat>`, `sefaz.rejected`, `sefaz.other`, `nfe.field`, `nfe.order` (connectors/sefaz/hints.ts).
 */
import { ERROR_HINTS, type HintText } from '../../connectors/http/errors';
import { CSTAT_HINTS, NFE_DATA_HINTS, SEFAZ_FALLBACK_HINTS } from '../../connectors/sefaz/hints';

export type { HintText };

const SCOPED: Record<string, Array<Record<string, HintText>>> = {
  sefaz: [CSTAT_HINTS, SEFAZ_FALLBACK_HINTS],
  nfe: [NFE_DATA_HINTS],
};

/** The text of a hint code, or null when the code is unknown (an older row, a code since retired). */
export function hintText(code: string | null | undefined): HintText | null {
  if (!code) return null;
  if (Object.hasOwn(ERROR_HINTS, code)) return ERROR_HINTS[code as keyof typeof ERROR_HINTS];
  const dot = code.indexOf('.');
  const [scope, key] = [code.slice(0, dot), code.slice(dot + 1)];
  const tables = dot > 0 && Object.hasOwn(SCOPED, scope) ? SCOPED[scope] : [];
  return tables.find((t) => Object.hasOwn(t, key))?.[key] ?? null;
}

/** A row with a hint code, as the API returns it: plus `hintText` when the code is known. */
export function withHintText<T extends { hintCode?: string | null }>(row: T): T & { hintText?: HintText } {
  const text = hintText(row.hintCode);
  return text ? { ...row, hintText: text } : row;
}
