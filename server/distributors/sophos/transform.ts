import type {
  DistributorCompany,
  Parsed,
  ParseProblem,
  Subscription,
  UsageLine,
} from '../../../shared/schemas/distributor.ts';
import { each, reader } from '../parse.ts';
import { type SophosUsage, sophosTenantSchema, sophosUsageSchema } from './types.ts';

/** The one product a usage tenant is billed by; its sub-products are the Sophos products it uses. */
export const USAGE_PRODUCT = { id: 'central-usage', name: 'Sophos Central monthly usage' } as const;

export function toCompanies(raw: readonly unknown[]): Parsed<DistributorCompany> {
  return each('tenant', raw, sophosTenantSchema, (t) => ({
    id: t.id,
    name: t.showAs || t.name || t.id,
    website: null,
    phone: null,
    address: {
      street: t.contact?.address?.address1 ?? null,
      city: t.contact?.address?.city ?? null,
      region: t.contact?.address?.state ?? null,
      postalCode: t.contact?.address?.postalCode ?? null,
      country: t.contact?.address?.countryCode ?? null,
    },
    externalId: null,
    status: t.status === 'active' || !t.status ? 'Active' : 'Inactive',
    updatedAt: null,
  }));
}

/**
 * A usage-billed tenant as one monthly usage subscription, keyed by the tenant: what it used
 * last month is billed per product, in arrears. Tenants on term licences or trials are not billed here.
 */
export function toSubscriptions(raw: readonly unknown[], from: string): Parsed<Subscription> {
  const parsed = each('tenant', raw, sophosTenantSchema, (t) =>
    t.billingType === 'usage'
      ? ({
          id: t.id,
          companyId: t.id,
          productId: USAGE_PRODUCT.id,
          productName: USAGE_PRODUCT.name,
          parentId: null,
          quantity: 1,
          status: t.status === 'suspended' ? 'Cancelled' : 'Active',
          billingTerm: 'Monthly',
          startDate: from,
          endDate: null,
          createdAt: null,
          updatedAt: null,
          // Sophos prices nothing per tenant: its usage is priced from the bound ConnectWise product.
          unitPrice: 0,
          unitCost: 0,
          currency: 'USD',
          billing: 'usage',
          commitment: null,
          cancellableUntil: null,
        } satisfies Subscription)
      : undefined,
  );
  return parsed;
}

/** A month's billing usage, read once for every tenant: each tenant's lines, and what bills nobody. */
export interface MonthUsage {
  byTenant: Map<string, Omit<UsageLine, 'summaryId' | 'usageDate'>[]>;
  problems: ParseProblem[];
}

/**
 * A month's usage as lines per tenant, one per product. Sophos gives counts, not prices: the
 * price is the bound ConnectWise product's. A licence no tenant is assigned is never billed to a
 * guess: it is reported as a problem of every tenant's reading.
 */
export function toMonthUsage(raw: readonly unknown[]): MonthUsage {
  const unassigned: SophosUsage[] = [];
  const byTenant: MonthUsage['byTenant'] = new Map();
  const { problems } = each('usage', raw, sophosUsageSchema, (u, problems) => {
    if (!u.accountId) {
      unassigned.push(u);
      return undefined;
    }
    // Unknown is not zero: a line without a readable count is left out and reported, never billed as 0.
    const quantity = reader('usage', u.sku ?? null, problems).quantity('billableQuantity', u.billableQuantity);
    if (quantity === null) return undefined;
    const lines = byTenant.get(u.accountId) ?? [];
    lines.push({
      productId: u.sku ?? u.productCode ?? '',
      productName: u.productDescription ?? u.productCode ?? 'Sophos product',
      // The sources show no unit of measure; the product group says what is counted.
      unit: u.productGroup ?? null,
      // Licensed endpoints and users: billed by the month at the count, never by the day.
      counted: true,
      quantity,
      unitPrice: 0,
      charges: 0,
      partnerTotal: 0,
    });
    byTenant.set(u.accountId, lines);
    return undefined;
  });
  for (const u of unassigned)
    problems.push({
      resource: 'usage',
      id: u.sku ?? null,
      field: 'tenant',
      value: null,
      message:
        `${u.billableQuantity} × ${u.productDescription ?? u.productCode} is assigned to no tenant, so ` +
        `it is billed to nobody: assign the licence to its customer in Sophos Central.`,
      effect: 'dropped',
      label: u.productDescription ?? undefined,
    });
  return { byTenant, problems };
}

/** One tenant's lines of a month, dated `day`. */
export const toUsageLines = (month: MonthUsage, tenantId: string, day: string): Parsed<UsageLine> => ({
  items: (month.byTenant.get(tenantId) ?? []).map((l) => ({ ...l, summaryId: tenantId, usageDate: day })),
  problems: month.problems,
});
