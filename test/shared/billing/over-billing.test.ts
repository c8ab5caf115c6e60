import { describe, expect, it } from 'vitest';
import type { AdditionView } from '../../../shared/billing/additions.ts';
import { overBillingOn } from '../../../shared/billing/over-billing.ts';
import type { Subscription } from '../../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../../shared/schemas/mapping.ts';

const agreement: AgreementView = {
  id: 7,
  name: 'Managed Services',
  type: 'MSP',
  companyId: 3,
  startDate: '2026-01-01',
  endDate: null,
  cancelled: false,
  status: 'Active',
  billingCycle: 'Monthly',
  billStartDate: '2026-01-01',
  nextInvoiceDate: '2026-12-01',
  prorates: false,
} as AgreementView;

const line = (id: number, catalogItemId: number, quantity: number, unitPrice = 8_000_000): AdditionView => ({
  id,
  agreementId: 7,
  catalogItemId,
  quantity,
  unitPrice,
  unitCost: 6_400_000,
  effectiveDate: '2026-06-01',
  cancelledDate: null,
  invoiceDescription: null,
  marker: null,
  lastUpdated: null,
  updatedBy: null,
});

const sub = (id: string, productId: string, quantity: number, billingTerm: Subscription['billingTerm'] = 'Monthly') =>
  ({ id, companyId: 'c', productId, productName: productId, quantity, status: 'Active', billingTerm }) as Subscription;

const products = [{ catalogItemId: 100, label: 'EXO-P1', distributorProductIds: ['exo'] }];
const run = (additions: AdditionView[], subscriptions: Parameters<typeof overBillingOn>[0]['subscriptions']) =>
  overBillingOn({ agreement, additions, products, subscriptions, today: '2026-11-30', distributorName: 'Pax8' });

describe('possible over-billing on an agreement', () => {
  it('flags 47 billed seats against 43 unmapped Pax8 seats on a 2-year term: 4 seats, $32.00 a month', () => {
    const [o, ...rest] = run(
      [line(1, 100, 47)],
      [{ subscription: sub('s', 'exo', 43, '2-Year'), mappedTo: null, additionId: null }],
    );
    expect(rest).toEqual([]);
    expect(o).toMatchObject({ cwQuantity: 47, distributorQuantity: 43, extraSeats: 4, monthlyDifference: -3200 });
    expect(o!.reason).toMatch(
      /Pax8 has 43 seats of it \(2-Year\) not mapped to any agreement\. 4 seats \(\$32\.00 a month\)/,
    );
  });

  it('flags every seat when nothing at the distributor stands behind the line', () => {
    const [o] = run([line(1, 100, 5, 10_000_000)], []);
    expect(o).toMatchObject({ extraSeats: 5, monthlyDifference: -5000 });
  });

  it('leaves a line a mapped subscription bills to that subscription, and ignores products nobody bound', () => {
    expect(
      run([line(1, 100, 47), line(2, 999, 3)], [{ subscription: sub('s', 'exo', 40), mappedTo: 7, additionId: 1 }]),
    ).toEqual([]);
  });

  it('does not flag seats the unmapped subscriptions cover, nor one-time or cancelled lines', () => {
    expect(
      run([line(1, 100, 43)], [{ subscription: sub('s', 'exo', 43, '2-Year'), mappedTo: null, additionId: null }]),
    ).toEqual([]);
    const prorate = { ...line(2, 100, 9), effectiveDate: '2026-11-12', cancelledDate: '2026-11-30' };
    const ended = { ...line(3, 100, 9), cancelledDate: '2026-10-31' };
    expect(run([prorate, ended], [])).toEqual([]);
  });

  it('counts a subscription mapped to another agreement as not available here', () => {
    const [o] = run([line(1, 100, 10)], [{ subscription: sub('s', 'exo', 10), mappedTo: 8, additionId: 55 }]);
    expect(o).toMatchObject({ distributorQuantity: 0, extraSeats: 10 });
  });
});
