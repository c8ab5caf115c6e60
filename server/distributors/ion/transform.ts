import type { z } from 'zod';
import type {
  BillingTerm,
  DistributorCompany,
  DistributorProduct,
  Parsed,
  ParseProblem,
  ProductPrice,
  Subscription,
  SubscriptionStatus,
} from '../../../shared/schemas/distributor.ts';
import { each, reader } from '../parse.ts';
import { ionCustomerSchema, ionProductSchema, ionSubscriptionSchema } from './types.ts';

/**
 * Ion names a subscription within its customer, and reading one needs both ids, so the
 * product's id for it carries both: `{customerId}-{id}` (Ion's ids are digits).
 */
export const subscriptionKey = (customerId: string, id: string) => `${customerId}-${id}`;
export function splitSubscriptionKey(key: string): { customerId: string; id: string } | undefined {
  const match = key.match(/^([^-]+)-(.+)$/);
  return match ? { customerId: match[1]!, id: match[2]! } : undefined;
}

/** A product here is one of Ion's SKUs; its plans are its terms. */
export const productKey = (productId: string, skuId: string) => `${productId}:${skuId}`;
export function splitProductKey(key: string): { productId: string; skuId: string } | undefined {
  const at = key.indexOf(':');
  return at > 0 ? { productId: key.slice(0, at), skuId: key.slice(at + 1) } : undefined;
}

/** A customer's id: its own `id`, else the last segment of its `name` path. */
export const customerIdOf = (c: { id?: string | null; name?: string | null }): string | null =>
  c.id || c.name?.split('/').filter(Boolean).at(-1) || null;

export function toCompanies(raw: readonly unknown[]): Parsed<DistributorCompany> {
  return each('customer', raw, ionCustomerSchema, (c, problems) => {
    const id = customerIdOf(c);
    if (!id) {
      problems.push({
        resource: 'customer',
        id: null,
        field: 'name',
        value: c.name ?? null,
        message: 'neither an id nor a name path (accounts/{account}/customers/{id}); the customer cannot be addressed',
        effect: 'dropped',
        ...(c.customerOrganization ? { label: c.customerOrganization } : {}),
      });
      return undefined;
    }
    const r = reader('customer', id, problems);
    const a = c.customerAddress ?? {};
    return {
      id,
      name: r.text('customerOrganization', c.customerOrganization) ?? r.text('customerName', c.customerName) ?? id,
      website: null,
      phone: r.text('customerPhone', c.customerPhone),
      address: {
        street: a.street ?? null,
        city: a.city ?? null,
        region: a.state ?? null,
        postalCode: a.zip ?? null,
        country: a.country ?? null,
      },
      externalId: null,
      status: (c.customerStatus ?? 'ACTIVE').toUpperCase() === 'ACTIVE' ? 'Active' : 'Inactive',
      updatedAt: r.instant('updateTime', c.updateTime),
    };
  });
}

type IonProduct = z.output<typeof ionProductSchema>;

export function toProducts(raw: readonly unknown[]): Parsed<DistributorProduct> {
  const parsed = each('product', raw, ionProductSchema, (p) => p);
  return {
    items: parsed.items.flatMap((p: IonProduct) =>
      p.skus.map((sku) => ({
        id: productKey(p.id, sku.id),
        name: sku.displayName,
        vendorName: p.vendor ?? p.displayName,
        sku: sku.mfgPartNumber ?? null,
        vendorSku: sku.id,
        description: p.displayName,
        requiresCommitment: sku.plans.length > 0 && sku.plans.every((plan) => plan.billingTerm === 'P1Y'),
      })),
    ),
    problems: parsed.problems,
  };
}

/** The SKU's plans as prices: how often it is billed, and the commitment its term carries. */
export function toPricing(raw: unknown, key: string): Parsed<ProductPrice> {
  const problems: ParseProblem[] = [];
  const parts = splitProductKey(key);
  const parsed = ionProductSchema.safeParse(raw);
  const sku = parsed.success ? parsed.data.skus.find((s) => s.id === parts?.skuId) : undefined;
  if (!parsed.success || !sku) {
    problems.push({
      resource: 'product',
      id: key,
      field: 'skus',
      value: null,
      message: 'StreamOne Ion did not list this SKU under its product',
      effect: 'dropped',
    });
    return { items: [], problems };
  }
  const r = reader('product', key, problems);
  const items = sku.plans.flatMap((plan): ProductPrice[] => {
    const cost = r.money('price.cost', plan.price?.cost);
    const msrp = r.money('price.msrp', plan.price?.msrp);
    if (cost === null || msrp === null) return [];
    const annual = plan.billingTerm === 'P1Y';
    return [
      {
        productId: key,
        billingTerm: cycleTerm(plan.billingCycle),
        commitmentTerm: annual ? '1-Year' : null,
        commitmentMonths: annual ? 12 : null,
        unit: parsed.data.unitType ?? null,
        unitCost: cost,
        unitPrice: msrp,
        usage: false,
      },
    ];
  });
  return { items, problems };
}

/** How often Ion bills it, which is what decides the ConnectWise agreement it belongs on. */
const cycleTerm = (cycle: unknown): BillingTerm => (String(cycle).toLowerCase() === 'annual' ? 'Annual' : 'Monthly');

const STATUS: Record<string, SubscriptionStatus> = {
  active: 'Active',
  cancelled: 'Cancelled',
  canceled: 'Cancelled',
  expired: 'Cancelled',
  pending: 'PendingAutomated',
  // Suspended seats are neither billed on nor ended: a person decides.
  suspended: 'PendingManual',
};

function subscription(s: z.output<typeof ionSubscriptionSchema>, problems: ParseProblem[]): Subscription {
  const key = subscriptionKey(s.customerId, s.id);
  const r = reader('subscription', key, problems);
  const statusText = String(s.subscriptionStatus ?? '').toLowerCase();
  const status = STATUS[statusText] ?? 'Active';
  if (!STATUS[statusText]) r.note('subscriptionStatus', s.subscriptionStatus, 'not a known status; read as Active');
  const termEnd = r.instant('subscriptionEndDate', s.subscriptionEndDate);
  const annual = String(s.subscriptionBillingTerm ?? '').toUpperCase() === 'P1Y';
  // An active subscription that renews has no end: its end date is the term's, when it renews.
  const ends = status !== 'Active' || s.autoRenew === false;
  const billingType = String(s.subscriptionBillingType ?? '').toLowerCase();
  if (billingType !== 'license' && billingType !== 'usage')
    r.note(
      'subscriptionBillingType',
      s.subscriptionBillingType ?? null,
      'not license or usage; read as license (per seat)',
    );
  if (!s.currency) r.note('currency', s.currency ?? null, 'missing; read as USD');
  return {
    id: key,
    companyId: s.customerId,
    productId: productKey(s.ccpProductId, s.ccpSkuId),
    productName: s.ccpProductInfo?.skuDisplayName ?? s.subscriptionName ?? s.ccpSkuId,
    parentId: null,
    quantity: r.quantity('subscriptionTotalLicenses', s.subscriptionTotalLicenses),
    status,
    billingTerm: cycleTerm(s.subscriptionBillingCycle),
    startDate: r.instant('subscriptionStartDate', s.subscriptionStartDate),
    endDate: ends ? termEnd : null,
    createdAt: r.instant('subscriptionPurchasedDate', s.subscriptionPurchasedDate),
    updatedAt: r.instant('lastUpdatedDate', s.lastUpdatedDate),
    unitPrice: r.money('price', s.price),
    unitCost: r.money('cost', s.cost),
    currency: (s.currency || 'USD').toUpperCase(),
    billing: billingType === 'usage' ? 'usage' : 'seat',
    commitment: annual ? { term: '1-Year', endDate: termEnd } : null,
    cancellableUntil: r.instant('cancellationAllowedUntilDate', s.cancellationAllowedUntilDate),
  };
}

export function toSubscriptions(raw: readonly unknown[]): Parsed<Subscription> {
  return each('subscription', raw, ionSubscriptionSchema, subscription);
}
