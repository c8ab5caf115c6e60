import { formatCents, microsToCents } from '../../money.ts';
import type { AdditionView } from '../additions.ts';
import { addDays, usDay } from '../calendar.ts';
import { lineTotal } from '../proration.ts';
import { maxDay, type PlanContext } from './context.ts';

/**
 * The recurring line: the full price from the first open month, ending with a fixed term.
 * Created when nothing bills the subscription; otherwise updated where it differs from the
 * distributor (or, if the member chooses, replaced: the old one cancelled, a new one created).
 */
export function planRecurring(ctx: PlanContext, existing: AdditionView | null, startDay: string): void {
  const { s } = ctx;
  const termEnd = s.commitment?.endDate?.slice(0, 10) ?? null;
  if (!existing) {
    const effective = ctx.connectwiseProrates ? maxDay(startDay, ctx.input.agreement.billStartDate) : ctx.firstOpen;
    ctx.op({
      key: ctx.key('recurring', s.quantity, ctx.firstOpen),
      type: 'create-recurring',
      kind: 'increase',
      title: 'Creating new ConnectWise addition',
      reason:
        `${s.upgrade?.direction === 'in' ? `Upgraded from another product on ${usDay(s.upgrade.at)}; n` : 'N'}` +
        `othing in ConnectWise bills this subscription yet: ${s.quantity} ${s.quantity === 1 ? 'seat' : 'seats'} ` +
        `from ${usDay(effective)}${termEnd ? `, ending with the term on ${usDay(termEnd)}` : ''}.`,
      after: ctx.draft(s.quantity, ctx.recurringPrice, ctx.recurringCost, {
        effectiveDate: effective,
        cancelledDate: termEnd,
      }),
    });
    return;
  }
  const differences = recurringDifferences(ctx, existing, termEnd);
  if (differences.length === 0) return;
  const kind = s.quantity < existing.quantity ? 'decrease' : 'increase';
  if ((ctx.input.options?.recurring ?? 'update') === 'update')
    updateRecurring(ctx, existing, termEnd, kind, differences);
  else replaceRecurring(ctx, existing, termEnd, kind, differences);
}

/** What differs between the current addition and the distributor, in the review's words. */
function recurringDifferences(ctx: PlanContext, existing: AdditionView, termEnd: string | null): string[] {
  const { s } = ctx;
  const priceCents = ctx.recurringPrice.cents;
  const costCents = ctx.recurringCost.cents;
  const cwPrice = microsToCents(existing.unitPrice ?? 0);
  const cwCost = microsToCents(existing.unitCost ?? 0);
  const cwEnd = existing.cancelledDate?.slice(0, 10) ?? null;
  return [
    existing.quantity !== s.quantity ? `quantity ${existing.quantity} → ${s.quantity}` : null,
    cwPrice !== priceCents ? `price ${formatCents(cwPrice)} → ${formatCents(priceCents)}` : null,
    cwCost !== costCents ? `cost ${formatCents(cwCost)} → ${formatCents(costCents)}` : null,
    cwEnd !== termEnd
      ? `end ${existing.cancelledDate ? usDay(existing.cancelledDate) : 'none'} → ${termEnd ? usDay(termEnd) : 'none'} (term ${termEnd ? 'renewed' : 'open'})`
      : null,
  ].filter((d): d is string => d !== null);
}

function updateRecurring(
  ctx: PlanContext,
  existing: AdditionView,
  termEnd: string | null,
  kind: 'increase' | 'decrease',
  differences: string[],
): void {
  const { s } = ctx;
  ctx.op({
    key: ctx.key(
      'update',
      existing.id,
      existing.lastUpdated ?? '',
      s.quantity,
      ctx.recurringPrice.cents,
      ctx.recurringCost.cents,
      termEnd ?? 'open',
    ),
    type: 'update-recurring',
    kind,
    title: 'Updating current ConnectWise addition',
    reason: `The current addition (#${existing.id}) differs from ${ctx.input.distributor.name}: ${differences.join('; ')}.`,
    additionId: existing.id,
    before: ctx.fromView(existing),
    after: {
      ...ctx.fromView(existing),
      quantity: s.quantity,
      unitPrice: ctx.recurringPrice,
      unitCost: ctx.recurringCost,
      totalPrice: lineTotal(ctx.recurringPrice.cents, s.quantity),
      totalCost: lineTotal(ctx.recurringCost.cents, s.quantity),
      cancelledDate: termEnd,
    },
    effectiveDateEditable: false,
  });
}

function replaceRecurring(
  ctx: PlanContext,
  existing: AdditionView,
  termEnd: string | null,
  kind: 'increase' | 'decrease',
  differences: string[],
): void {
  const { s, firstOpen } = ctx;
  const cancelOn = maxDay(addDays(firstOpen, -1), existing.effectiveDate);
  const cancelKey = ctx.key('replace-cancel', existing.id, existing.lastUpdated ?? '', cancelOn);
  ctx.op({
    key: cancelKey,
    type: 'cancel-addition',
    kind,
    title: 'Cancelling the old addition it replaces',
    reason: `Replaced by a new addition from ${usDay(firstOpen)}; the old one (#${existing.id}) stops on ${usDay(cancelOn)}.`,
    additionId: existing.id,
    before: ctx.fromView(existing),
    after: { ...ctx.fromView(existing), cancelledDate: cancelOn },
    effectiveDateEditable: false,
  });
  ctx.op({
    key: ctx.key('recurring', s.quantity, firstOpen),
    type: 'create-recurring',
    kind,
    title: 'Creating new ConnectWise addition',
    reason: `Replaces #${existing.id}: ${differences.join('; ')}.`,
    after: ctx.draft(s.quantity, ctx.recurringPrice, ctx.recurringCost, { cancelledDate: termEnd }),
    dependsOn: cancelKey,
  });
}
