/**
 * Exact decimal arithmetic on amounts as a file writes them ("0.045", "1.234,56"): a value is a
 * whole number scaled by a power of ten, so Microsoft's ROUNDDOWN rules hold to the cent.
 */
export interface Decimal {
  /** The digits, sign included: 0.045 is { units: 45n, scale: 3 }. */
  units: bigint;
  scale: number;
}

/** A decimal as written with `point` as its decimal separator; thousands separators are refused. */
export function parseDecimal(text: string, point: '.' | ','): Decimal | null {
  const t = text.trim();
  const pattern = point === '.' ? /^([+-]?)(\d+)(?:\.(\d+))?$/ : /^([+-]?)(\d+)(?:,(\d+))?$/;
  const m = t.match(pattern);
  if (!m) return null;
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

export const multiply = (a: Decimal, b: Decimal): Decimal => ({ units: a.units * b.units, scale: a.scale + b.scale });

/** Excel's ROUNDDOWN: toward zero, to `places` decimals. */
export function roundDown(d: Decimal, places: number): Decimal {
  if (d.scale <= places) return { units: d.units * 10n ** BigInt(places - d.scale), scale: places };
  // BigInt division truncates toward zero, as ROUNDDOWN does.
  return { units: d.units / 10n ** BigInt(d.scale - places), scale: places };
}

/** Whole cents of a decimal with at most two places (after a ROUNDDOWN to 2). */
export function toCents(d: Decimal): number {
  const exact = roundDown(d, 2);
  if (d.scale > 2 && exact.units * 10n ** BigInt(d.scale - 2) !== d.units)
    throw new Error('toCents needs a value already rounded to cents');
  return Number(exact.units);
}

/** Micros (six places, truncated toward zero): what the product keeps a unit price in. */
export const toMicros = (d: Decimal): number => Number(roundDown(d, 6).units);
