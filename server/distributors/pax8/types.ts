import { z } from 'zod';

/**
 * Pax8's wire shapes, deliberately loose: every field but `id` may be missing or oddly typed
 * (see docs on quirks), and transform.ts decides what each absence means and reports it.
 */
const loose = z.unknown().optional();
const text = z.string().nullish();

export const pax8PageSchema = z.object({
  size: z.number(),
  totalElements: z.number(),
  totalPages: z.number(),
  number: z.number(),
});

export const pax8ListSchema = z.object({ content: z.array(z.unknown()), page: pax8PageSchema.optional() });

export const pax8CompanySchema = z.looseObject({
  id: z.string(),
  name: loose,
  address: z
    .looseObject({ street: text, street2: text, city: text, stateOrProvince: text, postalCode: text, country: text })
    .nullish(),
  phone: text,
  website: text,
  externalId: text,
  status: loose,
  updatedDate: loose,
});

export const pax8ProductSchema = z.looseObject({
  id: z.string(),
  name: loose,
  vendorName: text,
  shortDescription: text,
  description: text,
  sku: text,
  vendorSku: text,
  requiresCommitment: z.boolean().nullish(),
});

export const distributorPricingSchema = z.looseObject({
  productId: z.string().nullish(),
  billingTerm: loose,
  commitmentTerm: text,
  commitmentTermInMonths: z.number().nullish(),
  type: text,
  unitOfMeasurement: text,
  rates: z
    .array(
      z.looseObject({
        partnerBuyRate: loose,
        suggestedRetailPrice: loose,
        startQuantityRange: loose,
        endQuantityRange: loose,
        chargeType: text,
      }),
    )
    .nullish(),
});

export const pax8SubscriptionSchema = z.looseObject({
  id: z.string(),
  companyId: loose,
  productId: loose,
  productName: text,
  parentSubscriptionId: text,
  quantity: loose,
  startDate: loose,
  endDate: loose,
  createdDate: loose,
  updatedDate: loose,
  billingStart: loose,
  status: loose,
  price: loose,
  partnerCost: loose,
  currencyCode: text,
  billingTerm: loose,
  /** The spec's name; live answers often say `commitment`. */
  commitmentTerm: loose,
  commitment: loose,
});
export type Pax8SubscriptionWire = z.infer<typeof pax8SubscriptionSchema>;

export const pax8UsageSummarySchema = z.looseObject({
  id: z.string(),
  companyId: loose,
  productId: loose,
  subscriptionId: loose,
  resourceGroup: text,
  currentCharges: loose,
  partnerTotal: loose,
});

export const pax8UsageLineSchema = z.looseObject({
  usageSummaryId: loose,
  usageDate: loose,
  productName: text,
  productId: loose,
  unitOfMeasure: text,
  quantity: loose,
  currentCharges: loose,
  partnerTotal: loose,
  unitPrice: loose,
});

export const pax8InvoiceSchema = z.looseObject({
  id: z.string(),
  invoiceDate: loose,
  dueDate: loose,
  status: text,
  total: loose,
});

/**
 * An invoice item. Pax8's official examples (`invoice-items`, `draft-invoice-items` in its
 * partner OpenAPI's `components.examples`) carry no `id`: items are keyed by invoice,
 * subscription, type and period. `type` is one of `rebate`, `prorate`, `subscription`,
 * `payment-credit`, `one-time`, `service-charge`, `service-credit`, `invoice-credit`; `term`
 * reads `Monthly`, `Annual`, `2 Year`, `3 Year`, `Arrears`….
 */
export const pax8InvoiceItemSchema = z.looseObject({
  id: z.string().nullish(),
  invoiceId: loose,
  type: text,
  companyId: loose,
  subscriptionId: text,
  productId: text,
  productName: text,
  startPeriod: loose,
  endPeriod: loose,
  quantity: loose,
  price: loose,
  cost: loose,
  total: loose,
  costTotal: loose,
  term: text,
});

export const pax8ErrorSchema = z.object({
  type: z.string().optional(),
  message: z.string().optional(),
  status: z.number().optional(),
  details: z.array(z.unknown()).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const pax8TokenSchema = z.object({ access_token: z.string(), expires_in: z.number(), token_type: z.string() });
