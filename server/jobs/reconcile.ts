import type { Tenant } from '../../db/queries/tenants.ts';
import { addMonths } from '../../shared/billing/calendar.ts';
import { checkPeriod } from '../reconcile/check.ts';
import type { RunDeps } from './run.ts';

/**
 * The daily reconciliation: last month, for every connected distributor that shares invoices,
 * under the API member. It records statuses and accepts differences within the tolerance; it
 * never posts a difference, which waits for a person's Accept. A distributor that fails is
 * logged, and the others are still checked.
 */
export async function reconcileTenant(deps: RunDeps, tenant: Tenant): Promise<{ checked: number; failed: string[] }> {
  const today = deps.clock.now().toISODate()!;
  const period = addMonths(today, -1).slice(0, 7);
  const cw = deps.vendors.apiMemberCw(tenant);
  let checked = 0;
  const failed: string[] = [];
  for (const d of await deps.vendors.distributors(tenant)) {
    if (!d.distributor.capabilities.invoices) continue;
    try {
      const result = await checkPeriod(
        {
          db: deps.db,
          tenant,
          cw,
          distributor: d.distributor,
          today,
          now: () => deps.clock.now().toJSDate(),
          actor: 'Daily reconciliation',
          concurrency: deps.concurrency,
        },
        period,
      );
      checked += result.rows.length;
    } catch (error) {
      failed.push(d.displayName);
      deps.logger.warn('reconciliation: a distributor could not be checked', {
        tenant: tenant.id,
        distributor: d.kind,
        error,
      });
    }
  }
  return { checked, failed };
}
