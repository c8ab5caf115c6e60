import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { desc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDistributor } from '../../../db/queries/distributors.ts';
import { syncRuns, tenantSettings, tenants } from '../../../db/schema.ts';
import { createSharedPacer } from '../../../server/jobs/budget.ts';
import { SYNC_QUEUE } from '../../../server/jobs/engine.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { sealApiKeys, sealDistributor } from '../../../server/tenants/secrets.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { mapSubscription, saveSettings, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY, setFaults } from '../../helpers/sandbox.ts';
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
  it('with auto-sync off, nothing is scheduled and nothing is written', async () => {
    await settings({ autoSync: false, schedule: '* * * * *', unattendedKinds: ['increase', 'prorate'] });
    expect(await stack.jobs.boss.getSchedule(SYNC_QUEUE, stack.tenantId)).toBeNull();
    expect(await stack.database.db.select().from(syncRuns)).toEqual([]);
  });

  it('with auto-sync on, its schedule fires a job that writes the expected additions once; again, nothing', async () => {
    await settings({
      autoSync: true,
      schedule: '30 2 * * *',
      timeZone: 'America/New_York',
      unattendedKinds: ['increase', 'prorate'],
    });
    const schedule = await stack.jobs.boss.getSchedule(SYNC_QUEUE, stack.tenantId);
    expect(schedule).toMatchObject({ cron: '30 2 * * *', timezone: 'America/New_York' });
    expect(schedule!.data).toEqual({ tenantId: stack.tenantId, trigger: 'scheduled', requestedBy: 'schedule' });
    const before = await writesLogged();
    // What the schedule sends when it fires, sent now.
    const fire = () => stack.jobs.boss.send(SYNC_QUEUE, schedule!.data, schedule!.options);
    const first = await jobReaches(stack.jobs.boss, (await fire())!);
    expect(first).toMatchObject({ state: 'completed', output: { outcome: 'succeeded', writes: 4 } });
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
    const log = await answer(jdoe.adjustments.$get({ query: {} }));
    expect(
      log.body.filter(
        (l: { actorType: string; actorName: string }) =>
          l.actorType === 'scheduled' && l.actorName === 'Scheduled sync',
      ).length,
    ).toBe(4);

    await jobReaches(stack.jobs.boss, (await fire())!);
    const runs = await stack.database.db.select().from(syncRuns);
    expect(runs.length).toBe(2);
    expect(runs.find((r) => r.id !== run!.id)).toMatchObject({ status: 'succeeded', writes: 0 });
    expect((await writesLogged()) - before).toBe(4);
  });

  it("one tenant's unreadable schedule or stuck job neither stops nor delays another's", async () => {
    // A schedule saved before schedules were checked: refused for that tenant alone.
    const broken = await insertTenant(stack.database.db, '0 Broken schedule');
    await stack.database.db
      .insert(tenantSettings)
      .values({ tenantId: broken, autoSync: true, schedule: '99 * * * *', approvedBy: 'x' });
    const refused: string[] = [];
    await stack.jobs.sync.reconcile(stack.database.db, (tenantId) => refused.push(tenantId));
    expect(refused).toEqual([broken]);
    expect(await stack.jobs.boss.getSchedule(SYNC_QUEUE, stack.tenantId)).not.toBeNull();

    // A tenant whose ConnectWise accepts connections and never answers: its job hangs.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const stuck = await insertTenant(stack.database.db, '0 Silent ConnectWise');
    await stack.database.db
      .update(tenants)
      .set({
        site: `127.0.0.1:${(silent.address() as AddressInfo).port}`,
        protocol: 'http',
        apiKeysEnc: sealApiKeys(stack.secrets, stuck, { publicKey: 'p', privateKey: 'k' }),
      })
      .where(eq(tenants.id, stuck));
    await connectDistributor(
      stack.database.db,
      stuck,
      'pax8',
      sealDistributor(stack.secrets, stuck, 'pax8', {
        clientId: 'c',
        clientSecret: 's',
        baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`,
        tokenUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`,
        audience: 'a',
      }),
      'test',
      new Date(),
    );
    try {
      const hung = await stack.jobs.sync.enqueue({ tenantId: stuck, trigger: 'check', requestedBy: 'test' });
      await jobReaches(stack.jobs.boss, hung!, ['active']);
      const good = await stack.jobs.sync.enqueue({ tenantId: stack.tenantId, trigger: 'check', requestedBy: 'test' });
      expect(await jobReaches(stack.jobs.boss, good!, ['completed'], 20_000)).toMatchObject({
        output: { outcome: 'succeeded' },
      });
      // The other tenant's job is still waiting on its ConnectWise, and held nobody up.
      expect((await stack.jobs.boss.findJobs(SYNC_QUEUE, { id: hung! }))[0]!.state).toBe('active');
      await stack.jobs.boss.cancel(SYNC_QUEUE, hung!);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await stack.database.db.delete(tenants).where(like(tenants.name, '0 %'));
    }
  });

  it('a run that fails for a passing reason is retried by pg-boss and then completes; the history says so', async () => {
    await setFaults(stack.hostUrl, { rules: [{ method: 'GET', path: '/finance/agreements', status500: 1_000 }] });
    const id = await stack.jobs.sync.enqueue({ tenantId: stack.tenantId, trigger: 'check', requestedBy: 'test' });
    const retrying = await jobReaches(stack.jobs.boss, id!, ['retry']);
    expect(retrying.state).toBe('retry');
    const [failedRun] = await stack.database.db
      .select()
      .from(syncRuns)
      .where(eq(syncRuns.status, 'failed'))
      .orderBy(desc(syncRuns.startedAt))
      .limit(1);
    expect(failedRun?.error).toMatch(/tried again automatically \(attempt 1 of 5\)/);
    await setFaults(stack.hostUrl, { rules: [] });
    expect(await jobReaches(stack.jobs.boss, id!)).toMatchObject({
      state: 'completed',
      output: { outcome: 'succeeded' },
    });
  });

  it('a run that fails for a reason waiting cannot fix is not retried: the job ends with it', async () => {
    // No API member keys: a refusal of setup, which only a person can fix.
    const keyless = await insertTenant(stack.database.db, '0 No keys');
    try {
      const id = await stack.jobs.sync.enqueue({ tenantId: keyless, trigger: 'check', requestedBy: 'test' });
      const done = await jobReaches(stack.jobs.boss, id!);
      expect(done).toMatchObject({
        state: 'completed',
        retryCount: 0,
        output: { outcome: 'failed', transient: false },
      });
      const [run] = await stack.database.db.select().from(syncRuns).where(eq(syncRuns.tenantId, keyless));
      expect(run?.error).toMatch(/no API member keys/);
      expect(run?.error).not.toMatch(/tried again/);
    } finally {
      await stack.database.db.delete(tenants).where(eq(tenants.id, keyless));
    }
  });

  it('one sync per tenant at a time: a second waits its turn, and a third does not stack', async () => {
    const send = () => stack.jobs.sync.enqueue({ tenantId: stack.tenantId, trigger: 'check', requestedBy: 'test' });
    // Slow vendors keep the first run going while the next two are asked for, however busy the machine.
    const slow = (latencyMs: number) =>
      Promise.all([stack.sandboxes.pax8.url, stack.hostUrl].map((url) => setFaults(url, { latencyMs, rules: [] })));
    await slow(150);
    let a: Awaited<ReturnType<typeof jobReaches>>;
    let b: typeof a;
    try {
      const first = await send();
      await jobReaches(stack.jobs.boss, first!, ['active']);
      const second = await send();
      const third = await send();
      expect(second).not.toBeNull();
      expect(third).toBeNull();
      [a, b] = [await jobReaches(stack.jobs.boss, first!), await jobReaches(stack.jobs.boss, second!)];
    } finally {
      await slow(0);
    }
    const ended = (j: typeof a) => new Date((j as unknown as { completedOn: string }).completedOn).getTime();
    const began = (j: typeof a) => new Date((j as unknown as { startedOn: string }).startedOn).getTime();
    expect(began(b)).toBeGreaterThanOrEqual(ended(a));
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
    expect(result).toMatchObject({ outcome: 'succeeded', writes: 1 });
    expect((await writesLogged()) - before).toBe(1);
    const report = await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }));
    // Everything the run left (the prorate, and what is not mapped) is counted, as the report lists it.
    expect(result.needsReview).toBe(
      report.body.rows.filter((r: { state: string }) => r.state !== 'over-billing').length,
    );
    const row = report.body.rows.find((r) => r.companyName === 'Gibson, Pott, and York LLC');
    expect(row).toMatchObject({
      state: 'needs-review',
      reason: expect.stringMatching(/"Creating prorated addition" \(prorate\) is not allowed unattended/),
    });
  });

  it('sends every ConnectWise request of a run through the shared budget, and keeps to it', async () => {
    // Alone: no job of this tenant is running beside the run measured here.
    for (const job of await stack.jobs.boss.findJobs(SYNC_QUEUE, { key: stack.tenantId }))
      if (job.state === 'created' || job.state === 'active') await jobReaches(stack.jobs.boss, job.id);
    await fetch(`${stack.hostUrl}/__sandbox/requests`, { method: 'DELETE' });
    const window = 1_000;
    const budget = 2;
    // Two a one-second window: 120 a minute.
    const shared = createSharedPacer(stack.database.db, stack.tenantId, 120, { windowMs: window });
    const taken: number[] = [];
    const pacer = {
      ...shared,
      take: () =>
        shared.take().then((w) => {
          taken.push(w);
          return w;
        }),
    };
    await runTenantSync({ ...stack.app.runDeps(), pacer: () => pacer }, await tenant(), {
      trigger: 'check',
      requestedBy: 'budget test',
    });
    // Every request ConnectWise saw from the API member went through the budget...
    const seen = ((await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as { actor: string }[]).filter(
      (r) => r.actor === 'Pax8',
    );
    expect(seen.length).toBeGreaterThan(budget);
    expect(taken.length).toBe(seen.length);
    // ...and the budget let through at most two a window, so the run spanned the windows it needed.
    const windows = new Map<number, number>();
    for (const w of taken) windows.set(w, (windows.get(w) ?? 0) + 1);
    expect(Math.max(...windows.values())).toBeLessThanOrEqual(budget);
    expect(windows.size).toBeGreaterThanOrEqual(Math.ceil(taken.length / budget));
  });
});
