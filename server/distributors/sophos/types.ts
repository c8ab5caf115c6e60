import { z } from 'zod';

/** The client-credentials grant's answer (id.sophos.com). */
export const sophosTokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  errorCode: z.string().optional(),
});

/** Who the credentials belong to, and where its API lives. */
export const sophosWhoamiSchema = z.object({
  id: z.string().min(1),
  idType: z.string(),
  apiHosts: z.object({ global: z.string().url() }).passthrough(),
});

/** Sophos Central's error bodies: `{error, message}` from the API, `{errorCode, message}` from the token endpoint. */
export const sophosErrorSchema = z
  .object({ error: z.string(), errorCode: z.string(), message: z.string(), correlationId: z.string() })
  .partial();

/**
 * A page: `items`, and `pages`, whose `total` is there when asked for with `pageTotal=true` and
 * whose `nextKey` leads to the next page of a key-paged list (`pageFromKey`). Sources:
 * xasz/ISCPP `app/Services/SCService.php` (key paging for billing usage, page numbers for
 * tenants); jancotanis/sophos `lib/sophos/pagination.rb` (page numbers).
 */
export const sophosPageSchema = z.object({
  items: z.array(z.unknown()),
  pages: z
    .object({ current: z.number().int(), total: z.number().int(), nextKey: z.string().nullish() })
    .partial()
    .optional(),
});

export const sophosTenantSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional().nullable(),
  showAs: z.string().optional().nullable(),
  billingType: z.string().optional().nullable(),
  status: z.string().optional().nullable(),
  contact: z
    .object({
      address: z
        .object({
          address1: z.string().nullish(),
          city: z.string().nullish(),
          state: z.string().nullish(),
          postalCode: z.string().nullish(),
          countryCode: z.string().nullish(),
        })
        .partial()
        .nullish(),
    })
    .partial()
    .nullish(),
});

/**
 * An item of `/partner/v1/billing/usage/{year}/{month}`, with the fields two clients that run
 * against the live API read (xasz/ISCPP `app/Services/SCService.php`; a Sophos Central MCP
 * server's billing tools). `billableQuantity` is what is billed; `netPrice` is the order
 * line's total, shared by every customer on it. How a licence assigned to no tenant looks is
 * not shown by either: an item without `accountId` is taken as unassigned.
 */
export const sophosUsageSchema = z.object({
  accountId: z.string().nullish(),
  assignedAccountIdentifier: z.string().nullish(),
  productCode: z.string().nullish(),
  sku: z.string().nullish(),
  productDescription: z.string().nullish(),
  productGroup: z.string().nullish(),
  orderedQuantity: z.unknown(),
  actualQuantity: z.unknown(),
  billableQuantity: z.unknown(),
  unitPrice: z.unknown(),
  netPrice: z.unknown(),
  billingStartDate: z.string().nullish(),
  billingEndDate: z.string().nullish(),
  orderLineItemNumber: z.union([z.string(), z.number()]).nullish(),
});
export type SophosUsage = z.output<typeof sophosUsageSchema>;
