import { describe, expect, it } from 'vitest';
import { markerFor } from '../../../shared/billing/operations.ts';
import { planSubscription } from '../../../shared/billing/planner.ts';
import {
  addition,
  agreement,
  brief,
  GUIDE_RULES,
  history,
  input,
  LABEL,
  ok,
  subscription,
} from './planner-fixtures.ts';

describe("the Pax8 guide's syncs", () => {
  it('a seat added on 9/9/2020: a new recurring addition of 2 from 10/01 and a $17.50 prorate for 9/9–9/30', () => {
    const plan = ok(
      planSubscription(
        input({
          history: history([
            ['2020-06-01', 1],
            ['2020-09-09', 2],
          ]),
        }),
      ),
    );
    expect(brief(plan)).toEqual([
      ['create-recurring', 2, 2500, '2020-10-01', null],
      ['create-prorate', 1, 1750, '2020-10-01', '2020-10-31'],
    ]);
    const [recurring, prorate] = plan.operations;
    expect(recurring!.after.totalPrice).toEqual({ cents: 5000, derivation: '$25.00 × 2 units = $50.00' });
    expect(recurring!.after.totalCost).toEqual({ cents: 4000, derivation: '$20.00 × 2 units = $40.00' });
    expect(prorate!.after.unitCost.cents).toBe(1400);
    expect(prorate!.after.unitPrice.derivation).toBe('$25.00 × 21/30 = $17.50');
    expect(prorate!.after.invoiceDescription).toBe(`${LABEL} - Prorated for 09/09/2020-09/30/2020`);
    expect(prorate!.after.proratedPeriod).toEqual({ from: '2020-09-09', to: '2020-09-30' });
    expect(prorate!.title).toBe('Creating prorated addition');
  });

  it('a prorate under the minimum in the settings is left out, and the plan says what it would have been', () => {
    const withMinimum = (cents: number) =>
      ok(
        planSubscription(
          input({
            history: history([
              ['2020-06-01', 1],
              ['2020-09-09', 2],
            ]),
            rules: { ...GUIDE_RULES, prorateMinimumCents: cents },
          }),
        ),
      );
    const skipped = withMinimum(2000);
    expect(brief(skipped)).toEqual([['create-recurring', 2, 2500, '2020-10-01', null]]);
    expect(skipped.notes).toContain(
      'Creating prorated addition of $17.50 is not written: it is under the $20.00 prorate minimum in the sync settings.',
    );
    // At or over the minimum, it is written as always.
    expect(brief(withMinimum(1750)).map((o) => o[0])).toEqual(['create-recurring', 'create-prorate']);
  });

  it('the review page: 2 new seats on 02/04/2021 → recurring $40.00 / $50.00 and non-recurring $34.28 / $42.86', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 2, startDate: '2021-02-04T00:00:00.000Z' }),
          history: history([['2021-02-04', 2]]),
          agreement: agreement({ nextInvoiceDate: '2021-03-01T00:00:00Z' }),
          today: '2021-02-10',
        }),
      ),
    );
    const [recurring, prorate] = plan.operations;
    expect([recurring!.after.totalCost.cents, recurring!.after.totalPrice.cents]).toEqual([4000, 5000]);
    expect(prorate!.after.totalCost).toEqual({ cents: 3428, derivation: '$17.14 × 2 units = $34.28' });
    expect(prorate!.after.totalPrice).toEqual({ cents: 4286, derivation: '$21.43 × 2 units = $42.86' });
    expect([prorate!.after.effectiveDate, prorate!.after.cancelledDate]).toEqual(['2021-03-01', '2021-03-31']);
  });

  it("February 2021's threshold prorates: 02/04 (+2) and 02/17 (+1), each its own line", () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 3, startDate: '2021-02-04T00:00:00.000Z' }),
          history: history([
            ['2021-02-04', 2],
            ['2021-02-17', 3],
          ]),
          agreement: agreement({ nextInvoiceDate: '2021-03-01T00:00:00Z' }),
          today: '2021-02-20',
        }),
      ),
    );
    const prorates = plan.operations.filter((o) => o.type === 'create-prorate');
    expect(
      prorates.map((o) => [
        o.after.quantity,
        o.after.unitCost.cents,
        o.after.unitPrice.cents,
        o.after.totalPrice.cents,
        o.after.proratedPeriod,
      ]),
    ).toEqual([
      [2, 1714, 2143, 4286, { from: '2021-02-04', to: '2021-02-28' }],
      [1, 786, 982, 982, { from: '2021-02-17', to: '2021-02-28' }],
    ]);
    expect(prorates[1]!.after.totalCost.derivation).toBe('$7.86 × 1 unit = $7.86');
  });

  it('incrementing seats: the 8/5 prorate already synced is marked, the 8/17 one is planned, the recurring is updated', () => {
    const sub = subscription({ quantity: 283, price: 6, cost: 5 });
    const changes = history([
      ['2020-06-01', 270],
      ['2020-08-05', 282],
      ['2020-08-17', 283],
    ]);
    const syncedKey = `${sub.id}:prorate:2020-08-05:270:282`;
    const plan = ok(
      planSubscription(
        input({
          subscription: sub,
          history: changes,
          additions: [
            addition({ id: 700, quantity: 282, unitPrice: 6, unitCost: 5 }),
            addition({
              id: 8638,
              quantity: 12,
              unitPrice: 5.03,
              unitCost: 4.19,
              effectiveDate: '2020-09-01T00:00:00Z',
              cancelledDate: '2020-09-30T00:00:00Z',
              marker: markerFor(syncedKey, 'p8s'),
            }),
          ],
        }),
      ),
    );
    expect(plan.synced).toEqual([{ at: '2020-08-05', delta: 12, additionId: 8638 }]);
    const update = plan.operations.find((o) => o.type === 'update-recurring')!;
    expect(update).toMatchObject({
      additionId: 700,
      title: 'Updating current ConnectWise addition',
      effectiveDateEditable: false,
    });
    expect([update.before!.quantity, update.after.quantity, update.after.effectiveDate]).toEqual([
      282,
      283,
      '2020-07-01',
    ]);
    const prorate = plan.operations.find((o) => o.type === 'create-prorate')!;
    expect([
      prorate.after.quantity,
      prorate.after.unitCost.cents,
      prorate.after.unitPrice.cents,
      prorate.after.totalPrice.cents,
      prorate.after.effectiveDate,
    ]).toEqual([1, 226, 271, 271, '2020-10-01']);
    // September was invoiced at 282 before the 8/17 change was synced: one extra month for the seat.
    const extra = plan.operations.find((o) => o.type === 'create-extra-months')!;
    expect(extra.extraMonths).toEqual({ from: '2020-09-01', months: 1 });
    expect([extra.after.quantity, extra.after.unitPrice.cents, extra.after.effectiveDate]).toEqual([
      1,
      600,
      '2020-10-01',
    ]);
  });

  it('extra months: February already invoiced, +1 on January 18 → effective 3/1/2021, quantity 1, starting February, 1 month', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 3 }),
          history: history([
            ['2020-06-01', 2],
            ['2021-01-18', 3],
          ]),
          additions: [addition({ quantity: 2 })],
          agreement: agreement({ nextInvoiceDate: '2021-03-01T00:00:00Z' }),
          today: '2021-01-18',
        }),
      ),
    );
    const extra = plan.operations.find((o) => o.type === 'create-extra-months')!;
    expect(extra.extraMonths).toEqual({ from: '2021-02-01', months: 1 });
    expect([
      extra.after.effectiveDate,
      extra.after.cancelledDate,
      extra.after.quantity,
      extra.after.unitPrice.cents,
      extra.after.unitCost.cents,
    ]).toEqual(['2021-03-01', '2021-03-31', 1, 2500, 2000]);
    expect(extra.after.invoiceDescription).toBe(`${LABEL} - February 2021`);
    expect(extra.after.totalPrice.cents).toBe(2500);
    const prorate = plan.operations.find((o) => o.type === 'create-prorate')!;
    expect([prorate.after.effectiveDate, prorate.after.unitPrice.derivation]).toEqual([
      '2021-03-01',
      '$25.00 × 13/31 = $10.48',
    ]);
  });

  it('offers to replace instead of update: cancel the old addition, then create the new one', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 3 }),
          additions: [addition({ quantity: 2 })],
          options: { recurring: 'replace' },
        }),
      ),
    );
    expect(brief(plan)).toEqual([
      ['cancel-addition', 2, 2500, '2020-07-01', '2020-09-30'],
      ['create-recurring', 3, 2500, '2020-10-01', null],
    ]);
    expect(plan.operations[1]!.dependsOn).toBe(plan.operations[0]!.key);
  });

  it('does nothing when ConnectWise already bills exactly what Pax8 says', () => {
    expect(ok(planSubscription(input({ additions: [addition({ quantity: 2 })] }))).operations).toEqual([]);
  });

  it('gives the same keys and markers for the same inputs', () => {
    const a = ok(
      planSubscription(
        input({
          history: history([
            ['2020-06-01', 1],
            ['2020-09-09', 2],
          ]),
        }),
      ),
    );
    const b = ok(
      planSubscription(
        input({
          history: history([
            ['2020-06-01', 1],
            ['2020-09-09', 2],
          ]),
        }),
      ),
    );
    expect(a.operations.map((o) => o.key)).toEqual(b.operations.map((o) => o.key));
    expect(a.basis).toBe(b.basis);
    expect(a.operations[0]!.marker).toMatch(/^p8s:[0-9a-f]{16}$/);
  });
});

describe('what cannot be planned says why', () => {
  it('two current additions are a conflict for a person', () => {
    const r = planSubscription(input({ additions: [addition({ id: 1 }), addition({ id: 2 })] }));
    expect(r).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/2 current additions .*ids 1, 2/) });
  });

  it('a cancelled or ended agreement, an unknown quantity', () => {
    expect(planSubscription(input({ agreement: agreement({ cancelled: true }) }))).toMatchObject({
      status: 'blocked',
      reason: expect.stringMatching(/cannot take additions: it is cancelled/),
    });
    expect(planSubscription(input({ agreement: agreement({ endDate: '2020-08-31T00:00:00Z' }) }))).toMatchObject({
      status: 'blocked',
      reason: expect.stringMatching(/ended on 08\/31\/2020/),
    });
    expect(planSubscription(input({ subscription: subscription({ quantity: null }) }))).toMatchObject({
      status: 'blocked',
      reason: expect.stringMatching(/did not say how many seats/),
    });
  });

  it("never dates a line before the agreement's billing start or inside an invoiced period", () => {
    const plan = ok(
      planSubscription(
        input({
          agreement: agreement({ billStartDate: '2020-11-01T00:00:00Z' }),
          history: history([
            ['2020-06-01', 1],
            ['2020-09-09', 2],
          ]),
        }),
      ),
    );
    expect(plan.operations.every((o) => o.after.effectiveDate >= '2020-11-01')).toBe(true);
    const ahead = ok(
      planSubscription(
        input({
          agreement: agreement({ nextInvoiceDate: '2020-12-01T00:00:00Z' }),
          history: history([
            ['2020-06-01', 1],
            ['2020-09-09', 2],
          ]),
        }),
      ),
    );
    expect(ahead.operations.every((o) => o.after.effectiveDate >= '2020-12-01')).toBe(true);
  });
});
