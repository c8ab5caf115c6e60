import type { PgBoss } from 'pg-boss';
import type { Database } from '../../db/client.ts';
import { getNotificationSettings } from '../../db/queries/notifications.ts';
import { liveSessionById } from '../../db/queries/sessions.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { allTenants, getTenant } from '../../db/queries/tenants.ts';
import type { TenantSettings } from '../../shared/schemas/settings.ts';
import { sessionCwAuth } from '../auth/session.ts';
import type { Clock } from '../clock.ts';
import type { SecretBox } from '../crypto.ts';
import { digestIfDue } from '../notify/digest.ts';
import { runTenantArrears } from './arrears.ts';
import { ARREARS_QUEUE, SYNC_QUEUE, SYNC_RETRY_LIMIT } from './engine.ts';
import { reconcileTenant } from './reconcile.ts';
import { type RunDeps, type RunOptions, type RunResult, runTenantSync } from './run.ts';

/** What a sync job carries: never credentials, only where to find them. */
export interface SyncJobData {
  tenantId: string;
  trigger: RunOptions['trigger'];
  requestedBy: string;
  /** "Sync now" that writes: the member's session, whose sealed credentials the run opens. */
  sessionId?: string;
}

/** When the arrears job looks at last month: daily at 06:00 in the tenant's time zone. */
export const ARREARS_SCHEDULE = '0 6 * * *';

/**
 * Sending, scheduling and checking sync jobs. The same calls serve the server, `npm run worker`
 * and `npm run sync`; only where jobs are worked differs.
 */
export function syncJobs(boss: PgBoss, clock: Clock) {
  const preview = (cron: string, timeZone: string, count = 3) =>
    boss.previewSchedule(cron, { tz: timeZone, count, from: clock.now().toJSDate() }).map((d) => d.toISOString());
  /**
   * The tenant's schedules as pg-boss holds them, fired in her time zone: the sync while
   * auto-sync is on; the daily job while auto-sync is on or she wants a daily digest (it then
   * only reconciles and sends the digest, and bills no usage).
   */
  async function apply(
    tenantId: string,
    settings: Pick<TenantSettings, 'autoSync' | 'schedule' | 'timeZone'>,
    dailyDigest = false,
  ) {
    const data: SyncJobData = { tenantId, trigger: 'scheduled', requestedBy: 'schedule' };
    const options = { tz: settings.timeZone, key: tenantId, singletonKey: tenantId };
    if (settings.autoSync) await boss.schedule(SYNC_QUEUE, settings.schedule, data, options);
    else await boss.unschedule(SYNC_QUEUE, tenantId);
    // Every morning in her time zone; before the arrears day (or while the month is not final)
    // it writes nothing and says so, and once it has billed a month, a second run writes nothing.
    if (settings.autoSync || dailyDigest) await boss.schedule(ARREARS_QUEUE, ARREARS_SCHEDULE, data, options);
    else await boss.unschedule(ARREARS_QUEUE, tenantId);
  }
  return {
    apply,
    /** Queues a tenant's sync; null when one is already waiting for that tenant (jobs never stack). */
    enqueue: (data: SyncJobData) => boss.send(SYNC_QUEUE, data, { singletonKey: data.tenantId }),
    /** Queues a tenant's arrears run now (`npm run sync -- --arrears`, tests); null when one waits. */
    enqueueArrears: (tenantId: string, requestedBy: string) =>
      boss.send(ARREARS_QUEUE, { tenantId, trigger: 'command', requestedBy } satisfies SyncJobData, {
        singletonKey: tenantId,
      }),

    /**
     * The next times `cron` fires in `timeZone`, by the very parser that will fire it; throws, in
     * pg-boss's own words, for a schedule it could not fire (so saving refuses it).
     */
    preview,

    /**
     * Brings pg-boss's schedules in line with every tenant's saved settings: at start-up, so
     * schedules saved before jobs ran on pg-boss carry over. A schedule pg-boss cannot read is
     * reported, not fatal: other tenants are scheduled regardless.
     */
    async reconcile(db: Database, onError: (tenantId: string, error: unknown) => void) {
      for (const tenant of await allTenants(db)) {
        try {
          const daily = (await getNotificationSettings(db, tenant.id)).cadence === 'daily';
          await apply(tenant.id, await getSettings(db, tenant.id), daily);
        } catch (error) {
          onError(tenant.id, error);
        }
      }
    },
  };
}

export type SyncJobs = ReturnType<typeof syncJobs>;

/**
 * Works sync jobs in this process. Each job is one tenant's run; a transient failure (network,
 * a vendor's 5xx, the database) is thrown so pg-boss retries it with backoff, while a run that
 * ended, even with refusals from ConnectWise, completes: billing refusals wait for a person.
 */
export async function workSyncJobs(
  boss: PgBoss,
  deps: RunDeps & { secrets: SecretBox; localConcurrency?: number },
): Promise<string> {
  return boss.work<SyncJobData, RunResult | { skipped: string }>(
    SYNC_QUEUE,
    { localConcurrency: deps.localConcurrency ?? 2, pollingIntervalSeconds: 1 },
    async ([job]) => {
      const data = job!.data;
      const tenant = await getTenant(deps.db, data.tenantId);
      if (!tenant) return { skipped: 'the tenant is no longer registered' };
      const options: RunOptions = { trigger: data.trigger, requestedBy: data.requestedBy };
      if (data.trigger === 'manual') {
        const session = data.sessionId
          ? await liveSessionById(deps.db, tenant.id, data.sessionId, deps.clock.now().toJSDate())
          : undefined;
        // Her session ended before the run began: nothing is written for her, it only checks.
        if (session) options.member = { cwAuth: sessionCwAuth(deps.secrets, session), memberId: session.memberId };
        else options.trigger = 'check';
      }
      const attempt = { number: job!.retryCount + 1, of: SYNC_RETRY_LIMIT + 1 };
      const result = await runTenantSync(deps, tenant, { ...options, attempt });
      if (result.outcome === 'failed' && result.transient) throw new Error(result.error ?? 'the run failed');
      if (data.trigger === 'scheduled') await digestIfDue(deps, tenant, 'after-run');
      return result;
    },
  );
}

/**
 * Works arrears jobs in this process: one tenant's run of last month's usage under the API
 * member. An outage is thrown for pg-boss to retry; a run that ended completes.
 */
export async function workArrearsJobs(boss: PgBoss, deps: RunDeps & { localConcurrency?: number }): Promise<string> {
  return boss.work<SyncJobData, RunResult | { skipped: string }>(
    ARREARS_QUEUE,
    // A daily job that waits for a month to be final need not be picked up within the second:
    // polling less often leaves the database to the sync queue.
    { localConcurrency: deps.localConcurrency ?? 2, pollingIntervalSeconds: 5 },
    async ([job]) => {
      const tenant = await getTenant(deps.db, job!.data.tenantId);
      if (!tenant) return { skipped: 'the tenant is no longer registered' };
      const trigger = job!.data.trigger === 'command' ? 'command' : 'scheduled';
      // Scheduled for a daily digest alone (auto-sync off), the job bills no usage.
      const billing = trigger === 'command' || (await getSettings(deps.db, tenant.id)).autoSync;
      const result = billing
        ? await runTenantArrears(deps, tenant, { trigger, requestedBy: job!.data.requestedBy })
        : { skipped: 'auto-sync is off: usage is not billed on the schedule' };
      if ('outcome' in result && result.outcome === 'failed' && result.transient)
        throw new Error(result.error ?? 'the run failed');
      // The daily job also reconciles last month against the invoices, then sends a daily digest.
      await reconcileTenant(deps, tenant);
      await digestIfDue(deps, tenant, 'daily');
      return result;
    },
  );
}
