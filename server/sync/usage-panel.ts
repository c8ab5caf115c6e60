import { daysInMonth, parts } from '../../shared/billing/calendar.ts';
import { markedUp } from '../../shared/billing/usage/markup.ts';
import { multiProductName, type UsagePlan } from '../../shared/billing/usage/plan.ts';
import { microsToCents } from '../../shared/money.ts';
import type { UsageLine } from '../../shared/schemas/distributor.ts';
import type { UsagePanelRow } from '../../shared/schemas/usage.ts';
import type { LoadedUsage } from './loaded-usage.ts';

/** A day's lines at the customer's price: the markup over cost when one is set, else the distributor's. */
const priced = (lines: readonly UsageLine[], bp: number | null) =>
  lines.reduce((n, l) => n + (bp === null ? microsToCents(l.charges) : markedUp(l.partnerTotal, bp)), 0);

/** Units that count things (users, mailboxes, devices): a day's line is the month's count, not a day's use. */
const COUNTED =
  /^(users?|mailbox(es)?|devices?|servers?|endpoints?|seats?|licen[cs]es?|each|domains?|workstations?|computers?|mobiles?)$/i;

/** Whether a usage line accrues by the day (Azure's meters) rather than counting (Proofpoint's users). */
const accruesDaily = (l: Pick<UsageLine, 'unit' | 'counted'>) => !l.counted && !COUNTED.test((l.unit ?? '').trim());

/**
 * Pax8's Usages table, per domain or resource group: this month so far and projected to its
 * end, the threshold, last month as billed, what the recurring lines would bill at this month's
 * quantities, and when usage was last seen.
 */
export function usagePanel(loaded: LoadedUsage, plan: UsagePlan): UsagePanelRow[] {
  const { input, current } = loaded;
  const bp = input.markupBp;
  return input.reading.summaries.map((s) => {
    const now = current?.summaries.find((c) => c.id === s.id)?.lines ?? [];
    const currentCents = priced(now, bp);
    // Only what accrues by the day (metered use) is projected over the month; a count of
    // users or devices bills the month at today's count, so it is its own projection.
    let projectedCents = currentCents;
    if (current) {
      const [y, m, d] = parts(current.day);
      const accrued = priced(now.filter(accruesDaily), bp);
      projectedCents = currentCents - accrued + Math.round((accrued * daysInMonth(y, m)) / d);
    }
    const lastMonthCents = s.lines.length > 0 ? priced(s.lines, bp) : null;
    const recurring =
      plan.option === 'multi-products'
        ? now.reduce((n, l) => {
            const row = plan.rows.find((r) => r.name === multiProductName(s.resourceGroup, l.productName));
            return n + (row ? row.unitPrice.cents * l.quantity : 0);
          }, 0)
        : plan.option === 'flat-rate'
          ? (input.flatPriceCents ?? 0)
          : null;
    const days = [...now, ...s.lines].map((l) => l.usageDate).sort();
    return {
      resourceGroup: s.resourceGroup,
      currentCents,
      projectedCents,
      thresholdCents: input.thresholdCents,
      overThreshold: input.thresholdCents !== null && (lastMonthCents ?? 0) > input.thresholdCents,
      lastMonthCents,
      projectedRecurringCents: recurring,
      status: now.some((l) => l.quantity > 0) ? 'Active' : 'Inactive',
      lastActive: days.at(-1) ?? null,
      costMicros: s.lines.reduce((n, l) => n + l.partnerTotal, 0),
    };
  });
}
