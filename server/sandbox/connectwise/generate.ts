import type { DateTime } from 'luxon';
import type { ProductSeed } from '../catalog-data.ts';
import type { IonWorld } from '../ion/world.ts';
import type { Pax8ProductRecord } from '../pax8/world.ts';
import type { CwAgreementRecord, CwCatalogRecord, CwCompanyRecord, CwWorld } from '../world.ts';

/**
 * ConnectWise's part of the shared world: the MSP's members and lookups, its catalog (about half
 * of Pax8's products already have an item), its companies and their agreements. `seed.ts` calls
 * these as it walks the companies it generates; nothing here draws from the seed's numbers, so
 * the order of the world's draws is the one `seed.ts` gives.
 */

export type Stamp = { lastUpdated: string; updatedBy: string };

const isoDay = (d: DateTime) => d.toUTC().toISODate()!;
const cwDate = (d: DateTime) => `${isoDay(d)}T00:00:00Z`;
export const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 24);

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

/** The catalog an MSP keeps for what it buys at Pax8, and which item each Pax8 product has. */
export function generateCatalog(
  products: Pax8ProductRecord[],
  seedOf: Map<string, ProductSeed>,
  first: ProductSeed,
  stamp: Stamp,
) {
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
    ...catalogItem(++catalogId, first, products[0]!, stamp),
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
      ...catalogItem(++catalogId, first, products[0]!, stamp),
      identifier,
      description,
      customerDescription: description,
      price,
      cost,
      manufacturerPartNumber: null,
      vendorSku: null,
    });

  return { catalog, catalogFor };
}

/** The MSP in Manage: its members (one of each role), API member, screens, lookups and boards. */
export function connectWiseWorld(catalog: CwCatalogRecord[]): CwWorld {
  return {
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
}

// A company and its twin at Pax8 share an address; ConnectWise-only companies are elsewhere,
// so two same-named companies (the two "Arcadia Tech"s) can be told apart by where they are.
export const DENVER = { city: 'Denver', state: 'CO', zip: '80202' };
export const TAMPA = { city: 'Tampa', state: 'FL', zip: '33602' };

/** Makes ConnectWise companies with ids from 19 on, in the order they are asked for. */
export function companyMaker(stamp: Stamp) {
  let cwCompanyId = 18;
  return (name: string, website: string | null, place = DENVER): CwCompanyRecord => ({
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
}

/** Agreements: every ConnectWise company gets an active monthly one; others vary by index. */
export function addAgreements(cw: CwWorld, today: DateTime, stamp: Stamp) {
  let agreementId = 200;
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
}

export function catalogItem(id: number, s: ProductSeed, p: Pax8ProductRecord, stamp: Stamp): CwCatalogRecord {
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
export function addCurrencyAgreements(cw: CwWorld, ion: IonWorld) {
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
