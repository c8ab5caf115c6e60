import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdOf } from '../../../server/distributors/ion/transform.ts';
import { SYNC_QUEUE } from '../../../server/jobs/engine.ts';
import { addIonCommitmentScenarios, type IonCommitmentScenarios } from '../../../server/sandbox/ion/commitments.ts';
import type { CommitmentScenarios } from '../../../server/sandbox/pax8/commitments.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { oxfordCommitments } from '../../helpers/commitments.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { billByHand, openMonthlyAgreement, saveSettings } from '../../helpers/mapped.ts';
import { SANDBOX_TODAY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** 08:00 in Chicago on the sandbox's day: every window below is read to the minute from here. */
const NOW = DateTime.fromISO(`${SANDBOX_TODAY}T14:00:00Z`, { zone: 'utc' }) as DateTime<true>;

/**
 * New-commerce commitments against what ConnectWise bills: one a person lowered in ConnectWise
 * while its reduction window is still open, one lowered after its window closed, and one that
 * renews within thirty days, each with its deadline and the money at stake.
 */
describe('commitments', () => {
  let stack: Stack;
  let jdoe: Caller;
  let nce: CommitmentScenarios;
  let agreementId: number;
  beforeAll(async () => {
    stack = await startStack({ clock: { now: () => NOW } });
    jdoe = await signedIn(stack, 'jdoe');
    expect((await saveSettings(jdoe, { timeZone: 'America/Chicago' })).status).toBe(200);
    // ConnectWise bills fewer seats than two of them hold: a person lowered the lines.
    ({ nce, agreementId } = await oxfordCommitments(stack, jdoe, { insideWindow: 15, pastWindow: 8, renewing: 5 }));
    // The agreement pod checks what is billed here, as a person opening it would.
    expect((await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).status).toBe(
      200,
    );
  });
  afterAll(async () => stack?.close());

  it('lists the one inside its window first, with its deadline in the tenant zone and the money at stake', async () => {
    const list = (await answer(jdoe.commitments.$get())).body;
    expect(list).toMatchObject({ timeZone: 'America/Chicago', horizonHours: 72, renewalNoticeDays: 30 });
    expect(list.closingSoon.rows.map((r) => r.subscriptionId)).toEqual([nce.insideWindow.id]);
    expect(list.closingSoon.rows[0]!.position).toMatchObject({
      // Bought 17 November at 15:30 UTC: 168 hours later, 09:30 in Chicago.
      windowClosesAt: '2026-11-24T09:30:00.000-06:00',
      windowFrom: 'purchase',
      state: 'reducible',
      seats: 20,
      cwSeats: 15,
      unbilledSeats: 5,
      periodsLeft: 12,
      // 5 seats × $18.70 × 12 monthly charges = $1,122.00.
      atStakeCents: 112_200,
    });
    expect(list.closingSoon.atStakeCents).toBe(112_200);
  });

  it('shows every commitment on the company tab with its term and window, billed in full or not', async () => {
    const cw = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const tab = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(cw.id) } }))).body;
    const of = (id: string) => tab.subscriptions.find((r) => r.id === id)?.commitment;
    expect(of(nce.insideWindow.id)).toMatchObject({ term: '1-Year', state: 'reducible', unbilledSeats: 5 });
    expect(of(nce.renewing.id)).toMatchObject({
      term: '1-Year',
      state: 'committed',
      unbilledSeats: 0,
      renewalDue: true,
    });
  });

  it('shows the one past its window as committed, its cost carried to the end of the term', async () => {
    const { committed } = (await answer(jdoe.commitments.$get())).body;
    expect(committed.rows.map((r) => [r.subscriptionId, r.position.state, r.position.endsOn])).toEqual([
      [nce.pastWindow.id, 'committed', '2027-11-13'],
    ]);
    // 2 seats × $36.00 × 12 = $864.00.
    expect(committed.atStakeCents).toBe(86_400);
    // The month's picture carries it as leakage of its own: $72.00 a month, $864.00 to the term's end.
    const picture = (await answer(jdoe['month-picture'].$get({ query: { period: '2026-10' } }))).body;
    expect(picture.committed).toEqual({ subscriptions: 1, monthlyCents: 7_200, toTermEndCents: 86_400 });
  });

  it('lists the renewal within thirty days with the moment a change must be made by', async () => {
    const { renewals } = (await answer(jdoe.commitments.$get())).body;
    expect(
      renewals.rows.map((r) => [r.subscriptionId, r.position.renewsOn, r.position.changeBy, r.position.cwSeats]),
    ).toEqual([[nce.renewing.id, '2026-12-12', '2026-12-12T00:00:00.000-06:00', 5]]);
  });

  it('puts all three in the digest once, each with its deadline and money', async () => {
    const sent = await answer(
      jdoe.notifications.test.$post({
        json: {
          cadence: 'daily',
          recipients: ['billing@sandbox-msp.example'],
          events: ['commitments', 'renewals'],
          ticket: { enabled: false, boardId: null, companyId: null },
          subject: 'Action needed in {PSAConnector}: {ItemCount} items on {Date}',
        },
      }),
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const text = stack.sandboxes.mail.messages.at(-1)!.text;
    const [inside, past, renewing] = [nce.insideWindow, nce.pastWindow, nce.renewing].map((s) => s.productName);
    const lines = text.split('\n').filter((l) => [inside, past, renewing].some((p) => l.includes(`· ${p} ·`)));
    expect(lines).toEqual([
      expect.stringContaining(
        `${inside} · 5 seats not billed · reduce at Pax8 by Tue 11/24/2026 09:30 America/Chicago · $1,122.00 at stake over the term`,
      ),
      expect.stringContaining(`${past} · 2 seats not billed · committed until 11/13/2027 · $864.00 to the term's end`),
      expect.stringContaining(
        `${renewing} · 1-Year renews on 12/12/2026 · 5 seats, ConnectWise bills 5 · change by Sat 12/12/2026 00:00 America/Chicago`,
      ),
    ]);
  });

  it('narrows the horizon and the notice when the settings do', async () => {
    await saveSettings(jdoe, {
      timeZone: 'America/Chicago',
      rules: { commitmentHorizonHours: 24, renewalNoticeDays: 10 },
    });
    const list = (await answer(jdoe.commitments.$get())).body;
    expect(list.closingSoon.rows).toEqual([]);
    expect(list.reducible.rows.map((r) => r.subscriptionId)).toEqual([nce.insideWindow.id]);
    expect(list.renewals.rows).toEqual([]);
  });

  it('a scheduled sync leaves the lowered lines alone; a person bills the seats or absorbs them, with a reason', async () => {
    const world = stack.sandboxes.world;
    const seatsOf = (sub: { productId: string }) => {
      const product = world.pax8.products.find((p) => p.id === sub.productId)!;
      // Every line of its item, whatever month it bills: nothing may be added behind the person's back.
      return world.cw.additions
        .filter((a) => a.agreementId === agreementId && a.product.identifier === product.sku)
        .map((a) => a.quantity);
    };
    expect(
      (
        await saveSettings(jdoe, {
          timeZone: 'America/Chicago',
          autoSync: true,
          unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate'],
        })
      ).status,
    ).toBe(200);
    const schedule = (await stack.jobs.boss.getSchedule(SYNC_QUEUE, stack.tenantId))!;
    const fire = async () =>
      jobReaches(stack.jobs.boss, (await stack.jobs.boss.send(SYNC_QUEUE, schedule.data, schedule.options))!);
    expect(await fire()).toMatchObject({ state: 'completed' });
    expect([seatsOf(nce.insideWindow), seatsOf(nce.pastWindow)]).toEqual([[15], [8]]);
    const report = (await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }))).body.rows;
    const reasonOf = (id: string) => report.find((r: { subscriptionId: string }) => r.subscriptionId === id)?.reason;
    expect(reasonOf(nce.insideWindow.id)).toMatch(
      /^A commitment decision: ConnectWise bills 15 of its 20 committed seats, lowered by a person\. Bill the committed seats .* or absorb the cost/,
    );

    // Absorbed, with a reason: recorded like a waiver, and the next run leaves it in sync.
    const past = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: nce.pastWindow.id }, query: {} }))).body.plan,
    );
    for (const op of past.operations)
      expect(
        (
          await answer(
            jdoe.operations[':key'].waive.$post({
              param: { key: encodeURIComponent(op.key) },
              json: {
                reason: 'Customer gave two seats back',
              },
            }),
          )
        ).status,
      ).toBe(200);
    // Billed: the member confirms the committed seats.
    const inside = okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: nce.insideWindow.id }, query: {} }))).body.plan,
    );
    expect(
      (await answer(jdoe.plans.confirm.$post({ json: { subscriptionId: nce.insideWindow.id, basis: inside.basis } })))
        .status,
    ).toBe(200);
    expect(await fire()).toMatchObject({ state: 'completed' });
    expect([seatsOf(nce.insideWindow)[0], seatsOf(nce.pastWindow)]).toEqual([20, [8]]);
    const after = (await answer(jdoe.reports[':view'].$get({ param: { view: 'unsynced' } }))).body.rows.map(
      (r: { subscriptionId: string }) => r.subscriptionId,
    );
    expect(after).not.toContain(nce.pastWindow.id);
  });

  it('counts every seat unbilled once the ConnectWise company goes inactive', async () => {
    const cw = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    cw.status = { id: 2, name: 'Inactive' };
    expect((await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).status).toBe(
      200,
    );
    const { committed } = (await answer(jdoe.commitments.$get())).body;
    const renewing = committed.rows.find((r) => r.subscriptionId === nce.renewing.id)!;
    expect(renewing.position).toMatchObject({ cwSeats: 0, unbilledSeats: 5 });
    expect(renewing.position.why).toMatch(/its company is inactive in ConnectWise$/);
  });
});

/** StreamOne Ion sends the window itself (`cancellationAllowedUntilDate`): it is taken as sent. */
describe("StreamOne Ion's commitments", () => {
  let stack: Stack;
  let ion: Caller;
  let nce: IonCommitmentScenarios;
  beforeAll(async () => {
    stack = await startStack({ ion: true, clock: { now: () => NOW } });
    const jdoe = await signedIn(stack, 'jdoe');
    expect((await saveSettings(jdoe, { timeZone: 'America/Chicago' })).status).toBe(200);
    ion = await signedIn(stack, 'jdoe', { distributor: 'ion' });
    const world = stack.sandboxes.world;
    nce = addIonCommitmentScenarios(world, 'Oxford Senior Living', SANDBOX_TODAY);
    const customer = world.ion.customers.find((c) => c.customerOrganization === 'Oxford Senior Living')!;
    const cw = world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const agreement = openMonthlyAgreement(stack, cw.id);
    expect(
      (
        await answer(
          ion['company-mappings'].$post({
            json: { distributorCompanyId: customerIdOf(customer)!, cwCompanyId: cw.id },
          }),
        )
      ).status,
    ).toBe(201);
    const onAgreement = new Set(
      world.cw.additions.filter((a) => a.agreementId === agreement.id).map((a) => a.product.id),
    );
    const free = world.cw.catalog.filter(
      (i) => i.productClass !== 'Bundle' && !i.inactiveFlag && !onAgreement.has(i.id),
    );
    const billed: [IonCommitmentScenarios['insideWindow'], number][] = [
      [nce.insideWindow, 9],
      [nce.pastWindow, 4],
      [nce.renewing, 4],
    ];
    for (const [i, [sub, seats]] of billed.entries()) {
      const item = free[i]!;
      const productId = `${sub.ccpProductId}:${sub.ccpSkuId}`;
      expect(
        (
          await answer(
            ion['product-mappings'].$post({ json: { distributorProductId: productId, cwCatalogItemId: item.id } }),
          )
        ).status,
      ).toBe(201);
      const id = `${sub.customerId}-${sub.id}`;
      expect(
        (await answer(ion['service-mappings'].$put({ json: { subscriptionId: id, cwAgreementId: agreement.id } })))
          .status,
      ).toBe(200);
      billByHand(stack, {
        id: 97_000 + i,
        agreementId: agreement.id,
        itemId: item.id,
        seats,
        price: sub.price,
        cost: sub.cost,
      });
    }
    expect((await answer(ion.agreements[':id'].unsynced.$get({ param: { id: String(agreement.id) } }))).status).toBe(
      200,
    );
  });
  afterAll(async () => stack?.close());

  it("lists each with Ion's own deadline, the money at stake, and the renewal", async () => {
    const list = (await answer(ion.commitments.$get())).body;
    const key = (s: { customerId: string; id: string }) => `${s.customerId}-${s.id}`;
    const inside = list.closingSoon.rows.find((r) => r.subscriptionId === key(nce.insideWindow))!;
    expect(inside.position).toMatchObject({
      windowFrom: 'distributor',
      // Bought 17 November 15:30 UTC; Ion allows cancelling for 7 days: 09:30 on the 24th in Chicago.
      windowClosesAt: '2026-11-24T09:30:00.000-06:00',
      unbilledSeats: 3,
      periodsLeft: 12,
      atStakeCents: 3 * Math.round(nce.insideWindow.cost * 100) * 12,
    });
    expect(list.committed.rows.map((r) => r.subscriptionId)).toEqual([key(nce.pastWindow)]);
    expect(list.committed.rows[0]!.position.atStakeCents).toBe(2 * Math.round(nce.pastWindow.cost * 100) * 12);
    expect(list.renewals.rows.map((r) => [r.subscriptionId, r.position.renewsOn])).toEqual([
      [key(nce.renewing), '2026-12-12'],
    ]);
  });
});
