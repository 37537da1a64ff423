import { describe, expect, it } from 'vitest';
import { FiscalDataError } from '../errors';
import { divideRounded, formatUnits, rescale, toUnits } from './decimal';
import { digitsOf, element, escapeText, escapeXml, layoutText, leaf } from './xml';

describe('decimal', () => {
  it('reads numbers exactly, ignoring binary-float noise', () => {
    expect(toUnits(0.1 + 0.2, 2, 'x')).toBe(30n);
    expect(toUnits(19.9, 10, 'x')).toBe(199_000_000_000n);
    expect(toUnits(1e-7, 10, 'x')).toBe(1000n);
    expect(toUnits(123456789.12, 2, 'x')).toBe(12345678912n);
  });

  it('refuses more decimals than the field has, negatives and non-numbers', () => {
    expect(() => toUnits(2.675, 2, 'amount')).toThrow(FiscalDataError);
    expect(() => toUnits(-1, 2, 'amount')).toThrow(/cannot be negative/);
    expect(() => toUnits(Number.NaN, 2, 'amount')).toThrow(/must be a number/);
    expect(() => toUnits(0, 4, 'quantity', { allowZero: false })).toThrow(/greater than zero/);
  });

  it('rounds half up and formats with the decimals the layout wants', () => {
    expect(divideRounded(5n, 10n)).toBe(1n);
    expect(divideRounded(4n, 10n)).toBe(0n);
    expect(rescale(4_999_999_999_995_000n, 14, 2)).toBe(5000n);
    expect(formatUnits(5000n, 2)).toBe('50.00');
    expect(formatUnits(199_000_000_000n, 10, 2)).toBe('19.90');
    expect(formatUnits(333_333_333_333n, 10, 2)).toBe('33.3333333333');
    expect(formatUnits(5n, 4)).toBe('0.0005');
  });
});

describe('xml', () => {
  it('escapes text as C14N writes it, and anything with escapeXml', () => {
    expect(escapeText(`a & b < c > "d" 'e'`)).toBe(`a &amp; b &lt; c &gt; "d" 'e'`);
    expect(escapeXml(`a & b < c > "d" 'e'`)).toBe('a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;');
    expect(element('a', leaf('b', 'x&y') + leaf('c', undefined), { Id: 'q"1' })).toBe('<a Id="q&quot;1"><b>x&amp;y</b></a>');
  });

  it('normalizes free text to the layout (TString) or names the field', () => {
    expect(layoutText('  São  Paulo\n– centro ', 'city', 2, 60)).toBe('São Paulo - centro');
    expect(layoutText('\u00A0Rua\u00A0A', 'street', 2, 60)).toBe('Rua A');
    expect(() => layoutText('x', 'street', 2, 60)).toThrow(/at least 2/);
    expect(() => layoutText('   ', 'street', 1, 60)).toThrow(/street is empty/);
    expect(() => layoutText('Ω', 'name', 1, 60)).toThrow(/name has a character/);
    expect(() => layoutText(42, 'name', 1, 60)).toThrow(/must be text/);
  });

  it('keeps only the digits of masked numbers and checks their count', () => {
    expect(digitsOf('12.345.678/0001-95', 'cnpj', [14])).toBe('12345678000195');
    expect(digitsOf(3550308, 'cityCode', [7])).toBe('3550308');
    expect(() => digitsOf('1234', 'cep', [8])).toThrow(/cep must have 8 digits/);
  });
});
