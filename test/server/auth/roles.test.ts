import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentLog, tenantSettings } from '../../../db/schema.ts';
import type { Clock } from '../../../server/clock.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { permissionsFrom } from '../../../shared/schemas/permissions.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { allowEverythingUnattended, mapSubscription, saveSettings, setBilling } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * Who may do what, replayed as the review tried it: a Finance member and a Technician against
 * a running server, a member ConnectWise stops accepting, and the schedule's own writes.
 */
let stack: Stack;
let jdoe: Caller;
let offsetMinutes = 0;
const clock: Clock = { now: () => DateTime.utc().plus({ minutes: offsetMinutes }) as DateTime<true> };

beforeAll(async () => {
  stack = await startStack({ clock });
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());

const world = () => stack.sandboxes.world;
const tenant = async () =>
  (await import('../../../db/queries/tenants.ts')).getTenant(stack.database.db, stack.tenantId);
const additionsOf = (agreementId: number) => world().cw.additions.filter((a) => a.agreementId === agreementId);
const setRole = (who: string, role: string) =>
  fetch(`${stack.hostUrl}/__sandbox/members/${who}/role`, { method: 'POST', body: JSON.stringify({ role }) });

/** The run a "Sync now" job made, once the job has ended. */
async function runOf(call: Caller, jobId: string) {
  await jobReaches(stack.jobs.boss, jobId);
  return (await answer(call.sync.runs.$get())).body[0]!;
}

/** An out-of-sync subscription: ConnectWise bills 4 seats, Pax8 has 7. */
async function outOfSync(company: string, cwName: string) {
  const m = await mapSubscription(stack, jdoe, company, undefined, cwName);
  setBilling(stack, m, 4, [
    ['2026-09-01', 4],
    [DateTime.utc().toISODate()!, 7],
  ]);
  return m;
}

describe('ConnectWise roles decide', () => {
  it("the session carries what the member's role allows, read from ConnectWise", async () => {
    const kpark = await signedIn(stack, 'kpark');
    const tech = await signedIn(stack, 'amarkov');
    expect((await answer(kpark.session.$get())).body.permissions).toMatchObject({
      role: 'Finance',
      allowed: {
        writeAdditions: false,
        changeSettings: false,
        exportProducts: false,
        createCompanies: false,
        openTickets: false,
      },
      reasons: {
        writeAdditions: expect.stringMatching(/Finance › Agreements/),
        openTickets: expect.stringMatching(/Service Desk › Service Tickets/),
      },
    });
    expect((await answer(tech.session.$get())).body.permissions).toMatchObject({
      role: 'Technician',
      allowed: {
        writeAdditions: true,
        changeSettings: false,
        exportProducts: false,
        editProducts: false,
        createCompanies: false,
        openTickets: true,
      },
    });
    expect((await answer(jdoe.session.$get())).body.permissions.allowed).toEqual({
      writeAdditions: true,
      changeSettings: true,
      exportProducts: true,
      editProducts: true,
      createCompanies: true,
      openTickets: true,
    });
  });

  it('a Finance member cannot confirm, cannot unlock unattended writes, and her Sync now only checks', async () => {
    const m = await outOfSync('Gibson, Pott, and York LLC', 'Gibson Pott & York');
    const kpark = await signedIn(stack, 'kpark');
    const before = additionsOf(m.agreement.id).length;
    const settingsBefore = (await answer(jdoe.settings.$get())).body;

    const review = await answer(kpark.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    expect(review.status).toBe(200);
    const confirm = await answer(
      kpark.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(confirm.status).toBe(403);
    expect(confirm.body).toMatchObject({ code: 'forbidden', details: { reason: 'role', action: 'writeAdditions' } });

    const unlock = await saveSettings(kpark, {
      autoSync: true,
      unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate'],
    });
    expect(unlock.status).toBe(403);
    expect(unlock.body.details).toMatchObject({ reason: 'role', action: 'changeSettings', role: 'Finance' });
    expect((await answer(jdoe.settings.$get())).body).toEqual(settingsBefore);
    expect((await answer(jdoe.settings.history.$get())).body.map((h) => h.changedBy)).not.toContain('Kim Park (kpark)');

    const started = await answer(kpark.sync.runs.$post({ json: { mode: 'sync' } }));
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ mode: 'check', note: expect.stringMatching(/nothing is written/) });
    const run = await runOf(kpark, started.body.jobId);
    expect(run).toMatchObject({ actor: 'Check by Kim Park (kpark)', writes: 0 });
    expect(additionsOf(m.agreement.id).length).toBe(before);
    const logged = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.syncRunId, run!.id));
    expect(logged).toEqual([]);
  });

  it('the settings answer with the next runs of the schedule, in the tenant time zone', async () => {
    const saved = await saveSettings(jdoe, { autoSync: true, schedule: '0 9 * * 1-5', timeZone: 'America/New_York' });
    expect(saved.status).toBe(200);
    const next = (await answer(jdoe.settings.$get())).body.nextRuns as string[];
    expect(next.length).toBe(3);
    for (const at of next) {
      // 9:00 in New York on a weekday, whatever the UTC offset of that day.
      const local = DateTime.fromISO(at, { zone: 'America/New_York' });
      expect([local.hour, local.minute]).toEqual([9, 0]);
      expect(local.weekday).toBeLessThanOrEqual(5);
    }
    await saveSettings(jdoe, { autoSync: false });
    expect((await answer(jdoe.settings.$get())).body.nextRuns).toEqual([]);
  });

  it('every save of the settings records who made it and what it changed', async () => {
    await saveSettings(jdoe, { autoSync: false, schedule: '0 0 * * *' });
    await saveSettings(jdoe, { autoSync: true, schedule: '30 2 * * *' });
    const [latest] = (await answer(jdoe.settings.history.$get())).body;
    expect(latest).toMatchObject({
      changedBy: 'Jane Doe (jdoe)',
      before: { autoSync: false, schedule: '0 0 * * *' },
      after: { autoSync: true, schedule: '30 2 * * *' },
    });
  });

  it('a Technician may write additions but cannot turn on an every-minute schedule', async () => {
    const tech = await signedIn(stack, 'amarkov');
    const res = await saveSettings(tech, { autoSync: true, schedule: '* * * * *' });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Technician/);
    expect((await answer(jdoe.settings.$get())).body.schedule).not.toBe('* * * * *');
  });

  it('Sync now writes as the member who pressed it, and the Log and ConnectWise name her', async () => {
    const m = await outOfSync('Frontier Wealth Management, LLC', 'Frontier Wealth Mgmt');
    await allowEverythingUnattended(jdoe);
    const nross = await signedIn(stack, 'nross');
    const started = await answer(nross.sync.runs.$post({ json: { mode: 'sync' } }));
    expect(started.body).toMatchObject({ mode: 'sync', note: null });
    const run = await runOf(nross, started.body.jobId);
    expect(run).toMatchObject({ actor: 'Sync now by Nicholas Ross (nross)' });
    expect(run!.writes).toBeGreaterThan(0);
    const logged = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.syncRunId, run!.id));
    expect(logged.length).toBe(run!.writes);
    // Its summary per kind of change adds up to what it wrote.
    const kinds = (await answer(nross.sync.runs[':id'].kinds.$get({ param: { id: String(run!.id) } }))).body as Record<
      string,
      { written: number }
    >;
    expect(Object.keys(kinds)).toContain('increase');
    expect(Object.values(kinds).reduce((n, k) => n + k.written, 0)).toBe(run!.writes);
    for (const l of logged)
      expect(l).toMatchObject({
        actorType: 'member',
        actorMemberId: 'nross',
        actorName: 'Sync now by Nicholas Ross (nross)',
      });
    // ConnectWise itself records her as the one who wrote, never the API member.
    const writers = additionsOf(m.agreement.id).map((a) => a._info?.updatedBy);
    expect(writers).toContain('nross');
    expect(writers).not.toContain('Pax8');
  });

  it('the API member writes on the schedule only what a member allowed to edit agreements saved', async () => {
    const m = await outOfSync('Oxford Senior Living', 'Oxford Senior Living');
    const seats = () =>
      additionsOf(m.agreement.id)
        .filter((a) => a.product.id === m.item.id && !a.cancelledDate)
        .reduce((n, a) => n + a.quantity, 0);
    const before = JSON.stringify(additionsOf(m.agreement.id));
    // Settings saved before roles were checked carry no approval.
    await stack.database.db
      .update(tenantSettings)
      .set({ approvedBy: null, updatedBy: 'Kim Park (kpark)' })
      .where(eq(tenantSettings.tenantId, stack.tenantId));
    const unapproved = await runTenantSync(stack.app.runDeps(), (await tenant())!, {
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });
    expect(unapproved).toMatchObject({ outcome: 'succeeded', writes: 0 });
    expect(JSON.stringify(additionsOf(m.agreement.id))).toBe(before);
    const runs = (await answer(jdoe.sync.runs.$get())).body;
    expect(runs[0]!.error).toMatch(/Nothing was written/);

    await allowEverythingUnattended(jdoe);
    const approved = await runTenantSync(stack.app.runDeps(), (await tenant())!, {
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });
    expect(approved).toMatchObject({ outcome: 'succeeded' });
    expect((approved as { writes: number }).writes).toBeGreaterThan(0);
    expect(seats()).toBe(7);
    const logged = await stack.database.db
      .select()
      .from(adjustmentLog)
      .where(eq(adjustmentLog.syncRunId, (approved as { runId: string }).runId));
    for (const l of logged) expect(l).toMatchObject({ actorType: 'scheduled', actorName: 'Scheduled sync' });
  });
});

describe('sessions follow ConnectWise', () => {
  it('a member ConnectWise stops accepting is signed out at her next write', async () => {
    const nross = await signedIn(stack, 'nross');
    expect((await answer(nross.settings.$get())).status).toBe(200);
    await fetch(`${stack.hostUrl}/__sandbox/members/nross/revoke`, { method: 'POST' });
    const save = await saveSettings(nross, { autoSync: true });
    expect(save.status).toBe(401);
    expect(save.body).toMatchObject({ code: 'reload_required', details: { reason: 'session_revoked' } });
    expect(save.body.message).toMatch(/Reload the tab/);
    // Signed out here for good: reads are refused too, and nothing was saved.
    expect((await answer(nross.settings.$get())).status).toBe(401);
    expect((await answer(nross.sync.runs.$post({ json: { mode: 'check' } }))).status).toBe(401);
    expect((await answer(jdoe.settings.$get())).body.updatedBy).not.toBe('Nicholas Ross (nross)');
  });

  it('and within five minutes for reads such as CSV downloads', async () => {
    const nross = await signedIn(stack, 'nross');
    await fetch(`${stack.hostUrl}/__sandbox/members/nross/revoke`, { method: 'POST' });
    // Confirmed a moment ago: a read of stored data goes on for now...
    expect((await answer(nross.reports[':view'].$get({ param: { view: 'unsynced.csv' } }))).status).toBe(200);
    offsetMinutes = 6;
    try {
      // ...but not once ConnectWise has not confirmed her for five minutes.
      const csv = await answer(nross.reports[':view'].$get({ param: { view: 'unsynced.csv' } }));
      expect(csv.status).toBe(401);
      expect((csv.body as unknown as { code: string }).code).toBe('reload_required');
    } finally {
      offsetMinutes = 0;
    }
  });

  it('a role changed in ConnectWise counts from her next write', async () => {
    const nross = await signedIn(stack, 'nross');
    expect((await answer(nross.session.$get())).body.permissions.allowed.changeSettings).toBe(true);
    await setRole('nross', 'Finance');
    try {
      const save = await saveSettings(nross, { autoSync: false });
      expect(save.status).toBe(403);
      expect(save.body.details.role).toBe('Finance');
      expect((await answer(nross.session.$get())).body.permissions.role).toBe('Finance');
    } finally {
      await setRole('nross', 'Admin');
    }
  });
});

describe('the ticket right', () => {
  it('is read from Service Desk › Service Tickets, however Manage spells the module', () => {
    const settings = (moduleIdentifier: string, addLevel: 'All' | 'None') => [
      {
        moduleIdentifier: 'Finance',
        moduleFunctionName: 'Agreements',
        addLevel: 'All' as const,
        editLevel: 'All' as const,
        deleteLevel: 'All' as const,
        inquireLevel: 'All' as const,
      },
      {
        moduleIdentifier,
        moduleFunctionName: 'Service Tickets',
        addLevel,
        editLevel: 'None' as const,
        deleteLevel: 'None' as const,
        inquireLevel: 'All' as const,
      },
    ];
    expect(permissionsFrom('Billing', settings('ServiceDesk', 'All')).allowed).toMatchObject({
      changeSettings: true,
      openTickets: true,
    });
    const without = permissionsFrom('Billing', settings('Service Desk', 'None'));
    expect(without.allowed).toMatchObject({ changeSettings: true, openTickets: false });
    expect(without.reasons.openTickets).toMatch(
      /^Your ConnectWise security role \(Billing\) does not allow adding service tickets/,
    );
  });
});
