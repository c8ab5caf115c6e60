import { describe, expect, it } from 'vitest';
import { markerFor } from '../../../shared/billing/operations.ts';
import { type PlanInput, type PlanResult, planSubscription } from '../../../shared/billing/planner.ts';
import { findUpgrades } from '../../../shared/billing/upgrades.ts';
import type { SyncRules } from '../../../shared/schemas/settings.ts';
import { addition, agreement, history, input, subscription } from './planner-fixtures.ts';

/**
 * The connector guide's "Addition Logic via LCM" table, each row under each rule setting it
 * names, on an agreement where ConnectWise prorates. Today is 2024-03-20; March is being billed.
 */
const LCM: SyncRules = {
  positiveChange: 'actual-date',
  negativeChange: 'actual-date',
  cancellation: 'last-day-of-month',
  proration: 'connectwise-prorates',
  prorateMinimumCents: 0,
  arrearsDay: 4,
  reconcileToleranceCents: 0,
  reconcileToleranceBp: 0,
  commitmentHorizonHours: 72,
  renewalNoticeDays: 30,
};
const prorating = agreement({
  prorates: true,
  startDate: '2023-01-01T00:00:00Z',
  billStartDate: '2023-01-01T00:00:00Z',
  nextInvoiceDate: '2024-04-01T00:00:00Z',
});
const lcm = (over: Partial<PlanInput>, rules: Partial<SyncRules> = {}): PlanResult =>
  planSubscription(
    input({
      agreement: prorating,
      today: '2024-03-20',
      rules: { ...LCM, ...rules },
      additions: [addition({ quantity: 5, effectiveDate: '2024-01-10T00:00:00Z' })],
      subscription: subscription({ quantity: 5, startDate: '2024-01-10T00:00:00.000Z' }),
      ...over,
    }),
  );
const ops = (r: PlanResult) => {
  if (r.status !== 'ok') throw new Error(r.reason);
  return r.operations.map((o) => ({
    type: o.type,
    qty: o.after.quantity,
    effective: o.after.effectiveDate,
    cancelled: o.after.cancelledDate,
    additionId: o.additionId,
  }));
};

describe("license increase / decrease on the purchase date: the existing line's quantity changes, dates stay", () => {
  for (const positiveChange of ['actual-date', 'first-of-current-month'] as const) {
    it(`increase, ${positiveChange}`, () => {
      const r = lcm(
        {
          subscription: subscription({ quantity: 7, startDate: '2024-03-15T00:00:00.000Z' }),
          history: history([
            ['2024-03-15', 5],
            ['2024-03-16', 7],
          ]),
          additions: [addition({ quantity: 5, effectiveDate: '2024-03-15T00:00:00Z' })],
        },
        { positiveChange },
      );
      expect(ops(r)).toEqual([
        { type: 'update-recurring', qty: 7, effective: '2024-03-15', cancelled: null, additionId: 683 },
      ]);
    });
  }
  for (const negativeChange of ['actual-date', 'first-of-next-month'] as const) {
    it(`decrease, ${negativeChange}`, () => {
      const r = lcm(
        {
          subscription: subscription({ quantity: 3, startDate: '2024-03-15T00:00:00.000Z' }),
          history: history([
            ['2024-03-15', 5],
            ['2024-03-16', 3],
          ]),
          additions: [addition({ quantity: 5, effectiveDate: '2024-03-15T00:00:00Z' })],
        },
        { negativeChange },
      );
      expect(ops(r)).toEqual([
        { type: 'update-recurring', qty: 3, effective: '2024-03-15', cancelled: null, additionId: 683 },
      ]);
    });
  }
});

describe('license increase after the second day: the delta on a new line to the end of the month', () => {
  const increase = {
    subscription: subscription({ quantity: 7, startDate: '2024-01-10T00:00:00.000Z' }),
    history: history([
      ['2024-01-10', 5],
      ['2024-03-18', 7],
    ]),
  };
  it('actual date: from the day of the change', () => {
    expect(ops(lcm(increase))).toEqual([
      { type: 'update-recurring', qty: 7, effective: '2024-01-10', cancelled: null, additionId: 683 },
      { type: 'create-delta', qty: 2, effective: '2024-03-18', cancelled: '2024-03-31', additionId: null },
    ]);
  });
  it('first of the current month: from the 1st', () => {
    expect(ops(lcm(increase, { positiveChange: 'first-of-current-month' }))[1]).toEqual({
      type: 'create-delta',
      qty: 2,
      effective: '2024-03-01',
      cancelled: '2024-03-31',
      additionId: null,
    });
  });
  it("first of the current month, in the agreement's first month: from the agreement start", () => {
    const r = lcm(
      {
        ...increase,
        agreement: { ...prorating, startDate: '2024-03-05T00:00:00Z', billStartDate: '2024-03-05T00:00:00Z' },
      },
      { positiveChange: 'first-of-current-month' },
    );
    expect(ops(r)[1]).toMatchObject({ type: 'create-delta', effective: '2024-03-05' });
  });
  it('a further change replaces the delta line instead of adding one', () => {
    const key = 'sub-314438:delta:2024-03-01';
    const r = lcm(
      {
        subscription: subscription({ quantity: 9 }),
        history: history([
          ['2024-01-10', 5],
          ['2024-03-18', 7],
          ['2024-03-19', 9],
        ]),
        additions: [
          addition({ quantity: 7, effectiveDate: '2024-01-10T00:00:00Z' }),
          addition({
            id: 900,
            quantity: 2,
            effectiveDate: '2024-03-01T00:00:00Z',
            cancelledDate: '2024-03-31T00:00:00Z',
            marker: markerFor(key, 'p8s'),
          }),
        ],
      },
      { positiveChange: 'first-of-current-month' },
    );
    expect(ops(r)).toEqual([
      { type: 'update-recurring', qty: 9, effective: '2024-01-10', cancelled: null, additionId: 683 },
      { type: 'update-delta', qty: 4, effective: '2024-03-01', cancelled: '2024-03-31', additionId: 900 },
    ]);
  });
});

describe('license decrease after the second day', () => {
  const decrease = {
    subscription: subscription({ quantity: 3 }),
    history: history([
      ['2024-01-10', 5],
      ['2024-03-18', 3],
    ]),
  };
  it('actual date: a negative line from the day of the change to the end of the month', () => {
    expect(ops(lcm(decrease))[1]).toEqual({
      type: 'create-delta',
      qty: -2,
      effective: '2024-03-18',
      cancelled: '2024-03-31',
      additionId: null,
    });
  });
  it('first of the next month: a negative line for next month', () => {
    expect(ops(lcm(decrease, { negativeChange: 'first-of-next-month' }))[1]).toEqual({
      type: 'create-delta',
      qty: -2,
      effective: '2024-04-01',
      cancelled: '2024-04-30',
      additionId: null,
    });
  });
});

describe('full upgrade: the old subscription ends, the new product starts the same day', () => {
  const old = subscription({ quantity: 5, status: 'Cancelled', endDate: '2024-03-18T00:00:00.000Z' });
  const newer = subscription({
    id: 'sub-new',
    productId: 'e5',
    quantity: 5,
    startDate: '2024-03-18T00:00:00.000Z',
    commitment: { term: 'Annual', endDate: '2025-03-17T00:00:00.000Z' },
    price: 68.44,
  });
  // Found as the guide describes it: one ends the day the other starts, on another product, with the same seats.
  const upgrades = findUpgrades([old, newer]);

  it('is found on both sides, and not when the seats or the day differ', () => {
    expect(upgrades.get(old.id)).toEqual({ direction: 'out', other: 'sub-new', at: '2024-03-18' });
    expect(upgrades.get('sub-new')).toEqual({ direction: 'in', other: old.id, at: '2024-03-18' });
    expect(findUpgrades([old, { ...newer, quantity: 4 }]).size).toBe(0);
    expect(findUpgrades([old, { ...newer, startDate: '2024-03-19T00:00:00.000Z' }]).size).toBe(0);
    expect(findUpgrades([old, { ...newer, companyId: 'another' }]).size).toBe(0);
    // Two new subscriptions that could each be it: a person decides.
    expect(findUpgrades([old, newer, { ...newer, id: 'sub-other', productId: 'bp' }]).size).toBe(0);
  });

  // "This sync rule is not applicable for the Full Upgrade action": the same lines under every rule.
  for (const cancellation of ['per-cancellation-date', 'last-day-of-month'] as const) {
    it(`old line ends this month with a negative line from the day (${cancellation}); the new line runs to the new subscription's end`, () => {
      const ended = lcm({ subscription: { ...old, upgrade: upgrades.get(old.id) } }, { cancellation });
      expect(ops(ended)).toEqual([
        { type: 'cancel-addition', qty: 5, effective: '2024-01-10', cancelled: '2024-03-31', additionId: 683 },
        { type: 'create-credit', qty: -5, effective: '2024-03-18', cancelled: '2024-03-31', additionId: null },
      ]);
      if (ended.status === 'ok')
        expect(ended.operations[1]!.reason).toMatch(/^Upgraded to another product on 03\/18\/2024/);
      const started = lcm({
        subscription: { ...newer, upgrade: upgrades.get('sub-new') },
        product: { catalogItemId: 1300, label: 'Pax8 - Microsoft 365 E5' },
        history: history([['2024-03-18', 5]]),
        additions: [],
      });
      expect(ops(started)).toEqual([
        { type: 'create-recurring', qty: 5, effective: '2024-03-18', cancelled: '2025-03-17', additionId: null },
      ]);
      if (started.status === 'ok') {
        expect(started.operations[0]!.after.unitPrice.cents).toBe(6844);
        expect(started.operations[0]!.reason).toMatch(/^Upgraded from another product on 03\/18\/2024/);
      }
    });
  }

  it('a plain cancellation on the last-day-of-month rule only moves the cancellation date', () => {
    expect(ops(lcm({ subscription: old }, { cancellation: 'last-day-of-month' }))).toEqual([
      { type: 'cancel-addition', qty: 5, effective: '2024-01-10', cancelled: '2024-03-31', additionId: 683 },
    ]);
  });
});

describe('partial upgrade: a decrease on the old subscription and a new subscription', () => {
  for (const [negativeChange, effective, cancelled] of [
    ['actual-date', '2024-03-18', '2024-03-31'],
    ['first-of-next-month', '2024-04-01', '2024-04-30'],
  ] as const) {
    it(`${negativeChange}`, () => {
      const old = lcm(
        {
          subscription: subscription({ quantity: 3 }),
          history: history([
            ['2024-01-10', 5],
            ['2024-03-18', 3],
          ]),
        },
        { negativeChange },
      );
      expect(ops(old)).toContainEqual({ type: 'create-delta', qty: -2, effective, cancelled, additionId: null });
      const added = lcm(
        {
          subscription: subscription({
            id: 'sub-e5',
            quantity: 2,
            startDate: '2024-03-18T00:00:00.000Z',
            commitment: { term: 'Annual', endDate: '2025-03-17T00:00:00.000Z' },
          }),
          history: history([['2024-03-18', 2]]),
          additions: [],
          product: { catalogItemId: 1300, label: 'E5' },
        },
        { negativeChange },
      );
      expect(ops(added)).toEqual([
        { type: 'create-recurring', qty: 2, effective: '2024-03-18', cancelled: '2025-03-17', additionId: null },
      ]);
    });
  }
});

describe('cancellations, in both proration styles', () => {
  for (const proration of ['connectwise-prorates', 'separate-one-time'] as const) {
    const cancelled = {
      subscription: subscription({ quantity: 5, status: 'Cancelled' as const, endDate: '2024-03-18T00:00:00.000Z' }),
    };
    it(`per cancellation date (${proration}): a negative line and the line cancelled at month end`, () => {
      const r = ops(lcm(cancelled, { cancellation: 'per-cancellation-date', proration }));
      expect(r[0]).toEqual({
        type: 'cancel-addition',
        qty: 5,
        effective: '2024-01-10',
        cancelled: '2024-03-31',
        additionId: 683,
      });
      expect(r[1]).toMatchObject({ type: 'create-credit', qty: -5 });
      expect(r[1]!.effective).toBe(proration === 'connectwise-prorates' ? '2024-03-18' : '2024-04-01');
    });
    it(`last day of the month (${proration}): only the cancellation date changes`, () => {
      expect(ops(lcm(cancelled, { cancellation: 'last-day-of-month', proration }))).toEqual([
        { type: 'cancel-addition', qty: 5, effective: '2024-01-10', cancelled: '2024-03-31', additionId: 683 },
      ]);
    });
  }
  it('a separate-style credit is prorated to the cent for the days after the cancellation', () => {
    const r = lcm(
      { subscription: subscription({ quantity: 5, status: 'Cancelled', endDate: '2024-03-18T00:00:00.000Z' }) },
      { cancellation: 'per-cancellation-date', proration: 'separate-one-time' },
    );
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.operations[1]!.after.unitPrice.derivation).toBe('$25.00 × 13/31 = $10.48');
    expect(r.operations[1]!.after.totalPrice.cents).toBe(-5240);
  });
});

describe('renewals', () => {
  const annual = (end: string) =>
    subscription({ quantity: 5, billingTerm: 'Annual', commitment: { term: 'Annual', endDate: end } });
  it('auto-renew on: the cancellation date follows the renewed end', () => {
    const r = lcm({
      subscription: annual('2025-03-31T00:00:00.000Z'),
      additions: [
        addition({ quantity: 5, effectiveDate: '2023-04-01T00:00:00Z', cancelledDate: '2024-03-31T00:00:00Z' }),
      ],
    });
    expect(ops(r)).toEqual([
      { type: 'update-recurring', qty: 5, effective: '2023-04-01', cancelled: '2025-03-31', additionId: 683 },
    ]);
  });
  it('auto-renew off: the line ends with the existing end date', () => {
    const r = lcm({
      subscription: {
        ...annual('2024-03-31T00:00:00.000Z'),
        status: 'PendingCancel',
        endDate: '2024-03-31T00:00:00.000Z',
      },
      additions: [
        addition({ quantity: 5, effectiveDate: '2023-04-01T00:00:00Z', cancelledDate: '2024-03-31T00:00:00Z' }),
      ],
    });
    expect(ops(r)).toEqual([]);
  });
});
