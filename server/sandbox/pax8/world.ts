/** Pax8's partner account in the sandbox: its records in Pax8's canonical wire shape. */
export interface Pax8CompanyRecord {
  id: string;
  name: string;
  address: {
    street: string;
    street2: string | null;
    city: string;
    stateOrProvince: string;
    postalCode: string;
    country: string;
  };
  phone: string;
  website: string | null;
  externalId: string | null;
  billOnBehalfOfEnabled: boolean;
  selfServiceAllowed: boolean;
  orderApprovalRequired: boolean;
  status: 'Active' | 'Inactive' | 'Deleted';
  updatedDate: string;
}

export interface Pax8ProductRecord {
  id: string;
  name: string;
  vendorName: string;
  shortDescription: string;
  description: string;
  sku: string;
  vendorSku: string;
  requiresCommitment: boolean;
}

export interface Pax8PricingRecord {
  productId: string;
  productName: string;
  billingTerm: string;
  commitmentTerm: string | null;
  commitmentTermInMonths: number | null;
  type: 'Flat' | 'Volume' | 'Tiered' | 'Mark-Up';
  unitOfMeasurement: string;
  rates: {
    partnerBuyRate: number;
    suggestedRetailPrice: number;
    startQuantityRange: number;
    endQuantityRange: number | null;
    chargeType: 'Per Unit' | 'Flat Rate';
  }[];
}

export interface Pax8SubscriptionRecord {
  id: string;
  companyId: string;
  productId: string;
  productName: string;
  parentSubscriptionId: string | null;
  vendorSubscriptionId: string;
  quantity: number;
  startDate: string;
  endDate: string | null;
  createdDate: string;
  updatedDate: string;
  billingStart: string;
  status:
    | 'Active'
    | 'Cancelled'
    | 'PendingManual'
    | 'PendingAutomated'
    | 'PendingCancel'
    | 'WaitingForDetails'
    | 'Trial'
    | 'Converted';
  price: number;
  partnerCost: number;
  currencyCode: string;
  billingTerm: 'Monthly' | 'Annual' | '2-Year' | '3-Year' | 'One-Time' | 'Trial' | 'Activation';
  commitmentTerm: { id: string; term: string; endDate: string } | null;
  provisioningDetails: { key: string; values: string[] }[];
}

export interface Pax8UsageSummaryRecord {
  id: string;
  companyId: string;
  productId: string;
  subscriptionId: string;
  resourceGroup: string;
  vendorName: string;
  currentCharges: number;
  partnerTotal: number;
  currencyCode: string;
  isTrial: boolean;
}

export interface Pax8UsageLineRecord {
  usageSummaryId: string;
  usageDate: string;
  productName: string;
  productId: string;
  unitOfMeasure: string;
  quantity: number;
  currentCharges: number;
  currentProfit: number;
  partnerTotal: number;
  unitPrice: number;
  currencyCode: string;
  isTrial: boolean;
}

export interface Pax8InvoiceRecord {
  id: string;
  invoiceDate: string;
  dueDate: string;
  status: 'Paid' | 'Unpaid' | 'Overdue' | 'Void' | 'Carried';
  total: number;
  balance: number;
  partnerName: string;
  companyIds: string[];
}

/**
 * An invoice item as Pax8's official examples show one: no `id` of its own, a documented
 * `type`, and a `term` written with a space (`2 Year`); `Arrears` for usage.
 */
export interface Pax8InvoiceItemRecord {
  invoiceId: string;
  type:
    | 'rebate'
    | 'prorate'
    | 'subscription'
    | 'payment-credit'
    | 'one-time'
    | 'service-charge'
    | 'service-credit'
    | 'invoice-credit';
  companyId: string;
  companyName: string;
  subscriptionId: string;
  productId: string;
  productName: string;
  sku: string;
  startPeriod: string;
  endPeriod: string;
  quantity: number;
  price: number;
  cost: number;
  total: number;
  costTotal: number;
  term: 'Monthly' | 'Annual' | 'Arrears' | '2 Year' | '3 Year' | 'One-Time';
}

export interface Pax8World {
  clientId: string;
  clientSecret: string;
  companies: Pax8CompanyRecord[];
  products: Pax8ProductRecord[];
  pricing: Pax8PricingRecord[];
  subscriptions: Pax8SubscriptionRecord[];
  /** Snapshots per subscription, oldest first; the last equals the subscription itself. */
  history: Record<string, Pax8SubscriptionRecord[]>;
  usageSummaries: Pax8UsageSummaryRecord[];
  usageLines: Pax8UsageLineRecord[];
  invoices: Pax8InvoiceRecord[];
  invoiceItems: Pax8InvoiceItemRecord[];
}
