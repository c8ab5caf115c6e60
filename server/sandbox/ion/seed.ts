import { DateTime } from 'luxon';
import { customerIdOf } from '../../distributors/ion/transform.ts';
import { prng } from '../prng.ts';
import type { CwCompanyRecord } from '../world.ts';
import type {
  IonBillingLineRecord,
  IonCustomerRecord,
  IonPlanRecord,
  IonProductRecord,
  IonSubscriptionRecord,
  IonWorld,
} from './world.ts';

const ACCOUNT_ID = '10505';

const plan = (
  id: string,
  displayName: string,
  term: 'P1M' | 'P1Y',
  cost: number,
  msrp: number,
  billingCycle: 'monthly' | 'annual' = 'monthly',
): IonPlanRecord => ({ id, displayName, billingTerm: term, billingCycle, price: { cost, msrp, currency: 'USD' } });

/**
 * Ion's catalog as an MSP sees it: Microsoft NCE on monthly and annual terms (the annual one
 * billed monthly), Google Workspace, and Adobe on an annual term.
 */
function catalog(): IonProductRecord[] {
  const product = (
    id: string,
    displayName: string,
    vendor: IonProductRecord['vendor'],
    unitType: string,
    skus: IonProductRecord['skus'],
  ): IonProductRecord => ({ name: `accounts/${ACCOUNT_ID}/products/${id}`, id, displayName, vendor, unitType, skus });
  return [
    product('Microsoft365NCE', 'Microsoft 365 NCE', 'Microsoft', 'Licenses', [
      {
        id: 'Microsoft-365-Business-Premium',
        displayName: 'Microsoft 365 Business Premium',
        mfgPartNumber: 'CFQ7TTC0LCHC:0002',
        plans: [
          plan('Monthly-bp', 'Monthly (no commitment)', 'P1M', 23.76, 26.4),
          plan('Annual-bp', 'Annual, billed monthly', 'P1Y', 19.8, 22),
        ],
      },
      {
        id: 'Microsoft-365-Business-Standard',
        displayName: 'Microsoft 365 Business Standard',
        mfgPartNumber: 'CFQ7TTC0LDPB:0001',
        plans: [
          plan('Monthly-bs', 'Monthly (no commitment)', 'P1M', 13.5, 15),
          plan('Annual-bs', 'Annual, billed monthly', 'P1Y', 11.25, 12.5),
        ],
      },
      {
        id: 'Exchange-Online-Plan-1',
        displayName: 'Exchange Online (Plan 1)',
        mfgPartNumber: 'CFQ7TTC0LH16:0001',
        plans: [plan('Annual-ex1', 'Annual, billed monthly', 'P1Y', 3.6, 4)],
      },
    ]),
    product('GoogleWorkspace', 'Google Workspace', 'Google', 'Users', [
      {
        id: 'Google-Workspace-Business-Standard',
        displayName: 'Google Workspace Business Standard',
        mfgPartNumber: 'GWS-BS-FLEX',
        plans: [plan('Flexible-gws', 'Flexible (monthly)', 'P1M', 12.96, 14.4)],
      },
    ]),
    product('AdobeVIP', 'Adobe VIP', 'Adobe', 'Licenses', [
      {
        id: 'Acrobat-Pro-Teams',
        displayName: 'Acrobat Pro for teams',
        mfgPartNumber: '65324059BA01A12',
        plans: [plan('Annual-acro', 'Annual, paid annually', 'P1Y', 20.69, 22.99, 'annual')],
      },
    ]),
  ];
}

/**
 * Two subscriptions shaped as TD SYNNEX's own sample answer shows them (cloudmindsab/td-synnex
 * `ion-api-v3/07.subscriptions/api-responses/get-subscriptions-response.json`): a price with
 * seven decimals, and one in SEK, the partner account's currency there. Drawn from no random
 * sequence, so the rest of the world stays as it was.
 */
function vendorShaped(
  /** Customers with a ConnectWise twin. */
  customers: IonCustomerRecord[],
  existing: IonSubscriptionRecord[],
  products: IonProductRecord[],
  today: DateTime,
  iso: (d: DateTime) => string,
): IonSubscriptionRecord[] {
  const product = products[0]!;
  const sku = product.skus[0]!;
  const pl = sku.plans[0]!;
  const shaped = (
    customer: IonCustomerRecord,
    n: number,
    price: number,
    cost: number,
    currency: string,
    seats: number,
  ): IonSubscriptionRecord => {
    const start = today.minus({ months: 3 }).startOf('month').set({ hour: 16, minute: 29 });
    let end = start;
    while (end <= today) end = end.plus({ months: 1 });
    return {
      ...existing[0]!,
      id: String(3_363_009 + n),
      customerId: customerIdOf(customer)!,
      subscriptionId: `5eed${String(n).padStart(4, '0')}-0000-4000-8000-00000000000${n}`,
      subscriptionName: sku.displayName,
      ccpProductId: product.id,
      ccpSkuId: sku.id,
      ccpPlanId: pl.id,
      subscriptionTotalLicenses: String(seats),
      subscriptionPurchasedDate: iso(start),
      subscriptionStartDate: iso(start),
      subscriptionEndDate: iso(end),
      cancellationAllowedUntilDate: iso(start.plus({ days: 7 })),
      subscriptionBillingType: 'license',
      subscriptionBillingCycle: 'monthly',
      subscriptionBillingTerm: 'P1M',
      ccpProductInfo: productInfo(product, sku, pl),
      customerName: customer.customerOrganization,
      lastUpdatedDate: iso(start.plus({ days: 1 })),
      price,
      cost,
      currency,
      renewalDate: iso(end),
    };
  };
  // On customers with a ConnectWise twin: the first, and the last (another, where there are two).
  return [
    shaped(customers[0]!, 1, 63.8452759, 57.4607483, 'USD', 3),
    shaped(customers.at(-1)!, 2, 495.494843, 445.9453587, 'SEK', 9),
  ];
}

/** How a subscription names its product, SKU and plan. */
export const productInfo = (
  product: IonProductRecord,
  sku: IonProductRecord['skus'][number],
  pl: IonPlanRecord,
): IonSubscriptionRecord['ccpProductInfo'] => ({
  productId: product.id,
  productDisplayName: product.displayName,
  skuId: sku.id,
  skuDisplayName: sku.displayName,
  planId: pl.id,
  planDisplayName: pl.displayName,
});

/** Customers at Ion only, so the mapping screen has something with no ConnectWise twin. */
const ION_ONLY = ['Blue Harbor Dental', 'Northwind Traders'];

/**
 * A reseller account whose customers are about a third of the ConnectWise companies (same
 * names, same place) plus two of its own. It has its own random sequence, so adding it left
 * every other sandbox record as it was.
 */
export function generateIonWorld(options: { seed: number; today: string; cwCompanies: CwCompanyRecord[] }): IonWorld {
  const rng = prng(options.seed + 7919);
  const today = DateTime.fromISO(options.today, { zone: 'utc' }).startOf('day');
  const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
  const products = catalog();
  const twins = options.cwCompanies.filter((_, i) => i % 3 === 0);
  const customers: IonCustomerRecord[] = [
    ...twins.map((c) => ({ name: c.name, street: c.addressLine1 ?? '1 Main Street', city: c.city, zip: c.zip })),
    ...ION_ONLY.map((name, i) => ({ name, street: `${20 + i} Harbor Way`, city: 'Seattle', zip: '98101' })),
  ].map((c, i) => {
    const id = String(306_870 + i * 17);
    const created = today.minus({ days: 400 - i });
    return {
      name: `accounts/${ACCOUNT_ID}/customers/${id}`,
      id,
      customerOrganization: c.name,
      customerName: `${c.name.split(' ')[0]} Admin`,
      customerEmail: `it@${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
      customerPhone: `206-555-${String(1000 + i).slice(-4)}`,
      customerAddress: {
        street: c.street,
        city: c.city ?? 'Denver',
        state: c.city === 'Seattle' ? 'WA' : c.city === 'Tampa' ? 'FL' : 'CO',
        zip: c.zip ?? '80202',
        country: 'US',
      },
      customerStatus: 'ACTIVE' as const,
      languageCode: 'en-US',
      createTime: iso(created),
      updateTime: iso(created.plus({ days: 3 })),
    };
  });
  // Ion's list items may carry no separate `id` (the SDK reads it from `name`): every third
  // customer here, and Oxford Senior Living, which the guides walk.
  customers.forEach((c, i) => {
    if (i % 3 === 2 || c.customerOrganization === 'Oxford Senior Living') delete c.id;
  });

  const skus = products.flatMap((p) => p.skus.flatMap((sku) => sku.plans.map((pl) => ({ product: p, sku, plan: pl }))));
  const subscriptions: IonSubscriptionRecord[] = [];
  customers.forEach((customer, ci) => {
    const count = 2 + (ci % 3);
    for (let si = 0; si < count; si++) {
      const { product, sku, plan: pl } = skus[(ci * 2 + si * 3) % skus.length]!;
      const start = today
        .minus({ months: rng.int(2, 20) })
        .startOf('day')
        .set({ hour: 16, minute: 29 });
      const annual = pl.billingTerm === 'P1Y';
      let end = start;
      while (end <= today) end = end.plus(annual ? { years: 1 } : { months: 1 });
      const quantity = rng.int(3, 40);
      const updated = rng.chance(0.3) ? today.minus({ days: rng.int(1, 20) }) : start.plus({ days: 1 });
      subscriptions.push({
        id: String(2_277_242 + subscriptions.length * 31),
        customerId: customerIdOf(customer)!,
        resellerId: ACCOUNT_ID,
        subscriptionId: rng.uuid(),
        subscriptionName: sku.displayName,
        ccpProductId: product.id,
        ccpSkuId: sku.id,
        ccpPlanId: pl.id,
        subscriptionTotalLicenses: String(quantity),
        unitType: product.unitType,
        subscriptionStatus: 'active',
        subscriptionPurchasedDate: iso(start),
        subscriptionStartDate: iso(start),
        subscriptionEndDate: iso(end),
        cancellationAllowedUntilDate: iso(start.plus({ days: 7 })),
        subscriptionBillingType: 'license',
        subscriptionBillingCycle: pl.billingCycle,
        subscriptionBillingTerm: pl.billingTerm,
        subscriptionRenewStatus: 'ENABLED',
        ccpProductInfo: productInfo(product, sku, pl),
        isTrial: false,
        autoRenew: true,
        customerName: customer.customerOrganization,
        lastUpdatedDate: iso(updated),
        price: pl.price.msrp,
        cost: pl.price.cost,
        currency: pl.price.currency,
        renewalDate: iso(end),
      });
    }
  });
  subscriptions.push(...vendorShaped(customers.slice(0, twins.length), subscriptions, products, today, iso));
  // The partner's invoice for each of the last two months: one recurring line per subscription.
  const money = (n: number) => Math.round(n * 100) / 100;
  const billingLines: IonBillingLineRecord[] = [1, 2].flatMap((back) => {
    const month = today.minus({ months: back }).startOf('month');
    const invoiceId = `INV-${month.toFormat('yyyy-MM')}`;
    return subscriptions
      .filter((s) => s.subscriptionStartDate.slice(0, 10) <= month.endOf('month').toISODate()!)
      .map((s) => ({
        invoiceId,
        invoiceDate: month.plus({ months: 1 }).set({ day: 4 }).toISODate()!,
        customerId: s.customerId,
        subscriptionId: s.id,
        productId: s.ccpProductId,
        skuId: s.ccpSkuId,
        productName: s.ccpProductInfo.skuDisplayName,
        chargeType: 'recurring' as const,
        chargeStartDate: month.toISODate()!,
        chargeEndDate: month.endOf('month').toISODate()!,
        quantity: Number(s.subscriptionTotalLicenses),
        unitPrice: s.price,
        unitCost: s.cost,
        total: money(s.price * Number(s.subscriptionTotalLicenses)),
        costTotal: money(s.cost * Number(s.subscriptionTotalLicenses)),
        currency: s.currency,
      }));
  });
  return {
    accountId: ACCOUNT_ID,
    initialRefreshToken: `ion-refresh-${rng.uuid()}`,
    customers,
    products,
    subscriptions,
    billingLines,
  };
}
