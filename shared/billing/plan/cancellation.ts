import { formatCents } from '../../money.ts';
import type { AdditionView } from '../additions.ts';
import { addMonths, endOfMonth, firstOfMonth, monthIndex, monthName, usDay } from '../calendar.ts';
import { prorateUnit } from '../proration.ts';
import { maxDay, type PlanContext } from './context.ts';

/** The subscription has (or will have) ended: by its end date, or a cancellation the distributor reports. */
export function hasEnded(ctx: PlanContext): boolean {
  const { s } = ctx;
  const today = ctx.input.today;
  return (
    s.endDate !== null && (s.status === 'Cancelled' || s.status === 'PendingCancel' || s.endDate.slice(0, 10) <= today)
  );
}

/**
 * The connector guide's cancellation: the current addition stops at the end of the month the
 * subscription ends in, and under "per cancellation date" the days after the end that
 * ConnectWise already invoiced are credited.
 */
export function planCancellation(ctx: PlanContext, existing: AdditionView, endedOn?: string): void {
  const { s, input, firstOpen, invoicedMonth, connectwiseProrates } = ctx;
  const label = input.product.label;
  const end = endedOn ?? s.endDate!.slice(0, 10);
  const cancelOn = maxDay(endOfMonth(end), existing.effectiveDate);
  if (existing.cancelledDate?.slice(0, 10) !== cancelOn) {
    ctx.op({
      key: ctx.key('cancel', existing.id, existing.lastUpdated ?? '', end),
      type: 'cancel-addition',
      kind: 'cancellation',
      title: 'Cancelling ConnectWise addition',
      reason: endedOn
        ? `${input.distributor.name} has 0 seats as of ${usDay(end)}; the addition stops at the end of that month (${usDay(cancelOn)}).`
        : s.upgrade?.direction === 'out'
          ? `${input.distributor.name} upgraded the subscription to another product on ${usDay(end)}; this ` +
            `addition stops at the end of that month (${usDay(cancelOn)}).`
          : `${input.distributor.name} ends the subscription on ${usDay(end)}; the addition stops at the end of that month (${usDay(cancelOn)}).`,
      additionId: existing.id,
      before: ctx.fromView(existing),
      after: { ...ctx.fromView(existing), cancelledDate: cancelOn },
      effectiveDateEditable: false,
    });
  }
  planInvoicedMonthsCredit(ctx, existing, end);
  // A full upgrade credits the rest of the month whatever the cancellation rule, invoiced or
  // not: the new product bills those days (the connector guide: "the sync rule is not applicable").
  const upgraded = s.upgrade?.direction === 'out';
  const creditable =
    (upgraded || input.rules.cancellation === 'per-cancellation-date') &&
    end < endOfMonth(end) &&
    (upgraded || monthIndex(end) <= monthIndex(invoicedMonth));
  if (!creditable) return;
  const credit = prorateUnit(s.unitPrice, end);
  const creditCost = prorateUnit(s.unitCost, end);
  // Where ConnectWise prorates, the line carries the full price and Manage does the rest.
  const creditPrice = connectwiseProrates ? ctx.unitPrice : credit.unit;
  const creditUnitCost = connectwiseProrates ? ctx.unitCost : creditCost.unit;
  const q = -existing.quantity;
  const creditKey = ctx.key('credit', end, q);
  if (ctx.written(creditKey)) return;
  ctx.op({
    key: creditKey,
    type: 'create-credit',
    kind: 'cancellation',
    title: upgraded ? 'Creating credit for the days after the upgrade' : 'Creating credit for the cancelled days',
    reason: upgraded
      ? `Upgraded to another product on ${usDay(end)}: the new product bills the days after it, so they are credited here.`
      : `Cancelled on ${usDay(end)}: the days after it, already invoiced, are credited.`,
    after: ctx.draft(q, creditPrice, creditUnitCost, {
      effectiveDate: connectwiseProrates ? end : firstOpen,
      cancelledDate: connectwiseProrates ? endOfMonth(end) : endOfMonth(firstOpen),
      recurring: false,
      proratedPeriod: connectwiseProrates ? null : credit.period,
      invoiceDescription: `${label} - Credit for ${usDay(credit.period.from)}-${usDay(credit.period.to)}`,
    }),
  });
}

/**
 * Whole months ConnectWise invoiced after the month the subscription ended (it ended 08/23 and
 * September was invoiced ahead): credited like extra months in reverse, under either
 * cancellation rule, on the first open month.
 */
function planInvoicedMonthsCredit(ctx: PlanContext, existing: AdditionView, end: string): void {
  const months = monthIndex(ctx.invoicedMonth) - monthIndex(end);
  if (months <= 0) return;
  const from = addMonths(firstOfMonth(end), 1);
  const q = -existing.quantity;
  const key = ctx.key('credit-months', end, from, months, q);
  if (ctx.written(key)) return;
  const times = `× ${months} month${months > 1 ? 's' : ''}`;
  const fromMonth = monthName(from);
  ctx.op({
    key,
    type: 'create-credit',
    kind: 'cancellation',
    title: 'Creating credit for months invoiced after the end',
    reason:
      `The subscription ended on ${usDay(end)}, but ` +
      `${fromMonth}${months > 1 ? ` and ${months - 1} more` : ''} ${months > 1 ? 'were' : 'was'} already ` +
      `invoiced; ${months > 1 ? 'they are' : 'it is'} credited.`,
    after: ctx.draft(
      q,
      {
        cents: ctx.unitPrice.cents * months,
        derivation: `${ctx.unitPrice.derivation} ${times} = ${formatCents(ctx.unitPrice.cents * months)}`,
      },
      {
        cents: ctx.unitCost.cents * months,
        derivation: `${ctx.unitCost.derivation} ${times} = ${formatCents(ctx.unitCost.cents * months)}`,
      },
      {
        effectiveDate: ctx.firstOpen,
        cancelledDate: endOfMonth(ctx.firstOpen),
        recurring: false,
        invoiceDescription: `${ctx.input.product.label} - Credit ${fromMonth}${months > 1 ? ` (+${months - 1} months)` : ''}`,
      },
    ),
    extraMonths: { from, months },
  });
}
