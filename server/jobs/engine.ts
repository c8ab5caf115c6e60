import { type Clock, fromPglite, PgBoss } from 'pg-boss';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Logger } from '../logger.ts';

/** pg-boss keeps its own tables in this schema, beside ours. */
export const JOBS_SCHEMA = 'pgboss';
/** One queue for every tenant's sync; each job is keyed by its tenant. */
export const SYNC_QUEUE = 'tenant-sync';
/** Last month's usage, billed once its period is final: a queue of its own, keyed by tenant too. */
export const ARREARS_QUEUE = 'tenant-arrears';

/** How quickly a lost worker's job is noticed and handed to another (tests make it shorter). */
export interface EngineTimings {
  /** A worker that has not touched its running job for this long is taken to be gone. */
  heartbeatSeconds: number;
  /** How often expired and abandoned jobs are looked for. */
  monitorIntervalSeconds: number;
  /** The first retry's delay; later ones double, up to ten minutes. */
  retryDelaySeconds: number;
}

/** Retries after a passing failure (so five tries in all), with backoff. */
export const SYNC_RETRY_LIMIT = 4;

export const DEFAULT_TIMINGS: EngineTimings = {
  heartbeatSeconds: 20,
  monitorIntervalSeconds: 10,
  retryDelaySeconds: 15,
};

/**
 * pg-boss on whichever database is configured: its own connection pool on Postgres, or the
 * embedded PGlite through pg-boss's PGlite adapter, so one code path serves both. The sync
 * queue is `stately`: per tenant (the singleton key) at most one job waits and one runs, so
 * two workers never run a tenant at once and "Sync now" on a queued tenant does not stack.
 */
export async function startEngine(
  database: DatabaseHandle,
  logger: Logger,
  timings: EngineTimings = DEFAULT_TIMINGS,
  /** pg-boss's own clock; tests pass its TestClock to walk schedules through time. */
  clock?: Clock,
): Promise<PgBoss> {
  const common = {
    schema: JOBS_SCHEMA,
    ...(clock ? { clock } : {}),
    monitorIntervalSeconds: timings.monitorIntervalSeconds,
    superviseIntervalSeconds: timings.monitorIntervalSeconds,
  };
  const boss =
    database.jobs.driver === 'postgres'
      ? new PgBoss({ ...common, connectionString: database.jobs.url, max: 4, application_name: 'cw-sync-jobs' })
      : new PgBoss({ ...common, db: fromPglite(database.jobs.client), backend: 'pglite' });
  boss.on('error', (error) => logger.error('job engine error', { error }));
  await boss.start();
  const queue = {
    policy: 'stately',
    retryLimit: SYNC_RETRY_LIMIT,
    retryDelay: timings.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: 600,
    heartbeatSeconds: timings.heartbeatSeconds,
    // A run that has not finished in three hours is stopped and retried; heartbeats catch a
    // worker that died long before that.
    expireInSeconds: 3 * 60 * 60,
  } as const;
  const { policy: _fixed, ...changeable } = queue;
  for (const name of [SYNC_QUEUE, ARREARS_QUEUE]) {
    if (await boss.getQueue(name)) await boss.updateQueue(name, changeable);
    else {
      // Several processes may start at once; whichever creates the queue first wins, the rest update.
      await boss.createQueue(name, queue).catch(async (error) => {
        if (!(await boss.getQueue(name))) throw error;
        await boss.updateQueue(name, changeable);
      });
    }
  }
  return boss;
}
