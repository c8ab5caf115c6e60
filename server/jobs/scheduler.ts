import type { DateTime } from 'luxon';
import type { Database } from '../../db/client.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { allTenants } from '../../db/queries/tenants.ts';
import { mapLimit } from '../http/limit.ts';
import { firedBetween } from './cron.ts';
import { type RunDeps, runTenantSync } from './run.ts';

/**
 * Runs each tenant's global sync when its schedule comes due (daily at 00:00 UTC unless set
 * otherwise), only where auto-sync is on. With Postgres several processes may tick; the
 * database lease lets one of them run each tenant.
 */
export function startScheduler(deps: RunDeps & { db: Database; tickMs?: number; tenantConcurrency?: number }) {
  let last = deps.clock.now();
  let running = false;
  const tick = async (now: DateTime<true> = deps.clock.now()) => {
    if (running) return;
    running = true;
    const since = last;
    last = now;
    try {
      // Each tenant in its own error boundary, several at once: one tenant's unreadable
      // schedule or failing run neither stops nor waits for another's.
      await mapLimit(await allTenants(deps.db), deps.tenantConcurrency ?? 4, async (tenant) => {
        try {
          const settings = await getSettings(deps.db, tenant.id);
          if (!settings.autoSync || !firedBetween(settings.schedule, settings.timeZone, since, now)) return;
          const result = await runTenantSync(deps, tenant, { trigger: 'scheduled', requestedBy: 'schedule' });
          deps.logger.info('scheduled sync', { tenant: tenant.id, ...result });
        } catch (error) {
          deps.logger.error('scheduled sync failed for a tenant', { tenant: tenant.id, error });
        }
      });
    } catch (error) {
      deps.logger.error('scheduler tick failed', { error });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.tickMs ?? 60_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
