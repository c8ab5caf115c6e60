import { formatCents, microsToCents } from '../money.ts';
import type { Subscription } from '../schemas/distributor.ts';
import type { SubscriptionState } from '../schemas/mapping.ts';
import { type AdditionView, currentAdditions } from './additions.ts';

export interface StateInput {
  subscription: Subscription;
  ignored: boolean;
  mapping: { status: string; lastError: string | null; cwAgreementId: number; additionIds: number[] } | null;
  catalogItemId: number | null;
  /** Additions on the mapped agreement, as re-read from ConnectWise. */
  additions: readonly AdditionView[];
  today: string;
}

/**
 * Where a subscription stands against ConnectWise, for the company tab: a quick comparison of
 * the distributor's quantity and price with the product's current addition. The addition
 * planner decides what to write; this only tells a person what differs.
 */
export function subscriptionState(input: StateInput): {
  state: SubscriptionState;
  difference: string | null;
  error: string | null;
} {
  const { subscription: s, mapping } = input;
  if (input.ignored) return { state: 'ignored', difference: null, error: null };
  if (!mapping) return { state: 'unmapped', difference: null, error: null };
  if (mapping.status === 'failed') return { state: 'failed', difference: null, error: mapping.lastError };
  if (mapping.status === 'paused')
    return { state: 'unmapped', difference: null, error: 'The company is unbound; this mapping is paused.' };
  if (input.catalogItemId === null)
    return { state: 'mapped', difference: null, error: 'The product is not bound to a ConnectWise catalog item yet.' };
  if (s.quantity === null)
    return { state: 'failed', difference: null, error: 'Pax8 did not say how many seats this subscription has.' };

  const current = currentAdditions(
    input.additions.filter((a) => a.agreementId === mapping.cwAgreementId),
    input.catalogItemId,
    input.today,
  );
  const ended = s.endDate !== null && s.endDate.slice(0, 10) <= input.today;
  if (current.length === 0) {
    if (ended) return { state: 'in-sync', difference: null, error: null };
    return mapping.additionIds.length > 0
      ? { state: 'out-of-sync', difference: `No current addition in ConnectWise; Pax8 has ${s.quantity}`, error: null }
      : { state: 'mapped', difference: null, error: null };
  }
  if (current.length > 1) {
    return {
      state: 'out-of-sync',
      difference: `${current.length} current additions for this product in ConnectWise (ids ${current.map((a) => a.id).join(', ')}); resolve before syncing`,
      error: null,
    };
  }
  const addition = current[0]!;
  if (ended)
    return {
      state: 'out-of-sync',
      difference: `Ended in Pax8 on ${s.endDate!.slice(0, 10)}, still billing in ConnectWise`,
      error: null,
    };
  const differences: string[] = [];
  if (addition.quantity !== s.quantity)
    differences.push(
      `ConnectWise ${addition.quantity}, Pax8 ${s.quantity} (${s.quantity > addition.quantity ? '+' : ''}${s.quantity - addition.quantity})`,
    );
  const price = s.unitPrice === null ? null : microsToCents(s.unitPrice);
  const cwPrice = addition.unitPrice === null ? null : microsToCents(addition.unitPrice);
  if (price !== null && cwPrice !== null && price !== cwPrice)
    differences.push(`price ${formatCents(cwPrice)} in ConnectWise, ${formatCents(price)} in Pax8`);
  return differences.length
    ? { state: 'out-of-sync', difference: differences.join('; '), error: null }
    : { state: 'in-sync', difference: null, error: null };
}
