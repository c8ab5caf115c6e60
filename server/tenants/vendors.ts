import type { Tenant } from '../../db/queries/tenants.ts';
import type { CwAuth } from '../connectwise/auth.ts';
import { type CwOverrides, cwForTenant } from '../connectwise/factory.ts';
import type { SiteCache } from '../connectwise/site.ts';
import type { SecretBox } from '../crypto.ts';
import { createPax8Distributor } from '../distributors/pax8/adapter.ts';
import { createPax8Api, type Pax8ApiOptions } from '../distributors/pax8/api.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import { openApiKeys, openDistributor } from './secrets.ts';

export interface VendorOptions {
  secrets: SecretBox;
  cw?: CwOverrides;
  pax8?: Partial<Pick<Pax8ApiOptions, 'fetch' | 'retry' | 'timeoutMs' | 'concurrency' | 'onRequest'>>;
}

/**
 * Each tenant's vendor clients. The distributor client is kept per tenant so its token is
 * reused; ConnectWise clients are cheap and made per call with whoever acts.
 */
export function createVendors(options: VendorOptions) {
  const siteCache: SiteCache = options.cw?.siteCache ?? new Map();
  const distributors = new Map<string, { sealed: string; distributor: Distributor }>();
  return {
    cw(tenant: Tenant, auth: CwAuth, extra: CwOverrides = {}) {
      return cwForTenant(tenant, auth, { ...options.cw, siteCache, ...extra });
    },
    /** The integration's own API member, for work no person started (the scheduled sync). */
    apiMemberCw(tenant: Tenant, extra: CwOverrides = {}) {
      const keys = openApiKeys(options.secrets, tenant);
      if (!keys)
        throw new AppError('conflict', `Tenant ${tenant.name} has no API member keys; run tenant setup again.`);
      return cwForTenant(tenant, { kind: 'apiMember', ...keys }, { ...options.cw, siteCache, ...extra });
    },
    distributor(tenant: Tenant): Distributor {
      const sealed = tenant.distributorCredentialsEnc ?? '';
      const known = distributors.get(tenant.id);
      if (known && known.sealed === sealed) return known.distributor;
      const creds = openDistributor(options.secrets, tenant);
      if (!creds)
        throw new AppError('conflict', `Tenant ${tenant.name} has no Pax8 credentials; run tenant setup again.`);
      const distributor = createPax8Distributor(createPax8Api({ ...creds, ...options.pax8 }));
      distributors.set(tenant.id, { sealed, distributor });
      return distributor;
    },
  };
}

export type Vendors = ReturnType<typeof createVendors>;
