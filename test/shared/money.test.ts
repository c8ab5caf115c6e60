import { describe, expect, it } from 'vitest';
import {
  centsToDecimal,
  formatCents,
  MoneyError,
  microsToCents,
  microsToDecimal,
  parseMicros,
} from '../../shared/money.ts';

describe('money', () => {
  it('parses decimals exactly, from numbers and text', () => {
    expect(parseMicros(25)).toBe(25_000_000);
    expect(parseMicros(17.6)).toBe(17_600_000);
    expect(parseMicros(0.096)).toBe(96_000);
    expect(parseMicros('9.82')).toBe(9_820_000);
    expect(parseMicros(-0.5)).toBe(-500_000);
    expect(parseMicros(1e-6)).toBe(1);
  });

  it('refuses what is not an amount', () => {
    expect(() => parseMicros('12,50')).toThrow(MoneyError);
    expect(() => parseMicros(Number.NaN)).toThrow(MoneyError);
    expect(() => parseMicros('0.0000001')).toThrow(/more than 6 decimal places/);
  });

  it('rounds half away from zero to cents', () => {
    expect(microsToCents(21_425_000)).toBe(2143);
    expect(microsToCents(21_424_999)).toBe(2142);
    expect(microsToCents(-5_000)).toBe(-1);
    expect(microsToCents(96_000)).toBe(10);
  });

  it('formats', () => {
    expect(formatCents(4286)).toBe('$42.86');
    expect(formatCents(123456789)).toBe('$1,234,567.89');
    expect(formatCents(-50)).toBe('-$0.50');
    expect(centsToDecimal(982)).toBe('9.82');
    expect(microsToDecimal(96_000)).toBe('0.096');
    expect(microsToDecimal(25_000_000)).toBe('25');
  });
});
