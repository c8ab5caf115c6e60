import { DateTime } from 'luxon';
import type { CwWorld } from '../world.ts';
import type { SophosTenantRecord, SophosUsageRecord, SophosWorld } from './world.ts';

/** The products the seeded tenants use each month: endpoint, server, email and firewall. */
export const SOPHOS_PRODUCTS = [
  {
    productCode: 'CIXA',
    sku: 'CIXA1CSAA',
    productDescription: 'Central Intercept X Advanced',
    group: 'Endpoint',
    unitPrice: 2.15,
  },
  {
    productCode: 'SVRCIXA',
    sku: 'SVRCIXA1CSAA',
    productDescription: 'Central Intercept X Advanced for Server',
    group: 'Server',
    unitPrice: 5.4,
  },
  {
    productCode: 'CEMADV',
    sku: 'CEMA1CSAA',
    productDescription: 'Central Email Advanced',
    group: 'Email',
    unitPrice: 1.6,
  },
  {
    productCode: 'XGS2100',
    sku: 'XT2D1CSAA',
    productDescription: 'Xstream Protection XGS 2100 Monthly',
    group: 'Firewall',
    unitPrice: 48,
  },
] as const;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (kind: number, i: number) => `${hex(kind, 8)}-5050-4000-a000-${hex(i, 12)}`;

/**
 * Sophos Central's sandbox world: tenants for a third of the ConnectWise companies (same name
 * and place) and two of its own, most billed by usage. For last month and this month so far,
 * each usage tenant uses endpoint and email protection, every third a server licence and every
 * fourth a firewall; one firewall licence is assigned to no tenant. Deterministic.
 */
export function seedSophos(cw: CwWorld, today: string): SophosWorld {
  const partnerId = uuid(0x50, 0);
  const tenants: SophosTenantRecord[] = [];
  const companies = cw.companies.filter((_, i) => i % 3 === 1);
  const extra = [
    { name: 'Lakeside Veterinary Clinic', addressLine1: '12 Shore Rd', city: 'Madison', state: 'WI', zip: '53703' },
    { name: 'Northwind Dental Group', addressLine1: '400 Elm St', city: 'Dayton', state: 'OH', zip: '45402' },
  ];
  [...companies, ...extra].forEach((c, i) => {
    tenants.push({
      id: uuid(0x7e, i + 1),
      name: c.name,
      showAs: c.name,
      dataGeography: 'US',
      dataRegion: 'us03',
      billingType: i % 7 === 6 ? 'term' : 'usage',
      partner: { id: partnerId },
      apiHost: 'https://api-us03.central.sophos.com',
      status: 'active',
      contact: {
        address: {
          address1: c.addressLine1 ?? '',
          city: c.city ?? '',
          state: c.state ?? '',
          postalCode: c.zip ?? '',
          countryCode: 'US',
        },
      },
    });
  });
  const now = DateTime.fromISO(today, { zone: 'utc' });
  const usage: SophosUsageRecord[] = [];
  for (const when of [now.minus({ months: 1 }), now]) {
    const month = when.startOf('month');
    const first = usage.length;
    // One order line per product and month: its net price is the whole line's, every tenant's.
    const line = (p: (typeof SOPHOS_PRODUCTS)[number], quantity: number, tenant?: SophosTenantRecord) => ({
      year: when.year,
      month: when.month,
      ...(tenant ? { accountId: tenant.id, assignedAccountIdentifier: tenant.showAs } : {}),
      productCode: p.productCode,
      sku: p.sku,
      productDescription: p.productDescription,
      productGroup: p.group,
      orderedQuantity: quantity,
      // What the endpoints reported can run ahead of what is billed; the bill is billableQuantity.
      actualQuantity: quantity + (quantity % 3),
      billableQuantity: quantity,
      unitPrice: p.unitPrice,
      netPrice: 0,
      billingStartDate: month.toISODate()!,
      billingEndDate: month.endOf('month').toISODate()!,
      orderLineItemNumber: `${month.toFormat('yyyyMM')}-${p.productCode}`,
    });
    tenants
      .filter((t) => t.billingType === 'usage')
      .forEach((t, i) => {
        const use = (p: (typeof SOPHOS_PRODUCTS)[number], quantity: number) => usage.push(line(p, quantity, t));
        // This month's counts run a little ahead of last month's, as usage grows.
        const grow = when.month === now.month ? 1 : 0;
        use(SOPHOS_PRODUCTS[0], 10 + ((i * 7) % 40) + grow);
        use(SOPHOS_PRODUCTS[2], 8 + ((i * 5) % 30));
        if (i % 3 === 0) use(SOPHOS_PRODUCTS[1], 1 + (i % 4));
        if (i % 4 === 0) use(SOPHOS_PRODUCTS[3], 1);
      });
    // A firewall licence bought but not assigned to any tenant: reported, never billed.
    usage.push(line(SOPHOS_PRODUCTS[3], 1));
    const month$ = usage.slice(first);
    for (const u of month$) {
      const onLine = month$.filter((x) => x.orderLineItemNumber === u.orderLineItemNumber);
      u.netPrice = Math.round(onLine.reduce((n, x) => n + x.billableQuantity * x.unitPrice, 0) * 100) / 100;
    }
  }
  return { clientId: 'sophos-sandbox-client', clientSecret: 'sophos-sandbox-secret', partnerId, tenants, usage };
}
