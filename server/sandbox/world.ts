import type { IonWorld } from './ion/world.ts';
import type { Pax8World } from './pax8/world.ts';
import type { SophosWorld } from './sophos/world.ts';

export type {
  Pax8CompanyRecord,
  Pax8InvoiceItemRecord,
  Pax8InvoiceRecord,
  Pax8PricingRecord,
  Pax8ProductRecord,
  Pax8SubscriptionRecord,
  Pax8UsageLineRecord,
  Pax8UsageSummaryRecord,
  Pax8World,
} from './pax8/world.ts';

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

export interface World {
  /** The sandbox's "today" (ISO date, UTC) the data was generated around. */
  today: string;
  seed: number;
  cw: CwWorld;
  pax8: Pax8World;
  ion: IonWorld;
  sophos: SophosWorld;
}
