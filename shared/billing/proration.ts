import { type Cents, formatCents, type Micros, microsToCents } from '../money.ts';
import { daysInMonth, endOfMonth, firstOfMonth, parts } from './calendar.ts';

/** A figure the review shows with how it was reached, e.g. "$25.00 × 21/30 = $17.50". */
export interface Derived {
  cents: Cents;
  derivation: string;
}

export { usDay } from './calendar.ts';

/**
 * The Pax8 guide's proration: a change on day d of a month of D days is billed for (D − d)/D of
 * the month. The unit price is rounded to the cent once, here; totals multiply the rounded unit.
 * `fullMonth` (the "first of the current month" rule) bills the whole month.
 */
export function prorateUnit(
  unit: Micros,
  changeDay: string,
  fullMonth = false,
): { unit: Derived; factor: { num: number; den: number }; period: { from: string; to: string } } {
  const [year, month, dayOfMonth] = parts(changeDay);
  const days = daysInMonth(year, month);
  const num = fullMonth ? days : days - dayOfMonth;
  // Integer arithmetic: micros × num / den, rounded half away from zero to cents.
  const cents = microsToCents(Math.round((unit * num) / days));
  const base = microsToCents(unit);
  const from = fullMonth ? firstOfMonth(changeDay) : changeDay.slice(0, 10);
  return {
    unit: { cents, derivation: `${formatCents(base)} × ${num}/${days} = ${formatCents(cents)}` },
    factor: { num, den: days },
    period: { from, to: endOfMonth(changeDay) },
  };
}

/** The total of a line: the (already rounded) unit times the quantity. */
export function lineTotal(unit: Cents, quantity: number): Derived {
  const cents = Math.round(unit * quantity);
  const units = Math.abs(quantity) === 1 ? 'unit' : 'units';
  return { cents, derivation: `${formatCents(unit)} × ${quantity} ${units} = ${formatCents(cents)}` };
}

export const plain = (unit: Micros): Derived => {
  const cents = microsToCents(unit);
  return { cents, derivation: formatCents(cents) };
};
