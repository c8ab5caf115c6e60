import type { Micros } from '../money.ts';
import { endOfMonth } from './calendar.ts';

/** The fields of a ConnectWise addition the billing rules read. Dates are ISO strings. */
export interface AdditionView {
  id: number;
  agreementId: number;
  catalogItemId: number;
  quantity: number;
  /** Exact amounts, parsed once where ConnectWise's answer is read (server/connectwise/views.ts). */
  unitPrice: Micros | null;
  unitCost: Micros | null;
  effectiveDate: string | null;
  cancelledDate: string | null;
  invoiceDescription: string | null;
  /** serialNumber: where the engine's marker lives. */
  marker: string | null;
  lastUpdated: string | null;
  updatedBy: string | null;
}

/**
 * "The" addition that bills a product going forward, in the Pax8 guide's words: the most
 * recent one with no cancelled date, or one cancelled after the end of the current month.
 * A one-time addition (effective and cancelled inside one month) is never current.
 */
export function currentAdditions(
  additions: readonly AdditionView[],
  catalogItemId: number,
  today: string,
): AdditionView[] {
  const monthEnd = endOfMonth(today);
  return additions
    .filter((a) => a.catalogItemId === catalogItemId)
    .filter((a) => !isOneTime(a))
    .filter((a) => !a.cancelledDate || a.cancelledDate.slice(0, 10) > monthEnd)
    .sort((a, b) => (b.effectiveDate ?? '').localeCompare(a.effectiveDate ?? '') || b.id - a.id);
}

/** Effective and cancelled in the same month: a one-time charge such as a prorate. */
export function isOneTime(a: Pick<AdditionView, 'effectiveDate' | 'cancelledDate'>): boolean {
  return (
    a.effectiveDate !== null && a.cancelledDate !== null && a.effectiveDate.slice(0, 7) === a.cancelledDate.slice(0, 7)
  );
}

/**
 * The line that bills a product now: the current addition, or for a fixed-term subscription
 * the line whose term ends later this month (the one a renewal extends).
 */
export function billingAdditions(
  additions: readonly AdditionView[],
  catalogItemId: number,
  today: string,
  termEnd: string | null,
): AdditionView[] {
  const current = currentAdditions(additions, catalogItemId, today);
  if (current.length > 0 || !termEnd) return current;
  const renewable = additions
    .filter(
      (a) =>
        a.catalogItemId === catalogItemId && !isOneTime(a) && a.cancelledDate && a.cancelledDate.slice(0, 10) >= today,
    )
    .sort((a, b) => b.id - a.id)[0];
  return renewable ? [renewable] : [];
}
