import { DateTime } from 'luxon';
import type { World } from '../world.ts';
import type { Pax8SubscriptionRecord } from './world.ts';

/** The three new-commerce subscriptions the commitment screens are shown with, by what each shows. */
export interface CommitmentScenarios {
  /** Bought five days ago: its reduction window closes in two days. */
  insideWindow: Pax8SubscriptionRecord;
  /** Bought eight days ago: its window closed a day ago, it is committed for the year. */
  pastWindow: Pax8SubscriptionRecord;
  /** Renews in twenty days: due for review before it does. */
  renewing: Pax8SubscriptionRecord;
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;

/**
 * Adds three Microsoft new-commerce subscriptions (a year's commitment, billed monthly) to a
 * company, at known times before `today`: the demo and the tests show the reduction window,
 * the committed cost and the renewal notice with them. Products whose SKU is in the ConnectWise
 * catalog and that the company has no subscription of are used, so each can be bound and mapped.
 */
export function addCommitmentScenarios(world: World, companyName: string, today: string): CommitmentScenarios {
  const pax8 = world.pax8;
  const company = pax8.companies.find((c) => c.name === companyName);
  if (!company) throw new Error(`no Pax8 company "${companyName}" in the sandbox`);
  const owned = new Set(pax8.subscriptions.filter((s) => s.companyId === company.id).map((s) => s.productId));
  const products = pax8.products.filter(
    (p) =>
      !owned.has(p.id) &&
      world.cw.catalog.some((i) => i.identifier === p.sku && i.productClass !== 'Bundle' && !i.inactiveFlag) &&
      pax8.pricing.some((r) => r.productId === p.id && r.billingTerm === 'Monthly' && r.unitOfMeasurement !== 'Usage'),
  );
  if (products.length < 3) throw new Error('the sandbox catalog has too few products for the commitment scenarios');
  // Mid-afternoon UTC on the pinned day: windows then close at a minute that is not midnight anywhere.
  const noon = DateTime.fromISO(`${today}T15:30:00Z`, { zone: 'utc' });
  const subscription = (n: number, bought: DateTime, quantity: number, cost: number): Pax8SubscriptionRecord => {
    const product = products[n]!;
    const rate = pax8.pricing.find((r) => r.productId === product.id && r.billingTerm === 'Monthly')!.rates[0]!;
    const renews = bought.plus({ years: Math.max(1, Math.ceil(noon.diff(bought, 'years').years)) });
    const record: Pax8SubscriptionRecord = {
      id: `nce-${n + 1}-${company.id.slice(0, 8)}`,
      companyId: company.id,
      productId: product.id,
      productName: product.name,
      parentSubscriptionId: null,
      vendorSubscriptionId: `nce-vendor-${n + 1}`,
      quantity,
      startDate: iso(bought),
      endDate: null,
      createdDate: iso(bought),
      updatedDate: iso(bought),
      billingStart: iso(bought),
      status: 'Active',
      price: rate.suggestedRetailPrice,
      partnerCost: cost,
      currencyCode: 'USD',
      billingTerm: 'Monthly',
      commitmentTerm: { id: `nce-term-${n + 1}`, term: '1-Year', endDate: iso(renews) },
      provisioningDetails: [{ key: 'domain', values: [`${company.id.slice(0, 8)}.onmicrosoft.com`] }],
    };
    pax8.subscriptions.push(record);
    pax8.history[record.id] = [{ ...record }];
    return record;
  };
  return {
    insideWindow: subscription(0, noon.minus({ days: 5 }), 20, 18.7),
    pastWindow: subscription(1, noon.minus({ days: 8 }), 10, 36),
    renewing: subscription(2, noon.minus({ years: 1 }).plus({ days: 20 }), 5, 9.9),
  };
}
