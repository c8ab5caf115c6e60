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

/**
 * A token-paged list (customers, products): the list under its own key, and a `nextPageToken`
 * that is empty on the last page. Source: the SDK's `v3/customers/customers.py`.
 */
export const ionPageSchema = z.object({ nextPageToken: z.string().optional().nullable() }).passthrough();

/**
 * The account-wide subscription list, paged by `pagination.limit` / `pagination.offset`: the
 * answer carries `paginationResponse.totalSize` and no page token. Sources: the SDK's
 * `v3/subscriptions/subscriptions.py`; cloudmindsab/td-synnex
 * `ion-api-v3/07.subscriptions/api-responses/get-subscriptions-response.json`.
 */
export const ionOffsetPageSchema = z.object({
  items: z.array(z.unknown()),
  paginationResponse: z
    .object({ totalSize: z.coerce.number().int().min(0) })
    .partial()
    .optional()
    .nullable(),
});

/**
 * The account's reports: `GET /accounts/{a}/reports` answers `{"reports":[…]}`. A report's id
 * is numeric text the partner's portal gave it when the report was made from a template.
 * Sources: the SDK's `v3/reports/reports.py`; cloudmindsab/td-synnex
 * `streamone-ion/api-v3/09.reports/reposrts_response.json`.
 */
export const ionReportListSchema = z.object({ reports: z.array(z.unknown()).default([]) });
export const ionReportSchema = z.object({
  reportId: z.union([z.string(), z.number()]).transform(String),
  displayName: z.string().nullish(),
  category: z.string().nullish(),
});

/**
 * A report's data: `POST …/reports/{id}/reportDataCsv` with a `specs.date_range_option` body
 * answers `{"results": <csv>}`, whose columns are the report template's headings ("Customer
 * ID", "Seller Cost (SEK)", …). Source: the SDK's `v3/reports/reports.py`.
 */
export const ionReportCsvSchema = z.object({ results: z.string() });

/**
 * A customer. Ion names it by its path, `accounts/{accountId}/customers/{customerId}`, and a
 * list item may carry no separate `id`: the SDK takes the id from `name` (`v3/customers/customers.py`).
 */
export const ionCustomerSchema = z.object({
  name: z.string().optional().nullable(),
  id: z.union([z.string(), z.number()]).transform(String).optional().nullable(),
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
  /** The provider's own id (Microsoft's subscription GUID): what billing reports name it by. */
  subscriptionId: z.string().nullish(),
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
  /** `license` or `usage`: how Ion bills it. */
  subscriptionBillingType: z.unknown(),
  /** The end of Microsoft's new-commerce window for reducing or cancelling it. */
  cancellationAllowedUntilDate: z.unknown(),
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
