import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionStatus, syncOperations } from '../../../db/schema.ts';
import { pinnedDayClock } from '../../../server/clock.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { formatCents } from '../../../shared/money.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { allowEverythingUnattended, mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY, SANDBOX_TODAY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** A person's "no" is recorded with who, when and why, and is never offered again. */
let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const run = async () => {
  const tenant = (await stack.database.db.query.tenants.findFirst())!;
  await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'scheduled', requestedBy: 'schedule' });
};
const stateOf = async (id: string) =>
  (await stack.database.db.select().from(subscriptionStatus).where(eq(subscriptionStatus.subscriptionId, id)))[0]!;

/** The server's calendar, moved on when a test needs a later month. */
let shiftedDay: string | null = null;
const clock = { now: () => pinnedDayClock(shiftedDay ?? SANDBOX_TODAY).now() };

beforeAll(async () => {
  stack = await startStack({
    sandbox: { companies: 30, subscriptions: 150 },
    cw: { timeoutMs: 1500, retry: FAST_RETRY },
    clock,
  });
  jdoe = await signedIn(stack, 'jdoe');
  await allowEverythingUnattended(jdoe);
});
afterAll(async () => stack?.close());

describe('waiving', () => {
  it('a prorate excluded in review is waived by the member, with the reason, and not offered again by the review or the run', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), 3, [
      ['2026-08-01', 3],
      ['2026-11-08', 5],
    ]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    // Leaving a change out is a waiver: without a reason it is refused, by field, and nothing is written.
    const unexplained = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: review.body.plan.basis,
          edits: { [prorate.key]: { include: false } },
        },
      }),
    );
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.details.fields[0]!.field).toMatch(/reason$/);
    expect(unexplained.body.details.fields[0]!.message).toMatch(/^say why it is left out/);
    const confirmed = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: review.body.plan.basis,
          edits: { [prorate.key]: { include: false, reason: 'Agreed with the customer: no charge for November.' } },
        },
      }),
    );
    expect(confirmed.body.outcomes.map((o) => o.state)).toEqual(['waived', 'confirmed']);
    // The result names the waiver and what it would have billed.
    expect(confirmed.body.outcomes[0]).toMatchObject({
      key: prorate.key,
      waived: {
        amountCents: prorate.after.totalPrice.cents,
        reason: 'Agreed with the customer: no charge for November.',
      },
    });
    const [row] = await stack.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, prorate.key));
    expect(row).toMatchObject({
      state: 'waived',
      waivedBy: 'Jane Doe',
      waivedReason: 'Agreed with the customer: no charge for November.',
    });

    const again = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan,
    );
    expect(again.operations).toEqual([]);
    expect(again.waived).toEqual([
      expect.objectContaining({ key: prorate.key, by: 'Jane Doe', title: 'Creating prorated addition' }),
    ]);
    await run();
    expect(world().cw.additions.filter((a) => a.serialNumber === prorate.marker)).toEqual([]);
    expect((await stateOf(m.sub.id)).state).toBe('in-sync');
    const log = (await answer(jdoe.adjustments.$get({ query: {} }))).body.find(
      (l) => l.action === 'operation.waive' && l.operationKey === prorate.key,
    );
    // The Log shows the waiver's amount and reason, not dashes.
    expect(log).toMatchObject({ actorName: 'Jane Doe', outcome: 'success', amount: prorate.after.totalPrice.cents });
    expect(log?.note).toContain('Agreed with the customer: no charge for November.');
  });

  it('a failed write keeps the subscription out of sync until it is retried or waived from the Log', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Granite Auto Group, P.C.'), 2, [
      ['2026-08-01', 2],
      ['2026-11-10', 4],
    ]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }));
    await setFaults(stack.hostUrl, { rules: [] });
    await run();
    // The run sends it again by itself (the 500 was transient); make it refused for good instead.
    expect(world().cw.additions.filter((a) => a.serialNumber === prorate.marker)).toHaveLength(1);

    // One ConnectWise keeps refusing: it stays out of sync, with the failure, until waived.
    const n = setBilling(stack, await mapSubscription(stack, jdoe, 'Arcadia Tech'), 1, [
      ['2026-08-01', 1],
      ['2026-11-12', 2],
    ]);
    const r2 = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: n.sub.id }, query: {} }));
    const p2 = okPlan(r2.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: n.sub.id, basis: r2.body.plan.basis } }));
    await run();
    expect((await stateOf(n.sub.id)).state).not.toBe('in-sync');
    expect((await stateOf(n.sub.id)).reason).toMatch(/Creating prorated addition/);
    const waived = await answer(
      jdoe.operations[':key'].waive.$post({
        param: { key: String(p2.key) },
        json: { reason: 'Billed by hand on invoice 1042.' },
      }),
    );
    expect(waived.body).toMatchObject({ state: 'waived', waivedBy: 'Jane Doe' });
    await setFaults(stack.hostUrl, { rules: [] });
    await run();
    expect((await stateOf(n.sub.id)).state).toBe('in-sync');
    expect(world().cw.additions.filter((a) => a.serialNumber === p2.marker)).toEqual([]);
  });

  it('what is written cannot be waived', async () => {
    const [written] = await stack.database.db
      .select()
      .from(syncOperations)
      .where(eq(syncOperations.state, 'confirmed'));
    const res = await answer(
      jdoe.operations[':key'].waive.$post({ param: { key: written!.opKey }, json: { reason: 'no' } }),
    );
    expect(res.status).toBe(409);
    expect(res.body.details.reason).toBe('not_waivable');
  });
});

describe('owed from earlier, in the review', () => {
  it('a failed prorate whose month has moved on is listed in the review and written by its confirmation', async () => {
    const m = setBilling(stack, await mapSubscription(stack, jdoe, 'Meridian Auto Group LLC'), 10, [
      ['2026-08-01', 10],
      ['2026-11-09', 12],
    ]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }));
    await setFaults(stack.hostUrl, { rules: [] });
    // Two months on, with January invoiced: the planner no longer produces November's prorate.
    const agreement = world().cw.agreements.find((a) => a.id === m.agreement.id)!;
    const nextInvoice = agreement.nextInvoiceDate;
    agreement.nextInvoiceDate = '2027-02-01T00:00:00Z';
    shiftedDay = '2027-01-20';
    try {
      // A session is for the day it was made in: sign in again on the later day.
      const jdoeLater = await signedIn(stack, 'jdoe');
      const later = await answer(jdoeLater.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
      expect(okPlan(later.body.plan).operations.map((o) => o.key)).not.toContain(prorate.key);
      expect(later.body.carried).toEqual([expect.objectContaining({ key: prorate.key, state: 'failed' })]);
      const confirmed = await answer(
        jdoeLater.plans.confirm.$post({
          json: {
            subscriptionId: m.sub.id,
            basis: later.body.plan.basis,
          },
        }),
      );
      expect(confirmed.body.outcomes.find((o) => o.key === prorate.key)).toMatchObject({ state: 'confirmed' });
      const [line] = world().cw.additions.filter((a) => a.serialNumber === prorate.marker);
      expect(line!.effectiveDate?.slice(0, 10)).toBe('2027-02-01');
    } finally {
      shiftedDay = null;
      agreement.nextInvoiceDate = nextInvoice;
    }
  });
});

describe('a first sync on an agreement invoiced ahead', () => {
  // The month moved on above, and the session with it.
  beforeAll(async () => {
    jdoe = await signedIn(stack, 'jdoe');
  });
  /** A customer whose Cloud agreement ConnectWise has invoiced through December, mapped there. */
  const mapAhead = async (nth: number) => {
    const ahead = world().cw.agreements.filter((a) => a.name.endsWith('(invoiced ahead)') && !a.cancelledFlag);
    const names = ahead.map((a) => world().cw.companies.find((c) => c.id === a.company.id)!.name);
    const name = names.filter((n) => world().pax8.companies.some((c) => c.name === n))[nth]!;
    const m = await mapSubscription(stack, jdoe, name);
    const agreement = ahead.find((a) => a.company.id === m.cwCompany.id)!;
    const mapped = await answer(
      jdoe['service-mappings'].$put({ json: { subscriptionId: m.sub.id, cwAgreementId: agreement.id } }),
    );
    expect(mapped.status).toBe(200);
    return { ...m, agreement };
  };
  const linesOf = (m: { agreement: { id: number }; item: { id: number } }) =>
    world().cw.additions.filter((a) => a.agreementId === m.agreement.id && a.product.id === m.item.id);

  it('offers December, invoiced without it, with the amount; left out, it is waived with the reason and never read as billed', async () => {
    const m = setBilling(stack, await mapAhead(0), null, [['2025-03-01', 50]]);
    const unit = Math.round(m.sub.price * 100);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    const plan = okPlan(review.body.plan);
    const invoiced = plan.operations.find((o) => o.key.includes(':invoiced:'))!;
    expect(invoiced).toMatchObject({
      type: 'create-extra-months',
      extraMonths: { from: '2026-12-01', months: 1 },
      after: { quantity: 50, effectiveDate: '2027-01-01', totalPrice: { cents: 50 * unit } },
    });
    const confirmed = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: plan.basis,
          edits: { [invoiced.key]: { include: false, reason: 'Billed on a manual invoice.' } },
        },
      }),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.outcomes.find((o) => o.key === invoiced.key)).toMatchObject({
      state: 'waived',
      waived: { amountCents: 50 * unit, reason: 'Billed on a manual invoice.' },
    });
    // ConnectWise holds the recurring line only, from January.
    expect(linesOf(m).map((a) => [a.quantity, a.effectiveDate?.slice(0, 10)])).toEqual([[50, '2027-01-01']]);
    const history = await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: m.sub.id } }));
    expect(history.body.invoicedMonths).toEqual([
      expect.objectContaining({
        status: 'waived',
        amountCents: 50 * unit,
        note: `December 2026: not billed: ${formatCents(50 * unit)}, waived by Jane Doe: Billed on a manual invoice.`,
      }),
    ]);
    expect(
      okPlan((await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan)
        .operations,
    ).toEqual([]);
  });

  it('a run holds it for a person and the subscription is not in sync; confirmed, ConnectWise bills December once', async () => {
    const m = setBilling(stack, await mapAhead(1), null, [['2025-03-01', 40]]);
    const unit = Math.round(m.sub.price * 100);
    await run();
    expect(await stateOf(m.sub.id)).toMatchObject({
      state: 'needs-review',
      reason: expect.stringContaining('Back-billing extra months is a decision for a person.'),
    });
    expect(linesOf(m).map((a) => a.quantity)).toEqual([40]);
    const history = await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: m.sub.id } }));
    expect(history.body.invoicedMonths).toEqual([
      expect.objectContaining({ status: 'unbilled', note: expect.stringMatching(/^December 2026: invoiced without/) }),
    ]);
    const review = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan,
    );
    const confirmed = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: m.sub.id,
          basis: review.basis,
          edits: {},
        },
      }),
    );
    expect(confirmed.body.outcomes.map((o) => o.state)).toEqual(['confirmed']);
    const extra = linesOf(m).find((a) => a.quantity === 40 && a.cancelledDate)!;
    expect([extra.unitPrice * 100, extra.effectiveDate?.slice(0, 10)]).toEqual([unit, '2027-01-01']);
    await run();
    expect(linesOf(m)).toHaveLength(2);
    expect((await stateOf(m.sub.id)).state).toBe('in-sync');
  });
});
