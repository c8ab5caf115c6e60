import { describe, expect, it } from 'vitest';
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

describe('an agreement invoiced ahead', () => {
  it('yearly, next invoice 2021-01-01: +2 seats on 2020-09-10 → prorate $25.00 × 20/30 = $16.67 each, extra months Oct–Dec $75.00 each', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 3 }),
          history: history([
            ['2020-06-01', 1],
            ['2020-09-10', 3],
          ]),
          agreement: agreement({ name: 'Ace Yearly', billingCycle: 'Yearly', nextInvoiceDate: '2021-01-01T00:00:00Z' }),
          additions: [addition({ quantity: 1, unitPrice: 300, unitCost: 240 })],
          today: '2020-09-22',
        }),
      ),
    );
    expect(brief(plan)).toEqual([
      ['update-recurring', 3, 30000, '2020-07-01', null],
      ['create-prorate', 2, 1667, '2021-01-01', '2021-01-31'],
      ['create-extra-months', 2, 7500, '2021-01-01', '2021-01-31'],
    ]);
    const [, prorate, extra] = plan.operations;
    expect(prorate!.after.unitPrice.derivation).toBe('$25.00 × 20/30 = $16.67');
    expect(prorate!.after.totalPrice.cents).toBe(3334);
    expect(extra!.extraMonths).toEqual({ from: '2020-10-01', months: 3 });
    expect(extra!.after.totalPrice.cents).toBe(15000);
  });

  it('monthly, the same change: the look-back is unchanged (prorate $16.67, no extra months)', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 3 }),
          history: history([
            ['2020-06-01', 1],
            ['2020-09-10', 3],
          ]),
          additions: [addition({ quantity: 1 })],
          today: '2020-09-22',
        }),
      ),
    );
    expect(brief(plan).map((o) => o[0])).toEqual(['update-recurring', 'create-prorate']);
  });
});

describe('a first sync on an agreement invoiced ahead', () => {
  const ahead = agreement({ name: 'Meridian Cloud', nextInvoiceDate: '2027-01-01T00:00:00Z' });

  it('50 seats since 2025 and no addition, invoiced through December: December is offered, 50 × $25.00 = $1,250.00', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 50, startDate: '2025-03-01T00:00:00.000Z' }),
          history: history([['2025-03-01', 50]]),
          agreement: ahead,
          today: '2026-11-22',
        }),
      ),
    );
    expect(brief(plan)).toEqual([
      ['create-recurring', 50, 2500, '2027-01-01', null],
      ['create-extra-months', 50, 2500, '2027-01-01', '2027-01-31'],
    ]);
    const invoiced = plan.operations[1]!;
    expect(invoiced.after.totalPrice.cents).toBe(125_000);
    expect(invoiced.extraMonths).toEqual({ from: '2026-12-01', months: 1 });
    expect(invoiced.reason).toMatch(/invoiced Meridian Cloud through 12\/31\/2026 without this subscription/);
    expect(invoiced.after.invoiceDescription).toBe(`${LABEL} - December 2026`);
  });

  it('seats a change in the window added are back-billed by that change alone: 48 → 50 on 11/10 offers 48 for December', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 50, startDate: '2025-03-01T00:00:00.000Z' }),
          history: history([
            ['2025-03-01', 48],
            ['2026-11-10', 50],
          ]),
          agreement: ahead,
          today: '2026-11-22',
        }),
      ),
    );
    const extras = plan.operations.filter((o) => o.type === 'create-extra-months');
    expect(extras.map((o) => [o.after.quantity, o.after.totalPrice.cents])).toEqual([
      [48, 120_000],
      [2, 5000],
    ]);
    // Every month ahead is billed at 50 seats, once.
    expect(extras.reduce((n, o) => n + o.after.quantity, 0)).toBe(50);
  });

  it('nothing is offered when the subscription started within the window, nor on an agreement invoiced for this month only', () => {
    const started = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 5, startDate: '2026-11-10T00:00:00.000Z' }),
          history: history([['2026-11-10', 5]]),
          agreement: ahead,
          today: '2026-11-22',
        }),
      ),
    );
    expect(started.operations.filter((o) => o.type === 'create-extra-months').map((o) => o.after.quantity)).toEqual([
      5,
    ]);
    const monthly = ok(planSubscription(input({ history: history([['2020-06-01', 2]]) })));
    expect(brief(monthly)).toEqual([['create-recurring', 2, 2500, '2020-10-01', null]]);
  });

  it('once written it is not offered again, and a waiver reads with its amount', () => {
    const base = input({
      subscription: subscription({ quantity: 50, startDate: '2025-03-01T00:00:00.000Z' }),
      history: history([['2025-03-01', 50]]),
      agreement: ahead,
      today: '2026-11-22',
    });
    const key = ok(planSubscription(base)).operations[1]!.key;
    const waived = ok(
      planSubscription({
        ...base,
        waived: [{ key, by: 'Jane Doe', at: '2026-11-22T10:00:00Z', reason: 'Billed by hand' }],
      }),
    );
    expect(waived.operations.map((o) => o.type)).toEqual(['create-recurring']);
    expect(waived.waived).toMatchObject([
      {
        by: 'Jane Doe',
        reason: 'Billed by hand',
        totalPrice: { cents: 125_000 },
        extraMonths: { from: '2026-12-01', months: 1 },
      },
    ]);
  });
});

describe('quantity 0', () => {
  it('with nothing in ConnectWise: nothing is planned, never a 0-seat line', () => {
    const plan = ok(
      planSubscription(input({ subscription: subscription({ quantity: 0 }), history: history([['2020-06-01', 0]]) })),
    );
    expect(plan.operations).toEqual([]);
    expect(plan.notes).toContain('Pax8 has 0 seats and nothing bills it in ConnectWise.');
  });

  it(
    'with 4 seats in ConnectWise on 2020-09-22, cancelling per date: the line ends 09/30 and the invoiced rest ' +
      'of September is credited, $25.00 × 8/30 = $6.67 each',
    () => {
      const plan = ok(
        planSubscription(
          input({
            subscription: subscription({ quantity: 0 }),
            history: history([
              ['2020-06-01', 4],
              ['2020-09-22', 0],
            ]),
            additions: [addition({ quantity: 4 })],
            agreement: agreement({ nextInvoiceDate: '2020-10-01T00:00:00Z' }),
            rules: { ...GUIDE_RULES, cancellation: 'per-cancellation-date' },
            today: '2020-09-22',
          }),
        ),
      );
      const [cancel, credit] = plan.operations;
      expect([cancel!.type, cancel!.after.cancelledDate]).toEqual(['cancel-addition', '2020-09-30']);
      expect([credit!.type, credit!.after.quantity, credit!.after.unitPrice.cents]).toEqual(['create-credit', -4, 667]);
      expect(credit!.after.unitPrice.derivation).toBe('$25.00 × 8/30 = $6.67');
    },
  );

  it('with 4 seats in ConnectWise, cancelling at month end: the line ends 09/30 and nothing is credited', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 0 }),
          history: history([
            ['2020-06-01', 4],
            ['2020-09-22', 0],
          ]),
          additions: [addition({ quantity: 4 })],
          rules: { ...GUIDE_RULES, cancellation: 'last-day-of-month' },
          today: '2020-09-22',
        }),
      ),
    );
    expect(brief(plan)).toEqual([['cancel-addition', 4, 2500, '2020-07-01', '2020-09-30']]);
  });
});

describe('holes mutation testing found', () => {
  it('a cancellation on the last day of a month (09/30) credits nothing: no $0.00 credit line', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 2, endDate: '2020-09-30T00:00:00Z', status: 'Cancelled' }),
          history: history([['2020-06-01', 2]]),
          additions: [addition({ quantity: 2 })],
          agreement: agreement({ nextInvoiceDate: '2020-10-01T00:00:00Z' }),
          rules: { ...GUIDE_RULES, cancellation: 'per-cancellation-date' },
          today: '2020-09-30',
        }),
      ),
    );
    expect(brief(plan)).toEqual([['cancel-addition', 2, 2500, '2020-07-01', '2020-09-30']]);
  });

  it('a cost-only change ($19.00 → $20.00) is synced: the recurring line is updated, its price kept at $25.00', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 1 }),
          history: history([['2020-06-01', 1]]),
          additions: [addition({ quantity: 1, unitCost: 19 })],
        }),
      ),
    );
    const [update] = plan.operations;
    expect(update!.type).toBe('update-recurring');
    expect(update!.reason).toContain('cost $19.00 → $20.00');
    expect([update!.after.unitCost.cents, update!.after.unitPrice.cents]).toEqual([2000, 2500]);
  });
});

describe('a cancellation after ConnectWise invoiced later months', () => {
  const ended = (cancellation: 'last-day-of-month' | 'per-cancellation-date') =>
    ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 2, endDate: '2020-08-23T00:00:00Z', status: 'Cancelled' }),
          history: history([['2020-06-01', 2]]),
          additions: [addition({ quantity: 2 })],
          agreement: agreement({ nextInvoiceDate: '2020-10-01T00:00:00Z' }),
          rules: { ...GUIDE_RULES, cancellation },
          today: '2020-09-10',
        }),
      ),
    );

  it('ended 08/23 with September invoiced, cancelling at month end: September is credited, 2 × $25.00 × 1 month = -$50.00', () => {
    const plan = ended('last-day-of-month');
    expect(brief(plan)).toEqual([
      ['cancel-addition', 2, 2500, '2020-07-01', '2020-08-31'],
      ['create-credit', -2, 2500, '2020-10-01', '2020-10-31'],
    ]);
    expect(plan.operations[1]!.after.totalPrice.cents).toBe(-5000);
    expect(plan.operations[1]!.extraMonths).toEqual({ from: '2020-09-01', months: 1 });
  });

  it('the same, cancelling per date: September and the days after 08/23 are credited ($25.00 × 8/31 = $6.45 each)', () => {
    const plan = ended('per-cancellation-date');
    expect(brief(plan)).toEqual([
      ['cancel-addition', 2, 2500, '2020-07-01', '2020-08-31'],
      ['create-credit', -2, 2500, '2020-10-01', '2020-10-31'],
      ['create-credit', -2, 645, '2020-10-01', '2020-10-31'],
    ]);
  });
});

describe('which unit price an agreement carries (shared/billing/billing-rules.md)', () => {
  const created = (billingTerm: 'Monthly' | 'Annual' | '2-Year' | '3-Year', billingCycle: string) =>
    ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 2, billingTerm }),
          history: history([['2020-06-01', 2]]),
          agreement: agreement({ billingCycle }),
        }),
      ),
    ).operations[0]!;

  it('Annual on a yearly agreement: a year of $25.00 a month, $25.00 × 12 months = $300.00 a seat', () => {
    const op = created('Annual', 'Yearly');
    expect(op.after.unitPrice).toEqual({ cents: 30000, derivation: '$25.00 × 12 months = $300.00' });
    expect(op.after.unitCost.cents).toBe(24000);
    expect(op.after.totalPrice.cents).toBe(60000);
  });

  it('2-Year and 3-Year on a yearly agreement: billed a year at a time, $300.00 a seat', () => {
    expect(created('2-Year', 'Yearly').after.unitPrice.cents).toBe(30000);
    expect(created('3-Year', 'Yearly').after.unitPrice.cents).toBe(30000);
  });

  it('an annual commitment billed monthly, on a monthly agreement: the monthly $25.00', () => {
    expect(created('Monthly', 'Monthly').after.unitPrice).toEqual({ cents: 2500, derivation: '$25.00' });
  });

  it('an existing yearly line at the monthly price is corrected, not left under-billing 12×', () => {
    const plan = ok(
      planSubscription(
        input({
          subscription: subscription({ quantity: 2, billingTerm: 'Annual' }),
          history: history([['2020-06-01', 2]]),
          agreement: agreement({ billingCycle: 'Yearly' }),
          additions: [addition({ quantity: 2, unitPrice: 25, unitCost: 20 })],
        }),
      ),
    );
    expect(plan.operations[0]!.reason).toContain('price $25.00 → $300.00');
  });
});
