import { DateTime } from 'luxon';
import { centsToDecimal, formatCents, microsToCents, type Cents, type Micros } from '../money.ts';

/** A figure the review shows with how it was reached, e.g. "$25.00 × 21/30 = $17.50". */
export interface Derived {
  cents: Cents;
  derivation: string;
}

export const day = (iso: string) => DateTime.fromISO(iso.slice(0, 10), { zone: 'utc' });
export const isoDay = (d: DateTime) => d.toISODate()!;
/** `09/09/2020`, as the guide's descriptions write dates. */
export const usDay = (iso: string) => day(iso).toFormat('MM/dd/yyyy');

/**
 * The Pax8 guide's proration: a change on day d of a month of D days is billed for (D − d)/D of
 * the month. The unit price is rounded to the cent once, here; totals multiply the rounded unit.
 * `fullMonth` (the "first of the current month" rule) bills the whole month.
 */
export function prorateUnit(unit: Micros, changeDay: string, fullMonth = false): { unit: Derived; factor: { num: number; den: number }; period: { from: string; to: string } } {
  const d = day(changeDay);
  const daysInMonth = d.daysInMonth!;
  const num = fullMonth ? daysInMonth : daysInMonth - d.day;
  // Integer arithmetic: micros × num / den, rounded half away from zero to cents.
  const cents = microsToCents(Math.round((unit * num) / daysInMonth));
  const base = microsToCents(unit);
  const from = fullMonth ? isoDay(d.startOf('month')) : isoDay(d);
  return {
    unit: { cents, derivation: `${formatCents(base)} × ${num}/${daysInMonth} = ${formatCents(cents)}` },
    factor: { num, den: daysInMonth },
    period: { from, to: isoDay(d.endOf('month')) },
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

export const decimal = (cents: Cents) => Number(centsToDecimal(cents));
