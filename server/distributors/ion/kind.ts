import { z } from 'zod';
import type { CredentialStore, DistributorKind } from '../kind-contract.ts';
import { createIonDistributor, ION_MARKER_PREFIX } from './adapter.ts';
import { createIonApi, type RefreshTokenStore } from './api.ts';

const required = (message: string) => z.string({ error: message }).min(1, message);

/** The connection's tokens as the credentials keep them: the refresh token, and the shared access token. */
function tokensIn(store: CredentialStore): RefreshTokenStore {
  return {
    async read() {
      const c = await store.read();
      const expiresAt = Number(c.accessTokenExpiresAt);
      return {
        refreshToken: c.refreshToken ?? '',
        ...(c.accessToken && Number.isFinite(expiresAt) ? { accessToken: { token: c.accessToken, expiresAt } } : {}),
      };
    },
    replace: (used, next) =>
      store.replace(
        (stored) => stored.refreshToken === used,
        (stored) => ({
          ...stored,
          refreshToken: next.refreshToken,
          ...(next.accessToken
            ? { accessToken: next.accessToken.token, accessTokenExpiresAt: String(next.accessToken.expiresAt) }
            : {}),
        }),
      ),
    ...(store.lock
      ? { lock: <T>(fn: (s: RefreshTokenStore) => Promise<T>) => store.lock!((locked) => fn(tokensIn(locked))) }
      : {}),
  };
}

/**
 * TD SYNNEX StreamOne Ion: the reseller account id and a refresh token from the Ion portal
 * (Settings › Users › the integration user › Request New Credentials). The token is single
 * use, so the stored one is replaced on every grant.
 */
/** Where the vendor answers from: error text from any other host is not shown. */
const OWN_HOSTS = /(^|\.)(tdsynnex\.com|streamone\.cloud|techdata\.com)$/;

export const ionKind: DistributorKind = {
  kind: 'ion',
  markerPrefix: ION_MARKER_PREFIX,
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
    /** The access token every process shares until it nearly expires, kept sealed with the rest. */
    accessToken: z.string().optional(),
    accessTokenExpiresAt: z.string().optional(),
  }),
  singleUse: true,
  invoicesFromReport: true,
  urlFields: ['baseUrl'],
  open: (c, store, io) =>
    createIonDistributor(
      createIonApi({
        baseUrl: c.baseUrl!,
        accountId: c.accountId!,
        tokens: tokensIn(store),
        ...io,
        ownHosts: OWN_HOSTS,
      }),
      async () => ({ billingReportId: (await store.read()).billingReportId }),
      io.now,
    ),
};
