import { like } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRuns, tenantSettings, tenants } from '../../../db/schema.ts';
import { createPacer } from '../../../server/http/pacer.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { startScheduler } from '../../../server/jobs/scheduler.ts';
import { type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription, saveSettings, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { insertTenant } from '../../helpers/tenant-rows.ts';

let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const tenant = async () => (await stack.database.db.query.tenants.findFirst())!;
const markedCount = () => world().cw.additions.filter((a) => a.serialNumber?.startsWith('p8s:')).length;
const writesLogged = async () =>
  (
    (await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as {
      method: string;
      path: string;
      status: number;
    }[]
  ).filter((r) => r.method !== 'GET' && r.path.includes('/additions') && r.status < 300).length;

/** A subscription billed at `base` seats in ConnectWise that Pax8 now has at `now` (changed on the 9th). */
async function drifted(pax8Name: string, cwName: string, base: number, now: number) {
  return setBilling(stack, await mapSubscription(stack, jdoe, pax8Name, undefined, cwName), base, [
    ['2026-08-01', base],
    ['2026-11-09', now],
  ]);
}

const settings = (over: Record<string, unknown>) => saveSettings(jdoe, over);

beforeAll(async () => {
  stack = await startStack({ cw: { retry: FAST_RETRY } });
  jdoe = await signedIn(stack, 'jdoe');
  await drifted('Oxford Senior Living', 'Oxford Senior Living', 3, 5);
  await drifted('Frontier Wealth Management, LLC', 'Frontier Wealth Mgmt', 10, 12);
});
afterAll(async () => stack?.close());

describe('the scheduled sync', () => {
  it('with auto-sync off, the schedule writes nothing', async () => {
    await settings({ autoSync: false, schedule: '* * * * *', unattendedKinds: ['increase', 'prorate'] });
    const before = await writesLogged();
    const scheduler = startScheduler({ ...stack.app.runDeps(), db: stack.database.db, tickMs: 3_600_000 });
    await scheduler.tick(DateTime.utc().plus({ minutes: 2 }));
    scheduler.stop();
    expect(await writesLogged()).toBe(before);
    expect(await stack.database.db.select().from(syncRuns)).toEqual([]);
  });

  it('with auto-sync on, writes the expected additions once; run again, it writes nothing', async () => {
    await settings({ autoSync: true, schedule: '* * * * *', unattendedKinds: ['increase', 'prorate'] });
    const scheduler = startScheduler({ ...stack.app.runDeps(), db: stack.database.db, tickMs: 3_600_000 });
    const before = await writesLogged();
    await scheduler.tick(DateTime.utc().plus({ minutes: 2 }));
    const [run] = await stack.database.db.select().from(syncRuns);
    expect(run).toMatchObject({
      trigger: 'scheduled',
      actor: 'Scheduled sync',
      status: 'succeeded',
      writes: 4,
      failures: 0,
    });
    expect(run!.companiesDone).toBe(run!.companiesTotal);
    expect((await writesLogged()) - before).toBe(4);
    expect(markedCount()).toBe(2);
    const log = await jdoe('GET', '/adjustments');
    expect(
      log.body.filter(
        (l: { actorType: string; actorName: string }) =>
          l.actorType === 'scheduled' && l.actorName === 'Scheduled sync',
      ).length,
    ).toBe(4);

    await scheduler.tick(DateTime.utc().plus({ minutes: 4 }));
    scheduler.stop();
    const runs = await stack.database.db.select().from(syncRuns);
    expect(runs.length).toBe(2);
    expect(runs.find((r) => r.id !== run!.id)).toMatchObject({ status: 'succeeded', writes: 0 });
    expect((await writesLogged()) - before).toBe(4);
  });

  it("one tenant's unreadable schedule or failing run neither stops nor delays another's", async () => {
    await settings({ autoSync: true, schedule: '* * * * *', unattendedKinds: [] });
    // Sorted before the sandbox tenant: one with a schedule written before schedules were
    // checked, and one whose run cannot even start (no API member keys).
    for (const [name, schedule] of [
      ['0 Broken schedule', '99 * * * *'],
      ['0 No keys', '* * * * *'],
    ] as const) {
      const id = await insertTenant(stack.database.db, name);
      await stack.database.db
        .insert(tenantSettings)
        .values({ tenantId: id, autoSync: true, schedule, approvedBy: 'x' });
    }
    const before = (await stack.database.db.select().from(syncRuns)).length;
    const scheduler = startScheduler({
      ...stack.app.runDeps(),
      db: stack.database.db,
      tickMs: 3_600_000,
      tenantConcurrency: 1,
    });
    await scheduler.tick(DateTime.utc().plus({ minutes: 2 }));
    scheduler.stop();
    const runs = await stack.database.db.select().from(syncRuns);
    expect(runs.length - before).toBe(2);
    const sandboxId = (await tenant()).id;
    expect(runs.filter((r) => r.tenantId === sandboxId).at(-1)).toMatchObject({ status: 'succeeded' });
    expect(stack.logger.lines.filter((l) => l.includes('scheduled sync failed for a tenant')).length).toBe(1);
    await stack.database.db.delete(tenants).where(like(tenants.name, '0 %'));
  });

  it('leaves what needs a person in the unsynced report, with the reason', async () => {
    await drifted('Gibson, Pott, and York LLC', 'Gibson Pott & York', 4, 7);
    await settings({ autoSync: true, unattendedKinds: ['increase'] });
    const before = await writesLogged();
    const result = await runTenantSync(stack.app.runDeps(), await tenant(), {
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });
    // The increase is allowed unattended and written; the prorate is not, and waits for a person.
    expect(result).toMatchObject({ status: 'done', writes: 1, needsReview: 1 });
    expect((await writesLogged()) - before).toBe(1);
    const report = await jdoe('GET', '/reports/unsynced');
    const row = report.body.rows.find((r) => r.companyName === 'Gibson, Pott, and York LLC');
    expect(row).toMatchObject({
      state: 'needs-review',
      reason: expect.stringMatching(/"Creating prorated addition" \(prorate\) is not allowed unattended/),
    });
  });

  it('never overlaps: a second run for the tenant is refused while one holds the lease', async () => {
    const deps = stack.app.runDeps();
    const [a, b] = await Promise.all([
      runTenantSync({ ...deps, holder: 'process-a' }, await tenant(), { trigger: 'check', requestedBy: 'a' }),
      runTenantSync({ ...deps, holder: 'process-b' }, await tenant(), { trigger: 'check', requestedBy: 'b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['busy', 'done']);
  });

  it("keeps ConnectWise requests under the budget, as the sandbox's request log shows", async () => {
    await fetch(`${stack.hostUrl}/__sandbox/requests`, { method: 'DELETE' });
    const window = 1_000;
    const budget = 2;
    const pacer = createPacer(budget, Date.now, window);
    const started = Date.now();
    await runTenantSync({ ...stack.app.runDeps(), pacer: () => pacer }, await tenant(), {
      trigger: 'check',
      requestedBy: 'budget test',
    });
    const log = (
      (await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as { at: number; actor: string }[]
    ).filter((r) => r.at >= started && r.actor === 'Pax8');
    expect(log.length).toBeGreaterThan(budget);
    for (const r of log)
      expect(log.filter((x) => x.at >= r.at && x.at < r.at + window).length).toBeLessThanOrEqual(budget);
    // Without pacing these calls take milliseconds; with it, they span the windows they need.
    expect(log.at(-1)!.at - log[0]!.at).toBeGreaterThanOrEqual((Math.ceil(log.length / budget) - 1) * window - 50);
  });
});
