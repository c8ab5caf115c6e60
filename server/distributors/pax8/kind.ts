import { z } from 'zod';
import type { DistributorKind } from '../kind-contract.ts';
import { createPax8Distributor, PAX8_MARKER_PREFIX } from './adapter.ts';
import { createPax8Api } from './api.ts';

const required = (message: string) => z.string({ error: message }).min(1, message);

/** Pax8: OAuth client credentials from the Pax8 portal's Integrations page. */
/** Where the vendor answers from: error text from any other host is not shown. */
const OWN_HOSTS = /(^|\.)pax8\.com$/;

export const pax8Kind: DistributorKind = {
  kind: 'pax8',
  markerPrefix: PAX8_MARKER_PREFIX,
  // The first release kept one tenant's Pax8 credentials on its row, sealed under this context.
  legacySealContexts: ['distributor_credentials'],
  // The first release took them as `pax8` beside the ConnectWise keys.
  legacyInputKey: 'pax8',
  displayName: 'Pax8',
  fields: [
    { name: 'clientId', label: 'client id', secret: false },
    { name: 'clientSecret', label: 'client secret', secret: true },
    { name: 'baseUrl', label: 'API URL', secret: false, optional: true },
    { name: 'tokenUrl', label: 'token URL', secret: false, optional: true },
    { name: 'audience', label: 'audience', secret: false, optional: true },
  ],
  credentials: z.object({
    clientId: required('the Pax8 client id is required'),
    clientSecret: required('the Pax8 client secret is required'),
    baseUrl: z.url().default('https://api.pax8.com/v1'),
    tokenUrl: z.url().default('https://token-manager.pax8.com/oauth/token'),
    audience: z.string().default('https://api.pax8.com'),
  }),
  singleUse: false,
  urlFields: ['baseUrl', 'tokenUrl'],
  open: (c, _store, io) =>
    createPax8Distributor(
      createPax8Api({
        clientId: c.clientId!,
        clientSecret: c.clientSecret!,
        baseUrl: c.baseUrl!,
        tokenUrl: c.tokenUrl!,
        audience: c.audience!,
        ...io,
        ownHosts: OWN_HOSTS,
      }),
    ),
};
