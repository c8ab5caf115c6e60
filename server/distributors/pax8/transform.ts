import type { z } from 'zod';
import {
  BILLING_TERMS,
  type BillingTerm,
  type DistributorCompany,
  type DistributorProduct,
  type Invoice,
  type InvoiceItem,
  type InvoiceLineKind,
  type Parsed,
  type ParseProblem,
  type ProductPrice,
  SUBSCRIPTION_STATUSES,
  type Subscription,
  type SubscriptionSnapshot,
  type UsageLine,
  type UsageSummary,
} from '../../../shared/schemas/distributor.ts';
import { each, reader } from '../parse.ts';
import {
  distributorPricingSchema,
  pax8CompanySchema,
  pax8InvoiceItemSchema,
  pax8InvoiceSchema,
  pax8ProductSchema,
  pax8SubscriptionSchema,
  pax8UsageLineSchema,
  pax8UsageSummarySchema,
} from './types.ts';

export function toCompanies(raw: readonly unknown[]): Parsed<DistributorCompany> {
  return each('company', raw, pax8CompanySchema, (c, problems) => {
    const r = reader('company', c.id, problems);
    return {
      id: c.id,
      name: r.text('name', c.name) ?? `(unnamed company ${c.id})`,
      website: r.text('website', c.website),
      phone: r.text('phone', c.phone),
      address: {
        street: c.address?.street ?? null,
        city: c.address?.city ?? null,
        region: c.address?.stateOrProvince ?? null,
        postalCode: c.address?.postalCode ?? null,
        country: c.address?.country ?? null,
      },
      externalId: r.text('externalId', c.externalId),
      status:
        c.status === undefined
          ? 'Active'
          : r.oneOf('status', c.status, ['Active', 'Inactive', 'Deleted'] as const, 'Active'),
      updatedAt: r.instant('updatedDate', c.updatedDate),
    };
  });
}

export function toProducts(raw: readonly unknown[]): Parsed<DistributorProduct> {
  return each('product', raw, pax8ProductSchema, (p, problems) => {
    const r = reader('product', p.id, problems);
    return {
      id: p.id,
      name: r.text('name', p.name) ?? `(unnamed product ${p.id})`,
      vendorName: p.vendorName ?? '',
      sku: p.sku ?? null,
      vendorSku: p.vendorSku ?? null,
      description: p.description ?? p.shortDescription ?? null,
      requiresCommitment: p.requiresCommitment ?? false,
    };
  });
}

export function toPricing(raw: readonly unknown[], productId: string): Parsed<ProductPrice> {
  return each('pricing', raw, distributorPricingSchema, (p, problems) => {
    const r = reader('pricing', p.productId ?? productId, problems);
    const rate = p.rates?.[0];
    if (!rate) {
      problems.push({
        resource: 'pricing',
        id: productId,
        field: 'rates',
        value: p.rates,
        message: 'no rates; price unknown',
        effect: 'dropped',
      });
      return undefined;
    }
    const unitCost = r.money('rates.0.partnerBuyRate', rate.partnerBuyRate) ?? 0;
    const unitPrice = r.money('rates.0.suggestedRetailPrice', rate.suggestedRetailPrice) ?? 0;
    return {
      productId: p.productId ?? productId,
      billingTerm: r.oneOf('billingTerm', p.billingTerm, BILLING_TERMS, 'Monthly'),
      commitmentTerm: p.commitmentTerm ?? null,
      commitmentMonths: p.commitmentTermInMonths ?? null,
      unit: p.unitOfMeasurement ?? null,
      unitCost,
      unitPrice,
      usage: usageBilled(unitPrice, unitCost),
    };
  });
}

/**
 * Pax8 serves a usage (arrears) product's subscription with $0 rates and no flag of its own
 * (`docs/pax8.md`): that is Pax8's convention, so it is read here and nowhere else.
 */
const usageBilled = (price: number | null, cost: number | null) => price === 0 && cost === 0;

function commitmentOf(r: ReturnType<typeof reader>, value: unknown): Subscription['commitment'] {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') {
    r.note('commitmentTerm', value, 'not a commitment object; treated as none');
    return null;
  }
  const c = value as { term?: unknown; endDate?: unknown };
  return {
    term: r.text('commitmentTerm.term', c.term) ?? 'Unknown',
    endDate: r.instant('commitmentTerm.endDate', c.endDate),
  };
}

function subscription(s: z.output<typeof pax8SubscriptionSchema>, problems: ParseProblem[]): Subscription | undefined {
  const r = reader('subscription', s.id, problems);
  const companyId = r.text('companyId', s.companyId);
  const productId = r.text('productId', s.productId);
  if (!companyId || !productId) {
    problems.push({
      resource: 'subscription',
      id: s.id,
      field: companyId ? 'productId' : 'companyId',
      value: companyId ? s.productId : s.companyId,
      message: 'missing; the subscription cannot be matched to a company and product',
      effect: 'dropped',
      ...(s.productName ? { label: s.productName } : {}),
    });
    return undefined;
  }
  const unitPrice = r.money('price', s.price);
  const unitCost = r.money('partnerCost', s.partnerCost);
  return {
    id: s.id,
    companyId,
    productId,
    productName: s.productName ?? '',
    parentId: s.parentSubscriptionId ?? null,
    quantity: r.quantity('quantity', s.quantity),
    status: r.oneOf('status', s.status, SUBSCRIPTION_STATUSES, 'Active'),
    billingTerm: r.oneOf<BillingTerm>('billingTerm', s.billingTerm, BILLING_TERMS, 'Monthly'),
    startDate: r.instant('startDate', s.startDate),
    endDate: r.instant('endDate', s.endDate),
    createdAt: r.instant('createdDate', s.createdDate),
    updatedAt: r.instant('updatedDate', s.updatedDate),
    unitPrice,
    unitCost,
    currency: s.currencyCode ?? 'USD',
    billing: usageBilled(unitPrice, unitCost) ? 'usage' : 'seat',
    commitment: commitmentOf(r, s.commitmentTerm ?? s.commitment),
    // Pax8 sends no reduction window of its own; the commitment work derives one from the dates.
    cancellableUntil: null,
  };
}

export function toSubscriptions(raw: readonly unknown[]): Parsed<Subscription> {
  return each('subscription', raw, pax8SubscriptionSchema, subscription);
}

/**
 * History snapshots, oldest first. Each is a whole subscription as it was; its `updatedDate`
 * is when that quantity took effect, which proration needs. A snapshot without a readable
 * date cannot be placed in time and is reported.
 */
export function toHistory(raw: readonly unknown[], subscriptionId: string): Parsed<SubscriptionSnapshot> {
  const parsed = each(
    'subscriptionHistory',
    raw,
    pax8SubscriptionSchema,
    (s, problems): SubscriptionSnapshot | undefined => {
      const sub = subscription(s, problems);
      const at = sub?.updatedAt ?? sub?.createdAt;
      if (!sub || !at) {
        problems.push({
          resource: 'subscriptionHistory',
          id: subscriptionId,
          field: 'updatedDate',
          value: s.updatedDate,
          message: 'snapshot has no readable date; it cannot be placed in the history',
          effect: 'dropped',
        });
        return undefined;
      }
      return {
        at,
        quantity: sub.quantity,
        status: sub.status,
        endDate: sub.endDate,
        unitPrice: sub.unitPrice,
        unitCost: sub.unitCost,
      };
    },
  );
  parsed.items.sort((a, b) => a.at.localeCompare(b.at));
  return parsed;
}

export function toUsageSummaries(raw: readonly unknown[]): Parsed<UsageSummary> {
  return each('usageSummary', raw, pax8UsageSummarySchema, (u, problems) => {
    const r = reader('usageSummary', u.id, problems);
    return {
      id: u.id,
      companyId: r.text('companyId', u.companyId) ?? '',
      productId: r.text('productId', u.productId) ?? '',
      subscriptionId: r.text('subscriptionId', u.subscriptionId) ?? '',
      resourceGroup: u.resourceGroup ?? '',
      charges: r.money('currentCharges', u.currentCharges) ?? 0,
      partnerTotal: r.money('partnerTotal', u.partnerTotal) ?? 0,
    };
  });
}

export function toUsageLines(raw: readonly unknown[], summaryId: string): Parsed<UsageLine> {
  return each('usageLine', raw, pax8UsageLineSchema, (u, problems) => {
    const r = reader('usageLine', summaryId, problems);
    const quantity = r.quantity('quantity', u.quantity);
    const usageDate = r.text('usageDate', u.usageDate);
    if (quantity === null || !usageDate) {
      problems.push({
        resource: 'usageLine',
        id: summaryId,
        field: quantity === null ? 'quantity' : 'usageDate',
        value: quantity === null ? u.quantity : u.usageDate,
        message: 'usage line without a quantity or date cannot be billed',
        effect: 'dropped',
      });
      return undefined;
    }
    return {
      summaryId: r.text('usageSummaryId', u.usageSummaryId) ?? summaryId,
      usageDate: usageDate.slice(0, 10),
      productId: r.text('productId', u.productId) ?? '',
      productName: u.productName ?? '',
      unit: u.unitOfMeasure ?? null,
      quantity,
      unitPrice: r.money('unitPrice', u.unitPrice) ?? 0,
      charges: r.money('currentCharges', u.currentCharges) ?? 0,
      partnerTotal: r.money('partnerTotal', u.partnerTotal) ?? 0,
    };
  });
}

export function toInvoices(raw: readonly unknown[]): Parsed<Invoice> {
  return each('invoice', raw, pax8InvoiceSchema, (i, problems) => {
    const r = reader('invoice', i.id, problems);
    return {
      id: i.id,
      invoiceDate: (r.instant('invoiceDate', i.invoiceDate) ?? '').slice(0, 10),
      dueDate: r.instant('dueDate', i.dueDate)?.slice(0, 10) ?? null,
      status: i.status ?? 'Unknown',
      total: r.money('total', i.total) ?? 0,
    };
  });
}

/** Pax8's documented item types, as the core counts them (`shared/billing/billing-rules.md`). */
const ITEM_KINDS: Record<string, InvoiceLineKind> = {
  subscription: 'seats',
  prorate: 'prorate',
  'one-time': 'charge',
  'service-charge': 'charge',
  rebate: 'credit',
  'service-credit': 'credit',
  'invoice-credit': 'credit',
  // Money paid against the invoice: not a price of anything billed.
  'payment-credit': 'payment',
};

/** `2 Year` and `2-Year` alike; `Arrears` is usage billed after the month. */
function termOf(term: string | null | undefined): string {
  const t = (term ?? '').trim();
  const years = t.match(/^(\d)[\s-]*years?$/i);
  if (years) return `${years[1]}-Year`;
  return t || 'Unknown';
}

export function toInvoiceItems(raw: readonly unknown[], invoiceId: string): Parsed<InvoiceItem> {
  const keys = new Map<string, number>();
  return each('invoiceItem', raw, pax8InvoiceItemSchema, (i, problems) => {
    const invoice = (typeof i.invoiceId === 'string' && i.invoiceId) || invoiceId;
    const type = (i.type ?? '').toLowerCase();
    const start = typeof i.startPeriod === 'string' ? i.startPeriod.slice(0, 10) : '';
    // No id in Pax8's examples: the line's key is what it is for; a second alike gets a count.
    const base = i.id ?? [invoice, i.subscriptionId ?? i.productId ?? '', type, start].join(':');
    const seen = keys.get(base) ?? 0;
    keys.set(base, seen + 1);
    const id = seen === 0 ? base : `${base}#${seen + 1}`;
    const r = reader('invoiceItem', id, problems);
    const term = termOf(i.term);
    let kind = ITEM_KINDS[type];
    if (!kind) {
      r.note('type', i.type ?? null, 'not a documented Pax8 item type; counted as a charge');
      kind = 'charge';
    }
    if (kind === 'seats' && term === 'Arrears') kind = 'usage';
    return {
      id,
      invoiceId: invoice,
      type: i.type ?? 'unknown',
      kind,
      companyId: r.text('companyId', i.companyId) ?? '',
      subscriptionId: i.subscriptionId ?? null,
      productId: i.productId ?? null,
      productName: i.productName ?? '',
      startPeriod: r.instant('startPeriod', i.startPeriod)?.slice(0, 10) ?? null,
      endPeriod: r.instant('endPeriod', i.endPeriod)?.slice(0, 10) ?? null,
      quantity: i.quantity === undefined || i.quantity === null ? null : r.quantity('quantity', i.quantity),
      price: r.money('price', i.price) ?? 0,
      cost: r.money('cost', i.cost) ?? 0,
      total: r.money('total', i.total) ?? 0,
      costTotal: r.money('costTotal', i.costTotal) ?? 0,
      term,
    };
  });
}
