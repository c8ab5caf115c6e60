import type { FileLine } from './read.ts';

/** One charge that a corrected file changes: before and after, in cents and seats. */
export interface RevisedCharge {
  subscriptionId: string;
  customer: string;
  product: string;
  chargeType: string;
  period: string;
  currency: string;
  before: { quantity: string; amountCents: number } | null;
  after: { quantity: string; amountCents: number } | null;
}

export interface Revision {
  changes: RevisedCharge[];
  /** Each currency's total after minus before. */
  differences: { currency: string; beforeCents: number; afterCents: number }[];
}

const keyOf = (l: FileLine) => [l.subscriptionId, l.chargeType.toLowerCase(), l.periodStart, l.periodEnd].join('|');

function byCharge(lines: readonly FileLine[]) {
  const out = new Map<string, { line: FileLine; quantity: number; amountCents: number }>();
  for (const l of lines) {
    const known = out.get(keyOf(l));
    if (known) {
      known.quantity += Number(l.quantity);
      known.amountCents += l.amountCents;
    } else out.set(keyOf(l), { line: l, quantity: Number(l.quantity), amountCents: l.amountCents });
  }
  return out;
}

/**
 * What a corrected file changes against the file it supersedes: each charge (a subscription's
 * charge type for a period) added, removed or changed, and each currency's total before and
 * after. A vendor's revised invoice is shown, never applied silently.
 */
export function reviseLines(before: readonly FileLine[], after: readonly FileLine[]): Revision {
  const was = byCharge(before);
  const now = byCharge(after);
  const changes: RevisedCharge[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const b = was.get(key);
    const a = now.get(key);
    if (b && a && b.quantity === a.quantity && b.amountCents === a.amountCents) continue;
    const line = (a ?? b)!.line;
    changes.push({
      subscriptionId: line.subscriptionId,
      customer: line.customer.name,
      product: line.product.name,
      chargeType: line.chargeType,
      period: `${line.periodStart} – ${line.periodEnd}`,
      currency: line.currency,
      before: b ? { quantity: String(b.quantity), amountCents: b.amountCents } : null,
      after: a ? { quantity: String(a.quantity), amountCents: a.amountCents } : null,
    });
  }
  const totals = new Map<string, { beforeCents: number; afterCents: number }>();
  const add = (l: FileLine, side: 'beforeCents' | 'afterCents') => {
    const t = totals.get(l.currency) ?? { beforeCents: 0, afterCents: 0 };
    t[side] += l.amountCents;
    totals.set(l.currency, t);
  };
  for (const l of before) add(l, 'beforeCents');
  for (const l of after) add(l, 'afterCents');
  return { changes, differences: [...totals].map(([currency, t]) => ({ currency, ...t })) };
}
