import { describe, expect, it } from 'vitest';
import { PaymentDataError } from '../errors';
import {
  barcodeCheckDigit,
  barcodeToDigitableLine,
  buildBoletoBarcode,
  digitableLineToBarcode,
  formatDigitableLine,
  mod10,
  parseBoletoBarcode,
  parseDigitableLine,
} from './barcode';

/**
 * Published boletos, each with what its source states (barcode, due date, amount). Due dates are
 * read with a reference date near the boleto's own time (see due-date-factor.ts).
 */
const PUBLISHED = [
  {
    source: 'brazilian-utils (README and src/utilities/boleto tests): isValidBoleto / getBoletoInfo → 102656 cents, 2018-07-15',
    line: '00190000090114971860168524522114675860000102656',
    barcode: '00196758600001026560000001149718606852452211',
    bankCode: '001',
    dueDate: '2018-07-15',
    amount: '1026.56',
    referenceDate: '2018-07-01',
  },
  {
    source: 'fabiohk/boleto-validator README: valor 178.32, vencimento 19/02/2013, codigoBarras given',
    line: '03399.63290 64000.000006 00125.201020 4 56140000017832',
    barcode: '03394561400000178329632964000000000012520102',
    bankCode: '033',
    dueDate: '2013-02-19',
    amount: '178.32',
    referenceDate: '2013-02-01',
  },
  {
    source: 'QI Tech API docs, "Consultar linha digitável de boleto" (docs.qitech.com.br): barcode, expiration_date 2020-08-02, nominal_amount 835.48',
    line: '31890005025050051213700211649462383350000083548',
    barcode: '31893833500000835480005050500512130021164946',
    bankCode: '318',
    dueDate: '2020-08-02',
    amount: '835.48',
    referenceDate: '2020-08-05',
  },
  {
    source: 'Banco Inter (077), klawdyo/boleto_parser README: expires_at 2022-05-31, amount 151.3',
    line: '07790.00116 12064.449908 08159.365561 7 90020000015130',
    barcode: '07797900200000151300001112064449900815936556',
    bankCode: '077',
    dueDate: '2022-05-31',
    amount: '151.30',
    referenceDate: '2022-05-01',
  },
  {
    source: 'Banco Inter (077) API response in renatojdev/bancointer-python tests: codigoBarras and linhaDigitavel',
    line: '07790001161205101130707134913735887220000000900',
    barcode: '07798872200000009000001112051011300713491373',
    bankCode: '077',
    dueDate: '2021-08-24', // factor 8722, computed
    amount: '9.00',
    referenceDate: '2021-08-19',
  },
] as const;

function errorOf(fn: () => unknown): PaymentDataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaymentDataError);
    return error as PaymentDataError;
  }
  throw new Error('expected a PaymentDataError, nothing was thrown');
}

/** Replaces the digit at 1-based `position` of an unformatted code by the next digit. */
function alter(code: string, position: number): string {
  const i = position - 1;
  return code.slice(0, i) + ((Number(code[i]) + 1) % 10) + code.slice(i + 1);
}

describe('boleto check digits', () => {
  it('computes the three mod-10 field digits and the mod-11 general digit of a published line', () => {
    // brazilian-utils' line 00190.00009 01149.718601 68524.522114 6 75860000102656
    expect(mod10('001900000')).toBe(9);
    expect(mod10('0114971860')).toBe(1);
    expect(mod10('6852452211')).toBe(4);
    const barcode = '00196758600001026560000001149718606852452211';
    expect(barcodeCheckDigit(barcode.slice(0, 4) + barcode.slice(5))).toBe(6);
  });

  it('turns a mod-11 result of 0, 10 or 11 into 1, as FEBRABAN rules', () => {
    // Brute force over one digit of a real barcode until each remainder case shows up.
    const seen = new Set<number>();
    const base = '0019675860000102656000000114971860685245221';
    for (let d = 0; d < 10; d++) {
      const digits = base.slice(0, -1) + d;
      let sum = 0;
      let w = 2;
      for (let i = digits.length - 1; i >= 0; i--) {
        sum += Number(digits[i]) * w;
        w = w === 9 ? 2 : w + 1;
      }
      const r = sum % 11;
      seen.add(r);
      expect(barcodeCheckDigit(digits)).toBe(r === 0 || r === 1 ? 1 : 11 - r);
    }
    expect([...seen].some((r) => r === 0 || r === 1)).toBe(true);
  });
});

describe('digitable line and barcode', () => {
  it.each(PUBLISHED)('reads $line ($bankCode) as its source states', (example) => {
    const parsed = parseDigitableLine(example.line, { referenceDate: example.referenceDate });
    expect(parsed.barcode).toBe(example.barcode);
    expect(parsed.bankCode).toBe(example.bankCode);
    expect(parsed.currencyCode).toBe('9');
    expect(parsed.dueDate).toBe(example.dueDate);
    expect(parsed.amount).toBe(example.amount);
    expect(parsed.freeField).toBe(example.barcode.slice(19));
    expect(parsed.digitableLine).toBe(example.line.replace(/\D/g, ''));
  });

  it.each(PUBLISHED)('round-trips line ↔ barcode for $bankCode $dueDate', (example) => {
    const digits = example.line.replace(/\D/g, '');
    expect(digitableLineToBarcode(example.line)).toBe(example.barcode);
    expect(barcodeToDigitableLine(example.barcode)).toBe(digits);
    expect(parseBoletoBarcode(example.barcode, { referenceDate: example.referenceDate })).toEqual(
      parseDigitableLine(digits, { referenceDate: example.referenceDate }),
    );
  });

  it.each(PUBLISHED)('builds the barcode of $bankCode $dueDate from its parts', (example) => {
    const barcode = buildBoletoBarcode({ bankCode: example.bankCode, dueDate: example.dueDate, amount: example.amount, freeField: example.barcode.slice(19) });
    expect(barcode).toBe(example.barcode);
  });

  it('formats the line in five fields as printed on the boleto', () => {
    expect(formatDigitableLine('07790001161206444990808159365561790020000015130')).toBe('07790.00116 12064.449908 08159.365561 7 90020000015130');
  });

  it('names the field whose check digit is wrong', () => {
    const line = '07790001161206444990808159365561790020000015130';
    const field1 = errorOf(() => digitableLineToBarcode(alter(line, 3)));
    expect(field1.field).toBe('digitableLine.field1');
    expect(field1.message).toBe('Digitable line field 1 (positions 1–10) has check digit 6, expected 4: that field is mistyped');
    expect(errorOf(() => digitableLineToBarcode(alter(line, 15))).field).toBe('digitableLine.field2');
    expect(errorOf(() => digitableLineToBarcode(alter(line, 32))).field).toBe('digitableLine.field3');
    // A changed amount (field 5) is caught by the general check digit (field 4).
    const amount = errorOf(() => digitableLineToBarcode(alter(line, 45)));
    expect(amount.field).toBe('digitableLine.field4');
    expect(amount.message).toMatch(/general check digit\) is 7, expected \d: field 5/);
    const barcode = errorOf(() => parseBoletoBarcode(alter('07797900200000151300001112064449900815936556', 12)));
    expect(barcode.field).toBe('barcode.checkDigit');
    // brazilian-utils' own invalid examples: a wrong mod-10 digit, then a wrong mod-11 digit.
    expect(errorOf(() => parseDigitableLine('00190000020114971860168524522114675860000102656')).field).toBe('digitableLine.field1');
    expect(errorOf(() => parseDigitableLine('00190000090114971860168524522114975860000102656')).field).toBe('digitableLine.field4');
  });

  it('refuses wrong lengths, letters and utility slips, saying which', () => {
    expect(errorOf(() => parseDigitableLine('0019000009011497186016852452211467586000010265')).message).toMatch(/47 digits, got 46/);
    expect(errorOf(() => parseDigitableLine('00196758600001026560000001149718606852452211')).message).toMatch(/44 digits is a barcode/);
    expect(errorOf(() => parseBoletoBarcode('00190000090114971860168524522114675860000102656')).message).toMatch(/47 digits is a digitable line/);
    expect(errorOf(() => parseBoletoBarcode('0019675860000102656000000114971860685245221X')).message).toMatch(/other than digits/);
    expect(errorOf(() => parseDigitableLine('846100000005246100291102005460339004695895061080')).message).toMatch(/arrecadação/);
  });

  it('reads a boleto without due date (factor 0000) and one whose amount the payer types', () => {
    const barcode = buildBoletoBarcode({ bankCode: '077', dueDate: null, amount: 0, freeField: '0001112064449900815936556' });
    const parsed = parseBoletoBarcode(barcode);
    expect(parsed.dueDateFactor).toBe(0);
    expect(parsed.dueDate).toBeNull();
    expect(parsed.amountCents).toBe(0);
  });

  it('checks what it builds from', () => {
    const parts = { bankCode: '077', dueDate: '2026-03-10', amount: '10.00', freeField: '0001112064449900815936556' };
    expect(errorOf(() => buildBoletoBarcode({ ...parts, bankCode: '77' })).field).toBe('bankCode');
    expect(errorOf(() => buildBoletoBarcode({ ...parts, freeField: '123' })).field).toBe('freeField');
    expect(errorOf(() => buildBoletoBarcode({ ...parts, dueDate: '2026-02-30' })).field).toBe('dueDate');
    expect(errorOf(() => buildBoletoBarcode({ ...parts, dueDate: '2000-07-02' })).message).toMatch(/before 2000-07-03/);
    expect(errorOf(() => buildBoletoBarcode({ ...parts, amount: 100_000_000 })).field).toBe('amount');
    expect(errorOf(() => buildBoletoBarcode({ ...parts, amount: '10.001' })).field).toBe('amount');
    expect(errorOf(() => buildBoletoBarcode({ ...parts, currencyCode: '5' })).field).toBe('currencyCode');
  });
});

describe('boletos across the 2025 factor wrap', () => {
  const freeField = '0001112064449900815936556';

  it('writes 9999 for 2025-02-21 and 1000 for 2025-02-22, and reads each back', () => {
    const last = buildBoletoBarcode({ bankCode: '077', dueDate: '2025-02-21', amount: '50.00', freeField });
    const first = buildBoletoBarcode({ bankCode: '077', dueDate: '2025-02-22', amount: '50.00', freeField });
    expect(last.slice(5, 9)).toBe('9999');
    expect(first.slice(5, 9)).toBe('1000');
    expect(parseBoletoBarcode(last, { referenceDate: '2025-02-10' }).dueDate).toBe('2025-02-21');
    expect(parseBoletoBarcode(first, { referenceDate: '2025-02-10' }).dueDate).toBe('2025-02-22');
  });

  it('round-trips boletos due before and after the wrap through the digitable line', () => {
    for (const [dueDate, referenceDate] of [
      ['2024-12-20', '2024-12-01'],
      ['2025-09-11', '2025-08-12'],
      ['2026-12-15', '2026-11-24'],
    ]) {
      const barcode = buildBoletoBarcode({ bankCode: '077', dueDate, amount: '833.33', freeField });
      const line = barcodeToDigitableLine(barcode);
      expect(digitableLineToBarcode(line)).toBe(barcode);
      expect(parseDigitableLine(line, { referenceDate })).toMatchObject({ dueDate, amount: '833.33' });
    }
    // 2025-09-11 is day 201 of the new cycle.
    expect(buildBoletoBarcode({ bankCode: '077', dueDate: '2025-09-11', amount: '833.33', freeField }).slice(5, 9)).toBe('1201');
  });
});
