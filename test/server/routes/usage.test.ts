import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productMappings } from '../../../db/schema.ts';
import { type Clock, pinnedDayClock } from '../../../server/clock.ts';
import { parseMicros } from '../../../shared/money.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription } from '../../helpers/mapped.ts';
import { SANDBOX_TODAY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { mapUsage as mapUsage_, PROOFPOINT_TIERS, usageLines } from '../../helpers/usage.ts';

/**
 * Usage billed in arrears through the API, on the sandbox's October: Oxford Senior Living's
 * Proofpoint domain (the guide's 44 Business and 15 Advanced endpoints) and Gibson, Pott, and
 * York's Azure plan.
 */
describe('usage and arrears', () => {
  let stack: Stack;
  let jdoe: Caller;
  let day = SANDBOX_TODAY;
  const clock: Clock = { now: () => pinnedDayClock(day).now() };
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    stack = await startStack({ clock });
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  const item = (identifier: string) => world().cw.catalog.find((i) => i.identifier === identifier)!;

  const mapUsage = (company: string, cwName: string, sku: string, subProducts?: Record<string, string>) =>
    mapUsage_(stack, jdoe, company, cwName, sku, subProducts);
  const own = (agreementId: number) => usageLines(stack, agreementId);

  let proofpoint: Awaited<ReturnType<typeof mapUsage>>;

  /** Confirms Proofpoint's reviewed usage plan by its basis, billed as one line per product. */
  const confirmProofpoint = (basis: string) =>
    answer(
      jdoe['usage-plans'].confirm.$post({
        json: { subscriptionId: proofpoint.sub.id, option: 'multi-products', basis },
      }),
    );

  it('plans the guide’s figures to the cent with Multi Products, and skips an unbound sub-product saying why', async () => {
    proofpoint = await mapUsage('Oxford Senior Living', 'Oxford Senior Living', 'PPT-ESS-USAGE', PROOFPOINT_TIERS);
    const res = await answer(
      jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }),
    );
    expect(res.status).toBe(200);
    const { plan, period } = res.body;
    expect(period).toMatchObject({ month: '2026-10', final: true });
    expect(plan.option).toBe('multi-products');
    const creates = plan.rows.filter((r) => r.status === 'Creating');
    expect(creates.map((r) => [r.name, r.quantity, r.unitCost.cents, r.unitPrice.cents, r.total.cents])).toEqual([
      ['oxfordseniorliving.com - oxfordseniorliving.com - Proofpoint Advanced', 15, 244, 300, 4500],
      ['oxfordseniorliving.com - oxfordseniorliving.com - Proofpoint Business', 44, 179, 325, 14300],
    ]);
    expect(plan.operations.map((o) => o.after.totalCost.cents).sort()).toEqual([3660, 7876]);
    const skipped = plan.rows.filter((r) => r.status === 'Skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const r of skipped)
      expect(r.reason).toMatch(/is not bound to a ConnectWise product; bind it on the Products page/);
    expect(res.body.panel[0]).toMatchObject({ resourceGroup: 'oxfordseniorliving.com', status: 'Active' });
    // This month so far is November 21st's lines at Pax8's prices. They count users, billed by the
    // month at the count: the projection is the month so far, never × 30 ÷ 21 (shared/billing/billing-rules.md).
    const summary = world().pax8.usageSummaries.find((u) => u.subscriptionId === proofpoint.sub.id)!;
    const sofar = world()
      .pax8.usageLines.filter((l) => l.usageSummaryId === summary.id && l.usageDate === '2026-11-21')
      .reduce((n, l) => n + Math.round(l.currentCharges * 100), 0);
    expect(res.body.panel[0]).toMatchObject({
      currentCents: sofar,
      projectedCents: sofar,
      lastMonthCents: 4500 + 14300 + 5600 + 45100,
    });
  });

  it('writes the lines once: confirming, then a second run, write nothing more', async () => {
    const plan = (
      await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }))
    ).body.plan;
    const res = await confirmProofpoint(plan.basis);
    expect(res.status).toBe(200);
    expect(res.body.outcomes, JSON.stringify(res.body.outcomes)).toHaveLength(2);
    expect(
      res.body.outcomes.map((o) => o.state),
      JSON.stringify(res.body.outcomes),
    ).toEqual(['confirmed', 'confirmed']);
    const lines = own(proofpoint.agreement.id);
    expect(lines.map((a) => [a.quantity, a.unitPrice, a.unitCost, a.invoiceDescription]).sort()).toEqual([
      [15, 3, 2.44, 'oxfordseniorliving.com - oxfordseniorliving.com - Proofpoint Advanced'],
      [44, 3.25, 1.79, 'oxfordseniorliving.com - oxfordseniorliving.com - Proofpoint Business'],
    ]);
    // Confirming the same review again writes nothing: the keys are written.
    const again = await confirmProofpoint(plan.basis);
    expect(again.status).toBe(409);
    const replan = (
      await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }))
    ).body.plan;
    expect(replan.operations).toEqual([]);
    expect(replan.rows.filter((r) => r.status !== 'Skipped').map((r) => r.status)).toEqual(['Unchanged', 'Unchanged']);
    const second = await confirmProofpoint(replan.basis);
    expect(second.body.outcomes).toEqual([]);
    expect(own(proofpoint.agreement.id)).toHaveLength(2);
  });

  it('a month with one changed sub-product updates only that line', async () => {
    // Pax8 recounts Business for October's last day: 46 endpoints.
    const res0 = await fetch(`${stack.sandboxes.pax8.url}/__sandbox/usage-lines`, {
      method: 'POST',
      body: JSON.stringify({
        subscriptionId: proofpoint.sub.id,
        productName: 'Proofpoint Essentials - Business',
        usageDate: '2026-10-31',
        quantity: 46,
      }),
    });
    expect(res0.status).toBe(200);
    const before = own(proofpoint.agreement.id).map((a) => ({ ...a }));
    const plan = (
      await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }))
    ).body.plan;
    expect(plan.operations.map((o) => [o.type, o.after.quantity])).toEqual([['update-recurring', 46]]);
    const res = await confirmProofpoint(plan.basis);
    expect(
      res.body.outcomes.map((o) => o.state),
      JSON.stringify([res.body.outcomes, plan.operations]),
    ).toEqual(['confirmed']);
    const after = own(proofpoint.agreement.id);
    const business = after.find((a) => a.invoiceDescription!.endsWith('Business'))!;
    const advanced = after.find((a) => a.invoiceDescription!.endsWith('Advanced'))!;
    expect(business.quantity, JSON.stringify(after)).toBe(46);
    expect(advanced).toEqual(before.find((a) => a.id === advanced.id));
  });

  it('writes nothing before the period is final, and says from when it is', async () => {
    day = '2026-11-03';
    try {
      const res = await answer(
        jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }),
      );
      expect(res.body.plan).toMatchObject({
        status: 'waiting',
        operations: [],
        reason: "October 2026's usage is final from 11/04/2026; nothing is written before then.",
      });
      const confirm = await confirmProofpoint(res.body.plan.basis);
      expect(confirm.status).toBe(409);
      expect(confirm.body.message).toMatch(/final from 11\/04\/2026/);
    } finally {
      day = SANDBOX_TODAY;
    }
  });

  it('skips a sub-product whose sync is off, holds a product whose sync is off, and unbinding turns it off until bound again', async () => {
    const business = proofpoint.bound['Proofpoint Essentials - Business']!;
    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: business }, json: { on: false } }),
        )
      ).status,
    ).toBe(200);
    let plan = (
      await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} }))
    ).body.plan;
    expect(plan.rows.find((r) => r.name.endsWith('Business'))?.status).toBe('Skipped');
    // Nothing is written for it, and the line it billed before is left as it is, not ended.
    expect(plan.operations).toEqual([]);
    expect(plan.rows.find((r) => r.name.endsWith('Business'))?.reason).toMatch(
      /Its line \(addition \d+\) is left as it is/,
    );
    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: business }, json: { on: true } }),
        )
      ).status,
    ).toBe(200);

    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: proofpoint.topId }, json: { on: false } }),
        )
      ).status,
    ).toBe(200);
    plan = (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} })))
      .body.plan;
    expect(plan).toMatchObject({ status: 'blocked', operations: [] });
    expect(plan.reason).toMatch(/Usage sync is off for Proofpoint Essentials/);

    // On again, then unbound: unbinding turns it off by itself.
    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: proofpoint.topId }, json: { on: true } }),
        )
      ).status,
    ).toBe(200);
    expect((await answer(jdoe['product-mappings'][':id'].$delete({ param: { id: proofpoint.topId } }))).status).toBe(
      200,
    );
    const [stored] = await stack.database.db
      .select()
      .from(productMappings)
      .where(eq(productMappings.id, proofpoint.topId));
    expect(stored).toMatchObject({ status: 'unmapped', usageSync: false });
    const switched = await answer(
      jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: proofpoint.topId }, json: { on: true } }),
    );
    expect(switched.status).toBe(409);
    const products = (await answer(jdoe.products.$get())).body.rows;
    expect(products.find((r) => r.distributorProductId === proofpoint.product.id && r.subProduct === '')).toMatchObject(
      {
        status: 'unmapped',
        usageSync: false,
      },
    );
    const rebound = await answer(
      jdoe['product-mappings'].$post({
        json: {
          distributorProductId: proofpoint.product.id,
          cwCatalogItemId: item('PPT-ESS-USAGE').id,
        },
      }),
    );
    expect(rebound.body.usageSync).toBe(true);
    plan = (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: proofpoint.sub.id }, query: {} })))
      .body.plan;
    expect(plan.status).toBe('ok');
  });

  it('bills an Azure month as one line whose price is the marked-up total, to the cent', async () => {
    const azure = await mapUsage('Gibson, Pott, and York LLC', 'Gibson Pott & York', 'MST-AZR-PLAN');
    expect(
      (
        await answer(
          jdoe['product-mappings'][':id'].markup.$put({ param: { id: azure.topId }, json: { markupBp: 1500 } }),
        )
      ).status,
    ).toBe(200);
    const res = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: azure.sub.id }, query: {} }));
    const { plan } = res.body;
    expect(plan.option).toBe('usage-summary');
    const summary = world().pax8.usageSummaries.find((u) => u.subscriptionId === azure.sub.id)!;
    const october = world().pax8.usageLines.filter(
      (l) => l.usageSummaryId === summary.id && l.usageDate === '2026-10-31',
    );
    const cost = october.reduce((n, l) => n + parseMicros(l.partnerTotal), 0);
    // cost × 1.15 in cents, rounded half up, by integer arithmetic.
    const expected = Number((BigInt(cost) * 115n + 500_000n) / 1_000_000n);
    expect(plan.operations).toHaveLength(1);
    const after = plan.operations[0]!.after;
    // November is invoiced in advance already, so October's usage bills in December, the first open month.
    expect(azure.agreement.nextInvoiceDate?.slice(0, 10)).toBe('2026-12-01');
    expect(after).toMatchObject({
      quantity: 1,
      effectiveDate: '2026-12-01',
      cancelledDate: '2026-12-31',
      recurring: false,
    });
    expect(after.unitPrice.cents).toBe(expected);
    // Azure's meters accrue by the day: this month so far is projected over November's 30 days.
    const panel = res.body.panel[0]!;
    expect(panel.projectedCents).toBe(Math.round((panel.currentCents * 30) / 21));
    for (const l of october) expect(after.invoiceDescription).toContain(l.productName);
    const confirm = await answer(
      jdoe['usage-plans'].confirm.$post({
        json: {
          subscriptionId: azure.sub.id,
          option: 'usage-summary',
          basis: plan.basis,
        },
      }),
    );
    expect(confirm.body.outcomes.map((o) => o.state)).toEqual(['confirmed']);
    const line = own(azure.agreement.id)[0]!;
    expect(Math.round(line.unitPrice * 100)).toBe(expected);
    expect(
      (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: azure.sub.id }, query: {} }))).body.plan
        .operations,
    ).toEqual([]);
  });

  it('keeps a member’s option, flat price and threshold, and refuses a bad one naming the field', async () => {
    const id = proofpoint.sub.id;
    const bad = await answer(
      jdoe.subscriptions[':id']['usage-settings'].$put({ param: { id }, json: { flatPriceCents: -5 } }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/flat price cannot be negative/);
    const saved = await answer(
      jdoe.subscriptions[':id']['usage-settings'].$put({
        param: { id },
        json: {
          thresholdCents: 10_000,
          flatPriceCents: 25_000,
        },
      }),
    );
    expect(saved.status).toBe(200);
    const flat = (
      await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id }, query: { option: 'flat-rate' } }))
    ).body;
    expect(flat.plan.rows.find((r) => r.status === 'Creating')).toMatchObject({
      quantity: 1,
      total: { cents: 25_000 },
    });
    expect(flat.plan.overThreshold).toBe(true);
    expect(flat.panel[0]).toMatchObject({ thresholdCents: 10_000, overThreshold: true });
  });

  it('edits the bound catalog item in ConnectWise as the member, and a member whose role cannot is told so', async () => {
    const target = item('PPT-ESS-BUSINESS');
    const got = await answer(jdoe['catalog-items'][':id'].$get({ param: { id: String(target.id) } }));
    expect(got.body).toMatchObject({ description: 'Proofpoint Essentials Email Security (Business)', priceCents: 325 });
    const res = await answer(
      jdoe['catalog-items'][':id'].$patch({
        param: { id: String(target.id) },
        json: {
          description: 'Email Security - Business',
          customerDescription: got.body.customerDescription,
          priceCents: 350,
          costCents: 179,
        },
      }),
    );
    expect(res.body.changed).toEqual(['description', 'price']);
    expect(target).toMatchObject({ description: 'Email Security - Business', price: 3.5, cost: 1.79 });
    expect(target._info.updatedBy).toBe('jdoe');
    const tech = await signedIn(stack, 'amarkov');
    const refused = await answer(
      tech['catalog-items'][':id'].$patch({
        param: { id: String(target.id) },
        json: { ...got.body, description: 'x' },
      }),
    );
    expect(refused.status).toBe(403);
    const unbound = world().cw.catalog.find((i) => i.identifier === 'M365-ONBOARD-BUNDLE')!;
    expect((await answer(jdoe['catalog-items'][':id'].$get({ param: { id: String(unbound.id) } }))).status).toBe(404);
  });

  it('one honest state: unbilled usage waits for a person, a change is out of sync, and a billed month is in sync and off the report', async () => {
    const pod = () => answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(proofpoint.agreement.id) } }));
    const reported = async () =>
      (await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }))).body.rows.find(
        (r) => r.subscriptionId === proofpoint.sub.id,
      );
    // The threshold set above would hold this month for a person on its own.
    await answer(
      jdoe.subscriptions[':id']['usage-settings'].$put({
        param: { id: proofpoint.sub.id },
        json: { thresholdCents: null },
      }),
    );
    let seen = (await pod()).body;
    // Beginner and Professional have usage no line bills: that is money, so a person looks.
    let row = seen.rows.find((r) => r.subscriptionId === proofpoint.sub.id);
    expect(row).toMatchObject({ state: 'needs-review' });
    expect(row?.reason).toMatch(/Proofpoint Beginner: Proofpoint Essentials - Beginner is not bound/);
    expect(await reported()).toMatchObject({ arrears: true, state: 'needs-review', usagePeriod: '2026-10' });

    for (const tier of ['Beginner', 'Professional'])
      await answer(
        jdoe['product-mappings'].$post({
          json: {
            distributorProductId: proofpoint.product.id,
            subProduct: `Proofpoint Essentials - ${tier}`,
            cwCatalogItemId: item(`PPT-ESS-${tier.toUpperCase()}`).id,
          },
        }),
      );
    seen = (await pod()).body;
    row = seen.rows.find((r) => r.subscriptionId === proofpoint.sub.id);
    expect(row?.state, row?.reason ?? '').toBe('out-of-sync');
    expect(row?.reason).toMatch(/Create oxfordseniorliving\.com - oxfordseniorliving\.com - Proofpoint Beginner/);
    const plan = (
      await answer(
        jdoe.subscriptions[':id']['usage-plan'].$get({
          param: { id: proofpoint.sub.id },
          query: { option: 'multi-products' },
        }),
      )
    ).body.plan;
    const added = plan.operations.reduce((n, o) => n + o.after.totalPrice.cents, 0);
    expect(row?.monthlyDifference).toBe(added);
    await confirmProofpoint(plan.basis);

    seen = (await pod()).body;
    expect(seen.rows.find((r) => r.subscriptionId === proofpoint.sub.id)).toBeUndefined();
    expect(seen.usage.find((u) => u.subscriptionId === proofpoint.sub.id)).toMatchObject({
      state: 'in-sync',
      month: { period: '2026-10', final: true, totalCents: plan.totalCents, changeCents: 0 },
    });
    expect(await reported()).toBeUndefined();
    const tab = (
      await answer(
        jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(proofpoint.agreement.company.id) } }),
      )
    ).body;
    expect(tab.subscriptions.find((r) => r.id === proofpoint.sub.id)).toMatchObject({
      state: 'in-sync',
      usageMonth: { period: '2026-10', totalCents: plan.totalCents },
    });
  });

  it('refuses a seat subscription, saying it is billed by seat, and stores no usage settings for it', async () => {
    const seat = await mapSubscription(stack, jdoe, 'Ace Chemical Processing Plant');
    const plan = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: seat.sub.id }, query: {} }));
    expect(plan.status).toBe(409);
    expect(plan.body.details.reason).toBe('not_usage');
    const saved = await answer(
      jdoe.subscriptions[':id']['usage-settings'].$put({ param: { id: seat.sub.id }, json: { thresholdCents: 100 } }),
    );
    expect(saved.status).toBe(409);
    expect(saved.body.message).toMatch(/billed by seat/);
  });
});
