/**
 * The boleto's due-date factor ("fator de vencimento", barcode positions 6–9): the number of days
 * from the base date 1997-10-07 to the due date (BACEN Carta-Circular 2.926/2000; FEBRABAN,
 * "Manual Operacional do Fator de Vencimento da Cobrança Bancária"): 1000 = 2000-07-03,
 * 9999 = 2025-02-21. Four digits ran out on 2025-02-22, so FEBRABAN restarted the count at 1000
 * on that day (1001 = 2025-02-23, …) instead of widening the field. With the same rule the second
 * cycle ends at 9999 = 2049-10-13 and 1000 comes back on 2049-10-14: a factor names one date every
 * 9000 days (about 24.6 years). Factor 0000 means "no due date".
 *
 * Date → factor is exact. Factor → date is ambiguous by nature; we take the candidate nearest to a
 * reference date (default: today in São Paulo), the rule FEBRABAN's cycle implies for boletos
 * being paid around their due date. It is right whenever the real due date lies less than 4500
 * days (about 12.3 years) from the reference; reading older or farther boletos needs a reference
 * near their date (their issue date, say). A reference exactly halfway takes the later date.
 *
 * Dates are calendar dates as 'YYYY-MM-DD' strings (a due date has no time zone); arithmetic is in UTC.
 */
import { PaymentDataError } from '../errors';

const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(1997, 9, 7);
/** Factors run 1000..9999 and then start again at 1000. */
export const FACTOR_CYCLE_DAYS = 9000;
/** 2000-07-03: factor 1000, the first representable due date. */
export const FIRST_DUE_DATE = '2000-07-03';

/** The factor of a due date ('YYYY-MM-DD'); null (no due date) gives 0. */
export function dueDateFactor(dueDate: string | null, field = 'dueDate'): number {
  if (dueDate === null) return 0;
  const days = daysFromBase(dueDate, field);
  if (days < 1000) throw new PaymentDataError(field, `${field} ${dueDate} is before ${FIRST_DUE_DATE}, the first date a due-date factor can represent`);
  return ((days - 1000) % FACTOR_CYCLE_DAYS) + 1000;
}

/**
 * The due date a factor stands for: of the dates with that factor (one per 9000-day cycle), the
 * one nearest to `referenceDate`. Factor 0 gives null (no due date).
 */
export function dueDateFromFactor(factor: number, referenceDate: string = todayInSaoPaulo(), field = 'dueDateFactor'): string | null {
  if (!Number.isInteger(factor) || factor < 0 || factor > 9999) throw new PaymentDataError(field, `${field} is a number from 0000 to 9999, got ${factor}`);
  if (factor === 0) return null;
  if (factor < 1000) throw new PaymentDataError(field, `${field} ${String(factor).padStart(4, '0')} is not a due date: factors start at 1000 (0000 means none)`);
  const reference = daysFromBase(referenceDate, 'referenceDate');
  // Candidates are factor + 9000k days after the base date (k ≥ 0).
  const k = Math.max(0, Math.round((reference - factor) / FACTOR_CYCLE_DAYS));
  let best = factor + k * FACTOR_CYCLE_DAYS;
  for (const candidate of [best - FACTOR_CYCLE_DAYS, best + FACTOR_CYCLE_DAYS]) {
    if (candidate < factor) continue;
    const distance = Math.abs(candidate - reference);
    const bestDistance = Math.abs(best - reference);
    if (distance < bestDistance || (distance === bestDistance && candidate > best)) best = candidate;
  }
  return isoDate(BASE_MS + best * DAY_MS);
}

/** Today's date in Brazil's official time (America/Sao_Paulo), as 'YYYY-MM-DD'. */
export function todayInSaoPaulo(now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function daysFromBase(date: string, field: string): number {
  const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!match) throw new PaymentDataError(field, `${field} is a date written YYYY-MM-DD, got "${String(date)}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  if (isoDate(ms) !== date) throw new PaymentDataError(field, `${field} ${date} is not a calendar date`);
  return Math.round((ms - BASE_MS) / DAY_MS);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
