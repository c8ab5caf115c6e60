import { formatCents, microsToCents } from '../money.ts';
import type { Subscription, SubscriptionSnapshot } from '../schemas/distributor.ts';
import type { AgreementView } from '../schemas/mapping.ts';
import type { SyncRules } from '../schemas/settings.ts';
import { type AdditionView, billingAdditions } from './additions.ts';
import { agreementClosed } from './agreements.ts';
import { addDays, addMonths, endOfMonth, firstOfMonth, monthIndex, monthName, usDay } from './calendar.ts';
import { type AdditionDraft, type BillCustomer, markerFor, type Operation, shortHash } from './operations.ts';
import { type Derived, lineTotal, plain, prorateUnit } from './proration.ts';

export interface PlanInput {
  subscription: Subscription;
  /** Quantity history, oldest first. */
  history: readonly SubscriptionSnapshot[];
  /** The bound catalog item and how ConnectWise names it on invoices. */
  product: { catalogItemId: number; label: string };
  agreement: AgreementView;
  /** Every addition on the agreement, as just re-read from ConnectWise. */
  additions: readonly AdditionView[];
  rules: SyncRules;
  today: string;
  options?: { recurring?: 'update' | 'replace'; billCustomer?: BillCustomer; taxable?: boolean };
}

export interface SyncedChange {
  at: string;
  delta: number;
  additionId: number;
}

export type PlanResult =
  | { status: 'ok'; operations: Operation[]; synced: SyncedChange[]; basis: string; notes: string[] }
  | { status: 'blocked'; reason: string; basis: string };

interface Change {
  at: string;
  from: number;
  to: number;
}

const maxDay = (...days: (string | null | undefined)[]) =>
  days
    .filter((d): d is string => Boolean(d))
    .map((d) => d.slice(0, 10))
    .sort()
    .at(-1)!;

/**
 * Everything the plan depends on, so a plan confirmed later can be refused if ConnectWise or
 * the distributor changed in between (including an addition edited by hand).
 */
export function planBasis(input: PlanInput): string {
  const relevant = input.additions
    .filter((a) => a.catalogItemId === input.product.catalogItemId)
    .map((a) =>
      [a.id, a.quantity, a.unitPrice, a.unitCost, a.effectiveDate, a.cancelledDate, a.marker, a.lastUpdated].join('|'),
    )
    .sort();
  const s = input.subscription;
  return shortHash(
    [
      input.agreement.id,
      input.agreement.nextInvoiceDate,
      input.agreement.cancelled,
      s.quantity,
      s.unitPrice,
      s.unitCost,
      s.endDate,
      s.status,
      s.commitment?.endDate,
      ...relevant,
    ].join('~'),
  );
}

/** Quantity changes from the history, the initial order included (from 0 on the start date). */
function changesOf(s: Subscription, history: readonly SubscriptionSnapshot[]): Change[] {
  const out: Change[] = [];
  const start = s.startDate ?? history[0]?.at ?? null;
  let previous = 0;
  const points = history.filter((h) => h.quantity !== null);
  if (points.length === 0 && start && s.quantity !== null) return [{ at: start.slice(0, 10), from: 0, to: s.quantity }];
  for (const [i, h] of points.entries()) {
    const at = (i === 0 && start ? start : h.at).slice(0, 10);
    if (h.quantity! !== previous) out.push({ at, from: previous, to: h.quantity! });
    previous = h.quantity!;
  }
  return out;
}

/**
 * Plans the ConnectWise additions that make the agreement bill what the distributor says the
 * customer has. Pure: the same inputs always give the same operations, each with its reason,
 * its figures' derivations and a stable key. See README "How additions are planned".
 */
export function planSubscription(input: PlanInput): PlanResult {
  const basis = planBasis(input);
  const { subscription: s, agreement, product, rules, today } = input;
  const blocked = (reason: string): PlanResult => ({ status: 'blocked', reason, basis });

  const closed = agreementClosed(agreement, today);
  if (closed)
    return blocked(
      `Agreement ${agreement.name} cannot take additions: ${closed}. Map the subscription to an open agreement.`,
    );
  if (s.quantity === null)
    return blocked('Pax8 did not say how many seats this subscription has; nothing is planned until it does.');
  if (s.unitPrice === null || s.unitCost === null)
    return blocked("Pax8 did not give this subscription's price or cost.");

  const relevant = input.additions.filter((a) => a.agreementId === agreement.id);
  const current = billingAdditions(relevant, product.catalogItemId, today, s.commitment?.endDate ?? null);
  if (current.length > 1) {
    return blocked(
      `${current.length} current additions bill this product on ${agreement.name} (ids ${current
        .map((a) => a.id)
        .sort((x, y) => x - y)
        .join(', ')}). Cancel or merge them in ConnectWise, then plan again.`,
    );
  }
  const existing = current[0] ?? null;

  const connectwiseProrates = rules.proration === 'connectwise-prorates' && agreement.prorates;
  const notes: string[] = [];
  if (rules.proration === 'connectwise-prorates' && !agreement.prorates) {
    notes.push(`${agreement.name} does not prorate, so prorates are written as separate one-time additions.`);
  }

  // The first day ConnectWise has not invoiced yet: new lines start there, never before the
  // agreement's billing start, so Manage never refuses them for an invoiced period.
  const nextInvoice = agreement.nextInvoiceDate?.slice(0, 10) ?? addMonths(firstOfMonth(today), 1);
  const firstOpen = maxDay(nextInvoice, agreement.billStartDate);
  const invoicedMonth = addMonths(firstOfMonth(firstOpen), -1);
  const billCustomer = input.options?.billCustomer ?? 'Billable';
  const taxable = input.options?.taxable ?? true;
  const unitPrice = plain(s.unitPrice);
  const unitCost = plain(s.unitCost);
  const ops: Operation[] = [];
  const key = (...parts: (string | number)[]) => [s.id, ...parts].join(':');
  const op = (
    o: Omit<Operation, 'marker' | 'dependsOn' | 'effectiveDateEditable' | 'extraMonths' | 'additionId' | 'before'> &
      Partial<Operation>,
  ): Operation => {
    const full: Operation = {
      marker: markerFor(o.key),
      dependsOn: null,
      effectiveDateEditable: true,
      extraMonths: null,
      additionId: null,
      before: null,
      ...o,
    };
    ops.push(full);
    return full;
  };
  const draft = (quantity: number, price: Derived, cost: Derived, over: Partial<AdditionDraft>): AdditionDraft => ({
    catalogItemId: product.catalogItemId,
    quantity,
    unitPrice: price,
    unitCost: cost,
    totalPrice: lineTotal(price.cents, quantity),
    totalCost: lineTotal(cost.cents, quantity),
    effectiveDate: firstOpen,
    cancelledDate: null,
    invoiceDescription: product.label,
    billCustomer,
    taxable,
    recurring: true,
    proratedPeriod: null,
    ...over,
  });
  const fromView = (a: AdditionView): AdditionDraft => {
    const price = {
      cents: Math.round((a.unitPrice ?? 0) * 100),
      derivation: formatCents(Math.round((a.unitPrice ?? 0) * 100)),
    };
    const cost = {
      cents: Math.round((a.unitCost ?? 0) * 100),
      derivation: formatCents(Math.round((a.unitCost ?? 0) * 100)),
    };
    return draft(a.quantity, price, cost, {
      effectiveDate: a.effectiveDate?.slice(0, 10) ?? firstOpen,
      cancelledDate: a.cancelledDate?.slice(0, 10) ?? null,
      invoiceDescription: a.invoiceDescription ?? product.label,
    });
  };
  const written = new Map(relevant.filter((a) => a.marker).map((a) => [a.marker!, a]));
  const synced: SyncedChange[] = [];

  // Cancellation: the subscription has (or will have) ended.
  const ended =
    s.endDate !== null && (s.status === 'Cancelled' || s.status === 'PendingCancel' || s.endDate.slice(0, 10) <= today);
  if (ended) {
    if (!existing)
      return {
        status: 'ok',
        operations: [],
        synced,
        basis,
        notes: [...notes, 'The subscription has ended and nothing bills it in ConnectWise.'],
      };
    const end = s.endDate!.slice(0, 10);
    const cancelOn = maxDay(endOfMonth(end), existing.effectiveDate);
    if (existing.cancelledDate?.slice(0, 10) !== cancelOn) {
      op({
        key: key('cancel', existing.id, existing.lastUpdated ?? '', end),
        type: 'cancel-addition',
        kind: 'cancellation',
        title: 'Cancelling ConnectWise addition',
        reason: `Pax8 ends the subscription on ${usDay(end)}; the addition stops at the end of that month (${usDay(cancelOn)}).`,
        additionId: existing.id,
        before: fromView(existing),
        after: { ...fromView(existing), cancelledDate: cancelOn },
        effectiveDateEditable: false,
      });
    }
    if (
      rules.cancellation === 'per-cancellation-date' &&
      end < endOfMonth(end) &&
      monthIndex(end) <= monthIndex(invoicedMonth)
    ) {
      const credit = prorateUnit(s.unitPrice, end);
      const creditCost = prorateUnit(s.unitCost, end);
      // Where ConnectWise prorates, the line carries the full price and Manage does the rest.
      const creditPrice = connectwiseProrates ? unitPrice : credit.unit;
      const creditUnitCost = connectwiseProrates ? unitCost : creditCost.unit;
      const q = -existing.quantity;
      const creditKey = key('credit', end, q);
      if (!written.has(markerFor(creditKey))) {
        op({
          key: creditKey,
          type: 'create-credit',
          kind: 'cancellation',
          title: 'Creating credit for the cancelled days',
          reason: `Cancelled on ${usDay(end)}: the days after it, already invoiced, are credited.`,
          after: draft(q, creditPrice, creditUnitCost, {
            effectiveDate: connectwiseProrates ? end : firstOpen,
            cancelledDate: connectwiseProrates ? endOfMonth(end) : endOfMonth(firstOpen),
            recurring: false,
            proratedPeriod: connectwiseProrates ? null : credit.period,
            invoiceDescription: `${product.label} - Credit for ${usDay(credit.period.from)}-${usDay(credit.period.to)}`,
          }),
        });
      }
    }
    return { status: 'ok', operations: ops, synced, basis, notes };
  }

  // The recurring line: the full price from the first open month, ending with a fixed term.
  const termEnd = s.commitment?.endDate?.slice(0, 10) ?? null;
  const target = s.quantity;
  const changes = changesOf(s, input.history);
  const startDay = (s.startDate ?? changes[0]?.at ?? today).slice(0, 10);
  const purchaseWindowEnd = addDays(startDay, 2);
  let recurringKey: string | null = null;
  if (!existing) {
    recurringKey = key('recurring', target, firstOpen);
    const effective = connectwiseProrates ? maxDay(startDay, agreement.billStartDate) : firstOpen;
    op({
      key: recurringKey,
      type: 'create-recurring',
      kind: 'increase',
      title: 'Creating new ConnectWise addition',
      reason: `Nothing in ConnectWise bills this subscription yet: ${target} ${target === 1 ? 'seat' : 'seats'} from ${usDay(effective)}${termEnd ? `, ending with the term on ${usDay(termEnd)}` : ''}.`,
      after: draft(target, unitPrice, unitCost, { effectiveDate: effective, cancelledDate: termEnd }),
    });
  } else {
    const priceCents = microsToCents(s.unitPrice);
    const costCents = microsToCents(s.unitCost);
    const cwPrice = Math.round((existing.unitPrice ?? 0) * 100);
    const cwCost = Math.round((existing.unitCost ?? 0) * 100);
    const cancelTarget = termEnd;
    const differs =
      existing.quantity !== target ||
      cwPrice !== priceCents ||
      cwCost !== costCents ||
      (existing.cancelledDate?.slice(0, 10) ?? null) !== cancelTarget;
    if (differs) {
      const what = [
        existing.quantity !== target ? `quantity ${existing.quantity} → ${target}` : null,
        cwPrice !== priceCents ? `price ${formatCents(cwPrice)} → ${formatCents(priceCents)}` : null,
        cwCost !== costCents ? `cost ${formatCents(cwCost)} → ${formatCents(costCents)}` : null,
        (existing.cancelledDate?.slice(0, 10) ?? null) !== cancelTarget
          ? `end ${existing.cancelledDate ? usDay(existing.cancelledDate) : 'none'} → ${cancelTarget ? usDay(cancelTarget) : 'none'} (term ${cancelTarget ? 'renewed' : 'open'})`
          : null,
      ].filter(Boolean);
      const kind = target < existing.quantity ? 'decrease' : 'increase';
      if ((input.options?.recurring ?? 'update') === 'update') {
        recurringKey = key(
          'update',
          existing.id,
          existing.lastUpdated ?? '',
          target,
          priceCents,
          costCents,
          cancelTarget ?? 'open',
        );
        op({
          key: recurringKey,
          type: 'update-recurring',
          kind,
          title: 'Updating current ConnectWise addition',
          reason: `The current addition (#${existing.id}) differs from Pax8: ${what.join('; ')}.`,
          additionId: existing.id,
          before: fromView(existing),
          after: {
            ...fromView(existing),
            quantity: target,
            unitPrice,
            unitCost,
            totalPrice: lineTotal(unitPrice.cents, target),
            totalCost: lineTotal(unitCost.cents, target),
            cancelledDate: cancelTarget,
          },
          effectiveDateEditable: false,
        });
      } else {
        const cancelOn = maxDay(addDays(firstOpen, -1), existing.effectiveDate);
        const cancelKey = key('replace-cancel', existing.id, existing.lastUpdated ?? '', cancelOn);
        op({
          key: cancelKey,
          type: 'cancel-addition',
          kind,
          title: 'Cancelling the old addition it replaces',
          reason: `Replaced by a new addition from ${usDay(firstOpen)}; the old one (#${existing.id}) stops on ${usDay(cancelOn)}.`,
          additionId: existing.id,
          before: fromView(existing),
          after: { ...fromView(existing), cancelledDate: cancelOn },
          effectiveDateEditable: false,
        });
        recurringKey = key('recurring', target, firstOpen);
        op({
          key: recurringKey,
          type: 'create-recurring',
          kind,
          title: 'Creating new ConnectWise addition',
          reason: `Replaces #${existing.id}: ${what.join('; ')}.`,
          after: draft(target, unitPrice, unitCost, { cancelledDate: termEnd }),
          dependsOn: cancelKey,
        });
      }
    }
  }

  // Changes inside the window that ConnectWise has not billed at the new quantity: the month
  // before the invoiced one and on. Each increase gets its own prorate ("threshold prorates").
  const windowStart = addMonths(invoicedMonth, -1);
  const deltas = new Map<string, { delta: number; last: Change }>();
  for (const change of changes) {
    if (change.at < windowStart || change.at >= firstOpen) continue;
    const delta = change.to - change.from;
    // The table's "purchase date": a change within two days of the start just sets the quantity.
    const purchase = change.at <= purchaseWindowEnd;
    if (connectwiseProrates) {
      // Manage prorates by effective date: one delta line per effective date, summed below.
      if (!purchase) {
        const effective =
          delta > 0
            ? rules.positiveChange === 'actual-date'
              ? change.at
              : maxDay(firstOfMonth(change.at), agreement.startDate, agreement.billStartDate)
            : rules.negativeChange === 'actual-date'
              ? change.at
              : addMonths(firstOfMonth(change.at), 1);
        const entry = deltas.get(effective) ?? { delta: 0, last: change };
        deltas.set(effective, { delta: entry.delta + delta, last: change });
      }
      continue;
    }
    if (delta > 0 || (delta < 0 && rules.negativeChange === 'actual-date')) {
      const fullMonth = delta > 0 && rules.positiveChange === 'first-of-current-month';
      const price = prorateUnit(s.unitPrice, change.at, fullMonth);
      const cost = prorateUnit(s.unitCost, change.at, fullMonth);
      const prorateKey = key('prorate', change.at, change.from, change.to);
      const mine = written.get(markerFor(prorateKey));
      if (mine) {
        // Synced earlier: that sync also back-billed whatever months needed it.
        synced.push({ at: change.at, delta, additionId: mine.id });
        continue;
      }
      if (price.factor.num > 0) {
        op({
          key: prorateKey,
          type: delta > 0 ? 'create-prorate' : 'create-credit',
          kind: 'prorate',
          title: delta > 0 ? 'Creating prorated addition' : 'Creating prorated credit',
          reason: `${delta > 0 ? 'Increase' : 'Decrease'} of ${Math.abs(delta)} on ${usDay(change.at)} (to ${change.to}); the rest of that month was invoiced at ${change.from}.`,
          after: draft(delta, price.unit, cost.unit, {
            effectiveDate: firstOpen,
            cancelledDate: endOfMonth(firstOpen),
            recurring: false,
            proratedPeriod: price.period,
            invoiceDescription: `${product.label} - Prorated for ${usDay(price.period.from)}-${usDay(price.period.to)}`,
          }),
        });
      }
      // Whole months already invoiced at the old quantity: the guide's extra-months addition.
      const months = monthIndex(invoicedMonth) - monthIndex(change.at);
      if (delta > 0 && months > 0) {
        const from = addMonths(firstOfMonth(change.at), 1);
        const extraKey = key('extra', change.at, change.from, change.to, from, months);
        if (!written.has(markerFor(extraKey))) {
          const total = lineTotal(unitPrice.cents * months, delta);
          const fromMonth = monthName(from);
          op({
            key: extraKey,
            type: 'create-extra-months',
            kind: 'prorate',
            title: 'Creating extra months addition',
            reason: `${fromMonth}${months > 1 ? ` and ${months - 1} more` : ''} ${months > 1 ? 'were' : 'was'} already invoiced at ${change.from}; the ${delta} added ${delta === 1 ? 'seat is' : 'seats are'} back-billed.`,
            after: {
              ...draft(
                delta,
                {
                  cents: unitPrice.cents * months,
                  derivation: `${unitPrice.derivation} × ${months} month${months > 1 ? 's' : ''} = ${formatCents(unitPrice.cents * months)}`,
                },
                {
                  cents: unitCost.cents * months,
                  derivation: `${unitCost.derivation} × ${months} month${months > 1 ? 's' : ''} = ${formatCents(unitCost.cents * months)}`,
                },
                {
                  effectiveDate: firstOpen,
                  cancelledDate: endOfMonth(firstOpen),
                  recurring: false,
                  invoiceDescription: `${product.label} - ${fromMonth}${months > 1 ? ` (+${months - 1} months)` : ''}`,
                },
              ),
              totalPrice: total,
            },
            extraMonths: { from, months },
          });
        }
      }
    }
  }
  for (const [effective, { delta, last }] of deltas) {
    if (delta === 0) continue;
    const positive = delta > 0;
    const deltaKey = key('delta', effective);
    const mine = written.get(markerFor(deltaKey));
    const after = draft(delta, unitPrice, unitCost, {
      effectiveDate: effective,
      cancelledDate: endOfMonth(effective),
      recurring: false,
      invoiceDescription: `${product.label} - ${positive ? '+' : ''}${delta} from ${usDay(effective)}`,
    });
    const kind = positive ? 'increase' : 'decrease';
    if (mine && mine.quantity === delta) {
      synced.push({ at: last.at, delta, additionId: mine.id });
    } else if (mine) {
      // "If multiple quantity changes are made, it will replace the delta quantity line."
      op({
        key: `${deltaKey}:${delta}`,
        type: 'update-delta',
        kind,
        title: 'Updating the change line',
        reason: `A further change on ${usDay(last.at)} makes the change from ${usDay(effective)} ${positive ? '+' : ''}${delta}.`,
        additionId: mine.id,
        before: fromView(mine),
        after,
        effectiveDateEditable: false,
      });
    } else {
      op({
        key: deltaKey,
        type: 'create-delta',
        kind,
        title: `Creating ${positive ? 'increase' : 'decrease'} line`,
        reason: `${positive ? 'Increase' : 'Decrease'} of ${Math.abs(delta)} (last change ${usDay(last.at)}); ConnectWise prorates it from ${usDay(effective)} to ${usDay(endOfMonth(effective))}.`,
        after,
      });
    }
  }
  return { status: 'ok', operations: ops, synced, basis, notes };
}

export type { AdditionDraft, Operation } from './operations.ts';
