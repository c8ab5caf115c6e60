import { z } from 'zod';

/** The token grant's answer: a two-hour access token and the next single-use refresh token. */
export const ionTokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1),
  token_type: z.string().optional(),
});

/** `{code,message,details}` from the API, `{error,error_description}` from the token endpoint. */
export const ionErrorSchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.array(z.unknown()).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** A page: the list under its own key, and a `nextPageToken` that is empty on the last page. */
export const ionPageSchema = z.object({ nextPageToken: z.string().optional().nullable() }).passthrough();

/** A page of a report's data: rows of the report's own columns, and page-number paging. */
export const ionReportPageSchema = z.object({
  data: z.array(z.unknown()),
  pagination: z
    .object({ totalPages: z.number().int().min(0) })
    .partial()
    .optional(),
});

/** A row of the billing report: one charge on the partner's invoice. */
export const ionBillingLineSchema = z.object({
  invoiceId: z.union([z.string(), z.number()]).transform(String),
  invoiceDate: z.string(),
  customerId: z.union([z.string(), z.number()]).transform(String),
  subscriptionId: z.union([z.string(), z.number()]).transform(String).optional().nullable(),
  productId: z.string().optional().nullable(),
  skuId: z.string().optional().nullable(),
  productName: z.string().optional().nullable(),
  chargeType: z.string().optional().nullable(),
  chargeStartDate: z.string().optional().nullable(),
  chargeEndDate: z.string().optional().nullable(),
  quantity: z.unknown(),
  unitPrice: z.unknown(),
  unitCost: z.unknown(),
  total: z.unknown(),
  costTotal: z.unknown(),
});

export const ionCustomerSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  customerOrganization: z.string().optional().nullable(),
  customerName: z.string().optional().nullable(),
  customerEmail: z.string().optional().nullable(),
  customerPhone: z.string().optional().nullable(),
  customerAddress: z
    .object({
      street: z.string().optional().nullable(),
      city: z.string().optional().nullable(),
      state: z.string().optional().nullable(),
      zip: z.string().optional().nullable(),
      country: z.string().optional().nullable(),
    })
    .partial()
    .optional()
    .nullable(),
  customerStatus: z.string().optional().nullable(),
  updateTime: z.string().optional().nullable(),
});

const plan = z.object({
  id: z.string(),
  displayName: z.string().optional(),
  billingTerm: z.string().optional(),
  billingCycle: z.string().optional(),
  price: z.object({ cost: z.unknown(), msrp: z.unknown(), currency: z.string().optional() }).partial().optional(),
});

export const ionProductSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  vendor: z.string().optional().nullable(),
  unitType: z.string().optional().nullable(),
  skus: z
    .array(
      z.object({
        id: z.string(),
        displayName: z.string(),
        mfgPartNumber: z.string().optional().nullable(),
        plans: z.array(plan).default([]),
      }),
    )
    .default([]),
});

export const ionSubscriptionSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  customerId: z.union([z.string(), z.number()]).transform(String),
  ccpProductId: z.string(),
  ccpSkuId: z.string(),
  ccpPlanId: z.string().optional().nullable(),
  subscriptionTotalLicenses: z.unknown(),
  subscriptionStatus: z.unknown(),
  subscriptionStartDate: z.unknown(),
  subscriptionEndDate: z.unknown(),
  subscriptionPurchasedDate: z.unknown(),
  subscriptionBillingCycle: z.unknown(),
  subscriptionBillingTerm: z.unknown(),
  ccpProductInfo: z
    .object({ productDisplayName: z.string().optional(), skuDisplayName: z.string().optional() })
    .partial()
    .optional()
    .nullable(),
  subscriptionName: z.string().optional().nullable(),
  autoRenew: z.boolean().optional().nullable(),
  lastUpdatedDate: z.unknown(),
  price: z.unknown(),
  cost: z.unknown(),
  currency: z.string().optional().nullable(),
});
