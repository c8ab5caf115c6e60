import { TestClock } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.ts';
import { ARREARS_QUEUE, DEFAULT_TIMINGS, JOBS_SCHEMA, SYNC_QUEUE, startEngine } from '../../../server/jobs/engine.ts';
import { syncJobs } from '../../../server/jobs/sync-jobs.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { insertTenant } from '../../helpers/tenant-rows.ts';

/**
 * A tenant's schedule is fired by pg-boss in the tenant's own time zone, so "daily at 9:00" in
 * New York is 14:00 UTC in winter and 13:00 UTC once daylight saving starts (14 March 2027).
 * pg-boss's test clock walks the schedule through that change; no worker runs the jobs.
 */
describe('schedules in the tenant time zone', () => {
  let database: TestDatabase;
  let clock: TestClock;
  let boss: Awaited<ReturnType<typeof startEngine>>;
  let tenantId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenantId = await insertTenant(database.db, 'New York MSP');
    clock = new TestClock('2027-03-13T13:58:00Z');
    boss = await startEngine(database, captureLogger(), DEFAULT_TIMINGS, clock);
    await clock.attach({ db: boss.getDb(), schema: JOBS_SCHEMA });
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await database?.close();
  });

  const walkTo = async (iso: string) => {
    while (clock.now() < Date.parse(iso)) await clock.tick(30_000);
  };
  const seen: string[] = [];
  /**
   * The times the schedule fired so far. Each job is taken off the queue once seen, as a worker
   * would: the queue keeps one waiting job per tenant, so an untaken one would hold back the next.
   */
  const fired = async () => {
    for (const job of await boss.findJobs(SYNC_QUEUE, { key: tenantId })) {
      seen.push(new Date((job as unknown as { createdOn: Date }).createdOn).toISOString());
      await boss.deleteJob(SYNC_QUEUE, job.id);
    }
    return [...seen];
  };

  it('fires at 9:00 New York time on both sides of the change to daylight saving', async () => {
    const jobs = syncJobs(boss, systemClock);
    await jobs.apply(tenantId, { autoSync: true, schedule: '0 9 * * *', timeZone: 'America/New_York' });
    await walkTo('2027-03-13T14:02:00Z');
    expect(await fired()).toEqual(['2027-03-13T14:00:00.000Z']);

    await clock.setTime('2027-03-14T12:58:00Z');
    await walkTo('2027-03-14T13:02:00Z');
    expect(await fired()).toEqual(['2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z']);
    // Not again at 14:00 UTC, which is 10:00 in New York now.
    await clock.setTime('2027-03-14T13:58:00Z');
    await walkTo('2027-03-14T14:02:00Z');
    expect((await fired()).length).toBe(2);
  }, 120_000);

  it('turning auto-sync off removes the schedule; a schedule pg-boss cannot read is refused', async () => {
    const jobs = syncJobs(boss, systemClock);
    await jobs.apply(tenantId, { autoSync: false, schedule: '0 9 * * *', timeZone: 'America/New_York' });
    expect(await boss.getSchedule(SYNC_QUEUE, tenantId)).toBeNull();
    expect(() => jobs.preview('99 * * * *', 'UTC')).toThrow();
    expect(() => jobs.preview('0 9 * * *', 'Mars/Olympus')).toThrow();
    expect(() => jobs.preview('0 9 * * 1-5', 'Europe/Berlin')).not.toThrow();
  });

  it('keeps the daily job for a daily digest while auto-sync is off, and drops it when neither wants it', async () => {
    const jobs = syncJobs(boss, systemClock);
    const settings = { autoSync: false, schedule: '0 9 * * *', timeZone: 'America/New_York' };
    await jobs.apply(tenantId, settings, true);
    expect(await boss.getSchedule(SYNC_QUEUE, tenantId)).toBeNull();
    expect(await boss.getSchedule(ARREARS_QUEUE, tenantId)).toMatchObject({
      cron: '0 6 * * *',
      timezone: 'America/New_York',
    });
    await jobs.apply(tenantId, settings, false);
    expect(await boss.getSchedule(ARREARS_QUEUE, tenantId)).toBeNull();
  });
});
