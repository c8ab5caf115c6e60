import { describe, expect, it } from 'vitest';
import {
  amountToCents,
  centsToAmount,
  centsToDecimal,
  formatCents,
  formatMoney,
  MoneyError,
  microsToCents,
  microsToDecimal,
  parseCents,
  parseMicros,
  parsePercentBp,
  sumByCurrency,
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

  it("rounds a vendor's seventh decimal once, half away from zero, from its digits", () => {
    // StreamOne Ion's sample price, and its line total that binary floating point cannot hold.
    expect(parseMicros(63.8452759, { round: true })).toBe(63_845_276);
    expect(parseMicros('63.8452754', { round: true })).toBe(63_845_275);
    expect(parseMicros('-0.0000005', { round: true })).toBe(-1);
    expect(parseMicros('-0.0000004', { round: true })).toBe(0);
    expect(parseMicros(811.94534500000009, { round: true })).toBe(811_945_345);
    expect(parseMicros('2.9999995', { round: true })).toBe(3_000_000);
  });

  it('rounds half away from zero to cents', () => {
    expect(microsToCents(21_425_000)).toBe(2143);
    expect(microsToCents(21_424_999)).toBe(2142);
    expect(microsToCents(-5_000)).toBe(-1);
    expect(microsToCents(96_000)).toBe(10);
  });

  it('names a currency other than US dollars, and adds amounts per currency only', () => {
    expect(formatMoney(123456, 'SEK')).toBe('1,234.56 SEK');
    expect(formatMoney(-50, 'EUR')).toBe('-0.50 EUR');
    expect(formatMoney(4286)).toBe('$42.86');
    expect(sumByCurrency([{ cents: 100, currency: 'USD' }, { cents: 250, currency: 'SEK' }, { cents: 50 }])).toBe(
      '$1.50 + 2.50 SEK',
    );
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

describe('amounts at the boundaries', () => {
  it('turns a vendor amount into cents with the one rounding rule, where float arithmetic would not', () => {
    // 1.005 × 100 is 100.4999… in floating point: Math.round would bill a cent less.
    expect(Math.round(1.005 * 100)).toBe(100);
    expect(amountToCents(1.005)).toBe(101);
    expect(amountToCents(-1.005)).toBe(-101);
    expect(amountToCents(0.285)).toBe(29);
    expect(amountToCents(0.096)).toBe(10);
    expect(amountToCents('25')).toBe(2500);
  });

  it('reads what a member types, to the cent, and names what is wrong', () => {
    expect(parseCents('19.35')).toBe(1935);
    expect(parseCents(' 19 ')).toBe(1900);
    expect(parseCents('-0.5')).toBe(-50);
    expect(() => parseCents('19.355')).toThrow('more than 2 decimal places');
    expect(() => parseCents('abc')).toThrow(MoneyError);
  });

  it('reads a percentage to basis points from its digits, never through a float', () => {
    expect(parsePercentBp('15')).toBe(1500);
    expect(parsePercentBp('12.5')).toBe(1250);
    // 0.29 × 100 is 28.999999999999996 in floating point; the digits say 29.
    expect(parsePercentBp('0.29')).toBe(29);
    expect(parsePercentBp('-10 %')).toBe(-1000);
    expect(() => parsePercentBp('12.345')).toThrow(/at most 2 decimal places/);
    expect(() => parsePercentBp('lots')).toThrow(MoneyError);
  });

  it('writes cents back as the decimal ConnectWise takes', () => {
    expect(centsToAmount(1935)).toBe(19.35);
    expect(centsToAmount(-5)).toBe(-0.05);
  });
});
