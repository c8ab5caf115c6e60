import type { PgBoss } from 'pg-boss';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { SecretBox } from '../crypto.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../notify/mailer.ts';
import { createVendors, type Vendors } from '../tenants/vendors.ts';
import { sharedPacers } from './budget.ts';
import { DEFAULT_TIMINGS, type EngineTimings, startEngine } from './engine.ts';
import type { RunDeps } from './run.ts';
import { type SyncJobs, syncJobs, workArrearsJobs, workSyncJobs } from './sync-jobs.ts';

export interface JobsDeps {
  database: DatabaseHandle;
  logger: Logger;
  clock: Clock;
  secrets: SecretBox;
  vendors: Vendors;
  /** ConnectWise requests per minute per tenant, every process together. */
  budgetPerMinute: number;
  /** Work sync jobs here, this many at once; omit for a process that only sends and schedules. */
  work?: { localConcurrency: number };
  timings?: EngineTimings;
  /** Budget windows (tests shorten them). */
  budgetWindowMs?: number;
  mailer?: Mailer;
}

export interface Jobs {
  boss: PgBoss;
  sync: SyncJobs;
  runDeps: RunDeps;
  /** Lets running jobs finish (up to `timeoutMs`), then hands back any still running. */
  stop: (timeoutMs?: number) => Promise<void>;
}

/**
 * The job engine for one process: the server (which works jobs unless told not to), a
 * `npm run worker` process (which only works jobs), or `npm run sync`. Every tenant's
 * schedule is brought in line with its saved settings as it starts.
 */
export async function startJobs(deps: JobsDeps): Promise<Jobs> {
  const boss = await startEngine(deps.database, deps.logger, deps.timings ?? DEFAULT_TIMINGS);
  const sync = syncJobs(boss, deps.clock);
  await sync.reconcile(deps.database.db, (tenantId, error) =>
    deps.logger.error('a tenant schedule could not be applied', { tenant: tenantId, error }),
  );
  const runDeps: RunDeps = {
    db: deps.database.db,
    vendors: deps.vendors,
    clock: deps.clock,
    logger: deps.logger,
    pacer: sharedPacers(deps.database.db, deps.budgetPerMinute, { windowMs: deps.budgetWindowMs }),
    mailer: deps.mailer,
  };
  if (deps.work) {
    await workSyncJobs(boss, { ...runDeps, secrets: deps.secrets, ...deps.work });
    await workArrearsJobs(boss, { ...runDeps, ...deps.work });
  }
  return {
    boss,
    sync,
    runDeps,
    // Graceful: pg-boss waits for handlers; a run still going at the deadline is abandoned to
    // its heartbeat, and another worker takes the job up again through the exactly-once writer.
    stop: (timeoutMs = 30_000) => boss.stop({ graceful: true, timeout: timeoutMs }),
  };
}

/**
 * The job engine as a process runs it, from its environment: working `JOB_CONCURRENCY` jobs at
 * once (`true`), a given number (`npm run sync` works one), or none.
 */
export function startJobsFor(
  runtime: Pick<JobsDeps, 'database' | 'logger' | 'clock' | 'secrets' | 'mailer'> & {
    env: { SYNC_BUDGET_PER_MINUTE: number; JOB_CONCURRENCY: number; SANDBOX: boolean };
  },
  work: boolean | number,
): Promise<Jobs> {
  return startJobs({
    database: runtime.database,
    logger: runtime.logger,
    clock: runtime.clock,
    secrets: runtime.secrets,
    mailer: runtime.mailer,
    vendors: createVendors({
      now: () => runtime.clock.now().toJSDate(),
      db: runtime.database.db,
      secrets: runtime.secrets,
      sandbox: runtime.env.SANDBOX,
    }),
    budgetPerMinute: runtime.env.SYNC_BUDGET_PER_MINUTE,
    work: work === false ? undefined : { localConcurrency: work === true ? runtime.env.JOB_CONCURRENCY : work },
  });
}
