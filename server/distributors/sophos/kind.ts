import { z } from 'zod';
import type { DistributorKind } from '../kind-contract.ts';
import { createSophosDistributor, SOPHOS_MARKER_PREFIX } from './adapter.ts';
import { createSophosApi } from './api.ts';

const required = (message: string) => z.string({ error: message }).min(1, message);

/** Sophos Central: partner API credentials from Sophos Central Partner › Settings › API Credentials. */
/** Where the vendor answers from: error text from any other host is not shown. */
const OWN_HOSTS = /(^|\.)sophos\.com$/;

export const sophosKind: DistributorKind = {
  kind: 'sophos',
  markerPrefix: SOPHOS_MARKER_PREFIX,
  displayName: 'Sophos Central',
  fields: [
    {
      name: 'clientId',
      label: 'client id',
      secret: false,
      help: 'Sophos Central Partner › Settings › API Credentials.',
    },
    { name: 'clientSecret', label: 'client secret', secret: true },
    { name: 'tokenUrl', label: 'token URL', secret: false, optional: true },
    { name: 'apiUrl', label: 'API URL', secret: false, optional: true },
  ],
  credentials: z.object({
    clientId: required('the Sophos Central client id is required (Settings › API Credentials)'),
    clientSecret: required('the Sophos Central client secret is required (Settings › API Credentials)'),
    tokenUrl: z.url().default('https://id.sophos.com/api/v2/oauth2/token'),
    apiUrl: z.url().default('https://api.central.sophos.com'),
  }),
  singleUse: false,
  urlFields: ['tokenUrl', 'apiUrl'],
  open: (c, _store, io) =>
    createSophosDistributor(
      createSophosApi({
        clientId: c.clientId!,
        clientSecret: c.clientSecret!,
        tokenUrl: c.tokenUrl!,
        apiUrl: c.apiUrl!,
        ...io,
        ownHosts: OWN_HOSTS,
      }),
      io.now,
    ),
};
