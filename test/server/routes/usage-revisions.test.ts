import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantArrears } from '../../../server/jobs/arrears.ts';
import type { UsageOption } from '../../../shared/schemas/usage.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { saveSettings } from '../../helpers/mapped.ts';
import { setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { mapUsage, PROOFPOINT_TIERS, usageLines } from '../../helpers/usage.ts';

/**
 * The second answer for usage: Pax8 recounts October after it was written, under each of the
 * four options, and a member switches option in the month October bills in. Each counts what
 * the sandbox ConnectWise holds.
 */
describe('usage after the first answer', () => {
  let stack: Stack;
  let jdoe: Caller;
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    stack = await startStack();
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  /** A CW company with a monthly agreement that no other test here uses, for the companies only Pax8 has. */
  const spareCw = (n: number) =>
    world()
      .cw.companies.filter(
        (c) =>
          !['Oxford Senior Living', 'Gibson Pott & York'].includes(c.name) &&
          world().cw.agreements.some(
            (a) =>
              a.company.id === c.id &&
              !a.cancelledFlag &&
              a.agreementStatus === 'Active' &&
              a.billingCycle.name === 'Monthly',
          ),
      )
      .at(n)!.name;
  const plan = async (id: string, option: UsageOption) => {
    const res = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id }, query: { option } }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const confirm = async (id: string, option: UsageOption) => {
    const review = await plan(id, option);
    const res = await answer(
      jdoe['usage-plans'].confirm.$post({ json: { subscriptionId: id, option, basis: review.plan.basis } }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.outcomes as { state: string; error: string | null }[];
  };
  const recount = async (subscriptionId: string, productName: string, quantity: number) => {
    const res = await fetch(`${stack.sandboxes.pax8.url}/__sandbox/usage-lines`, {
      method: 'POST',
      body: JSON.stringify({ subscriptionId, productName, usageDate: '2026-10-31', quantity }),
    });
    expect(res.status).toBe(200);
  };
  /** What the lines bill in a month: the sum of quantity × price of each in force then, in cents. */
  const billedIn = (agreementId: number, month: string) =>
    usageLines(stack, agreementId)
      .filter(
        (a) =>
          (a.effectiveDate ?? '').slice(0, 7) <= month && (!a.cancelledDate || a.cancelledDate.slice(0, 7) >= month),
      )
      .reduce((n, a) => n + Math.round(a.quantity * a.unitPrice * 100), 0);
  /** October's usage at the customer's price: each meter's charges, to the cent. */
  const october = (subscriptionId: string) => {
    const ids = new Set(
      world()
        .pax8.usageSummaries.filter((u) => u.subscriptionId === subscriptionId)
        .map((u) => u.id),
    );
    return world()
      .pax8.usageLines.filter((l) => ids.has(l.usageSummaryId) && l.usageDate === '2026-10-31')
      .map((l) => ({ name: l.productName, quantity: l.quantity, charges: Math.round(l.currentCharges * 100) }));
  };

  describe('a recount after October was written is billed under every option, never "Unchanged"', () => {
    it('Usage Summary: a line of the difference, once', async () => {
      const azure = await mapUsage(stack, jdoe, 'Gibson, Pott, and York LLC', 'Gibson Pott & York', 'MST-AZR-PLAN');
      expect((await confirm(azure.sub.id, 'usage-summary')).map((o) => o.state)).toEqual(['confirmed']);
      const first = billedIn(azure.agreement.id, '2026-12');
      const meter = october(azure.sub.id)[0]!;
      await recount(azure.sub.id, meter.name, meter.quantity + 100);
      const review = await plan(azure.sub.id, 'usage-summary');
      expect(review.plan.rows.map((r: { status: string }) => r.status)).not.toContain('Unchanged');
      const now = october(azure.sub.id).reduce((n, l) => n + l.charges, 0);
      expect(await confirm(azure.sub.id, 'usage-summary')).toEqual([expect.objectContaining({ state: 'confirmed' })]);
      // December bills October as Pax8 now counts it: the first line plus the difference.
      expect(billedIn(azure.agreement.id, '2026-12') - first).toBeGreaterThan(0);
      expect(billedIn(azure.agreement.id, '2026-12')).toBe(now);
      expect((await plan(azure.sub.id, 'usage-summary')).plan.operations).toEqual([]);
    });

    it('Usage Lines: a line of each meter’s difference, once', async () => {
      const azure = await mapUsage(stack, jdoe, 'Golden Gate Architects', spareCw(0), 'MST-AZR-PLAN');
      await confirm(azure.sub.id, 'usage-lines');
      const meter = october(azure.sub.id)[1]!;
      await recount(azure.sub.id, meter.name, meter.quantity + 50);
      const review = await plan(azure.sub.id, 'usage-lines');
      expect(review.plan.operations.map((o: { title: string }) => o.title)).toEqual([
        `Bill October 2026's recount: ${meter.name}`,
      ]);
      await confirm(azure.sub.id, 'usage-lines');
      expect(billedIn(azure.agreement.id, '2026-12')).toBe(october(azure.sub.id).reduce((n, l) => n + l.charges, 0));
      expect((await plan(azure.sub.id, 'usage-lines')).plan.operations).toEqual([]);
    });

    it('Multi Products: the recounted sub-product’s line is updated', async () => {
      const pp = await mapUsage(
        stack,
        jdoe,
        'Oxford Senior Living',
        'Oxford Senior Living',
        'PPT-ESS-USAGE',
        PROOFPOINT_TIERS,
      );
      await confirm(pp.sub.id, 'multi-products');
      await recount(pp.sub.id, 'Proofpoint Essentials - Advanced', 18);
      const review = await plan(pp.sub.id, 'multi-products');
      expect(
        review.plan.operations.map((o: { type: string; after: { quantity: number } }) => [o.type, o.after.quantity]),
      ).toEqual([['update-recurring', 18]]);
      await confirm(pp.sub.id, 'multi-products');
      expect(usageLines(stack, pp.agreement.id).find((a) => a.invoiceDescription!.endsWith('Advanced'))!.quantity).toBe(
        18,
      );
    });

    it('Flat Rate: the price stays the member’s, the cost follows the recount', async () => {
      const pp = await mapUsage(stack, jdoe, 'Franks Flower Shop', spareCw(1), 'PPT-ESS-USAGE');
      expect(
        (
          await answer(
            jdoe.subscriptions[':id']['usage-settings'].$put({
              param: { id: pp.sub.id },
              json: { flatPriceCents: 25_000 },
            }),
          )
        ).status,
      ).toBe(200);
      await confirm(pp.sub.id, 'flat-rate');
      const line = () => usageLines(stack, pp.agreement.id)[0]!;
      const cost = line().unitCost;
      const business = october(pp.sub.id).find((l) => l.name.endsWith('Business'))!;
      await recount(pp.sub.id, business.name, business.quantity + 10);
      const review = await plan(pp.sub.id, 'flat-rate');
      expect(review.plan.operations.map((o: { type: string }) => o.type)).toEqual(['update-recurring']);
      await confirm(pp.sub.id, 'flat-rate');
      expect([line().unitPrice, line().unitCost > cost]).toEqual([250, true]);
      expect(usageLines(stack, pp.agreement.id)).toHaveLength(1);
    });
  });

  /** A company's monthly agreement in the sandbox ConnectWise, and Pax8's usage subscription of a company. */
  const agreementOf = (cwName: string) => {
    const company = world().cw.companies.find((c) => c.name === cwName)!;
    return world().cw.agreements.find(
      (a) =>
        a.company.id === company.id &&
        a.billingCycle.name === 'Monthly' &&
        !a.cancelledFlag &&
        a.agreementStatus === 'Active',
    )!;
  };
  const usageSubOf = (pax8Name: string) => {
    const company = world().pax8.companies.find((c) => c.name === pax8Name)!;
    return world().pax8.subscriptions.find(
      (s) => s.companyId === company.id && world().pax8.usageSummaries.some((u) => u.subscriptionId === s.id),
    )!;
  };

  describe('switching option in the month October bills in', () => {
    it('Multi Products → Usage Summary: the old lines end on a day ConnectWise takes, and October bills once', async () => {
      const agreementId = agreementOf('Oxford Senior Living').id;
      const sub = usageSubOf('Oxford Senior Living');
      expect(usageLines(stack, agreementId).length).toBeGreaterThan(0);
      const before = billedIn(agreementId, '2026-12');
      const outcomes = await confirm(sub.id, 'usage-summary');
      expect(outcomes.length).toBeGreaterThan(0);
      expect(
        outcomes.map((o) => o.state),
        JSON.stringify(outcomes),
      ).toEqual(outcomes.map(() => 'confirmed'));
      for (const a of usageLines(stack, agreementId))
        if (a.cancelledDate) expect(a.cancelledDate >= (a.effectiveDate ?? '')).toBe(true);
      // December still bills October once, by the lines synced before; Usage Summary bills from November.
      expect(billedIn(agreementId, '2026-12')).toBe(before);
      expect((await plan(sub.id, 'usage-summary')).plan.operations).toEqual([]);
    });

    it('Usage Summary → Usage Lines: October billed once, by the line written first', async () => {
      const agreementId = agreementOf('Gibson Pott & York').id;
      const sub = usageSubOf('Gibson, Pott, and York LLC');
      const before = billedIn(agreementId, '2026-12');
      const review = await plan(sub.id, 'usage-lines');
      expect(review.plan.operations).toEqual([]);
      expect(review.plan.rows[0]!.reason).toMatch(/^October 2026 is billed already under Usage Summary/);
      await confirm(sub.id, 'usage-lines');
      expect(billedIn(agreementId, '2026-12')).toBe(before);
    });
  });

  it('an end ConnectWise refuses is shown with its reason, and a run does not send it again', async () => {
    // Franks Flower Shop is on Flat Rate; the member switches it to Usage Summary for the run.
    const sub = usageSubOf('Franks Flower Shop');
    const [flat] = usageLines(stack, agreementOf(spareCw(1)).id);
    expect(flat!.cancelledDate).toBeNull();
    expect(
      (
        await answer(
          jdoe.subscriptions[':id']['usage-settings'].$put({
            param: { id: sub.id },
            json: { option: 'usage-summary' },
          }),
        )
      ).status,
    ).toBe(200);
    await saveSettings(jdoe, { unattendedKinds: ['usage'] });
    const message = 'cancelledDate cannot be set while the addition is on an open invoice.';
    await setFaults(stack.sandboxes.cw.url, {
      rules: [
        {
          method: 'PATCH',
          path: `/additions/${flat!.id}$`,
          refuse: 5,
          refuseField: 'cancelledDate',
          refuseMessage: message,
        },
      ],
    });
    const patches = () =>
      stack.sandboxes.cw.control.log.filter((e) => e.method === 'PATCH' && e.path.endsWith(`/additions/${flat!.id}`))
        .length;
    const before = patches();
    const tenant = (await stack.database.db.query.tenants.findFirst())!;
    const arrears = () => runTenantArrears(stack.app.runDeps(), tenant, { trigger: 'command', requestedBy: 'test' });
    expect(await arrears()).toMatchObject({ failures: 1 });
    expect(patches() - before).toBe(1);
    await arrears();
    await arrears();
    // The same body would be refused again: the runs since sent nothing.
    expect(patches() - before).toBe(1);
    const review = await plan(sub.id, 'usage-summary');
    const ends = review.plan.status === 'ok' ? review.plan.operations : [];
    const key = ends.find((o) => o.additionId === flat!.id)!.key;
    expect(review.refused[key]!.error).toContain(message);
    expect(flat!.cancelledDate).toBeNull();
    await setFaults(stack.sandboxes.cw.url, { rules: [] });
    // The member confirms it once the cause is fixed: sent once more, and ended.
    await confirm(sub.id, 'usage-summary');
    expect(patches() - before).toBe(2);
    expect(flat!.cancelledDate?.slice(0, 10)).toBe('2026-12-31');
  });
});
