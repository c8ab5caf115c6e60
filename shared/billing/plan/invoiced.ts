import { formatCents } from '../../money.ts';
import { addMonths, endOfMonth, firstOfMonth, monthIndex, monthName, usDay } from '../calendar.ts';
import { extraMonthsLine, proratedChanges } from './changes.ts';
import type { Change, PlanContext } from './context.ts';

/**
 * Months ConnectWise invoiced ahead without this subscription, on its first sync: the new
 * recurring line starts at the first open month, so an agreement invoiced to December would
 * never bill December's seats. The guide's "Configure Extra Months Addition" for net-new
 * subscriptions ("I order 5 seats so this number should be 5"), offered with its amount. The
 * seats a change in the window added are back-billed by that change's own extra months, so
 * only the rest are counted here. A person may leave it out; it is then waived, with who and
 * why, never read as billed.
 */
export function planInvoicedAhead(ctx: PlanContext, changes: readonly Change[]): void {
  if (ctx.connectwiseProrates) return; // the recurring line starts on the start date itself
  const thisMonth = firstOfMonth(ctx.input.today);
  const months = monthIndex(ctx.invoicedMonth) - monthIndex(thisMonth);
  if (months <= 0) return;
  const from = addMonths(thisMonth, 1);
  const start = (ctx.s.startDate ?? changes[0]?.at ?? ctx.input.today).slice(0, 10);
  if (start >= from) return;
  const covered = proratedChanges(ctx, changes)
    .map((c) => c.to - c.from)
    .filter((d) => d > 0)
    .reduce((a, b) => a + b, 0);
  const seats = ctx.s.quantity - covered;
  if (seats <= 0) return;
  const key = ctx.key('invoiced', from, months, seats);
  if (ctx.written(key)) return;
  const line = extraMonthsLine(ctx, seats, from, months);
  ctx.op({
    key,
    type: 'create-extra-months',
    kind: 'increase',
    title: 'Back-billing months invoiced without it',
    reason:
      `ConnectWise has invoiced ${ctx.input.agreement.name} through ` +
      `${usDay(endOfMonth(ctx.invoicedMonth))} without this subscription: ` +
      `${monthName(from)}${months > 1 ? ` and ${months - 1} more` : ''} at ${seats} ` +
      `${seats === 1 ? 'seat' : 'seats'}, ${formatCents(line.totalPrice.cents)}. Leave it out only if it was billed some other way.`,
    after: line,
    extraMonths: { from, months },
  });
}
