import { formatCents } from '../../money.ts';
import { addDays, addMonths, endOfMonth, firstOfMonth, monthIndex, monthName, usDay } from '../calendar.ts';
import { lineTotal, prorateUnit } from '../proration.ts';
import { type Change, maxDay, type PlanContext } from './context.ts';

/** Quantity changes from the history, the initial order included (from 0 on the start date). */
export function changesOf(ctx: PlanContext): Change[] {
  const { s, input } = ctx;
  const out: Change[] = [];
  const start = s.startDate ?? input.history[0]?.at ?? null;
  let previous = 0;
  const points = input.history.filter((h) => h.quantity !== null);
  if (points.length === 0 && start) return [{ at: start.slice(0, 10), from: 0, to: s.quantity }];
  for (const [i, h] of points.entries()) {
    const at = (i === 0 && start ? start : h.at).slice(0, 10);
    if (h.quantity! !== previous) out.push({ at, from: previous, to: h.quantity! });
    previous = h.quantity!;
  }
  return out;
}

/**
 * Changes inside the window that ConnectWise has not billed at the new quantity: the month
 * before the invoiced one and on. Each increase gets its own prorate ("threshold prorates"),
 * and whole months already invoiced at the old quantity an extra-months line; where Manage
 * prorates, changes become one delta line per effective date instead.
 */
export function planWindowChanges(ctx: PlanContext, changes: readonly Change[], startDay: string): void {
  const windowStart = windowStartOf(ctx);
  // The table's "purchase date": a change within two days of the start just sets the quantity.
  const purchaseWindowEnd = addDays(startDay, 2);
  const deltas = new Map<string, { delta: number; last: Change }>();
  for (const change of changes) {
    if (change.at < windowStart || change.at >= ctx.firstOpen) continue;
    const delta = change.to - change.from;
    if (ctx.connectwiseProrates) {
      if (change.at > purchaseWindowEnd) {
        const effective = deltaEffectiveDate(ctx, change, delta);
        const entry = deltas.get(effective) ?? { delta: 0, last: change };
        deltas.set(effective, { delta: entry.delta + delta, last: change });
      }
      continue;
    }
    if (delta > 0 || (delta < 0 && ctx.input.rules.negativeChange === 'actual-date')) planProrate(ctx, change, delta);
  }
  for (const [effective, { delta, last }] of deltas) planDeltaLine(ctx, effective, delta, last);
}

/**
 * From the month before the invoiced one, or before this month when the agreement is invoiced
 * ahead (a yearly agreement billed to December still owes September's change).
 */
export const windowStartOf = (ctx: PlanContext) =>
  minDay(addMonths(ctx.invoicedMonth, -1), addMonths(firstOfMonth(ctx.input.today), -1));

/** The changes the window bills each with a prorate and extra months (never where Manage prorates). */
export const proratedChanges = (ctx: PlanContext, changes: readonly Change[]) =>
  ctx.connectwiseProrates ? [] : changes.filter((c) => c.at >= windowStartOf(ctx) && c.at < ctx.firstOpen);

const minDay = (a: string, b: string) => (a < b ? a : b);

/** Manage prorates by effective date, which the sync rules set for increases and decreases. */
function deltaEffectiveDate(ctx: PlanContext, change: Change, delta: number): string {
  const { rules, agreement } = ctx.input;
  if (delta > 0)
    return rules.positiveChange === 'actual-date'
      ? change.at
      : maxDay(firstOfMonth(change.at), agreement.startDate, agreement.billStartDate);
  return rules.negativeChange === 'actual-date' ? change.at : addMonths(firstOfMonth(change.at), 1);
}

/** A one-time prorate (or credit) for the rest of the month of one change, then its extra months. */
function planProrate(ctx: PlanContext, change: Change, delta: number): void {
  const { s, firstOpen } = ctx;
  const fullMonth = delta > 0 && ctx.input.rules.positiveChange === 'first-of-current-month';
  const price = prorateUnit(s.unitPrice, change.at, fullMonth);
  const cost = prorateUnit(s.unitCost, change.at, fullMonth);
  const prorateKey = ctx.key('prorate', change.at, change.from, change.to);
  const mine = ctx.written(prorateKey);
  if (mine) {
    // Synced earlier: that sync also back-billed whatever months needed it.
    ctx.synced.push({ at: change.at, delta, additionId: mine.id });
    return;
  }
  if (price.factor.num > 0) {
    ctx.op({
      key: prorateKey,
      type: delta > 0 ? 'create-prorate' : 'create-credit',
      kind: 'prorate',
      title: delta > 0 ? 'Creating prorated addition' : 'Creating prorated credit',
      reason:
        `${delta > 0 ? 'Increase' : 'Decrease'} of ${Math.abs(delta)} on ${usDay(change.at)} (to ` +
        `${change.to}); the rest of that month was invoiced at ${change.from}.`,
      after: ctx.draft(delta, price.unit, cost.unit, {
        effectiveDate: firstOpen,
        cancelledDate: endOfMonth(firstOpen),
        recurring: false,
        proratedPeriod: price.period,
        invoiceDescription: `${ctx.input.product.label} - Prorated for ${usDay(price.period.from)}-${usDay(price.period.to)}`,
      }),
    });
  }
  if (delta > 0) planExtraMonths(ctx, change, delta);
}

/** Whole months already invoiced at the old quantity: the guide's extra-months addition. */
function planExtraMonths(ctx: PlanContext, change: Change, delta: number): void {
  const months = monthIndex(ctx.invoicedMonth) - monthIndex(change.at);
  if (months <= 0) return;
  const from = addMonths(firstOfMonth(change.at), 1);
  const extraKey = ctx.key('extra', change.at, change.from, change.to, from, months);
  if (ctx.written(extraKey)) return;
  ctx.op({
    key: extraKey,
    type: 'create-extra-months',
    kind: 'prorate',
    title: 'Creating extra months addition',
    reason:
      `${monthName(from)}${months > 1 ? ` and ${months - 1} more` : ''} ${months > 1 ? 'were' : 'was'} ` +
      `already invoiced at ${change.from}; the ${delta} added ${delta === 1 ? 'seat is' : 'seats are'} back-billed.`,
    after: extraMonthsLine(ctx, delta, from, months),
    extraMonths: { from, months },
  });
}

/**
 * The guide's "Configure Extra Months Addition": `quantity` seats for `months` whole months
 * from `from`, one line at the month's price × months, billed in the first open month.
 */
export function extraMonthsLine(ctx: PlanContext, quantity: number, from: string, months: number) {
  const { unitPrice, unitCost, firstOpen } = ctx;
  const times = `× ${months} month${months > 1 ? 's' : ''}`;
  return {
    ...ctx.draft(
      quantity,
      {
        cents: unitPrice.cents * months,
        derivation: `${unitPrice.derivation} ${times} = ${formatCents(unitPrice.cents * months)}`,
      },
      {
        cents: unitCost.cents * months,
        derivation: `${unitCost.derivation} ${times} = ${formatCents(unitCost.cents * months)}`,
      },
      {
        effectiveDate: firstOpen,
        cancelledDate: endOfMonth(firstOpen),
        recurring: false,
        invoiceDescription: `${ctx.input.product.label} - ${monthName(from)}${months > 1 ? ` (+${months - 1} months)` : ''}`,
      },
    ),
    totalPrice: lineTotal(unitPrice.cents * months, quantity),
  };
}

/**
 * Where Manage prorates: one delta line per effective date. "If multiple quantity changes are
 * made, it will replace the delta quantity line."
 */
function planDeltaLine(ctx: PlanContext, effective: string, delta: number, last: Change): void {
  if (delta === 0) return;
  const positive = delta > 0;
  const deltaKey = ctx.key('delta', effective);
  const mine = ctx.written(deltaKey);
  const after = ctx.draft(delta, ctx.unitPrice, ctx.unitCost, {
    effectiveDate: effective,
    cancelledDate: endOfMonth(effective),
    recurring: false,
    invoiceDescription: `${ctx.input.product.label} - ${positive ? '+' : ''}${delta} from ${usDay(effective)}`,
  });
  const kind = positive ? 'increase' : 'decrease';
  if (mine && mine.quantity === delta) {
    ctx.synced.push({ at: last.at, delta, additionId: mine.id });
  } else if (mine) {
    ctx.op({
      key: `${deltaKey}:${delta}`,
      type: 'update-delta',
      kind,
      title: 'Updating the change line',
      reason: `A further change on ${usDay(last.at)} makes the change from ${usDay(effective)} ${positive ? '+' : ''}${delta}.`,
      additionId: mine.id,
      before: ctx.fromView(mine),
      after,
      effectiveDateEditable: false,
    });
  } else {
    ctx.op({
      key: deltaKey,
      type: 'create-delta',
      kind,
      title: `Creating ${positive ? 'increase' : 'decrease'} line`,
      reason:
        `${positive ? 'Increase' : 'Decrease'} of ${Math.abs(delta)} (last change ${usDay(last.at)}); ` +
        `ConnectWise prorates it from ${usDay(effective)} to ${usDay(endOfMonth(effective))}.`,
      after,
    });
  }
}
