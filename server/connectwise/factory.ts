import type { Tenant } from '../../db/queries/tenants.ts';
import type { CwAuth } from './auth.ts';
import { type CwClientOptions, createCwClient } from './client.ts';

export type CwOverrides = Partial<
  Pick<CwClientOptions, 'fetch' | 'siteCache' | 'timeoutMs' | 'retry' | 'onRequest' | 'beforeAttempt' | 'concurrency'>
>;

/** A ConnectWise client for one tenant, as the given member or API member. */
export function cwForTenant(tenant: Tenant, auth: CwAuth, overrides: CwOverrides = {}) {
  return createCwClient({
    site: tenant.site,
    protocol: tenant.protocol === 'http' ? 'http' : 'https',
    companyId: tenant.companyId,
    clientId: tenant.clientId,
    auth,
    ...overrides,
  });
}
