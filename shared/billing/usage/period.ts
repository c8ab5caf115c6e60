import type { UsagePeriod } from '../../schemas/usage.ts';
import { addDays, addMonths, daysInMonth, endOfMonth, firstOfMonth, isoOf, parts } from '../calendar.ts';

/**
 * The month billed in arrears on `today`: last month. Its usage is final from `finalDay` of this
 * month (Pax8 runs the billable lines on the 3rd and invoices on the 4th); the tenant may choose
 * a later day, never an earlier one.
 */
export function arrearsPeriod(today: string, distributorFinalDay: number, tenantDay: number): UsagePeriod {
  const from = addMonths(firstOfMonth(today), -1);
  const [year, month] = parts(today);
  const day = Math.min(Math.max(distributorFinalDay, tenantDay), daysInMonth(year, month));
  const finalFrom = isoOf(year, month, day);
  return { month: from.slice(0, 7), from, to: endOfMonth(from), finalFrom, final: today.slice(0, 10) >= finalFrom };
}

/** The day whose usage lines show this month so far: yesterday, as counts update nightly. */
export const currentUsageDay = (today: string): string | null => {
  const yesterday = addDays(today.slice(0, 10), -1);
  return yesterday.slice(0, 7) === today.slice(0, 7) ? yesterday : null;
};
