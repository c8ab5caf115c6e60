import type { Subscription } from '../schemas/distributor.ts';

/**
 * A full upgrade, as the connector guide names it: a customer's subscription moved to another
 * product on one day, all its seats at once. `out` is the old subscription, `in` the new.
 */
export interface Upgrade {
  direction: 'out' | 'in';
  /** The subscription on the other side. */
  other: string;
  /** The day of the change (ISO). */
  at: string;
}

const day = (iso: string | null) => iso?.slice(0, 10) ?? null;

/**
 * Full upgrades among one distributor's subscriptions. Neither distributor's API says "this
 * was upgraded", but the change shows plainly: one subscription of a company ends on the day
 * another of the same company starts, on another product, with the same seats. A partial
 * upgrade needs no finding: it is a decrease of the old subscription and a new one, and each
 * is planned as such.
 */
export function findUpgrades(subscriptions: readonly Subscription[]): Map<string, Upgrade> {
  const found = new Map<string, Upgrade>();
  const starting = new Map<string, Subscription[]>();
  for (const s of subscriptions) {
    const key = `${s.companyId}|${day(s.startDate)}`;
    starting.set(key, [...(starting.get(key) ?? []), s]);
  }
  for (const old of subscriptions) {
    const end = day(old.endDate);
    if (!end || old.quantity === null || (old.status !== 'Cancelled' && old.status !== 'PendingCancel')) continue;
    const candidates = (starting.get(`${old.companyId}|${end}`) ?? []).filter(
      (s) => s.id !== old.id && s.productId !== old.productId && s.quantity === old.quantity && !found.has(s.id),
    );
    // Two new subscriptions that could each be the upgrade: a person decides, not a guess.
    if (candidates.length !== 1) continue;
    const next = candidates[0]!;
    found.set(old.id, { direction: 'out', other: next.id, at: end });
    found.set(next.id, { direction: 'in', other: old.id, at: end });
  }
  return found;
}
