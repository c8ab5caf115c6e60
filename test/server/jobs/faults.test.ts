import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionStatus, syncOperations, syncRuns } from '../../../db/schema.ts';
import { pinnedDayClock } from '../../../server/clock.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { allowEverythingUnattended, mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * The scheduled run under the faults the campaign found: nothing it planned is forgotten, one
 * bad record never stops it, a line the sync wrote and someone removed is drift, unknown
 * distributor values wait for a person, and the run history says what happened. Every check
 * of what was billed counts the sandbox ConnectWise's own additions per marker.
 */
let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const tenant = async () => (await stack.database.db.query.tenants.findFirst())!;
const withMarker = (marker: string) => world().cw.additions.filter((a) => a.serialNumber === marker);
/** A scheduled run; `today` moves its calendar, as a run a month or two later would see it. */
const run = async (today?: string) => {
  const deps = { ...stack.app.runDeps(), ...(today ? { clock: pinnedDayClock(today) } : {}) };
  const result = await runTenantSync(deps, await tenant(), { trigger: 'scheduled', requestedBy: 'schedule' });
  const [row] = await stack.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
  return row!;
};
const statusOf = async (subscriptionId: string) =>
  (
    await stack.database.db
      .select()
      .from(subscriptionStatus)
      .where(eq(subscriptionStatus.subscriptionId, subscriptionId))
  )[0]!;
const opsOf = (subscriptionId: string) =>
  stack.database.db.select().from(syncOperations).where(eq(syncOperations.subscriptionId, subscriptionId));

beforeAll(async () => {
  stack = await startStack({
    sandbox: { companies: 30, subscriptions: 150 },
    cw: { timeoutMs: 1500, retry: FAST_RETRY },
  });
  jdoe = await signedIn(stack, 'jdoe');
  await allowEverythingUnattended(jdoe);
});
afterAll(async () => stack?.close());
beforeEach(async () => setFaults(stack.hostUrl, { rules: [] }));

describe('nothing planned is forgotten', () => {
  it('a storm that fails only the one-time lines: the next run writes them, each once', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), 3, [
      ['2026-08-01', 3],
      ['2026-11-08', 5],
    ]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    const stormy = await run();
    expect(stormy).toMatchObject({ status: 'partial', failures: 1 });
    expect(withMarker(prorate.marker)).toHaveLength(0);
    // The recurring line now matches Pax8, yet the subscription is not called in sync.
    expect((await statusOf(m.sub.id)).state).not.toBe('in-sync');

    await setFaults(stack.hostUrl, { rules: [] });
    const calm = await run();
    expect(calm.status).toBe('succeeded');
    expect(withMarker(prorate.marker)).toHaveLength(1);
    expect((await statusOf(m.sub.id)).state).toBe('in-sync');
    await run();
    expect(withMarker(prorate.marker)).toHaveLength(1);
  });

  it('a prorate whose month ConnectWise has invoiced since is still sent, from what was stored', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Granite Auto Group, P.C.'), 2, [
      ['2026-08-01', 2],
      ['2026-11-10', 4],
    ]);
    const prorate = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan,
    ).operations.find((o) => o.type === 'create-prorate')!;
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    await run();
    // Mid-January, with January invoiced: November's change is out of the window the planner looks at.
    const agreement = world().cw.agreements.find((a) => a.id === m.agreement.id)!;
    const nextInvoice = agreement.nextInvoiceDate;
    agreement.nextInvoiceDate = '2027-02-01T00:00:00Z';
    try {
      await setFaults(stack.hostUrl, { rules: [] });
      await run('2027-01-15');
      // Sent once, on the first month ConnectWise has not invoiced, as the planner dates every prorate.
      const [line] = withMarker(prorate.marker);
      expect(withMarker(prorate.marker)).toHaveLength(1);
      expect(line!.effectiveDate?.slice(0, 10)).toBe('2027-02-01');
      expect((await statusOf(m.sub.id)).state).toBe('in-sync');
    } finally {
      agreement.nextInvoiceDate = nextInvoice;
    }
  });

  it('extra months held for a person stay owed after the window moves on', async () => {
    const m = setBilling(
      stack,
      await mapSubscription(stack, jdoe, 'Frontier Wealth Management, LLC', undefined, 'Frontier Wealth Mgmt'),
      10,
      [
        ['2026-08-01', 10],
        ['2026-10-12', 12],
      ],
    );
    const extra = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan,
    ).operations.find((o) => o.type === 'create-extra-months')!;
    expect(extra).toBeDefined();
    await run();
    expect(withMarker(extra.marker)).toHaveLength(0);
    const held = (await opsOf(m.sub.id)).find((o) => o.opKey === extra.key)!;
    expect(held.state).toBe('planned');
    const agreement = world().cw.agreements.find((a) => a.id === m.agreement.id)!;
    const nextInvoice = agreement.nextInvoiceDate;
    agreement.nextInvoiceDate = '2027-02-01T00:00:00Z';
    try {
      await run('2027-01-15');
      const status = await statusOf(m.sub.id);
      expect(status.state).toBe('needs-review');
      expect(status.reason).toMatch(/extra months/i);
      expect(withMarker(extra.marker)).toHaveLength(0);
    } finally {
      agreement.nextInvoiceDate = nextInvoice;
    }
  });
});

describe('the sync wrote it, someone removed it', () => {
  it('a recurring line ended by hand is drift for a person, not "done"; re-created once when confirmed', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Meridian Auto Group LLC'), null, [
      ['2026-08-01', 6],
    ]);
    await run();
    const [line] = world().cw.additions.filter(
      (a) => a.agreementId === m.agreement.id && a.serialNumber?.startsWith('p8s:'),
    );
    expect(line).toBeDefined();
    line!.cancelledDate = '2026-11-15T00:00:00Z';
    const writesBefore = world().cw.additions.length;
    await run();
    const status = await statusOf(m.sub.id);
    expect(status.state).toBe('needs-review');
    expect(status.reason).toMatch(/written by the sync, was ended in ConnectWise/);
    expect(world().cw.additions.length).toBe(writesBefore);

    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    expect(review.body.drift.map((d) => d.kind)).toEqual(['gone']);
    const [create] = okPlan(review.body.plan).operations;
    expect(create!.key).toMatch(/:again$/);
    await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }));
    expect(withMarker(create!.marker)).toHaveLength(1);
    await run();
    expect((await statusOf(m.sub.id)).state).toBe('in-sync');
    expect(withMarker(create!.marker)).toHaveLength(1);
  });
});

describe("problems in the distributor's records", () => {
  it('one unreadable date stops only its own subscription; the run goes on and counts it', async () => {
    const bad = setBilling(stack, await mapSubscription(stack, jdoe, 'Heritage Manufacturing Inc.'), 2, [
      ['2026-08-01', 3],
    ]);
    const good = setBilling(stack, await mapSubscription(stack, jdoe, 'Coastal Consulting, LLC'), 1, [
      ['2026-08-01', 2],
    ]);
    Object.assign(bad.sub, { startDate: '11/05/2026' });
    const before = world()
      .cw.additions.filter((a) => a.agreementId === good.agreement.id)
      .map((a) => a.quantity);
    const history = await run();
    expect(history.status).not.toBe('failed');
    expect(history.unreadable).toBeGreaterThanOrEqual(1);
    expect(history.error).toMatch(/could not be read/);
    const status = await statusOf(bad.sub.id);
    expect(status.state).toBe('needs-review');
    expect(status.reason).toContain('startDate "11/05/2026"');
    // The other subscription was synced in the same run.
    expect(
      world()
        .cw.additions.filter((a) => a.agreementId === good.agreement.id)
        .map((a) => a.quantity),
    ).not.toEqual(before);
    expect((await statusOf(good.sub.id)).state).toBe('in-sync');
  });

  it('Quarterly and Suspended are shown as they came and wait for a person; so does 0 seats', async () => {
    const quarterly = setBilling(stack, await mapSubscription(stack, jdoe, 'Granite Auto Group, LLC'), 2, [
      ['2026-08-01', 3],
    ]);
    const suspended = setBilling(stack, await mapSubscription(stack, jdoe, 'Meridian Legal Group Co.'), 2, [
      ['2026-08-01', 3],
    ]);
    const zero = setBilling(stack, await mapSubscription(stack, jdoe, 'Prairie Family Medicine & Associates'), 2, [
      ['2026-08-01', 0],
    ]);
    Object.assign(quarterly.sub, { billingTerm: 'Quarterly' });
    Object.assign(suspended.sub, { status: 'Suspended' });
    const count = (agreementId: number) =>
      world()
        .cw.additions.filter((a) => a.agreementId === agreementId)
        .map((a) => a.quantity);
    const before = [count(quarterly.agreement.id), count(suspended.agreement.id), count(zero.agreement.id)];
    await run();
    expect((await statusOf(quarterly.sub.id)).reason).toContain('billingTerm "Quarterly"');
    expect((await statusOf(suspended.sub.id)).reason).toContain('status "Suspended"');
    expect((await statusOf(zero.sub.id)).reason).toMatch(/0 seats on an active subscription/);
    for (const s of [quarterly, suspended, zero]) expect((await statusOf(s.sub.id)).state).toBe('needs-review');
    expect([count(quarterly.agreement.id), count(suspended.agreement.id), count(zero.agreement.id)]).toEqual(before);
  });

  it('a subscription without a company is reported, not dropped', async () => {
    const m = await mapSubscription(stack, jdoe, 'Oxford Senior Living');
    const orphan = world().pax8.subscriptions.find((s) => s.companyId === m.pax8Company.id && s.id !== m.sub.id)!;
    const companyId = orphan.companyId;
    Object.assign(orphan, { companyId: null });
    try {
      const history = await run();
      expect(history.unreadable).toBeGreaterThanOrEqual(1);
      const status = await statusOf(orphan.id);
      expect(status.state).toBe('needs-review');
      expect(status.reason).toMatch(/companyId/);
    } finally {
      Object.assign(orphan, { companyId });
    }
  });
});
