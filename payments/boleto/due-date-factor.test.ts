import { describe, expect, it } from 'vitest';
import { PaymentDataError } from '../errors';
import { dueDateFactor, dueDateFromFactor, todayInSaoPaulo } from './due-date-factor';

/**
 * FEBRABAN, "Manual Operacional do Fator de Vencimento da Cobrança Bancária", versão 01
 * (01.06.2012), examples table: 1000 = 03/07/2000 (start), 1001 = 04/07/2000, 5316 = 27/04/2012,
 * 9998 = 20/02/2025, 9999 = 21/02/2025 (limit).
 */
const FEBRABAN_TABLE: Array<[number, string]> = [
  [1000, '2000-07-03'],
  [1001, '2000-07-04'],
  [5316, '2012-04-27'],
  [9998, '2025-02-20'],
  [9999, '2025-02-21'],
];

/**
 * FEBRABAN's restart, as announced in February 2025 (e.g. Convergência Digital / carmonatec.com.br,
 * 2025-02-07; blog.sarks.com.br, 2025-02-24): from 2025-02-22 the factor starts again at 1000
 * and goes up one a day.
 */
const AFTER_WRAP: Array<[number, string]> = [
  [1000, '2025-02-22'],
  [1001, '2025-02-23'],
];

function errorOf(fn: () => unknown): PaymentDataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentDataError);
    return error as PaymentDataError;
  }
  throw new Error('expected a PaymentDataError, nothing was thrown');
}

describe('dueDateFactor', () => {
  it.each(FEBRABAN_TABLE)("gives FEBRABAN's factor %i for %s", (factor, date) => {
    expect(dueDateFactor(date)).toBe(factor);
  });

  it.each(AFTER_WRAP)('gives %i for %s, after the 2025 restart', (factor, date) => {
    expect(dueDateFactor(date)).toBe(factor);
  });

  it('ends the second cycle at 9999 = 2049-10-13 and restarts at 1000 the day after, by the same rule', () => {
    expect(dueDateFactor('2049-10-13')).toBe(9999);
    expect(dueDateFactor('2049-10-14')).toBe(1000);
  });

  it('gives 0 for a boleto without due date and refuses dates the factor cannot hold', () => {
    expect(dueDateFactor(null)).toBe(0);
    expect(errorOf(() => dueDateFactor('2000-07-02')).message).toMatch(/before 2000-07-03/);
    expect(errorOf(() => dueDateFactor('2025-02-29')).message).toMatch(/not a calendar date/);
    expect(errorOf(() => dueDateFactor('22/02/2025')).message).toMatch(/YYYY-MM-DD/);
  });
});

describe('dueDateFromFactor', () => {
  it.each(FEBRABAN_TABLE)('reads %i as %s with a reference date before the wrap', (factor, date) => {
    expect(dueDateFromFactor(factor, '2012-06-01')).toBe(date);
  });

  it('reads the same factor before or after the wrap according to the reference date', () => {
    expect(dueDateFromFactor(1000, '2025-03-01')).toBe('2025-02-22');
    expect(dueDateFromFactor(1000, '2010-01-01')).toBe('2000-07-03');
    expect(dueDateFromFactor(9999, '2025-03-01')).toBe('2025-02-21');
    expect(dueDateFromFactor(1001, '2026-11-24')).toBe('2025-02-23');
  });

  it('takes the date nearest the reference: right within 4500 days, a cycle off beyond', () => {
    // A 2013 boleto (factor 5614) read in 2013 and in 2026: 13.8 years back is farther than
    // 2037-10-11, 10.9 years ahead. The documented limit of the rule.
    expect(dueDateFromFactor(5614, '2013-02-01')).toBe('2013-02-19');
    expect(dueDateFromFactor(5614, '2026-11-24')).toBe('2037-10-11');
    // Exactly halfway between 2000-07-03 and 2025-02-22 (4500 days from each): the later one.
    expect(dueDateFromFactor(1000, '2012-10-28')).toBe('2025-02-22');
    expect(dueDateFromFactor(1000, '2012-10-27')).toBe('2000-07-03');
  });

  it('reads factor 0 as no due date and refuses factors that never named one', () => {
    expect(dueDateFromFactor(0)).toBeNull();
    expect(errorOf(() => dueDateFromFactor(999)).message).toMatch(/factors start at 1000/);
    expect(errorOf(() => dueDateFromFactor(10000)).field).toBe('dueDateFactor');
  });

  it("resolves near today (São Paulo) by default: today's factor reads back as today", () => {
    const today = todayInSaoPaulo();
    expect(dueDateFromFactor(dueDateFactor(today))).toBe(today);
  });

  it("takes today's date in Brazil, not in UTC", () => {
    // 01:30 UTC on 2025-02-22 is still 22:30 on 2025-02-21 in São Paulo (UTC-3).
    expect(todayInSaoPaulo(new Date('2025-02-22T01:30:00Z'))).toBe('2025-02-21');
  });
});
