import type { Database } from '../../db/client.ts';
import { reconciliationsBetween } from '../../db/queries/reconciliations.ts';
import { commitmentStatuses } from '../../db/queries/status.ts';
import { addMonths } from '../../shared/billing/calendar.ts';
import { currencyOf, totalsByCurrency, totalsOf } from '../../shared/billing/reconcile/compare.ts';

export interface PictureLine {
  name: string;
  /** ISO 4217: a customer billed in two currencies has a line in each, never one that adds them. */
  currency: string;
  licences: number;
  costCents: number;
  billedCents: number;
  marginCents: number;
  leakageCents: number;
}

/** The last twelve periods, oldest first, ending with `period`. */
export const twelveMonths = (period: string) =>
  Array.from({ length: 12 }, (_, i) => addMonths(`${period}-01`, i - 11).slice(0, 7));

/**
 * A month's picture from its reconciliations, every distributor's: per company and in total,
 * the distributor's cost, what ConnectWise billed, the margin and the leakage still unbilled;
 * and per customer, licences and margin over the last twelve months for the chart.
 */
export async function monthPicture(db: Database, tenantId: string, period: string) {
  const months = twelveMonths(period);
  const rows = await reconciliationsBetween(db, tenantId, months[0]!, period);
  const byCompany = new Map<string, typeof rows>();
  for (const r of rows.filter((r) => r.period === period)) {
    const key = `${r.companyName}\u0000${currencyOf(r)}`;
    byCompany.set(key, [...(byCompany.get(key) ?? []), r]);
  }
  const companies: PictureLine[] = [...byCompany]
    .map(([key, list]) => {
      const [name = '', currency = 'USD'] = key.split('\u0000');
      return { name, currency, ...totalsOf(list) };
    })
    .sort((a, b) => b.leakageCents - a.leakageCents || b.costCents - a.costCents || a.name.localeCompare(b.name));
  const totals = totalsByCurrency(rows.filter((r) => r.period === period));
  // The chart draws margin in one currency: the one most of the month's rows are in.
  const main = totals[0]?.currency ?? 'USD';
  const series = (list: typeof rows) =>
    months.map((m) => {
      const month = list.filter((r) => r.period === m && currencyOf(r) === main);
      const t = totalsOf(month);
      // A month with nothing reconciled has no figures: drawn as a gap, never as $0.00.
      return { period: m, licences: t.licences, marginCents: month.length > 0 ? t.marginCents : null };
    });
  const names = [...new Set(rows.map((r) => r.companyName))].sort();
  return {
    committed: await committedUnbilled(db, tenantId),
    period,
    months,
    companies,
    /** The month's totals in its main currency; `totals` has one per currency, main first. */
    total: totals[0] ?? { currency: main, ...totalsOf([]) },
    totals,
    chart: {
      currency: main,
      total: series(rows),
      customers: names.map((name) => ({ name, points: series(rows.filter((r) => r.companyName === name)) })),
    },
  };
}

/**
 * Leakage of its own: seats of commitments past their window that ConnectWise does not bill,
 * paid for every month until their terms end, whatever happens next. As the last check found
 * them: a month's cost (unbilled seats × unit cost) and the cost carried to the terms' ends.
 */
async function committedUnbilled(db: Database, tenantId: string) {
  const committed = (await commitmentStatuses(db, tenantId)).filter(
    (s) => s.commitment!.unbilledSeats > 0 && s.commitment!.state === 'committed',
  );
  return {
    subscriptions: committed.length,
    monthlyCents: committed.reduce((n, s) => n + s.commitment!.unbilledSeats * s.commitment!.unitCostCents, 0),
    toTermEndCents: committed.reduce((n, s) => n + s.commitment!.atStakeCents, 0),
  };
}
