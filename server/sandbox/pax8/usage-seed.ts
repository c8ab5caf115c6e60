import type { DateTime } from 'luxon';
import type { ProductSeed } from '../catalog-data.ts';
import type { prng } from '../prng.ts';
import type { Pax8CompanyRecord, Pax8SubscriptionRecord, Pax8UsageLineRecord, Pax8World } from '../world.ts';

type Rng = ReturnType<typeof prng>;

/** A dollar amount as Pax8 serves usage money: to the micro-dollar. */
export const money = (n: number) => Math.round(n * 1_000_000) / 1_000_000;

/** The guide's Proofpoint figures: 44 × $1.79 / $3.25 and 15 × $2.44 / $3.00. */
const GUIDE_USAGE: Record<string, [quantity: number, cost: number, price: number]> = {
  'Proofpoint Essentials - Business': [44, 1.79, 3.25],
  'Proofpoint Essentials - Advanced': [15, 2.44, 3.0],
};

/** Azure meters name the resource they measure, as a usage line of an Azure plan does. */
const azureMeter = (name: string, company: Pax8CompanyRecord, n: number) =>
  `${name} (${name === 'Storage' ? 'st' : 'vm-'}${company.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 12)}${name === 'Storage' ? '' : `-0${n}`})`;

/**
 * A usage subscription's summaries and daily lines, as Pax8 serves them: one summary per
 * Proofpoint domain or Azure plan, its lines per sub-product or meter for the last two days of
 * last month (the later total bills) and of this month so far. Most quantities carry over from
 * last month; some change, as endpoint counts do. The draws from `rng` keep the order the
 * world's earlier records were drawn in, so adding usage changes nothing else in the world.
 */
export function addUsage(
  rng: Rng,
  today: DateTime,
  pax8: Pax8World,
  company: Pax8CompanyRecord,
  sub: Pax8SubscriptionRecord,
  s: ProductSeed,
  guide: boolean,
) {
  const domain = company.website?.replace(/^(https?:\/\/)?(www\.)?/, '') ?? company.name;
  const azure = s.key === 'azure';
  const summaryId = rng.uuid();
  const lastMonth = new Map<string, number>();
  let charges = 0;
  let partner = 0;
  for (const monthsBack of [1, 0]) {
    const month = today.minus({ months: monthsBack }).startOf('month');
    const lastDay = monthsBack === 0 ? today.minus({ days: 1 }) : month.endOf('month').startOf('day');
    // This month's summary id was drawn apart in the first release; the draw is kept.
    if (monthsBack === 0) rng.uuid();
    s.usage!.subProducts.forEach((sp, i) => {
      const used = rng.chance(0.7);
      const fixed = guide ? GUIDE_USAGE[sp.name] : undefined;
      if (!used && !fixed) return;
      const drawn = used ? rng.int(3, 90) : 0;
      const before = lastMonth.get(sp.name);
      // Endpoint counts mostly hold from month to month; a third of them move.
      let quantity = fixed?.[0] ?? drawn;
      if (monthsBack === 0 && before !== undefined && (guide || drawn % 3 !== 0)) quantity = before;
      if (monthsBack === 0 && guide && sp.name.endsWith('Advanced')) quantity = 16;
      if (azure) quantity *= sp.name === 'Storage' ? 11 : 8;
      if (monthsBack === 1) lastMonth.set(sp.name, quantity);
      const [cost, price] = fixed ? [fixed[1], fixed[2]] : [sp.unitCost, sp.unitPrice];
      const name = azure ? azureMeter(sp.name, company, i + 1) : sp.name;
      for (const day of [lastDay.minus({ days: 1 }), lastDay]) {
        if (day < month) continue;
        const q = day.equals(lastDay) ? quantity : Math.max(1, quantity - (used ? rng.int(0, 3) : 1));
        pax8.usageLines.push(line(summaryId, day.toISODate()!, name, sub.productId, s.unit, q, cost, price));
      }
      if (monthsBack === 0 && lastDay >= month) {
        charges += quantity * price;
        partner += quantity * cost;
      }
    });
  }
  pax8.usageSummaries.push({
    id: summaryId,
    companyId: company.id,
    productId: sub.productId,
    subscriptionId: sub.id,
    resourceGroup: azure ? `${domain.split('.')[0]}-azure-plan` : domain,
    vendorName: s.vendorName,
    currentCharges: money(charges),
    partnerTotal: money(partner),
    currencyCode: 'USD',
    isTrial: false,
  });
}

function line(
  summaryId: string,
  usageDate: string,
  productName: string,
  productId: string,
  unit: string,
  quantity: number,
  cost: number,
  price: number,
): Pax8UsageLineRecord {
  return {
    usageSummaryId: summaryId,
    usageDate,
    productName,
    productId,
    unitOfMeasure: unit,
    quantity,
    currentCharges: money(quantity * price),
    currentProfit: money(quantity * (price - cost)),
    partnerTotal: money(quantity * cost),
    unitPrice: price,
    currencyCode: 'USD',
    isTrial: false,
  };
}
