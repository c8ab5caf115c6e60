import { type Cents, formatCents, type Micros, microsToCents } from '../../money.ts';
import type { Derived } from '../proration.ts';

/** `25%`, `12.5%` from hundredths of a percent. */
export const formatPercent = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

/**
 * A cost with a markup in hundredths of a percent, rounded half away from zero to cents once.
 * BigInt: a month of Azure in micros times 10,000 outgrows a double's exact integers.
 */
export function markedUp(cost: Micros, bp: number): Cents {
  const scaled = BigInt(cost) * BigInt(10_000 + bp);
  const sign = scaled < 0n ? -1n : 1n;
  const abs = scaled < 0n ? -scaled : scaled;
  // micros × (1 + bp/10,000) → cents: divide by 10,000 (markup) and by 10,000 (micros per cent).
  return Number(sign * ((abs + 50_000_000n) / 100_000_000n));
}

/**
 * The customer's price for a cost: the distributor's own price when no markup is set (what
 * Pax8 lists as the charges), or the cost with the markup. Says which in its derivation.
 */
export function customerPrice(cost: Micros, listed: Micros, bp: number | null, quantity = 1): Derived {
  if (bp === null) {
    const cents = microsToCents(listed);
    return { cents, derivation: `${formatCents(cents)} at the distributor's price` };
  }
  const cents = markedUp(cost, bp);
  const per = quantity === 1 ? '' : ' each';
  return {
    cents,
    derivation: `${formatCents(microsToCents(cost))} cost${per} + ${formatPercent(bp)} markup = ${formatCents(cents)}`,
  };
}

export const costOf = (cost: Micros): Derived => {
  const cents: Cents = microsToCents(cost);
  return { cents, derivation: formatCents(cents) };
};
