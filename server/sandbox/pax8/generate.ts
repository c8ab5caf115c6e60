import { DateTime } from 'luxon';
import { PRODUCT_SEEDS, type ProductSeed } from '../catalog-data.ts';
import type { Stamp } from '../connectwise/generate.ts';
import type { prng } from '../prng.ts';
import type { CwAdditionRecord, CwCatalogRecord, CwCompanyRecord, CwWorld } from '../world.ts';
import { addUsage } from './usage-seed.ts';
import type {
  Pax8CompanyRecord,
  Pax8InvoiceItemRecord,
  Pax8PricingRecord,
  Pax8ProductRecord,
  Pax8SubscriptionRecord,
  Pax8World,
} from './world.ts';

/**
 * Pax8's part of the shared world: each subscription with its history, its commitment term,
 * and the partner's invoices, its products and their prices, its companies. `seed.ts` calls
 * these as it walks the companies it generates.
 */

type Rng = ReturnType<typeof prng>;

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
const money = (n: number) => Math.round(n * 100) / 100;
const isoDay = (d: DateTime) => d.toUTC().toISODate()!;
const cwDate = (d: DateTime) => `${isoDay(d)}T00:00:00Z`;

/**
 * A subscription and its history. About a third change quantity inside the current month
 * (the prorates of a sync), some changed last month, some are cancelled. The very first
 * subscription of the first company replays the guide's first example: 1 seat, +1 on day 9.
 */
export function makeSubscription(
  rng: Rng,
  today: DateTime,
  companyId: string,
  product: Pax8ProductRecord,
  term: keyof ProductSeed['terms'],
  cost: number,
  price: number,
  guideExample: boolean,
) {
  const start = guideExample
    ? today.minus({ months: 3 }).startOf('month').plus({ days: 10 })
    : today
        .minus({ months: rng.int(2, 20) })
        .startOf('month')
        .plus({ days: rng.int(0, 26) });
  const id = rng.uuid();
  let quantity = guideExample ? 1 : term === 'One-Time' ? 1 : rng.int(1, 60);
  const months = { Annual: 12, '2-Year': 24, '3-Year': 36 } as Record<string, number>;
  const base: Pax8SubscriptionRecord = {
    id,
    companyId,
    productId: product.id,
    productName: product.name,
    parentSubscriptionId: null,
    vendorSubscriptionId: rng.uuid(),
    quantity,
    startDate: iso(start),
    endDate: null,
    createdDate: iso(start),
    updatedDate: iso(start),
    billingStart: iso(start),
    status: 'Active',
    price,
    partnerCost: cost,
    currencyCode: 'USD',
    billingTerm: term,
    // An active term renews: its end is the first term boundary after today, as Pax8 shows it.
    commitmentTerm: months[term] ? { id: rng.uuid(), term, endDate: iso(termEnd(start, months[term]!, today)) } : null,
    provisioningDetails: [{ key: 'domain', values: [`${companyId.slice(0, 8)}.onmicrosoft.com`] }],
  };
  const history: Pax8SubscriptionRecord[] = [{ ...base }];
  const change = (at: DateTime, to: number) => {
    quantity = to;
    history.push({ ...history.at(-1)!, quantity, updatedDate: iso(at) });
  };
  const dayOfMonth = today.day;
  if (guideExample) {
    if (dayOfMonth > 9) change(today.startOf('month').plus({ days: 8, hours: 15 }), 2);
    else change(today.minus({ months: 1 }).startOf('month').plus({ days: 8, hours: 15 }), 2);
  } else if (term !== 'One-Time') {
    if (rng.chance(0.2))
      change(
        today
          .minus({ months: 1 })
          .startOf('month')
          .plus({ days: rng.int(2, 25), hours: rng.int(8, 18) }),
        Math.max(1, quantity + rng.int(-3, 6)),
      );
    if (dayOfMonth > 2 && rng.chance(0.35)) {
      const changes = rng.int(1, 2);
      let day = 1;
      for (let c = 0; c < changes && day < dayOfMonth - 1; c++) {
        day = rng.int(day + 1, dayOfMonth - 1);
        const delta = rng.chance(0.75) ? rng.int(1, 12) : -rng.int(1, Math.max(1, Math.min(5, quantity - 1)));
        change(today.startOf('month').plus({ days: day - 1, hours: rng.int(8, 18) }), Math.max(1, quantity + delta));
      }
    }
  }
  const last = history.at(-1)!;
  if (!guideExample && rng.chance(0.06)) {
    const end = today.minus({ days: rng.int(1, 40) });
    const cancelled = { ...last, status: 'Cancelled' as const, endDate: iso(end), updatedDate: iso(end) };
    history.push(cancelled);
  }
  return { current: { ...history.at(-1)! }, history };
}

/** How an invoice item names a subscription's term: usage in arrears, years with a space. */
export function invoiceTerm(sub: Pick<Pax8SubscriptionRecord, 'price' | 'billingTerm'>): Pax8InvoiceItemRecord['term'] {
  if (sub.price === 0) return 'Arrears';
  if (sub.billingTerm === 'Trial' || sub.billingTerm === 'Activation') return 'One-Time';
  if (sub.billingTerm === '2-Year') return '2 Year';
  if (sub.billingTerm === '3-Year') return '3 Year';
  return sub.billingTerm as Pax8InvoiceItemRecord['term'];
}

function termEnd(start: DateTime, months: number, today: DateTime): DateTime {
  let end = start.plus({ months });
  while (end <= today) end = end.plus({ months });
  return end;
}

/**
 * The final invoice is not always what was synced: on three subscriptions of different
 * customers, seats added after the sync, a price change, and a credit, for reconciliation.
 */
function varyInvoice(items: Pax8InvoiceItemRecord[]) {
  const seats = items.filter((i) => i.type === 'subscription' && i.term === 'Monthly' && i.quantity > 0);
  const picked: Pax8InvoiceItemRecord[] = [];
  for (const i of seats) if (picked.length < 3 && !picked.some((p) => p.companyId === i.companyId)) picked.push(i);
  const [more, dearer, credited] = picked;
  if (more) Object.assign(more, { quantity: more.quantity + 3 });
  if (dearer) Object.assign(dearer, { cost: money(dearer.cost * 1.1) });
  for (const i of [more, dearer])
    if (i) Object.assign(i, { total: money(i.price * i.quantity), costTotal: money(i.cost * i.quantity) });
  if (credited)
    items.push({
      ...credited,
      type: 'service-credit',
      quantity: 1,
      price: -credited.cost,
      cost: -credited.cost,
      total: -credited.cost,
      costTotal: -credited.cost,
      term: 'One-Time',
    });
}

/** Last month's invoice: one item per active subscription, billed on the 4th as Pax8 does. */
export function addInvoices(rng: Rng, today: DateTime, pax8: Pax8World) {
  const month = today.minus({ months: 1 }).startOf('month');
  const invoiceId = rng.uuid();
  const items: Pax8InvoiceItemRecord[] = [];
  const names = new Map(pax8.companies.map((c) => [c.id, c.name]));
  const skus = new Map(pax8.products.map((p) => [p.id, p.sku]));
  for (const sub of pax8.subscriptions) {
    if (DateTime.fromISO(sub.startDate) > month.endOf('month')) continue;
    const quantity =
      [...pax8.history[sub.id]!].reverse().find((h) => DateTime.fromISO(h.updatedDate) <= month.endOf('month'))
        ?.quantity ?? sub.quantity;
    // Pax8 sends items without an id; the draw is kept so the rest of the world stays as it was.
    rng.uuid();
    items.push({
      invoiceId,
      type: 'subscription',
      companyId: sub.companyId,
      companyName: names.get(sub.companyId) ?? '',
      subscriptionId: sub.id,
      productId: sub.productId,
      productName: sub.productName,
      sku: skus.get(sub.productId) ?? '',
      startPeriod: month.toISODate()!,
      endPeriod: month.endOf('month').toISODate()!,
      quantity,
      price: sub.price,
      cost: sub.partnerCost,
      total: money(sub.price * quantity),
      costTotal: money(sub.partnerCost * quantity),
      term: invoiceTerm(sub),
    });
  }
  varyInvoice(items);
  const total = money(items.reduce((sum, i) => sum + i.costTotal, 0));
  pax8.invoices.push({
    id: invoiceId,
    invoiceDate: today.startOf('month').plus({ days: 3 }).toISODate()!,
    dueDate: today.startOf('month').plus({ days: 33 }).toISODate()!,
    status: 'Unpaid',
    total,
    balance: total,
    partnerName: 'Sandbox MSP',
    companyIds: [...new Set(items.map((i) => i.companyId))],
  });
  pax8.invoiceItems.push(...items);
}

/** Pax8's products (one per seed, each with a fresh id) and their price list by term. */
export function pax8Products(rng: Rng) {
  const products: Pax8ProductRecord[] = PRODUCT_SEEDS.map((p) => ({
    id: rng.uuid(),
    name: p.name,
    vendorName: p.vendorName,
    shortDescription: p.shortDescription,
    description: `${p.shortDescription} Sold through Pax8.`,
    sku: p.sku,
    vendorSku: `${p.sku}-V`,
    requiresCommitment: !p.terms.Monthly,
  }));
  const seedOf = new Map(products.map((p, i) => [p.id, PRODUCT_SEEDS[i]!]));
  const pricing: Pax8PricingRecord[] = products.flatMap((p) =>
    Object.entries(seedOf.get(p.id)!.terms).map(([term, [cost, price]]) => ({
      productId: p.id,
      productName: p.name,
      billingTerm: term,
      commitmentTerm: term === 'Monthly' || term === 'One-Time' ? null : term,
      commitmentTermInMonths: ({ Annual: 12, '2-Year': 24, '3-Year': 36 } as Record<string, number>)[term] ?? null,
      type: 'Flat' as const,
      unitOfMeasurement: seedOf.get(p.id)!.unit,
      rates: [
        {
          partnerBuyRate: cost,
          suggestedRetailPrice: price,
          startQuantityRange: 1,
          endQuantityRange: null,
          chargeType: 'Per Unit' as const,
        },
      ],
    })),
  );

  return { products, pricing, seedOf };
}

/** Pax8's side of the world before its companies and subscriptions are added. */
export function pax8World(products: Pax8ProductRecord[], pricing: Pax8PricingRecord[]): Pax8World {
  return {
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
    companies: [],
    products,
    pricing,
    subscriptions: [],
    history: {},
    usageSummaries: [],
    usageLines: [],
    invoices: [],
    invoiceItems: [],
  };
}

/** A Pax8 company, in Denver like its ConnectWise twin. */
export function pax8Company(rng: Rng, name: string, domain: string, today: DateTime): Pax8CompanyRecord {
  return {
    id: rng.uuid(),
    name,
    address: {
      street: `${rng.int(10, 999)} Market St`,
      street2: null,
      city: 'Denver',
      stateOrProvince: 'CO',
      postalCode: '80202',
      country: 'US',
    },
    phone: `303-555-${rng.int(1000, 9999)}`,
    website: `www.${domain}`,
    externalId: null,
    billOnBehalfOfEnabled: false,
    selfServiceAllowed: false,
    orderApprovalRequired: false,
    status: 'Active',
    updatedDate: iso(today.minus({ days: rng.int(1, 300) })),
  };
}

/** What the subscriptions are spread over, and where each Pax8 company's billed lines go. */
export interface SubscriptionScene {
  pax8: Pax8World;
  cw: CwWorld;
  seedOf: Map<string, ProductSeed>;
  catalogFor: Map<string, CwCatalogRecord>;
  cwCompanyByPax8: Map<string, CwCompanyRecord>;
  stamp: Stamp;
  target: number;
}

/**
 * Subscriptions, spread over the Pax8 companies, and the state ConnectWise already bills for
 * most of those whose company, product and agreement are in ConnectWise: the quantity as of
 * the start of this month.
 */
export function addSubscriptions(rng: Rng, today: DateTime, scene: SubscriptionScene) {
  const { pax8, cw, seedOf, catalogFor, cwCompanyByPax8, stamp } = scene;
  const products = pax8.products;
  const seatProducts = products.filter((p) => !seedOf.get(p.id)!.usage);
  const usageProducts = products.filter((p) => seedOf.get(p.id)!.usage);
  let additionId = 8600;
  const perCompany = Math.max(1, Math.round(scene.target / pax8.companies.length));
  let remaining = scene.target;
  pax8.companies.forEach((company, ci) => {
    const count = ci === pax8.companies.length - 1 ? remaining : Math.min(remaining, perCompany);
    remaining -= count;
    for (let si = 0; si < count; si++) {
      const usage = si === 2 && ci % 3 === 0;
      const product = usage
        ? usageProducts[ci % usageProducts.length]!
        : seatProducts[(ci + si * 3) % seatProducts.length]!;
      const s = seedOf.get(product.id)!;
      const terms = Object.keys(s.terms) as (keyof ProductSeed['terms'])[];
      const term = terms[(ci + si) % terms.length]!;
      const [cost, price] = s.terms[term]!;
      const sub = makeSubscription(rng, today, company.id, product, term, cost, price, ci === 0 && si === 0);
      pax8.subscriptions.push(sub.current);
      pax8.history[sub.current.id] = sub.history;

      if (s.usage) addUsage(rng, today, pax8, company, sub.current, s, ci === 0);

      // Already-billed state in ConnectWise: the quantity as of the start of this month.
      const cwCompany = cwCompanyByPax8.get(company.id);
      const item = catalogFor.get(product.id);
      const agreement =
        cwCompany &&
        cw.agreements.find((a) => a.company.id === cwCompany.id && !a.cancelledFlag && a.agreementStatus === 'Active');
      if (cwCompany && item && agreement && !s.usage && rng.chance(0.7)) {
        const monthStart = today.startOf('month');
        const billed = [...sub.history].reverse().find((h) => DateTime.fromISO(h.updatedDate) < monthStart);
        if (billed) {
          const addition: CwAdditionRecord = {
            id: ++additionId,
            agreementId: agreement.id,
            product: { id: item.id, identifier: item.identifier, name: item.description },
            quantity: billed.quantity,
            lessIncluded: 0,
            unitPrice: price,
            unitCost: cost,
            billCustomer: 'Billable',
            effectiveDate:
              DateTime.fromISO(sub.current.startDate).plus({ months: 1 }).startOf('month') <
              DateTime.fromISO(agreement.billStartDate)
                ? agreement.billStartDate
                : cwDate(DateTime.fromISO(sub.current.startDate).plus({ months: 1 }).startOf('month')),
            cancelledDate: null,
            taxableFlag: true,
            serialNumber: null,
            invoiceDescription: `Pax8 - ${product.name}`.slice(0, 50),
            description: product.name.slice(0, 60),
            purchaseItemFlag: false,
            specialOrderFlag: false,
            uom: s.unit,
            extPrice: money(price * billed.quantity),
            extCost: money(cost * billed.quantity),
            margin: money((price - cost) * billed.quantity),
            agreementStatus: 'Active',
            sequenceNumber: 1,
            _info: stamp,
          };
          cw.additions.push(addition);
        }
      }
    }
  });
}
