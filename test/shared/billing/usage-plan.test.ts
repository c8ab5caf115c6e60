import { describe, expect, it } from 'vitest';
import type { AdditionView } from '../../../shared/billing/additions.ts';
import { markerFor } from '../../../shared/billing/operations.ts';
import { markedUp } from '../../../shared/billing/usage/markup.ts';
import { arrearsPeriod } from '../../../shared/billing/usage/period.ts';
import { planUsage, shortName, type UsagePlanInput } from '../../../shared/billing/usage/plan.ts';
import { parseMicros } from '../../../shared/money.ts';
import type { UsageLine } from '../../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../../shared/schemas/mapping.ts';

const agreement: AgreementView = {
  id: 7,
  name: 'Active Maintenance Partner',
  type: 'Managed Services',
  companyId: 19,
  startDate: '2020-06-26T00:00:00Z',
  endDate: null,
  cancelled: false,
  status: 'Active',
  billingCycle: 'Monthly',
  billStartDate: '2020-06-26T00:00:00Z',
  nextInvoiceDate: '2021-02-01T00:00:00Z',
  prorates: false,
};
const today = '2021-01-04';
const line = (
  productName: string,
  quantity: number,
  cost: string,
  price: string,
  usageDate = '2020-12-31',
): UsageLine => ({
  summaryId: 's1',
  usageDate,
  productId: 'pp',
  productName,
  unit: 'User',
  quantity,
  unitPrice: parseMicros(price),
  charges: parseMicros(price) * quantity,
  partnerTotal: parseMicros(cost) * quantity,
});
const business = 'Proofpoint Essentials - Business';
const advanced = 'Proofpoint Essentials - Advanced';

function input(over: Partial<UsagePlanInput> = {}): UsagePlanInput {
  return {
    subscription: { id: 'sub-1', productName: 'Proofpoint Essentials', startDate: '2020-07-01' },
    option: 'multi-products',
    period: arrearsPeriod(today, 4, 4),
    reading: {
      day: '2020-12-31',
      summaries: [
        {
          id: 's1',
          resourceGroup: '1stwestinsurance.com',
          lines: [line(business, 40, '1.79', '3.25', '2020-12-30'), line(business, 44, '1.79', '3.25')],
        },
        { id: 's2', resourceGroup: 'frontierwealth.com', lines: [line(advanced, 15, '2.44', '3.00')] },
      ],
    },
    product: { catalogItemId: 1226, sync: true },
    subProducts: new Map([
      [business, { catalogItemId: 2056, sync: true }],
      [advanced, { catalogItemId: 1310, sync: true }],
    ]),
    markupBp: null,
    flatPriceCents: null,
    thresholdCents: null,
    agreement,
    additions: [],
    today,
    distributor: { name: 'Pax8', markerPrefix: 'p8s', linesPriced: true },
    ...over,
  };
}

/** The lines a first sync of `input()` writes, as ConnectWise would then hold them. */
function written(plan: ReturnType<typeof planUsage>, firstId = 900): AdditionView[] {
  return plan.operations.map((op, i) => ({
    id: firstId + i,
    agreementId: agreement.id,
    catalogItemId: op.after.catalogItemId,
    quantity: op.after.quantity,
    unitPrice: op.after.unitPrice.cents * 10_000,
    unitCost: op.after.unitCost.cents * 10_000,
    effectiveDate: `${op.after.effectiveDate}T00:00:00Z`,
    cancelledDate: op.after.cancelledDate && `${op.after.cancelledDate}T00:00:00Z`,
    invoiceDescription: op.after.invoiceDescription,
    marker: op.marker,
    lastUpdated: null,
    updatedBy: null,
  }));
}

describe('an arrears period', () => {
  it('is last month, final from the later of the distributor’s day and the tenant’s', () => {
    expect(arrearsPeriod('2021-01-03', 4, 4)).toMatchObject({
      month: '2020-12',
      final: false,
      finalFrom: '2021-01-04',
    });
    expect(arrearsPeriod('2021-01-04', 4, 4)).toMatchObject({ month: '2020-12', final: true });
    expect(arrearsPeriod('2021-01-04', 4, 6)).toMatchObject({ final: false, finalFrom: '2021-01-06' });
    expect(arrearsPeriod('2021-03-31', 4, 31)).toMatchObject({
      month: '2021-02',
      finalFrom: '2021-03-31',
      final: true,
    });
  });
});

describe('markup', () => {
  it('rounds the marked-up cost half away from zero to the cent, once', () => {
    // $10.005 with no markup is $10.01; $0.994 + 0.5% is $0.99897 → $1.00; a credit rounds the same way.
    expect(markedUp(10_005_000, 0)).toBe(1001);
    expect(markedUp(994_000, 50)).toBe(100);
    expect(markedUp(-10_005_000, 0)).toBe(-1001);
    expect(markedUp(10_004_999, 0)).toBe(1000);
  });
});

describe('Multi Products', () => {
  it('gives the guide’s figures: 44 × $1.79 / $3.25 and 15 × $2.44 / $3.00, from the latest daily total', () => {
    const plan = planUsage(input());
    expect(plan.status).toBe('ok');
    const [bus, adv] = plan.operations.map((o) => o.after);
    expect(plan.operations.map((o) => o.type)).toEqual(['create-recurring', 'create-recurring']);
    // ConnectWise has invoiced up to February: the line starts there, not at the subscription's start.
    expect(bus).toMatchObject({ catalogItemId: 2056, quantity: 44, effectiveDate: '2021-02-01', recurring: true });
    const open = planUsage(input({ agreement: { ...agreement, nextInvoiceDate: '2020-07-01T00:00:00Z' } }));
    expect(open.operations[0]!.after.effectiveDate).toBe('2020-07-01');
    expect([bus!.totalCost.cents, bus!.totalPrice.cents]).toEqual([7876, 14300]);
    expect(bus!.invoiceDescription).toBe('1stwestinsurance.com - 1stwestinsurance.com - Proofpoint Business');
    expect([adv!.quantity, adv!.totalCost.cents, adv!.totalPrice.cents]).toEqual([15, 3660, 4500]);
    expect(plan.rows.map((r) => r.status)).toEqual(['Creating', 'Creating']);
    expect(plan.totalCents).toBe(18800);
  });

  it("bills a $0 line of a distributor that prices its lines at $0, and one that only counts at the product's price", () => {
    const free = line(business, 44, '0', '0');
    const reading = { day: '2020-12-31', summaries: [{ id: 's1', resourceGroup: 'a.com', lines: [free] }] };
    const listed = { catalogItemId: 2056, sync: true, catalogPrice: { priceCents: 650, costCents: 390 } };
    const at = (linesPriced: boolean) =>
      planUsage(
        input({
          reading,
          subProducts: new Map([[business, listed]]),
          distributor: { name: 'X', markerPrefix: 'x', linesPriced },
        }),
      ).operations[0]!.after;
    expect([at(true).unitPrice.cents, at(true).unitCost.cents]).toEqual([0, 0]);
    expect([at(false).unitPrice.cents, at(false).unitCost.cents, at(false).totalPrice.cents]).toEqual([
      650, 390, 28600,
    ]);
  });

  it('writes nothing for a month with no change, and updates only the sub-product that changed', () => {
    const first = planUsage(input());
    const additions = written(first);
    const again = planUsage(input({ additions }));
    expect(again.operations).toEqual([]);
    expect(again.rows.map((r) => r.status)).toEqual(['Unchanged', 'Unchanged']);

    const next = input({ additions, today: '2021-02-04', period: arrearsPeriod('2021-02-04', 4, 4) });
    next.reading = {
      day: '2021-01-31',
      summaries: [
        { ...next.reading.summaries[0]!, lines: [line(business, 46, '1.79', '3.25', '2021-01-31')] },
        { ...next.reading.summaries[1]!, lines: [line(advanced, 15, '2.44', '3.00', '2021-01-31')] },
      ],
    };
    const changed = planUsage(next);
    expect(changed.operations).toHaveLength(1);
    expect(changed.operations[0]).toMatchObject({
      type: 'update-recurring',
      additionId: 900,
      key: expect.stringContaining(':2021-01'),
    });
    expect(changed.operations[0]!.after.quantity).toBe(46);
    expect(changed.rows.map((r) => r.status)).toEqual(['Updating', 'Unchanged']);
  });

  it('skips an unbound sub-product, or one whose sync is off, and says why', () => {
    const plan = planUsage(input({ subProducts: new Map([[business, { catalogItemId: 2056, sync: false }]]) }));
    expect(plan.operations).toEqual([]);
    expect(plan.rows.map((r) => [r.status, r.reason])).toEqual([
      ['Skipped', `Usage sync is off for ${business}; turn it on on the Products page.`],
      ['Skipped', `${advanced} is not bound to a ConnectWise product; bind it on the Products page.`],
    ]);
  });

  it('writes nothing before the period is final, and says from when it is', () => {
    const plan = planUsage(input({ today: '2021-01-03', period: arrearsPeriod('2021-01-03', 4, 4) }));
    expect(plan.status).toBe('waiting');
    expect(plan.operations).toEqual([]);
    expect(plan.reason).toBe("December 2020's usage is final from 01/04/2021; nothing is written before then.");
    expect(plan.rows).toHaveLength(2);
  });

  it('leaves a line whose sub-product’s sync was turned off as it is', () => {
    const additions = written(planUsage(input()));
    const off = new Map([
      [business, { catalogItemId: 2056, sync: false }],
      [advanced, { catalogItemId: 1310, sync: true }],
    ]);
    const plan = planUsage(input({ additions, subProducts: off }));
    expect(plan.operations).toEqual([]);
    expect(plan.rows.map((r) => r.status)).toEqual(['Skipped', 'Unchanged']);
  });

  it('ends a line whose sub-product had no usage this period', () => {
    const additions = written(planUsage(input()));
    const next = input({ additions });
    next.reading = { ...next.reading, summaries: [next.reading.summaries[0]!] };
    const plan = planUsage(next);
    // The line starts on 02/01 (ConnectWise has invoiced January): it ends the day it starts,
    // the earliest end ConnectWise takes, not on 01/31, which it refuses.
    expect(plan.operations.map((o) => [o.type, o.additionId, o.after.cancelledDate])).toEqual([
      ['cancel-addition', 901, '2021-02-01'],
    ]);
  });

  it('names sub-products as invoices read them', () => {
    expect(shortName('Proofpoint Essentials - Professional')).toBe('Proofpoint Professional');
    expect(shortName('Proofpoint Essentials Archive Monthly Data')).toBe('Proofpoint Essentials Archive Monthly Data');
  });
});

describe('Azure and the one-time options', () => {
  const meters = (...l: UsageLine[]) => ({
    day: '2020-12-31',
    summaries: [{ id: 'a', resourceGroup: 'contoso-prod', lines: l }],
  });
  const azure = meters(
    { ...line('Virtual Machines D2s v3 (vm-web-01)', 744, '0.096', '0.12'), unit: 'Hours' },
    { ...line('Storage LRS (stcontoso)', 512, '0.0184', '0.023'), unit: 'GB' },
  );

  it('bills a month as one line: quantity 1, the marked-up total, listing the meters, in the month after', () => {
    const plan = planUsage(input({ option: 'usage-summary', reading: azure, subProducts: new Map(), markupBp: 1500 }));
    expect(plan.operations).toHaveLength(1);
    const op = plan.operations[0]!;
    // 744 × 0.096 = 71.424 and 512 × 0.0184 = 9.4208: $80.8448 cost, × 1.15 = $92.97152 → $92.97.
    expect(op).toMatchObject({ type: 'create-usage', kind: 'usage' });
    expect(op.after).toMatchObject({
      quantity: 1,
      effectiveDate: '2021-02-01',
      cancelledDate: '2021-02-28',
      recurring: false,
    });
    expect([op.after.unitCost.cents, op.after.unitPrice.cents, op.after.totalPrice.cents]).toEqual([8084, 9297, 9297]);
    expect(op.after.unitPrice.derivation).toBe('$80.84 cost + 15% markup = $92.97');
    expect(op.after.invoiceDescription).toBe(
      'Proofpoint Essentials - contoso-prod - December 2020: Storage LRS (stcontoso) (512 GB), Virtual Machines D2s v3 (vm-web-01) (744 Hours)',
    );
    const again = planUsage(
      input({
        option: 'usage-summary',
        reading: azure,
        subProducts: new Map(),
        markupBp: 1500,
        additions: written(plan),
      }),
    );
    expect(again.operations).toEqual([]);
  });

  it('bills a recount after the month was written once more, as a line of the difference, and then nothing', () => {
    const base = { option: 'usage-summary' as const, subProducts: new Map(), markupBp: 1500 };
    const first = planUsage(input({ ...base, reading: azure }));
    const additions = written(first);
    // Pax8 recounts a meter: 800 VM hours where 744 were billed.
    const recount = meters(
      { ...line('Virtual Machines D2s v3 (vm-web-01)', 800, '0.096', '0.12'), unit: 'Hours' },
      { ...line('Storage LRS (stcontoso)', 512, '0.0184', '0.023'), unit: 'GB' },
    );
    const again = planUsage(input({ ...base, reading: recount, additions }));
    expect(again.rows.map((r) => r.status)).toEqual(['Creating']);
    const op = again.operations[0]!;
    // (800 × 0.096 + 9.4208) × 1.15 = $99.15472 → $99.15; $92.97 was billed: +$6.18 once more.
    expect([op.after.quantity, op.after.totalPrice.cents]).toEqual([1, 618]);
    expect(op.reason).toBe(
      'Pax8 recounted December 2020 after it was billed: $92.97 written, $99.15 now; the difference of $6.18 is billed once.',
    );
    const settled = planUsage(input({ ...base, reading: recount, additions: [...additions, ...written(again, 950)] }));
    expect(settled.operations).toEqual([]);
    expect(settled.rows.map((r) => r.status)).toEqual(['Unchanged']);
    // A recount down is a credit of the difference.
    const down = planUsage(input({ ...base, reading: azure, additions: [...additions, ...written(again, 950)] }));
    expect(down.operations.map((o) => [o.after.quantity, o.after.unitPrice.cents])).toEqual([[-1, 618]]);
  });

  it('bills one line per usage line with Usage Lines, and a member’s price with Flat Rate', () => {
    const lines = planUsage(input({ option: 'usage-lines', reading: azure, subProducts: new Map() }));
    expect(lines.operations.map((o) => [o.after.quantity, o.after.totalPrice.cents])).toEqual([
      // $0.023 a GB and $0.096 an hour are not whole cents: each line bills its exact total once.
      [1, 1178],
      [1, 8928],
    ]);
    const flat = planUsage(input({ option: 'flat-rate', flatPriceCents: 25_000 }));
    expect(
      flat.operations.map((o) => [o.type, o.after.quantity, o.after.totalPrice.cents, o.after.totalCost.cents]),
    ).toEqual([['create-recurring', 1, 25_000, 7876 + 3660]]);
    expect(planUsage(input({ option: 'flat-rate' })).status).toBe('blocked');
  });

  it('switching from Multi Products in the same month never bills the month twice', () => {
    const additions = written(planUsage(input()));
    const plan = planUsage(input({ option: 'usage-summary', additions }));
    // The recurring lines bill December's usage in February: they end after February, and Usage
    // Summary bills from the next period.
    expect(plan.operations.map((o) => [o.type, o.after.cancelledDate])).toEqual([
      ['cancel-addition', '2021-02-28'],
      ['cancel-addition', '2021-02-28'],
    ]);
    expect(plan.notes.join(' ')).toMatch(/December 2020's usage is billed in February 2021 by the lines synced before/);
    // Every end is on or after the line's start, as ConnectWise requires.
    for (const op of plan.operations) expect(op.after.cancelledDate! >= op.after.effectiveDate).toBe(true);
  });

  it('switching between Usage Summary and Usage Lines in the same month never bills the month twice', () => {
    const azure = {
      day: '2020-12-31',
      summaries: [
        { id: 'a', resourceGroup: 'contoso-prod', lines: [line('Virtual Machines (vm-01)', 744, '0.096', '0.12')] },
      ],
    };
    const base = { reading: azure, subProducts: new Map() };
    const summary = written(planUsage(input({ ...base, option: 'usage-summary' })));
    const lines = planUsage(input({ ...base, option: 'usage-lines', additions: summary }));
    expect(lines.operations).toEqual([]);
    expect(lines.rows[0]!.reason).toMatch(/^December 2020 is billed already under Usage Summary \(addition 900\)/);
    const back = planUsage(
      input({
        ...base,
        option: 'usage-summary',
        additions: written(planUsage(input({ ...base, option: 'usage-lines' }))),
      }),
    );
    expect(back.operations).toEqual([]);
  });

  it('flags a month past the customer’s threshold', () => {
    expect(planUsage(input({ thresholdCents: 18_000 })).overThreshold).toBe(true);
    expect(planUsage(input({ thresholdCents: 18_800 })).overThreshold).toBe(false);
  });

  it('keys each one-time line by its period, so a month is billed once', () => {
    const plan = planUsage(input({ option: 'usage-summary', reading: azure, subProducts: new Map() }));
    expect(plan.operations[0]!.key).toBe('usage:sub-1:2020-12:contoso-prod');
    expect(plan.operations[0]!.marker).toMatch(/^p8s:[0-9a-f]{24}$/);
    expect(plan.operations[0]!.marker.slice(12)).toBe(markerFor('usage:sub-1:2020-12:contoso-prod', 'p8s').slice(4));
  });
});
