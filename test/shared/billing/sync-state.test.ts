import { describe, expect, it } from 'vitest';
import type { AdditionView } from '../../../shared/billing/additions.ts';
import { type StateInput, subscriptionState } from '../../../shared/billing/sync-state.ts';
import { parseMicros } from '../../../shared/money.ts';
import type { Subscription } from '../../../shared/schemas/distributor.ts';

const sub: Subscription = {
  id: 's1',
  companyId: 'c',
  productId: 'p',
  productName: 'E3',
  parentId: null,
  quantity: 7,
  status: 'Active',
  billingTerm: 'Monthly',
  startDate: '2020-01-01T00:00:00.000Z',
  endDate: null,
  createdAt: null,
  updatedAt: null,
  unitPrice: 25_000_000,
  unitCost: 20_000_000,
  currency: 'USD',
  commitment: null,
};
/** Amounts in dollars, as ConnectWise sends them, parsed as the client does. */
const addition = ({ unitPrice = 25, unitCost = 20, ...over }: Partial<AdditionView> = {}): AdditionView => ({
  id: 10,
  agreementId: 290,
  catalogItemId: 1201,
  quantity: 7,
  unitPrice: unitPrice === null ? null : parseMicros(unitPrice),
  unitCost: unitCost === null ? null : parseMicros(unitCost),
  effectiveDate: '2020-02-01T00:00:00Z',
  cancelledDate: null,
  invoiceDescription: null,
  marker: null,
  lastUpdated: null,
  updatedBy: null,
  ...over,
});
const input = (over: Partial<StateInput> = {}): StateInput => ({
  subscription: sub,
  ignored: false,
  mapping: { status: 'mapped', lastError: null, cwAgreementId: 290, additionIds: [10] },
  catalogItemId: 1201,
  additions: [addition()],
  today: '2020-09-22',
  ...over,
});

describe('subscription state against ConnectWise', () => {
  it('walks the states a technician sees', () => {
    expect(subscriptionState(input()).state).toBe('in-sync');
    expect(subscriptionState(input({ ignored: true })).state).toBe('ignored');
    expect(subscriptionState(input({ mapping: null })).state).toBe('unmapped');
    expect(
      subscriptionState(
        input({ mapping: { status: 'failed', lastError: 'boom', cwAgreementId: 290, additionIds: [] } }),
      ),
    ).toEqual({ state: 'failed', difference: null, error: 'boom' });
    expect(
      subscriptionState(
        input({ additions: [], mapping: { status: 'mapped', lastError: null, cwAgreementId: 290, additionIds: [] } }),
      ).state,
    ).toBe('mapped');
  });

  it('says what differs', () => {
    expect(subscriptionState(input({ additions: [addition({ quantity: 5 })] })).difference).toBe(
      'ConnectWise 5, Pax8 7 (+2)',
    );
    expect(subscriptionState(input({ additions: [addition({ unitPrice: 24 })] })).difference).toBe(
      'price $24.00 in ConnectWise, $25.00 in Pax8',
    );
    expect(subscriptionState(input({ subscription: { ...sub, endDate: '2020-09-10T00:00:00.000Z' } })).difference).toBe(
      'Ended in Pax8 on 2020-09-10, still billing in ConnectWise',
    );
  });

  it('reports two current additions as a conflict, and ignores one-time and ended ones', () => {
    const two = subscriptionState(input({ additions: [addition(), addition({ id: 11 })] }));
    expect(two.state).toBe('out-of-sync');
    expect(two.difference).toMatch(/2 current additions .* \(ids 11, 10\)/);
    const oneTime = addition({
      id: 12,
      quantity: 1,
      effectiveDate: '2020-10-01T00:00:00Z',
      cancelledDate: '2020-10-31T00:00:00Z',
    });
    expect(subscriptionState(input({ additions: [addition(), oneTime] })).state).toBe('in-sync');
  });

  it('never treats an unknown quantity as a number', () => {
    expect(subscriptionState(input({ subscription: { ...sub, quantity: null } }))).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/did not say how many/),
    });
  });
});
