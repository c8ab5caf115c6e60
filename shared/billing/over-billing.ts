import { formatCents, microsToCents } from '../money.ts';
import type { Subscription } from '../schemas/distributor.ts';
import type { AgreementView } from '../schemas/mapping.ts';
import { type AdditionView, currentAdditions } from './additions.ts';
import { cycleMonths } from './plan/context.ts';

/** A catalog item and the distributor products bound to it. */
export interface BoundProduct {
  catalogItemId: number;
  label: string;
  distributorProductIds: readonly string[];
}

/** ConnectWise billing seats of a product with no distributor subscription (or fewer seats) behind them. */
export interface OverBilling {
  additionIds: number[];
  agreementId: number;
  catalogItemId: number;
  productName: string;
  /** Seats ConnectWise bills on lines no subscription mapped to this agreement accounts for. */
  cwQuantity: number;
  /** The company's seats of the product that are mapped nowhere (the ones that could stand behind them). */
  distributorQuantity: number;
  /** Seats billed beyond anything the distributor has. */
  extraSeats: number;
  /** What the extra seats bill a month, in cents (negative: money the customer may be overcharged). */
  monthlyDifference: number;
  reason: string;
}

/**
 * Looks for possible over-billing on one agreement: current recurring additions of a bound
 * product that no subscription mapped to this agreement writes. Each is compared with the
 * company's subscriptions of that product that are mapped nowhere: if ConnectWise bills more
 * seats than those have (or there are none), the customer may be billed for seats the MSP no
 * longer buys. Lines a mapped subscription owns are left to that subscription's own state.
 */
export function overBillingOn(input: {
  agreement: AgreementView;
  additions: readonly AdditionView[];
  products: readonly BoundProduct[];
  /** The distributor company's subscriptions, each with the agreement it is mapped to (or null). */
  subscriptions: readonly { subscription: Subscription; mappedTo: number | null; additionId: number | null }[];
  today: string;
  distributorName: string;
}): OverBilling[] {
  const { agreement, today, distributorName } = input;
  const owned = new Set(
    input.subscriptions.filter((s) => s.mappedTo === agreement.id && s.additionId !== null).map((s) => s.additionId!),
  );
  const found: OverBilling[] = [];
  for (const product of input.products) {
    const lines = currentAdditions(input.additions, product.catalogItemId, today).filter((a) => !owned.has(a.id));
    const billed = lines.reduce((n, a) => n + a.quantity, 0);
    if (billed <= 0) continue;
    const ids = new Set(product.distributorProductIds);
    const free = input.subscriptions.filter(
      (s) =>
        ids.has(s.subscription.productId) &&
        s.mappedTo === null &&
        s.subscription.status === 'Active' &&
        s.subscription.quantity !== null,
    );
    const mappedHere = input.subscriptions.some(
      (s) => ids.has(s.subscription.productId) && s.mappedTo === agreement.id,
    );
    const seats = free.reduce((n, s) => n + s.subscription.quantity!, 0);
    const extra = billed - seats;
    // A mapped subscription on this agreement with room to spare is its own row; only flag
    // seats nothing at the distributor could account for.
    if (extra <= 0 && (seats > 0 || mappedHere)) continue;
    const unit = microsToCents(lines[0]!.unitPrice ?? 0);
    const monthly = -Math.round((Math.max(extra, 0) * unit) / cycleMonths(agreement));
    const terms = [...new Set(free.map((s) => s.subscription.billingTerm))].join(', ');
    const behind =
      seats === 0
        ? `${distributorName} has no unmapped subscription of this product for this company`
        : `${distributorName} has ${seats} seat${seats === 1 ? '' : 's'} of it (${terms}) not mapped to any agreement`;
    found.push({
      additionIds: lines.map((a) => a.id),
      agreementId: agreement.id,
      catalogItemId: product.catalogItemId,
      productName: product.label,
      cwQuantity: billed,
      distributorQuantity: seats,
      extraSeats: Math.max(extra, 0),
      monthlyDifference: monthly,
      reason:
        `Possible over-billing: ConnectWise bills ${billed} seat${billed === 1 ? '' : 's'} of ${product.label} ` +
        `on ${agreement.name} with no ${distributorName} subscription mapped behind ${billed === 1 ? 'it' : 'them'}; ${behind}.${
          extra > 0
            ? ` ${extra} seat${extra === 1 ? '' : 's'} (${formatCents(-monthly)} a month) may be billed too many.`
            : ''
        } Map the subscription to this agreement, or correct the addition in Manage.`,
    });
  }
  return found;
}
