import { z } from 'zod';

/**
 * ConnectWise wire types. Objects are not strict: Manage adds fields between versions, and an
 * unknown field must not break a sync. Dates stay ISO strings here; the domain converts them.
 */
const ref = z.object({ id: z.number().int(), name: z.string().optional(), identifier: z.string().optional() });
const info = z.object({ lastUpdated: z.string().optional(), updatedBy: z.string().optional() }).partial().optional();
const date = z.string().nullish();

export const cwCompanySchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  name: z.string(),
  status: ref.nullish(),
  types: z.array(ref).optional(),
  deletedFlag: z.boolean().optional(),
  addressLine1: z.string().nullish(),
  addressLine2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  zip: z.string().nullish(),
  country: ref.nullish(),
  phoneNumber: z.string().nullish(),
  website: z.string().nullish(),
  _info: info,
});
export type CwCompany = z.infer<typeof cwCompanySchema>;

export const cwAgreementSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: ref,
  company: ref,
  startDate: date,
  endDate: date,
  noEndingDateFlag: z.boolean().optional(),
  cancelledFlag: z.boolean(),
  dateCancelled: date,
  agreementStatus: z.string().nullish(),
  billingCycle: ref.nullish(),
  billStartDate: date,
  nextInvoiceDate: date,
  prorateFlag: z.boolean(),
  prorateFirstBill: z.boolean().optional(),
  invoiceProratedAdditionsFlag: z.boolean().optional(),
  periodType: z.string().nullish(),
  parentAgreement: ref.nullish(),
  taxable: z.boolean().optional(),
  /** Manage's multi-currency reference (`CurrencyReference`: id, symbol, currencyCode, name…). */
  currency: z.object({ currencyCode: z.string().nullish() }).passthrough().nullish(),
  _info: info,
});
export type CwAgreement = z.infer<typeof cwAgreementSchema>;

export const billCustomerSchema = z.enum(['Billable', 'DoNotBill', 'NoCharge']);
export type BillCustomer = z.infer<typeof billCustomerSchema>;

export const cwAdditionSchema = z.object({
  id: z.number().int(),
  product: ref,
  quantity: z.number(),
  lessIncluded: z.number().optional(),
  unitPrice: z.number().nullish(),
  unitCost: z.number().nullish(),
  billCustomer: billCustomerSchema,
  effectiveDate: date,
  cancelledDate: date,
  taxableFlag: z.boolean().optional(),
  serialNumber: z.string().nullish(),
  invoiceDescription: z.string().nullish(),
  description: z.string().nullish(),
  purchaseItemFlag: z.boolean().optional(),
  specialOrderFlag: z.boolean().optional(),
  agreementId: z.number().int(),
  uom: z.string().nullish(),
  extPrice: z.number().optional(),
  extCost: z.number().optional(),
  margin: z.number().optional(),
  agreementStatus: z.string().nullish(),
  sequenceNumber: z.number().optional(),
  /** What Manage has invoiced of the line so far, and whether it prorates the current period. */
  billedQuantity: z.number().nullish(),
  prorateCurrentPeriodFlag: z.boolean().nullish(),
  _info: info,
});
export type CwAddition = z.infer<typeof cwAdditionSchema>;

/** What the client may send when creating an addition (POST fills the rest). */
export interface NewCwAddition {
  product: { id: number };
  billCustomer: BillCustomer;
  quantity: number;
  unitPrice?: number;
  unitCost?: number;
  effectiveDate?: string;
  cancelledDate?: string | null;
  taxableFlag?: boolean;
  serialNumber?: string;
  invoiceDescription?: string;
  description?: string;
  uom?: string;
}

export const cwCatalogItemSchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  description: z.string(),
  customerDescription: z.string().nullish(),
  subcategory: ref.nullish(),
  type: ref.nullish(),
  category: ref.nullish(),
  productClass: z.string().nullish(),
  price: z.number().nullish(),
  cost: z.number().nullish(),
  manufacturer: ref.nullish(),
  manufacturerPartNumber: z.string().nullish(),
  vendor: ref.nullish(),
  vendorSku: z.string().nullish(),
  unitOfMeasure: ref.nullish(),
  taxableFlag: z.boolean().optional(),
  inactiveFlag: z.boolean().optional(),
  _info: info,
});
export type CwCatalogItem = z.infer<typeof cwCatalogItemSchema>;

export interface NewCwCatalogItem {
  identifier: string;
  description: string;
  customerDescription: string;
  subcategory: { id: number };
  type: { id: number };
  category?: { id: number };
  productClass?: 'Agreement' | 'Bundle' | 'Inventory' | 'NonInventory' | 'Service';
  price?: number;
  cost?: number;
  manufacturerPartNumber?: string;
  vendorSku?: string;
  unitOfMeasure?: { id: number };
  taxableFlag?: boolean;
}

export interface NewCwCompany {
  identifier: string;
  name: string;
  status?: { id: number };
  types?: { id: number }[];
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: { id: number };
  phoneNumber?: string;
  website?: string;
  site?: { name: string };
}

export const cwMemberInfoSchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  fullName: z.string().nullish(),
  defaultEmail: z.string().nullish(),
  inactiveFlag: z.boolean().optional(),
});
export type CwMemberInfo = z.infer<typeof cwMemberInfoSchema>;

export const cwMemberSchema = z.object({
  id: z.number().int(),
  identifier: z.string(),
  inactiveFlag: z.boolean().optional(),
  securityRole: z.object({ id: z.number().int(), name: z.string() }).nullish(),
});
export type CwMember = z.infer<typeof cwMemberSchema>;

const roleLevel = z.enum(['All', 'Mine', 'None']).catch('None');
export const cwRoleSettingSchema = z.object({
  moduleIdentifier: z.string(),
  moduleFunctionName: z.string(),
  addLevel: roleLevel,
  editLevel: roleLevel,
  deleteLevel: roleLevel,
  inquireLevel: roleLevel,
});

export const cwSystemInfoSchema = z.object({
  version: z.string(),
  isCloud: z.boolean(),
  cloudRegion: z.string().nullish(),
  serverTimeZone: z.string().nullish(),
});
export type CwSystemInfo = z.infer<typeof cwSystemInfoSchema>;

export const cwCompanyInfoSchema = z.object({
  CompanyName: z.string(),
  Codebase: z.string().regex(/\/$/, 'Codebase should end with "/"'),
  VersionCode: z.string().optional(),
  VersionNumber: z.string().optional(),
  CompanyID: z.string().optional(),
  IsCloud: z.boolean(),
  SiteUrl: z.string().optional(),
});
export type CwCompanyInfo = z.infer<typeof cwCompanyInfoSchema>;

export const hostedTypeSchema = z.enum(['Tab', 'Pod', 'ToolbarButton']);

export const cwHostedSetupSchema = z.object({
  id: z.number().int(),
  screenId: z.number().int(),
  description: z.string(),
  url: z.string(),
  type: hostedTypeSchema,
  origin: z.string().nullish(),
  podHeight: z.number().int().nullish(),
  disabledFlag: z.boolean().optional(),
  clientId: z.string().nullish(),
});
export type CwHostedSetup = z.infer<typeof cwHostedSetupSchema>;
export type NewCwHostedSetup = Omit<CwHostedSetup, 'id'>;

export const cwHostedScreenSchema = z.object({ id: z.number().int(), screenId: z.number().int(), name: z.string() });
export type CwHostedScreen = z.infer<typeof cwHostedScreenSchema>;

/** The body of a ConnectWise error answer; the 429 body has another shape. */
export const cwErrorBodySchema = z.object({
  code: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.string().optional(),
        message: z.string(),
        resource: z.string().optional(),
        field: z.string().optional(),
      }),
    )
    .nullish(),
});

export interface PatchOperation {
  op: 'replace' | 'add' | 'remove';
  path: string;
  value?: unknown;
}

/** A setup-table row: category, subcategory, type, unit of measure. */
export const cwNamedSchema = z.object({ id: z.number().int(), name: z.string() });

/** A service board, where tickets are worked. */
export const cwBoardSchema = z.object({ id: z.number().int(), name: z.string(), inactiveFlag: z.boolean().optional() });
export type CwBoard = z.output<typeof cwBoardSchema>;

export const cwTicketSchema = z.object({
  id: z.number().int(),
  summary: z.string(),
  board: cwNamedSchema.nullish(),
  company: z.object({ id: z.number().int() }).passthrough().nullish(),
});
export type CwTicket = z.output<typeof cwTicketSchema>;

/** A new service ticket: Manage's summary is 100 characters at most. */
export interface NewCwTicket {
  summary: string;
  board: { id: number };
  company: { id: number };
  initialDescription: string;
}
