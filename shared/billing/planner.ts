import { formatCents } from '../money.ts';
import { billingAdditions } from './additions.ts';
import { agreementClosed } from './agreements.ts';
import { currencyMismatch } from './currency.ts';
import { type Operation, shortHash } from './operations.ts';
import { hasEnded, planCancellation } from './plan/cancellation.ts';
import { changesOf, planWindowChanges } from './plan/changes.ts';
import { type PlanContext, type PlanInput, planContext, type SyncedChange, type WaivedChange } from './plan/context.ts';
import { planInvoicedAhead } from './plan/invoiced.ts';
import { planRecurring } from './plan/recurring.ts';

export type { AdditionDraft, Operation } from './operations.ts';
export type { PlanInput, SyncedChange, WaivedChange } from './plan/context.ts';

export type PlanResult =
  | {
      status: 'ok';
      operations: Operation[];
      synced: SyncedChange[];
      /** Changes a person waived, with who, when and why; not in `operations`. */
      waived: WaivedChange[];
      basis: string;
      notes: string[];
    }
  | { status: 'blocked'; reason: string; basis: string };

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
      s.currency,
      input.agreement.currency ?? '',
      ...(s.upgrade ? [`${s.upgrade.direction}:${s.upgrade.other}`] : []),
      ...relevant,
    ].join('~'),
  );
}

/**
 * Plans the ConnectWise additions that make the agreement bill what the distributor says the
 * customer has. Pure: the same inputs always give the same operations, each with its reason,
 * its figures' derivations and a stable key. See `shared/billing/README.md`, "How additions are planned and written".
 *
 * The steps: refuse what cannot be planned; on a subscription that ended, cancel (and credit);
 * otherwise bring the recurring line in line, then bill the changes ConnectWise has not.
 */
export function planSubscription(input: PlanInput): PlanResult {
  const basis = planBasis(input);
  const refusal = whyNotPlannable(input);
  if (refusal) return { status: 'blocked', reason: refusal, basis };
  const { subscription: s, agreement, product, today } = input;
  const relevant = input.additions.filter((a) => a.agreementId === agreement.id);
  const current = billingAdditions(relevant, product.catalogItemId, today, s.commitment?.endDate ?? null);
  if (current.length > 1) {
    const ids = current
      .map((a) => a.id)
      .sort((x, y) => x - y)
      .join(', ');
    return {
      status: 'blocked',
      reason: `${current.length} current additions bill this product on ${agreement.name} (ids ${ids}). Cancel or merge them in ConnectWise, then plan again.`,
      basis,
    };
  }
  const existing = current[0] ?? null;
  const ctx = planContext(input, s as PlanContext['s']);
  const result = () => ({
    status: 'ok' as const,
    operations: belowMinimum(ctx.operations, input.rules.prorateMinimumCents, ctx.notes),
    synced: ctx.synced,
    waived: ctx.waived,
    basis,
    notes: ctx.notes,
  });

  if (hasEnded(ctx)) {
    if (!existing) {
      ctx.notes.push('The subscription has ended and nothing bills it in ConnectWise.');
      return result();
    }
    planCancellation(ctx, existing);
    return result();
  }
  if (s.quantity === 0) {
    // Zero seats: never a 0-seat line. A line that bills it is ended as a cancellation today.
    if (!existing) {
      ctx.notes.push(`${input.distributor.name} has 0 seats and nothing bills it in ConnectWise.`);
      return result();
    }
    planCancellation(ctx, existing, today);
    return result();
  }
  const changes = changesOf(ctx);
  const startDay = (s.startDate ?? changes[0]?.at ?? today).slice(0, 10);
  planRecurring(ctx, existing, startDay);
  if (!existing) planInvoicedAhead(ctx, changes);
  planWindowChanges(ctx, changes, startDay);
  return result();
}

/** Why nothing can be planned: a closed agreement, or a subscription without seats or price. */
function whyNotPlannable(input: PlanInput): string | null {
  const { subscription: s, agreement, today } = input;
  const closed = agreementClosed(agreement, today);
  if (closed)
    return `Agreement ${agreement.name} cannot take additions: ${closed}. Map the subscription to an open agreement.`;
  if (s.quantity === null)
    return `${input.distributor.name} did not say how many seats this subscription has; nothing is planned until it does.`;
  if (s.unitPrice === null || s.unitCost === null)
    return `${input.distributor.name} did not give this subscription's price or cost.`;
  return currencyMismatch(input.distributor.name, s.currency, agreement);
}

/**
 * Leaves out prorates (charges and credits) smaller than the tenant's minimum, saying so in the
 * plan's notes with the amount each would have been: skipped on purpose, never silently.
 */
function belowMinimum(operations: Operation[], minimumCents: number | undefined, notes: string[]): Operation[] {
  if (!minimumCents) return operations;
  return operations.filter((op) => {
    const cents = op.after.totalPrice.cents;
    if (op.kind !== 'prorate' || Math.abs(cents) >= minimumCents) return true;
    notes.push(
      `${op.title} of ${formatCents(cents)} is not written: it is under the ${formatCents(minimumCents)} prorate minimum in the sync settings.`,
    );
    return false;
  });
}
