import type { IonWorld } from './ion/world.ts';
import type { SophosWorld } from './sophos/world.ts';

/**
 * The sandbox's state: one ConnectWise instance and one Pax8 partner that describe the same
 * customers. Records are kept in their canonical wire shape; the sandbox servers serve them
 * as the real services do (Pax8's quirks are applied only when switched on).
 */

export interface SandboxMember {
  id: number;
  identifier: string;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
  /** Role name as Manage shows it. */
  role: 'Admin' | 'Finance' | 'Technician';
  inactive: boolean;
}

export interface SandboxApiMember {
  identifier: string;
  publicKey: string;
  privateKey: string;
  role: 'Admin';
}

export interface Ref {
  id: number;
  name: string;
  identifier?: string;
}

export interface CwCompanyRecord {
  id: number;
  identifier: string;
  name: string;
  status: Ref;
  types: Ref[];
  deletedFlag: boolean;
  addressLine1: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: Ref | null;
  phoneNumber: string | null;
  website: string | null;
  _info: { lastUpdated: string; updatedBy: string };
}

export interface CwAgreementRecord {
  id: number;
  name: string;
  type: Ref;
  company: Ref & { identifier: string };
  startDate: string;
  endDate: string | null;
  noEndingDateFlag: boolean;
  cancelledFlag: boolean;
  dateCancelled: string | null;
  agreementStatus: 'Active' | 'Cancelled' | 'Expired';
  billingCycle: Ref;
  billStartDate: string;
  nextInvoiceDate: string;
  prorateFlag: boolean;
  prorateFirstBill: boolean;
  invoiceProratedAdditionsFlag: boolean;
  periodType: string;
  parentAgreement: Ref | null;
  taxable: boolean;
  /** Manage's multi-currency reference. */
  currency: { id: number; symbol: string; currencyCode: string; name: string };
  _info: { lastUpdated: string; updatedBy: string };
}

export interface CwAdditionRecord {
  id: number;
  agreementId: number;
  product: Ref & { identifier: string };
  quantity: number;
  lessIncluded: number;
  unitPrice: number;
  unitCost: number;
  billCustomer: 'Billable' | 'DoNotBill' | 'NoCharge';
  effectiveDate: string | null;
  cancelledDate: string | null;
  taxableFlag: boolean;
  serialNumber: string | null;
  invoiceDescription: string | null;
  description: string | null;
  purchaseItemFlag: boolean;
  specialOrderFlag: boolean;
  uom: string | null;
  extPrice: number;
  extCost: number;
  margin: number;
  agreementStatus: string;
  sequenceNumber: number;
  _info: { lastUpdated: string; updatedBy: string };
}

export interface CwCatalogRecord {
  id: number;
  identifier: string;
  description: string;
  customerDescription: string;
  subcategory: Ref;
  type: Ref;
  category: Ref;
  productClass: 'Agreement' | 'Bundle' | 'Inventory' | 'NonInventory' | 'Service';
  price: number;
  cost: number;
  manufacturer: Ref | null;
  manufacturerPartNumber: string | null;
  vendor: Ref | null;
  vendorSku: string | null;
  unitOfMeasure: Ref;
  taxableFlag: boolean;
  inactiveFlag: boolean;
  _info: { lastUpdated: string; updatedBy: string };
}

export interface CwHostedSetupRecord {
  id: number;
  screenId: number;
  description: string;
  url: string;
  type: 'Tab' | 'Pod' | 'ToolbarButton';
  origin: string | null;
  podHeight: number | null;
  disabledFlag: boolean;
  clientId: string | null;
}

export interface CwWorld {
  companyId: string;
  companyName: string;
  codebase: string;
  clientId: string;
  members: SandboxMember[];
  apiMembers: SandboxApiMember[];
  companies: CwCompanyRecord[];
  agreements: CwAgreementRecord[];
  additions: CwAdditionRecord[];
  catalog: CwCatalogRecord[];
  hostedSetups: CwHostedSetupRecord[];
  hostedScreens: { id: number; screenId: number; name: string }[];
  categories: Ref[];
  subcategories: (Ref & { category: Ref })[];
  productTypes: Ref[];
  unitsOfMeasure: Ref[];
  /** Service boards, and the tickets opened on them (the product's digests, when asked). */
  boards: { id: number; name: string; inactiveFlag: boolean }[];
  tickets: CwTicketRecord[];
}

export interface CwTicketRecord {
  id: number;
  summary: string;
  board: Ref;
  company: { id: number; identifier: string; name: string };
  initialDescription: string;
  _info: { lastUpdated: string; updatedBy: string };
}

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

export interface World {
  /** The sandbox's "today" (ISO date, UTC) the data was generated around. */
  today: string;
  seed: number;
  cw: CwWorld;
  pax8: Pax8World;
  ion: IonWorld;
  sophos: SophosWorld;
}
