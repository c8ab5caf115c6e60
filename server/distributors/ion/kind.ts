import { z } from 'zod';
import type { DistributorKind } from '../registry.ts';
import { createIonDistributor } from './adapter.ts';
import { createIonApi } from './api.ts';

const required = (message: string) => z.string({ error: message }).min(1, message);

/**
 * TD SYNNEX StreamOne Ion: the reseller account id and a refresh token from the Ion portal
 * (Settings › Users › the integration user › Request New Credentials). The token is single
 * use, so the stored one is replaced on every grant.
 */
export const ionKind: DistributorKind = {
  kind: 'ion',
  displayName: 'StreamOne Ion',
  fields: [
    {
      name: 'accountId',
      label: 'account id',
      secret: false,
      help: 'In the Ion portal: Quick Access › Account Information.',
    },
    {
      name: 'refreshToken',
      label: 'refresh token',
      secret: true,
      help: 'Settings › Users › the integration user › Request New Credentials. Paste it here before using it anywhere else: it works once.',
    },
    { name: 'baseUrl', label: 'URL', secret: false, optional: true },
  ],
  credentials: z.object({
    accountId: required('the StreamOne Ion account id is required (Quick Access › Account Information)'),
    refreshToken: required('a StreamOne Ion refresh token is required (Settings › Users › Request New Credentials)'),
    baseUrl: z.url().default('https://ion.tdsynnex.com'),
    /** The report invoices are read from, chosen on the Connections page from the account's reports. */
    billingReportId: z.string().optional(),
  }),
  singleUse: true,
  invoicesFromReport: true,
  urlFields: ['baseUrl'],
  open: (c, store, io) =>
    createIonDistributor(
      createIonApi({
        baseUrl: c.baseUrl!,
        accountId: c.accountId!,
        tokens: {
          read: async () => (await store.read()).refreshToken ?? '',
          replace: (used, next) =>
            store.replace(
              (stored) => stored.refreshToken === used,
              (stored) => ({ ...stored, refreshToken: next }),
            ),
        },
        ...io,
      }),
      async () => ({ billingReportId: (await store.read()).billingReportId }),
      io.now,
    ),
};
