import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTenant } from '../../db/queries/tenants.ts';
import { runTenantArrears } from '../../server/jobs/arrears.ts';
import { answer, type Caller, okPlan, signedIn } from '../helpers/api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { saveSettings, setBilling } from '../helpers/mapped.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { mapGuideUsage, PROOFPOINT_TIERS } from '../helpers/usage.ts';

/**
 * The days a calendar bites: a month's first, Pax8's final day (the 4th) and the days either
 * side of it, Sophos's 6th, a month's last, February's end in a common and a leap year, and
 * the turn of the year. On each, the sandboxes are generated around that day and the product
 * lives on it, and every flow that reads "today" gives the answer a billing lead expects.
 */
const HARD_DATES = [
  '2026-12-01',
  '2026-12-04',
  '2026-12-05',
  '2026-12-06',
  '2026-11-30',
  '2027-02-28',
  '2028-02-29',
  '2026-12-31',
  '2027-01-01',
];

/** Pax8 closes a month's usage and invoices it on the 4th of the next. */
const PAX8_FINAL_DAY = 4;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.close());

describe.each(HARD_DATES)('on %s', (day) => {
  const today = DateTime.fromISO(day, { zone: 'utc' });
  const lastMonth = today.minus({ months: 1 }).toFormat('yyyy-MM');
  const final = today.day >= PAX8_FINAL_DAY;
  let stack: Stack;
  let jdoe: Caller;
  const world = () => stack.sandboxes.world;
  const arrears = async () =>
    runTenantArrears({ ...stack.jobs.runDeps, clock: stack.clock }, (await getTenant(database.db, stack.tenantId))!, {
      trigger: 'scheduled',
      requestedBy: 'schedule',
    });

  beforeAll(async () => {
    stack = await startStack({ database, sandbox: { today: day }, work: false });
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  it("lists a Proofpoint subscription's sub-products from its usage", async () => {
    const proofpoint = world().pax8.products.find((p) => p.name === 'Proofpoint Essentials')!;
    const names = (await answer(jdoe.products[':id']['sub-products'].$get({ param: { id: proofpoint.id } })))
      .body as string[];
    expect(names).toEqual(expect.arrayContaining(Object.keys(PROOFPOINT_TIERS)));
  });

  it(`bills last month's usage once it is final (from the ${PAX8_FINAL_DAY}th), and once only`, async () => {
    await mapGuideUsage(stack, jdoe);
    expect((await saveSettings(jdoe, { autoSync: true, unattendedKinds: ['usage'] })).status).toBe(200);
    const first = await arrears();
    expect(first.outcome).toBe('succeeded');
    if (final) {
      expect(first.writes).toBeGreaterThan(0);
      expect((await arrears()).writes).toBe(0);
    } else {
      expect(first.writes).toBe(0);
      const runs = JSON.stringify((await answer(jdoe.sync.runs.$get())).body);
      const from = today.set({ day: PAX8_FINAL_DAY }).toFormat('MM/dd/yyyy');
      expect(runs).toContain(`${today.minus({ months: 1 }).toFormat('LLLL yyyy')}'s usage is final from ${from}`);
    }
  });

  it('reconciles last month from its cut-over, and finds the invoice there once it has passed', async () => {
    const res = await answer(jdoe.reconciliations.$get({ query: {} }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      period: lastMonth,
      cutover: today.set({ day: PAX8_FINAL_DAY }).toISODate(),
      due: final,
    });
    if (final) {
      expect(res.body.rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body.rows)).not.toContain('is not there yet');
    } else expect(res.body.rows).toEqual([]);
  });

  it('back-bills the months an agreement has invoiced ahead, from the first of next month', async () => {
    const seatSub = (companyId: string) =>
      world().pax8.subscriptions.find(
        (s) =>
          s.companyId === companyId &&
          s.billingTerm === 'Monthly' &&
          s.status === 'Active' &&
          s.price > 0 &&
          world().cw.catalog.some((i) => i.identifier === world().pax8.products.find((p) => p.id === s.productId)?.sku),
      );
    const [agreement, cw, pax8, sub] = world()
      .cw.agreements.filter((a) => a.name.endsWith('(invoiced ahead)') && !a.cancelledFlag)
      .map((a) => {
        const cw = world().cw.companies.find((c) => c.id === a.company.id)!;
        const pax8 = world().pax8.companies.find((c) => c.name === cw.name);
        return [a, cw, pax8, pax8 && seatSub(pax8.id)] as const;
      })
      .find(([, , pax8, sub]) => pax8 && sub)!;
    expect(
      (await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: pax8!.id, cwCompanyId: cw.id } })))
        .status,
    ).toBe(201);
    const product = world().pax8.products.find((p) => p.id === sub!.productId)!;
    const item = world().cw.catalog.find((i) => i.identifier === product.sku)!;
    await answer(
      jdoe['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
    );
    expect(
      (await answer(jdoe['service-mappings'].$put({ json: { subscriptionId: sub!.id, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);
    setBilling(stack, { sub: sub!, item, agreement } as never, 5, [
      [today.minus({ months: 6 }).toISODate()!, 5],
      [day, 8],
    ]);
    const plan = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sub!.id }, query: {} }))).body.plan,
    );
    const extra = plan.operations.find((o) => o.type === 'create-extra-months')!;
    expect(extra).toBeDefined();
    expect(extra.extraMonths).toEqual({ from: today.plus({ months: 1 }).startOf('month').toISODate(), months: 1 });
    // The guide's proration bills (D − d)/D of the month: nothing for a change on its last day.
    const prorate = plan.operations.find((o) => o.type === 'create-prorate');
    if (today.day === today.daysInMonth) expect(prorate).toBeUndefined();
    else expect(prorate!.after.proratedPeriod).toEqual({ from: day, to: today.endOf('month').toISODate() });
  });

  it("previews the schedule's next runs after now, at 06:00 in the tenant's zone", async () => {
    const saved = await saveSettings(jdoe, { autoSync: true, schedule: '0 6 * * *', timeZone: 'America/New_York' });
    expect(saved.status).toBe(200);
    const runs = ((await answer(jdoe.settings.$get())).body as { nextRuns: string[] }).nextRuns.map((r) =>
      DateTime.fromISO(r, { zone: 'America/New_York' }),
    );
    expect(runs).toHaveLength(3);
    const now = stack.clock.now();
    expect(runs[0]! > now && runs[0]! <= now.plus({ days: 1 })).toBe(true);
    for (const [i, run] of runs.entries()) {
      expect(run.toFormat('HH:mm')).toBe('06:00');
      if (i > 0) expect(run.diff(runs[i - 1]!, 'days').days).toBe(1);
    }
  });
});
