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

/** A page: `items`, and `pages` whose `total` is there when asked for with `pageTotal=true`. */
export const sophosPageSchema = z.object({
  items: z.array(z.unknown()),
  pages: z.object({ current: z.number().int(), total: z.number().int().optional() }).partial().optional(),
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

export const sophosUsageSchema = z.object({
  tenant: z.object({ id: z.string(), name: z.string().nullish() }).nullish(),
  productCode: z.string().nullish(),
  sku: z.string().nullish(),
  productDescription: z.string().nullish(),
  unitOfMeasure: z.string().nullish(),
  quantity: z.unknown(),
});
export type SophosUsage = z.output<typeof sophosUsageSchema>;
