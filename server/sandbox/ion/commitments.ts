import { DateTime } from 'luxon';
import { customerIdOf } from '../../distributors/ion/transform.ts';
import type { World } from '../world.ts';
import { productInfo } from './seed.ts';
import type { IonSubscriptionRecord } from './world.ts';

/** StreamOne Ion's three new-commerce subscriptions the commitment screens are shown with. */
export interface IonCommitmentScenarios {
  /** Bought five days ago: Ion's `cancellationAllowedUntilDate` is in two days. */
  insideWindow: IonSubscriptionRecord;
  /** Bought eight days ago: its cancellation date passed yesterday. */
  pastWindow: IonSubscriptionRecord;
  /** Renews in twenty days. */
  renewing: IonSubscriptionRecord;
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;

/**
 * Adds three annual-term, monthly-billed subscriptions of three SKUs to an Ion customer, at known
 * times before `today`, each with the cancellation date Ion sends for new commerce (purchase or
 * renewal + 7 days): the window is the distributor's own here, not derived.
 */
export function addIonCommitmentScenarios(world: World, customerName: string, today: string): IonCommitmentScenarios {
  const ion = world.ion;
  const customer = ion.customers.find((c) => c.customerOrganization === customerName);
  if (!customer) throw new Error(`no Ion customer "${customerName}" in the sandbox`);
  const plans = ion.products.flatMap((product) =>
    product.skus.flatMap((sku) =>
      sku.plans
        .filter((p) => p.billingTerm === 'P1Y' && p.billingCycle === 'monthly' && p.price.currency === 'USD')
        .map((plan) => ({ product, sku, plan })),
    ),
  );
  if (plans.length < 3) throw new Error('the Ion sandbox has too few annual SKUs for the commitment scenarios');
  const noon = DateTime.fromISO(`${today}T15:30:00Z`, { zone: 'utc' });
  const subscription = (n: number, bought: DateTime, quantity: number): IonSubscriptionRecord => {
    const { product, sku, plan } = plans[n]!;
    // The current term began at the purchase or its last anniversary; Ion's window is 7 days from it.
    const years = Math.floor(noon.diff(bought, 'years').years);
    const termStart = bought.plus({ years });
    const renews = termStart.plus({ years: 1 });
    const record: IonSubscriptionRecord = {
      id: String(9_100_000 + n),
      customerId: customerIdOf(customer)!,
      resellerId: ion.accountId,
      subscriptionId: `nce-ion-${n + 1}`,
      subscriptionName: sku.displayName,
      ccpProductId: product.id,
      ccpSkuId: sku.id,
      ccpPlanId: plan.id,
      subscriptionTotalLicenses: String(quantity),
      unitType: product.unitType,
      subscriptionStatus: 'active',
      subscriptionPurchasedDate: iso(bought),
      subscriptionStartDate: iso(bought),
      subscriptionEndDate: iso(renews),
      cancellationAllowedUntilDate: iso(termStart.plus({ days: 7 })),
      subscriptionBillingType: 'license',
      subscriptionBillingCycle: 'monthly',
      subscriptionBillingTerm: 'P1Y',
      subscriptionRenewStatus: 'ENABLED',
      ccpProductInfo: productInfo(product, sku, plan),
      isTrial: false,
      autoRenew: true,
      customerName: customer.customerOrganization,
      lastUpdatedDate: iso(bought),
      price: plan.price.msrp,
      cost: plan.price.cost,
      currency: 'USD',
      renewalDate: iso(renews),
    };
    ion.subscriptions.push(record);
    return record;
  };
  return {
    insideWindow: subscription(0, noon.minus({ days: 5 }), 12),
    pastWindow: subscription(1, noon.minus({ days: 8 }), 6),
    renewing: subscription(2, noon.minus({ years: 1 }).plus({ days: 20 }), 4),
  };
}
