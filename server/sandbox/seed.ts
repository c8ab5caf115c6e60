import { DateTime } from 'luxon';
import { GUIDE_COMPANIES, looseVariant, NAME_PARTS, PRODUCT_SEEDS, type ProductSeed } from './catalog-data.ts';
import { generateIonWorld } from './ion/seed.ts';
import type { IonWorld } from './ion/world.ts';
import { addInvoices, makeSubscription } from './pax8/generate.ts';
import { addUsage } from './pax8/usage-seed.ts';
import { prng } from './prng.ts';
import { seedSophos } from './sophos/seed.ts';
import type {
  CwAdditionRecord,
  CwAgreementRecord,
  CwCatalogRecord,
  CwCompanyRecord,
  CwWorld,
  Pax8CompanyRecord,
  Pax8PricingRecord,
  Pax8ProductRecord,
  Pax8World,
  World,
} from './world.ts';

export interface SeedOptions {
  seed?: number;
  /** Pax8 companies; ConnectWise gets the matching ones plus about 10% of its own. */
  companies?: number;
  /** Subscriptions in all (at least one per company that has any). */
  subscriptions?: number;
  /** ISO date the data is generated around. */
  today: string;
}

export { prng } from './prng.ts';

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
const isoDay = (d: DateTime) => d.toUTC().toISODate()!;
const cwDate = (d: DateTime) => `${isoDay(d)}T00:00:00Z`;
const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 24);
const money = (n: number) => Math.round(n * 100) / 100;

const CW_CATEGORIES = [
  { id: 1, name: 'Business Productivity' },
  { id: 2, name: 'Security' },
  { id: 3, name: 'Cloud Services' },
];
const CW_SUBCATEGORIES = [
  { id: 11, name: 'Business Productivity', category: CW_CATEGORIES[0]! },
  { id: 12, name: 'Email Security', category: CW_CATEGORIES[1]! },
  { id: 13, name: 'Backup', category: CW_CATEGORIES[2]! },
  { id: 14, name: 'Infrastructure', category: CW_CATEGORIES[2]! },
];
const CW_TYPES = [
  { id: 21, name: 'Standalone' },
  { id: 22, name: 'Recurring' },
];
const CW_UOMS = [
  { id: 31, name: 'User' },
  { id: 32, name: 'Device' },
  { id: 33, name: 'Each' },
  { id: 34, name: 'Mailbox' },
  { id: 35, name: 'Server' },
  { id: 36, name: 'Usage' },
];
const MONTHLY = { id: 1, name: 'Monthly' };
const YEARLY = { id: 4, name: 'Yearly' };

/**
 * Builds a consistent ConnectWise and Pax8 pair: companies that match exactly, loosely or not
 * at all; agreements active, cancelled, expired, prorating or not, some invoiced ahead; a
 * catalog where some Pax8 products already have items; subscriptions of every term with
 * mid-month changes in their history, cancellations, commitments and usage products.
 * The same options always give the same world.
 */
export function generateWorld(options: SeedOptions): World {
  const seed = options.seed ?? 42;
  const rng = prng(seed);
  const today = DateTime.fromISO(options.today, { zone: 'utc' }).startOf('day');
  const companyCount = Math.max(1, options.companies ?? 12);
  const subscriptionTarget = options.subscriptions ?? companyCount * 4;
  const stamp = { lastUpdated: iso(today.minus({ days: 30 })), updatedBy: 'sandbox' };

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

  // ConnectWise catalog: about half the Pax8 products already have an item, found by SKU.
  const catalog: CwCatalogRecord[] = [];
  let catalogId = 1200;
  const catalogFor = new Map<string, CwCatalogRecord>();
  products.forEach((p, i) => {
    const s = seedOf.get(p.id)!;
    if (i % 2 === 1 && !s.usage) return;
    const item = catalogItem(++catalogId, s, p, stamp);
    catalog.push(item);
    catalogFor.set(p.id, item);
  });
  catalog.push({
    ...catalogItem(++catalogId, PRODUCT_SEEDS[0]!, products[0]!, stamp),
    identifier: 'M365-ONBOARD-BUNDLE',
    description: 'Microsoft 365 onboarding bundle',
    productClass: 'Bundle',
    vendorSku: null,
  });
  // Proofpoint's sub-products, as an MSP that bills them apart keeps them (the guide's step 6a).
  const proofpoint = products.find((p) => seedOf.get(p.id)!.key === 'proofpoint');
  for (const sp of proofpoint ? seedOf.get(proofpoint.id)!.usage!.subProducts.slice(0, 4) : []) {
    const tier = sp.name.split(' - ')[1]!;
    catalog.push({
      ...catalogItem(++catalogId, seedOf.get(proofpoint!.id)!, proofpoint!, stamp),
      identifier: `PPT-ESS-${tier.toUpperCase()}`,
      description: `Proofpoint Essentials Email Security (${tier})`,
      price: sp.unitPrice,
      cost: sp.unitCost,
      manufacturerPartNumber: null,
      vendorSku: null,
    });
  }
  // Two Sophos products an MSP already sells, for mapping Sophos Central's usage to existing ones.
  for (const [identifier, description, price, cost] of [
    ['SOPHOS-IXA', 'Sophos Intercept X Advanced (per user)', 6.5, 3.9],
    ['SOPHOS-EMAIL', 'Sophos Email Advanced (per mailbox)', 3, 1.6],
  ] as const)
    catalog.push({
      ...catalogItem(++catalogId, PRODUCT_SEEDS[0]!, products[0]!, stamp),
      identifier,
      description,
      customerDescription: description,
      price,
      cost,
      manufacturerPartNumber: null,
      vendorSku: null,
    });

  const cw: CwWorld = {
    companyId: 'sandbox',
    companyName: 'Sandbox MSP',
    codebase: 'v2025_1/',
    clientId: '3f2b7c1e-5d4a-4b8e-9c6f-0a1b2c3d4e5f',
    members: [
      {
        id: 101,
        identifier: 'jdoe',
        firstName: 'Jane',
        lastName: 'Doe',
        email: 'jdoe@sandbox-msp.example',
        password: 'sandbox',
        role: 'Admin',
        inactive: false,
      },
      {
        id: 102,
        identifier: 'nross',
        firstName: 'Nicholas',
        lastName: 'Ross',
        email: 'nross@sandbox-msp.example',
        password: 'sandbox',
        role: 'Admin',
        inactive: false,
      },
      {
        id: 103,
        identifier: 'kpark',
        firstName: 'Kim',
        lastName: 'Park',
        email: 'kpark@sandbox-msp.example',
        password: 'sandbox',
        role: 'Finance',
        inactive: false,
      },
      {
        id: 104,
        identifier: 'amarkov',
        firstName: 'Alex',
        lastName: 'Markov',
        email: 'amarkov@sandbox-msp.example',
        password: 'sandbox',
        role: 'Technician',
        inactive: false,
      },
      {
        id: 105,
        identifier: 'former',
        firstName: 'Pat',
        lastName: 'Former',
        email: 'former@sandbox-msp.example',
        password: 'sandbox',
        role: 'Admin',
        inactive: true,
      },
    ],
    apiMembers: [{ identifier: 'Pax8', publicKey: 'CIV5t8keF17BYGWg', privateKey: 's5sgfGtzYMZzxcC', role: 'Admin' }],
    companies: [],
    agreements: [],
    additions: [],
    catalog,
    hostedSetups: [],
    hostedScreens: [
      { id: 1, screenId: 1, name: 'Company' },
      { id: 2, screenId: 2, name: 'Agreement' },
      { id: 3, screenId: 3, name: 'Ticket' },
      { id: 4, screenId: 4, name: 'Contact' },
    ],
    categories: CW_CATEGORIES,
    subcategories: CW_SUBCATEGORIES,
    productTypes: CW_TYPES,
    unitsOfMeasure: CW_UOMS,
    boards: [
      { id: 1, name: 'Help Desk', inactiveFlag: false },
      { id: 2, name: 'Billing', inactiveFlag: false },
      { id: 3, name: 'Projects (closed)', inactiveFlag: true },
    ],
    tickets: [],
  };
  const pax8: Pax8World = {
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

  // Names: the guides' customers first, then generated ones with a mix of match kinds.
  const pairs: { pax8: string; cw: string | null }[] = GUIDE_COMPANIES.filter((g) => !g.cwOnly).slice(0, companyCount);
  const usedNames = new Set(pairs.map((p) => p.pax8));
  for (let i = pairs.length; i < companyCount; i++) {
    let name: string;
    do {
      name = `${rng.pick(NAME_PARTS.first)} ${rng.pick(NAME_PARTS.second)}${rng.pick(NAME_PARTS.suffix)}`;
    } while (usedNames.has(name) && usedNames.size < 4000);
    if (usedNames.has(name)) name = `${name} ${i}`;
    usedNames.add(name);
    const kind = i % 10;
    pairs.push({ pax8: name, cw: kind === 9 ? null : kind >= 7 ? looseVariant(name, i) : name });
  }
  const cwOnly = [
    ...GUIDE_COMPANIES.filter((g) => g.cwOnly).map((g) => g.cw!),
    ...Array.from(
      { length: Math.floor(companyCount / 10) },
      (_, i) => `${rng.pick(NAME_PARTS.first)} ${rng.pick(NAME_PARTS.second)} ${i + 1}`,
    ),
  ];

  let cwCompanyId = 18;
  let agreementId = 200;
  const cwCompanyByPax8 = new Map<string, CwCompanyRecord>();
  // A company and its twin at Pax8 share an address; ConnectWise-only companies are elsewhere,
  // so two same-named companies (the two "Arcadia Tech"s) can be told apart by where they are.
  const DENVER = { city: 'Denver', state: 'CO', zip: '80202' };
  const TAMPA = { city: 'Tampa', state: 'FL', zip: '33602' };
  const makeCwCompany = (name: string, website: string | null, place = DENVER): CwCompanyRecord => ({
    id: ++cwCompanyId,
    identifier: `${slug(name).slice(0, 20)}${cwCompanyId}`.slice(0, 30),
    name: name.slice(0, 50),
    status: { id: 1, name: 'Active' },
    types: [{ id: 1, name: 'Client' }],
    deletedFlag: false,
    addressLine1: `${100 + (cwCompanyId % 800)} Main Street`,
    ...place,
    country: { id: 1, name: 'United States' },
    phoneNumber: `813-555-${String(1000 + cwCompanyId).slice(-4)}`,
    website,
    _info: stamp,
  });

  for (const pair of pairs) {
    const domain = `${slug(pair.pax8)}.com`;
    const company: Pax8CompanyRecord = {
      id: rng.uuid(),
      name: pair.pax8,
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
    pax8.companies.push(company);
    if (pair.cw) {
      const cwCompany = makeCwCompany(pair.cw, rng.chance(0.7) ? `https://${domain}` : null);
      cw.companies.push(cwCompany);
      cwCompanyByPax8.set(company.id, cwCompany);
    }
  }
  for (const name of cwOnly) cw.companies.push(makeCwCompany(name, null, TAMPA));

  // Agreements: every ConnectWise company gets an active monthly one; others vary by index.
  cw.companies.forEach((company, i) => {
    const add = (over: Partial<CwAgreementRecord>) => {
      const start = today.minus({ months: 14 }).startOf('month');
      const record: CwAgreementRecord = {
        id: ++agreementId,
        name: `${company.name.slice(0, 30)} Managed Services`,
        type: { id: 1, name: 'Managed Services' },
        company: { id: company.id, identifier: company.identifier, name: company.name },
        startDate: cwDate(start),
        endDate: null,
        noEndingDateFlag: true,
        cancelledFlag: false,
        dateCancelled: null,
        agreementStatus: 'Active',
        billingCycle: MONTHLY,
        billStartDate: cwDate(start),
        nextInvoiceDate: cwDate(today.plus({ months: 1 }).startOf('month')),
        prorateFlag: false,
        prorateFirstBill: false,
        invoiceProratedAdditionsFlag: false,
        periodType: 'Current',
        parentAgreement: null,
        taxable: true,
        currency: currencyRef('USD'),
        _info: stamp,
        ...over,
      };
      cw.agreements.push(record);
      return record;
    };
    const kind = i % 6;
    add({ prorateFlag: kind === 1 || kind === 4 });
    if (kind === 2)
      add({
        name: `${company.name.slice(0, 30)} Cloud (invoiced ahead)`,
        nextInvoiceDate: cwDate(today.plus({ months: 2 }).startOf('month')),
      });
    if (kind === 3)
      add({
        name: `${company.name.slice(0, 30)} Annual Licensing`,
        billingCycle: YEARLY,
        nextInvoiceDate: cwDate(today.plus({ years: 1 }).startOf('year')),
      });
    if (kind === 4)
      add({
        name: `${company.name.slice(0, 30)} Legacy`,
        cancelledFlag: true,
        agreementStatus: 'Cancelled',
        dateCancelled: cwDate(today.minus({ months: 3 })),
      });
    if (kind === 5)
      add({
        name: `${company.name.slice(0, 30)} 2023 Project`,
        noEndingDateFlag: false,
        endDate: cwDate(today.minus({ months: 2 }).endOf('month')),
        agreementStatus: 'Expired',
      });
  });

  // Subscriptions, spread over the Pax8 companies.
  const seatProducts = products.filter((p) => !seedOf.get(p.id)!.usage);
  const usageProducts = products.filter((p) => seedOf.get(p.id)!.usage);
  let additionId = 8600;
  const perCompany = Math.max(1, Math.round(subscriptionTarget / pax8.companies.length));
  let remaining = subscriptionTarget;
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

  addInvoices(rng, today, pax8);
  const ion = generateIonWorld({ seed, today: isoDay(today), cwCompanies: cw.companies });
  addCurrencyAgreements(cw, ion);
  const sophos = seedSophos(cw, isoDay(today));
  // The MSP's own company in Manage (type Owner), last so no customer's ids move: where the
  // digest's ticket goes.
  cw.companies.push({
    ...makeCwCompany('Sandbox MSP', 'https://sandbox-msp.example', TAMPA),
    id: Math.max(...cw.companies.map((c) => c.id)) + 1,
    identifier: cw.companyId,
    types: [{ id: 2, name: 'Owner' }],
  });
  return { today: isoDay(today), seed, cw, pax8, ion, sophos };
}

function catalogItem(
  id: number,
  s: ProductSeed,
  p: Pax8ProductRecord,
  stamp: { lastUpdated: string; updatedBy: string },
): CwCatalogRecord {
  const [cost, price] = Object.values(s.terms)[0]!;
  const uom = CW_UOMS.find((u) => u.name === s.unit) ?? CW_UOMS[0]!;
  return {
    id,
    identifier: p.sku,
    description: `Pax8 - ${p.name}`.slice(0, 60),
    customerDescription: p.shortDescription,
    subcategory: CW_SUBCATEGORIES[s.usage ? 1 : 0]!,
    type: CW_TYPES[0]!,
    category: CW_CATEGORIES[s.usage ? 1 : 0]!,
    productClass: 'Service',
    price,
    cost,
    manufacturer: { id: 1, name: p.vendorName },
    manufacturerPartNumber: p.sku,
    vendor: { id: 8, name: 'Pax8' },
    vendorSku: p.sku,
    unitOfMeasure: uom,
    taxableFlag: true,
    inactiveFlag: false,
    _info: stamp,
  };
}

/** Manage's multi-currency reference, as an agreement carries it. */
export const currencyRef = (code: string) => ({
  id: code === 'USD' ? 1 : 2,
  symbol: code === 'USD' ? '$' : 'kr',
  currencyCode: code,
  name: code === 'USD' ? 'US Dollar' : code,
});

/**
 * An MSP that bills a customer in another currency keeps an agreement in it: each company
 * with an Ion subscription in another currency gets one beside its USD agreement.
 */
function addCurrencyAgreements(cw: CwWorld, ion: IonWorld) {
  const names = new Map(ion.customers.map((c) => [c.id ?? c.name.split('/').at(-1), c.customerOrganization]));
  for (const s of ion.subscriptions.filter((x) => x.currency !== 'USD')) {
    const company = cw.companies.find((c) => c.name === names.get(s.customerId));
    const base = cw.agreements.find((a) => a.company.id === company?.id && !a.cancelledFlag);
    if (
      !company ||
      !base ||
      cw.agreements.some((a) => a.company.id === company.id && a.currency.currencyCode === s.currency)
    )
      continue;
    cw.agreements.push({
      ...base,
      id: Math.max(...cw.agreements.map((a) => a.id)) + 1,
      name: `${company.name.slice(0, 30)} Nordic (${s.currency})`,
      currency: currencyRef(s.currency),
    });
  }
}

export { invoiceTerm } from './pax8/generate.ts';
