import { money } from '../../server/sandbox/pax8/usage-seed.ts';
import { generateWorld } from '../../server/sandbox/seed.ts';
import type { Pax8SubscriptionRecord, World } from '../../server/sandbox/world.ts';
import { BENCH_TODAY, type jobMappings } from './bench-world.ts';

export const ARREARS_SUBSCRIPTIONS = 500;
/** The two sub-products each benchmark domain uses, as the guide's figures price them. */
export const ARREARS_TIERS = [
  { name: 'Proofpoint Essentials - Business', identifier: 'PPT-ESS-BUSINESS', cost: 1.79, price: 3.25 },
  { name: 'Proofpoint Essentials - Advanced', identifier: 'PPT-ESS-ADVANCED', cost: 2.44, price: 3 },
];

/**
 * The arrears benchmark tenant: 500 Proofpoint subscriptions spread over the companies that
 * have an open agreement, each with one domain whose October lines count two sub-products.
 * Deterministic, so the sandbox process and the benchmark build the same world.
 */
export function arrearsBenchWorld(): World {
  const world = generateWorld({ today: BENCH_TODAY, companies: 500, subscriptions: 1000 });
  const { pax8 } = world;
  const product = pax8.products.find((p) => p.sku === 'PPT-ESS-USAGE')!;
  const targets = arrearsTargets(world);
  targets.forEach((t, i) => {
    const id = `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`;
    const sub: Pax8SubscriptionRecord = {
      ...pax8.subscriptions[0]!,
      id,
      productId: product.id,
      productName: product.name,
      price: 0,
      partnerCost: 0,
      billingTerm: 'Monthly',
      parentSubscriptionId: null,
      companyId: t.distributorCompanyId,
      quantity: 1,
      startDate: '2026-01-01',
      endDate: null,
      status: 'Active',
      commitmentTerm: null,
    };
    pax8.subscriptions.push(sub);
    pax8.history[id] = [sub];
    const summaryId = `11111111-0000-4000-a000-${String(i).padStart(12, '0')}`;
    pax8.usageSummaries.push({
      id: summaryId,
      companyId: t.distributorCompanyId,
      productId: product.id,
      subscriptionId: id,
      resourceGroup: `domain${i}.example`,
      vendorName: 'Proofpoint',
      currentCharges: 0,
      partnerTotal: 0,
      currencyCode: 'USD',
      isTrial: false,
    });
    ARREARS_TIERS.forEach((tier, k) => {
      const quantity = 5 + ((i * 7 + k * 13) % 60);
      pax8.usageLines.push({
        usageSummaryId: summaryId,
        usageDate: '2026-10-31',
        productName: tier.name,
        productId: product.id,
        unitOfMeasure: 'User',
        quantity,
        currentCharges: money(quantity * tier.price),
        currentProfit: money(quantity * (tier.price - tier.cost)),
        partnerTotal: money(quantity * tier.cost),
        unitPrice: tier.price,
        currencyCode: 'USD',
        isTrial: false,
      });
    });
  });
  return world;
}

/** The companies the benchmark's usage subscriptions belong to: those with an open agreement, round-robin. */
function arrearsTargets(world: World) {
  const { cw, pax8 } = world;
  const open = pax8.companies.flatMap((company) => {
    const cwCompany = cw.companies.find((c) => c.name === company.name);
    const agreement =
      cwCompany &&
      cw.agreements.find((a) => a.company.id === cwCompany.id && !a.cancelledFlag && a.agreementStatus === 'Active');
    return cwCompany && agreement ? [{ company, cwCompany, agreement }] : [];
  });
  return Array.from({ length: ARREARS_SUBSCRIPTIONS }, (_, i) => {
    const t = open[i % open.length]!;
    return {
      distributorCompanyId: t.company.id,
      companyName: t.company.name,
      cwCompanyId: t.cwCompany.id,
      cwCompanyName: t.cwCompany.name,
      agreementId: t.agreement.id,
    };
  });
}

/** The benchmark's usage subscriptions mapped to their companies' open agreements. */
export function arrearsMappings(world: World): ReturnType<typeof jobMappings> {
  const product = world.pax8.products.find((p) => p.sku === 'PPT-ESS-USAGE')!;
  const item = world.cw.catalog.find((i) => i.identifier === product.sku)!;
  return arrearsTargets(world).map((t, i) => ({
    ...t,
    subscriptionId: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
    productId: product.id,
    catalogItemId: item.id,
    catalogIdentifier: item.identifier,
  }));
}
