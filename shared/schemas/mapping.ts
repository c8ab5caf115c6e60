import { z } from 'zod/mini';
import type { CommitmentPosition } from '../billing/commitments.ts';
import type { BillingTerm } from './distributor.ts';

/** The ConnectWise agreement fields the product reasons about, as the API hands them to the pod. */
export interface AgreementView {
  id: number;
  name: string;
  type: string;
  companyId: number;
  startDate: string | null;
  endDate: string | null;
  cancelled: boolean;
  status: string | null;
  billingCycle: string | null;
  billStartDate: string | null;
  nextInvoiceDate: string | null;
  prorates: boolean;
  /** ISO 4217, from Manage's multi-currency `currency.currencyCode`; absent when it names none. */
  currency?: string | null;
}

export const MAPPING_STATUSES = ['mapped', 'unmapped', 'failed'] as const;
export type MappingStatus = (typeof MAPPING_STATUSES)[number];

export { SUBSCRIPTION_STATES, type SubscriptionState } from '../billing/states.ts';

import type { SubscriptionState } from '../billing/states.ts';

export interface CompanyRow {
  distributorCompanyId: string;
  name: string;
  website: string | null;
  status: MappingStatus;
  mappingId: string | null;
  cwCompanyId: number | null;
  cwCompanyName: string | null;
  lastError: string | null;
  suggestion: { cwCompanyId: number; name: string; score: number; reasons: string[] } | null;
}

export interface SubscriptionRow {
  id: string;
  productId: string;
  productName: string;
  quantity: number | null;
  billingTerm: BillingTerm;
  /** Cents, rounded from the distributor's decimal. */
  unitPrice: number | null;
  unitCost: number | null;
  status: string;
  state: SubscriptionState;
  /** What differs, for out-of-sync rows ("ConnectWise 5 seats, Pax8 7"). */
  difference: string | null;
  /** What it changes a month, as the pod and the Unsynced report show it (cents; null when settled or unknown). */
  monthlyDifference: number | null;
  error: string | null;
  agreementId: number | null;
  productMapping: { id: string; cwCatalogItemId: number | null; cwCatalogIdentifier: string | null } | null;
  /** Some sub-product of a usage product is bound: Multi Products bills by those alone. */
  subProductsBound: boolean;
  usage: boolean;
  /** A usage subscription's last month: which, its charges as billed, and what writing it would change. */
  usageMonth: UsageMonthFigures | null;
  /** Decisions a person made about this subscription ("Prorated addition $19.35 waived by Jane Doe: …"). */
  notes: string[];
  /** A mapped commitment's term, its reduction window and what ConnectWise does not bill of it. */
  commitment: CommitmentPosition | null;
}

export const bindCompanySchema = z.object({
  distributorCompanyId: z.string().check(z.minLength(1, "choose the distributor's company")),
  cwCompanyId: z.number().check(z.int(), z.positive('choose a ConnectWise company')),
});

export const bulkCompaniesSchema = z.object({
  items: z
    .array(
      z.object({
        distributorCompanyId: z.string().check(z.minLength(1)),
        /** A company to bind to, or null to clear the binding. */
        cwCompanyId: z.nullable(z.number().check(z.int(), z.positive())),
      }),
    )
    .check(z.minLength(1, 'select at least one company'), z.maxLength(500, 'at most 500 companies at once')),
});

export const newCompanySchema = z.object({
  distributorCompanyId: z.string().check(z.minLength(1)),
  identifier: z
    .string()
    .check(
      z.minLength(1, 'identifier is required'),
      z.maxLength(30, 'ConnectWise allows at most 30 characters'),
      z.regex(/^\S+$/, 'identifier cannot contain spaces'),
    ),
  name: z
    .string()
    .check(z.minLength(1, 'name is required'), z.maxLength(50, 'ConnectWise allows at most 50 characters')),
  addressLine1: z.optional(z.string().check(z.maxLength(50, 'ConnectWise allows at most 50 characters'))),
  city: z.optional(z.string().check(z.maxLength(50, 'ConnectWise allows at most 50 characters'))),
  state: z.optional(z.string().check(z.maxLength(50))),
  zip: z.optional(z.string().check(z.maxLength(12, 'ConnectWise allows at most 12 characters'))),
  phoneNumber: z.optional(z.string().check(z.maxLength(30, 'ConnectWise allows at most 30 characters'))),
  website: z.optional(z.string().check(z.maxLength(255))),
});
export type NewCompanyInput = z.infer<typeof newCompanySchema>;

export const bindProductSchema = z.object({
  distributorProductId: z.string().check(z.minLength(1)),
  subProduct: z._default(z.string(), ''),
  cwCatalogItemId: z.number().check(z.int(), z.positive('choose a catalog item')),
});

/** ConnectWise's catalog limits, enforced in the export form before anything is sent. */
export const exportProductSchema = z.object({
  distributorProductId: z.string().check(z.minLength(1)),
  subProduct: z._default(z.string(), ''),
  identifier: z
    .string()
    .check(z.minLength(1, 'identifier is required'), z.maxLength(75, 'ConnectWise allows at most 75 characters')),
  description: z
    .string()
    .check(z.minLength(1, 'description is required'), z.maxLength(60, 'ConnectWise allows at most 60 characters')),
  customerDescription: z
    .string()
    .check(
      z.minLength(1, 'customer description is required'),
      z.maxLength(6000, 'ConnectWise allows at most 6,000 characters'),
    ),
  /** Whole cents: money crosses our own API as integers, never as floats. */
  priceCents: z
    .number()
    .check(z.int('use whole cents'), z.gte(0, 'price cannot be negative'), z.lte(99_999_999_99, 'price is too large')),
  costCents: z
    .number()
    .check(z.int('use whole cents'), z.gte(0, 'cost cannot be negative'), z.lte(99_999_999_99, 'cost is too large')),
  categoryId: z.optional(z.number().check(z.int())),
  subcategoryId: z.number().check(z.int(), z.positive('choose a subcategory')),
  typeId: z.number().check(z.int(), z.positive('choose a type')),
  productClass: z.enum(['Agreement', 'Inventory', 'NonInventory', 'Service']),
  unitOfMeasureId: z.optional(z.number().check(z.int())),
  vendorSku: z.optional(z.string().check(z.maxLength(50, 'ConnectWise allows at most 50 characters'))),
  taxable: z._default(z.boolean(), true),
});
export type ExportProductInput = z.infer<typeof exportProductSchema>;

export const mapServiceSchema = z.object({
  subscriptionId: z.string().check(z.minLength(1)),
  cwAgreementId: z.number().check(z.int(), z.positive('choose an agreement')),
  productMappingId: z.optional(z.nullable(z.string())),
});

const filled = (what: string) => z.string().check(z.trim(), z.minLength(1, `${what} is required by the distributor`));

/** A distributor's company made from a ConnectWise company, every address field as the distributor requires it. */
export const newDistributorCompanySchema = z.object({
  cwCompanyId: z.number().check(z.int(), z.positive()),
  name: filled('a name').check(z.maxLength(100, 'at most 100 characters')),
  street: filled('the street'),
  street2: z.optional(z.string()),
  city: filled('the city'),
  stateOrProvince: filled('the state or province'),
  postalCode: filled('the postal code'),
  country: z.string().check(z.trim(), z.regex(/^[A-Z]{2}$/, 'use the two-letter country code, e.g. US')),
  phone: filled('a phone number'),
  website: filled('a website'),
});
export type NewDistributorCompanyInput = z.infer<typeof newDistributorCompanySchema>;

/** Last month's usage as the tab and the pod show it. */
export interface UsageMonthFigures {
  /** `2026-10` */
  period: string;
  final: boolean;
  /** At the customer's price, as its option bills it. */
  totalCents: number;
  costCents: number;
  /** What writing it changes on ConnectWise's monthly bill (0 when billed). */
  changeCents: number;
}
