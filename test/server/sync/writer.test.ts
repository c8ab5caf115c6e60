import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adjustmentLog, syncOperations, syncRuns } from '../../../db/schema.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import type { OperationEdit } from '../../../shared/schemas/plans.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { FAST_RETRY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const writes = async () =>
  (
    (await (await fetch(`${stack.hostUrl}/__sandbox/requests`)).json()) as {
      method: string;
      path: string;
      status: number;
    }[]
  ).filter((r) => r.method !== 'GET' && r.path.includes('/additions'));
const additionsOf = (agreementId: number) => world().cw.additions.filter((a) => a.agreementId === agreementId);

beforeAll(async () => {
  stack = await startStack({
    sandbox: { companies: 12, subscriptions: 60 },
    cw: { timeoutMs: 1500, retry: FAST_RETRY },
  });
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await setFaults(stack.hostUrl, { rules: [] });
});

describe('review and confirm', () => {
  it("plans the guide's seat increase, writes it once, and the subscription is in sync", async () => {
    const m = await mapSubscription(
      stack,
      jdoe,
      'Oxford Senior Living',
      (s) => s.id === world().pax8.subscriptions[0]!.id,
    );
    expect(m.sub.id).toBe(world().pax8.subscriptions[0]!.id);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    expect(review.status).toBe(200);
    const ops = okPlan(review.body.plan).operations;
    const prorate = ops.find((o) => o.type === 'create-prorate')!;
    expect(prorate.after.unitPrice.derivation).toBe(
      `$${m.sub.price.toFixed(2)} × 21/30 = $${(Math.round(m.sub.price * 70) / 100).toFixed(2)}`,
    );
    expect(prorate.after.proratedPeriod).toEqual({ from: '2026-11-09', to: '2026-11-30' });
    expect(prorate.after.effectiveDate).toBe('2026-12-01');

    const before = (await writes()).length;
    const confirmed = await answer(
      jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.outcomes.map((o) => o.state)).toEqual(ops.map(() => 'confirmed'));
    expect((await writes()).length - before).toBe(ops.length);
    const written = additionsOf(m.agreement.id).filter((a) => a.serialNumber?.startsWith('p8s:'));
    expect(written.find((a) => a.cancelledDate === '2026-12-31T00:00:00Z')).toMatchObject({
      quantity: 1,
      unitPrice: Math.round(m.sub.price * 70) / 100,
    });

    const log = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.subscriptionId, m.sub.id));
    expect(log.every((l) => l.outcome === 'success' && l.actorName === 'Jane Doe' && l.operationKey)).toBe(true);
    const tab = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cwCompany.id) } }),
    );
    expect(tab.body.subscriptions.find((s) => s.id === m.sub.id)!.state).toBe('in-sync');

    // Planning again finds nothing to do, and shows the prorate as synced.
    const again = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }));
    expect(okPlan(again.body.plan).operations).toEqual([]);
    expect(okPlan(again.body.plan).synced).toEqual([expect.objectContaining({ at: '2026-11-09', delta: 1 })]);
    // Confirming the old review again writes nothing: ConnectWise changed since.
    const stale = await answer(
      jdoe.plans.confirm.$post({ json: { subscriptionId: m.sub.id, basis: review.body.plan.basis } }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.details.reason).toBe('stale_plan');
  });

  it('shows a hand edit of an addition the sync wrote as drift', async () => {
    const oxford = world().pax8.subscriptions[0]!;
    const mine = world().cw.additions.find(
      (a) =>
        a.serialNumber?.startsWith('p8s:') &&
        a.cancelledDate === null &&
        a.product.id === world().cw.catalog.find((i) => i.identifier === 'MST-OFC-EE3-C100')?.id,
    );
    const target = mine ?? world().cw.additions.find((a) => a.serialNumber?.startsWith('p8s:'))!;
    target.quantity += 5;
    target._info = { lastUpdated: '2026-11-22T10:00:00Z', updatedBy: 'kpark' };
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: oxford.id }, query: {} }));
    expect(review.body.drift).toEqual([
      expect.objectContaining({
        additionId: target.id,
        message: expect.stringMatching(/edited in ConnectWise by kpark/),
      }),
    ]);
    target.quantity -= 5;
  });

  it("refuses to move an existing addition's effective date, naming the field", async () => {
    const sc = await scenario('Ace Chemical Processing Plant', 10, [['2026-11-05', 12]]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }));
    const update = okPlan(review.body.plan).operations.find((o) => o.type === 'update-recurring')!;
    expect(update.effectiveDateEditable).toBe(false);
    const res = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: sc.sub.id,
          basis: review.body.plan.basis,
          edits: { [update.key]: { include: true, effectiveDate: '2027-01-01' } },
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0]).toEqual({
      field: `edits.${update.key}.effectiveDate`,
      message: expect.stringMatching(/cannot be changed when updating an existing addition/),
    });
  });
});

/**
 * A subscription of `companyName` whose Pax8 history is `base` seats since August and then
 * `changes` this month, billed in ConnectWise by one recurring addition of `base` seats.
 */
async function scenario(companies: string | [pax8: string, cw: string], base: number, changes: [string, number][]) {
  const [pax8Name, cwName] = typeof companies === 'string' ? [companies, companies] : companies;
  return setBilling(
    stack,
    await mapSubscription(stack, jdoe, pax8Name, undefined, cwName),
    base,
    [['2026-08-01', base], ...changes],
    70_000 + world().cw.additions.length,
  );
}

async function reviewAndConfirm(subscriptionId: string, edits: Record<string, OperationEdit> = {}, caller = jdoe) {
  const review = await answer(caller.subscriptions[':id'].plan.$get({ param: { id: subscriptionId }, query: {} }));
  const confirm = await answer(
    caller.plans.confirm.$post({ json: { subscriptionId, basis: review.body.plan.basis, edits } }),
  );
  return { review: review.body, confirm };
}

const marked = (agreementId: number) => additionsOf(agreementId).filter((a) => a.serialNumber?.startsWith('p8s:'));

describe('exactly once', () => {
  it('two members confirming the same plan at once produce one set of writes', async () => {
    const sc = await scenario(['Frontier Wealth Management, LLC', 'Frontier Wealth Mgmt'], 4, [
      ['2026-11-03', 6],
      ['2026-11-10', 7],
    ]);
    const nross = await signedIn(stack, 'nross');
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }));
    expect(okPlan(review.body.plan).operations.length).toBe(3);
    const before = (await writes()).length;
    const [a, b] = await Promise.all([
      answer(jdoe.plans.confirm.$post({ json: { subscriptionId: sc.sub.id, basis: review.body.plan.basis } })),
      answer(nross.plans.confirm.$post({ json: { subscriptionId: sc.sub.id, basis: review.body.plan.basis } })),
    ]);
    expect((await writes()).length - before).toBe(3);
    expect(marked(sc.agreement.id).length).toBe(2);
    const states = [...(a.body.outcomes ?? []), ...(b.body.outcomes ?? [])].filter(
      (o: { already: boolean }) => !o.already,
    );
    expect(states.length).toBe(3);
  });

  it('a timeout after commit on POST and on PATCH is adopted, never written twice', async () => {
    const sc = await scenario(['Gibson, Pott, and York LLC', 'Gibson Pott & York'], 2, [['2026-11-12', 3]]);
    await setFaults(stack.hostUrl, {
      rules: [
        { method: 'POST', path: `/agreements/${sc.agreement.id}/additions$`, timeoutAfterCommit: 1 },
        { method: 'PATCH', path: `/agreements/${sc.agreement.id}/additions/`, timeoutAfterCommit: 1 },
      ],
    });
    const { confirm } = await reviewAndConfirm(sc.sub.id);
    expect(confirm.body.outcomes.map((o) => o.state)).toEqual(['adopted', 'adopted']);
    expect(marked(sc.agreement.id).length).toBe(1);
    expect(
      additionsOf(sc.agreement.id).find((a) => a.product.id === sc.item.id && a.serialNumber === null)?.quantity,
    ).toBe(3);
    const log = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.subscriptionId, sc.sub.id));
    expect(log.map((l) => l.outcome).sort()).toEqual(['success', 'success', 'unknown', 'unknown']);
  });

  it('through a 429 storm, everything is written once', async () => {
    const sc = await scenario(['Dynamo Corporation', 'Dynamo Corp.'], 5, [
      ['2026-11-04', 6],
      ['2026-11-11', 8],
    ]);
    await setFaults(stack.hostUrl, {
      rules: [
        { method: 'POST', path: `/agreements/${sc.agreement.id}/additions`, status429: 3, retryAfterSeconds: 0 },
        { method: 'PATCH', path: `/agreements/${sc.agreement.id}/additions`, status429: 3, retryAfterSeconds: 0 },
      ],
    });
    const before = (await writes()).filter((w) => w.status < 300).length;
    const { confirm } = await reviewAndConfirm(sc.sub.id);
    expect(confirm.body.outcomes.every((o) => o.state === 'confirmed')).toBe(true);
    expect((await writes()).filter((w) => w.status < 300).length - before).toBe(3);
    expect(marked(sc.agreement.id).length).toBe(2);
  });

  it('a 500 on one operation of five: four succeed, one is logged as failed, and the retry succeeds', async () => {
    const sc = await scenario(['Liberty Manufacturing Co.', 'Liberty Manufacturing'], 2, [
      ['2026-11-02', 3],
      ['2026-11-05', 5],
      ['2026-11-09', 6],
      ['2026-11-15', 9],
    ]);
    await setFaults(stack.hostUrl, {
      rules: [{ method: 'POST', path: `/agreements/${sc.agreement.id}/additions$`, status500: 1 }],
    });
    const { confirm } = await reviewAndConfirm(sc.sub.id);
    const states = confirm.body.outcomes.map((o) => o.state);
    expect(states.length).toBe(5);
    expect(states.filter((x: string) => x === 'confirmed').length).toBe(4);
    const failed = confirm.body.outcomes.find((o) => o.state === 'failed')!;
    expect(failed.error).toMatch(/can be retried safely/);
    const log = await answer(jdoe.adjustments.$get({ query: { outcome: 'unknown' } }));
    const entry = log.body.find((l) => l.operationKey === failed.key);
    expect(entry).toMatchObject({
      retryable: true,
      actorName: 'Jane Doe',
      errorMessage: expect.stringMatching(/answered 500/),
    });
    const retried = await answer(
      jdoe.operations[':key'].retry.$post({ param: { key: encodeURIComponent(failed.key) } }),
    );
    expect(retried.body.state).toBe('confirmed');
    expect(marked(sc.agreement.id).length).toBe(4);
    // The retry's entry names the company and product, as the first attempt's did.
    const after = (await answer(jdoe.adjustments.$get({ query: {} }))).body.filter(
      (l) => l.operationKey === failed.key,
    );
    expect(after).toHaveLength(2);
    for (const l of after) expect([l.companyName, l.productName]).toEqual([entry!.companyName, entry!.productName]);
    expect(entry!.productName).toBe(sc.sub.productName);
    expect(
      okPlan((await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }))).body.plan)
        .operations,
    ).toEqual([]);
  });

  it('a validation error is shown on the operation, and the others are written', async () => {
    const sc = await scenario('Meridian Auto Group LLC', 1, [['2026-11-06', 2]]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    // A non-prorating agreement invoiced through November refuses a mid-November effective date.
    world().cw.agreements.find((a) => a.id === sc.agreement.id)!.prorateFlag = false;
    const confirm = await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: sc.sub.id,
          basis: review.body.plan.basis,
          edits: { [prorate.key]: { include: true, effectiveDate: '2026-11-15' } },
        },
      }),
    );
    const failed = confirm.body.outcomes.find((o) => o.key === prorate.key)!;
    expect(failed.state).toBe('failed');
    expect(failed.fields).toEqual([
      { field: 'effectiveDate', message: expect.stringMatching(/^Since this period has already been invoiced/) },
    ]);
    expect(confirm.body.outcomes.find((o) => o.key !== prorate.key)!.state).toBe('confirmed');
  });

  it('a write made just before a crash is adopted when the run resumes', async () => {
    const sc = await scenario('Granite Auto Group, P.C.', 3, [['2026-11-08', 4]]);
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }));
    const prorate = okPlan(review.body.plan).operations.find((o) => o.type === 'create-prorate')!;
    // The crash: the prorate is persisted and claimed, ConnectWise applies it, the process dies.
    await answer(
      jdoe.plans.confirm.$post({
        json: {
          subscriptionId: sc.sub.id,
          basis: review.body.plan.basis,
          edits: {
            [okPlan(review.body.plan).operations.find((o) => o.type !== 'create-prorate')!.key]: {
              include: false,
              reason: 'Left for the crash to write',
            },
          },
        },
      }),
    );
    const [row] = await stack.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, prorate.key));
    await stack.database.db
      .update(syncOperations)
      .set({ state: 'sending', owner: 'dead-process', leaseUntil: stack.clock.now().minus({ seconds: 1 }).toJSDate() })
      .where(eq(syncOperations.id, row!.id));
    const count = marked(sc.agreement.id).length;
    // A member's confirmation of another plan leaves it to the run...
    const again = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: sc.sub.id }, query: {} }));
    await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: sc.sub.id, basis: again.body.plan.basis } }));
    const [mid] = await stack.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, prorate.key));
    expect(mid!.state).toBe('sending');
    // ...which re-reads it, finds it in ConnectWise and adopts it without writing it again.
    const tenant = (await stack.database.db.query.tenants.findFirst())!;
    const run = await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'check', requestedBy: 'test' });
    const [after] = await stack.database.db.select().from(syncOperations).where(eq(syncOperations.opKey, prorate.key));
    expect(after!.state).toBe('adopted');
    expect(marked(sc.agreement.id).length).toBe(count);
    const [history] = await stack.database.db.select().from(syncRuns).where(eq(syncRuns.id, run.runId));
    expect(history!.settled).toBe(1);
  });
});
