import type { AdditionView } from '../additions.ts';
import { endOfMonth, monthIndex, usDay } from '../calendar.ts';
import { prorateUnit } from '../proration.ts';
import { maxDay, type PlanContext } from './context.ts';

/** The subscription has (or will have) ended: by its end date, or a cancellation Pax8 reports. */
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
        ? `Pax8 has 0 seats as of ${usDay(end)}; the addition stops at the end of that month (${usDay(cancelOn)}).`
        : `Pax8 ends the subscription on ${usDay(end)}; the addition stops at the end of that month (${usDay(cancelOn)}).`,
      additionId: existing.id,
      before: ctx.fromView(existing),
      after: { ...ctx.fromView(existing), cancelledDate: cancelOn },
      effectiveDateEditable: false,
    });
  }
  const creditable =
    input.rules.cancellation === 'per-cancellation-date' &&
    end < endOfMonth(end) &&
    monthIndex(end) <= monthIndex(invoicedMonth);
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
    title: 'Creating credit for the cancelled days',
    reason: `Cancelled on ${usDay(end)}: the days after it, already invoiced, are credited.`,
    after: ctx.draft(q, creditPrice, creditUnitCost, {
      effectiveDate: connectwiseProrates ? end : firstOpen,
      cancelledDate: connectwiseProrates ? endOfMonth(end) : endOfMonth(firstOpen),
      recurring: false,
      proratedPeriod: connectwiseProrates ? null : credit.period,
      invoiceDescription: `${label} - Credit for ${usDay(credit.period.from)}-${usDay(credit.period.to)}`,
    }),
  });
}
