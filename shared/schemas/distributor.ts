import type { Micros } from '../money.ts';

/**
 * The normalised model every distributor adapter produces. No vendor type crosses into
 * `shared/`: Pax8, and later StreamOne, Ingram or Sophos, are transformed into these.
 * Instants are UTC ISO strings; `quantity: null` means the distributor did not say.
 */

export const BILLING_TERMS = ['Monthly', 'Annual', '2-Year', '3-Year', 'One-Time', 'Trial', 'Activation'] as const;
export type BillingTerm = (typeof BILLING_TERMS)[number];

export const SUBSCRIPTION_STATUSES = [
  'Active',
  'Cancelled',
  'PendingManual',
  'PendingAutomated',
  'PendingCancel',
  'WaitingForDetails',
  'Trial',
  'Converted',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface DistributorCompany {
  id: string;
  name: string;
  website: string | null;
  phone: string | null;
  address: {
    street: string | null;
    city: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
  };
  /** Free text on the distributor's side; where a ConnectWise id may be remembered. */
  externalId: string | null;
  status: 'Active' | 'Inactive' | 'Deleted';
  updatedAt: string | null;
}

export interface DistributorProduct {
  id: string;
  name: string;
  vendorName: string;
  sku: string | null;
  vendorSku: string | null;
  description: string | null;
  requiresCommitment: boolean;
}

export interface ProductPrice {
  productId: string;
  billingTerm: BillingTerm;
  commitmentTerm: string | null;
  commitmentMonths: number | null;
  unit: string | null;
  unitCost: Micros;
  unitPrice: Micros;
  /** Usage (arrears) products show no flag: Pax8 serves them with $0 rates. */
  usage: boolean;
}

export interface Subscription {
  id: string;
  companyId: string;
  productId: string;
  productName: string;
  parentId: string | null;
  quantity: number | null;
  status: SubscriptionStatus;
  billingTerm: BillingTerm;
  startDate: string | null;
  endDate: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  unitPrice: Micros | null;
  unitCost: Micros | null;
  /** ISO 4217, as the distributor bills it (the partner account's currency). */
  currency: string;
  /**
   * How it bills: per seat, or by last month's usage in arrears. Each adapter says so from its
   * vendor's own field; the core never infers it from $0 amounts.
   */
  billing: 'seat' | 'usage';
  commitment: { term: string; endDate: string | null } | null;
  /**
   * Until when its seats can still be reduced or it can be cancelled (Microsoft's new
   * commerce: 168 hours from purchase or renewal), where the distributor says; null otherwise.
   */
  cancellableUntil: string | null;
  /** A full upgrade this subscription is one side of, as the core found it (shared/billing/upgrades.ts). */
  upgrade?: { direction: 'out' | 'in'; other: string; at: string } | null;
}

/** One point in a subscription's history: the quantity from `at` on. */
export interface SubscriptionSnapshot {
  at: string;
  quantity: number | null;
  status: SubscriptionStatus;
  endDate: string | null;
  unitPrice: Micros | null;
  unitCost: Micros | null;
}

export interface UsageSummary {
  id: string;
  companyId: string;
  productId: string;
  subscriptionId: string;
  resourceGroup: string;
  charges: Micros;
  partnerTotal: Micros;
}

export interface UsageLine {
  summaryId: string;
  usageDate: string;
  productId: string;
  /** The sub-product (Proofpoint Essentials - Business, …). */
  productName: string;
  unit: string | null;
  /** The line counts things billed by the month (Sophos's licensed endpoints), whatever its unit says. */
  counted?: boolean;
  quantity: number;
  unitPrice: Micros;
  charges: Micros;
  partnerTotal: Micros;
}

export interface Invoice {
  id: string;
  invoiceDate: string;
  dueDate: string | null;
  status: string;
  total: Micros;
}

/**
 * What an invoice line is, for the core, whatever the distributor calls it: `seats` and
 * `usage` carry the month's quantity; `prorate` and `charge` add to what is due; `credit`
 * (credits and rebates) reduces it by its amount, whatever its sign; `payment` is money paid
 * against the invoice, not a price of anything, and is left out. See `shared/billing/billing-rules.md`.
 */
export const INVOICE_LINE_KINDS = ['seats', 'usage', 'prorate', 'charge', 'credit', 'payment'] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];

export interface InvoiceItem {
  /** The adapter's key for the line (a distributor may send none: Pax8 keys by invoice, subscription, type and period). */
  id: string;
  invoiceId: string;
  /** The distributor's own word for it, as a person reads it on the invoice. */
  type: string;
  kind: InvoiceLineKind;
  companyId: string;
  subscriptionId: string | null;
  productId: string | null;
  productName: string;
  startPeriod: string | null;
  endPeriod: string | null;
  quantity: number | null;
  price: Micros;
  cost: Micros;
  total: Micros;
  costTotal: Micros;
  term: string;
}

/** Something a distributor sent that we could not read as it stands; never dropped silently. */
export interface ParseProblem {
  resource: string;
  id: string | null;
  field: string;
  value: unknown;
  message: string;
  /** `dropped` when the record could not be used at all, `defaulted` when a field was. */
  effect: 'dropped' | 'defaulted';
  /** What the record is, for a person, when it could not be read (a subscription's product name). */
  label?: string;
}

export interface Parsed<T> {
  items: T[];
  problems: ParseProblem[];
}
