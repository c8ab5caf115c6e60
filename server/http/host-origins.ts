import type { Database } from '../../db/client.ts';
import { tenantOrigin } from '../../db/queries/tenants.ts';

/**
 * Which Manage origins may frame the pod for one request: Manage's cloud and configured hosts,
 * plus the named tenant's own self-hosted origin. Another tenant's origin is never listed, so
 * the page discloses nothing about who else is registered here.
 */
export function hostOriginsFor(db: Database, configured: readonly string[]) {
  return async (tenantId: string | null): Promise<readonly string[]> => {
    const own = tenantId ? await tenantOrigin(db, tenantId) : null;
    return [...new Set([...configured, ...(own ? [own] : [])])];
  };
}
