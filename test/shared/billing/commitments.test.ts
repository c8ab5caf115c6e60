import { describe, expect, it } from 'vitest';
import { type CommitmentInput, commitmentPosition, termMonths } from '../../../shared/billing/commitments.ts';

/** A Sunday afternoon in New York, 22 November 2026: 09:00 there. */
const NOW = '2026-11-22T14:00:00Z';
const ZONE = 'America/New_York';

const annual = (over: Partial<CommitmentInput['subscription']> = {}): CommitmentInput['subscription'] => ({
  quantity: 20,
  status: 'Active',
  billingTerm: 'Monthly',
  startDate: '2026-11-18T09:00:00Z',
  commitment: { term: 'Annual', endDate: '2027-11-18' },
  cancellableUntil: null,
  unitCost: 18_700_000,
  ...over,
});
const position = (
  subscription: CommitmentInput['subscription'],
  cwSeats: number,
  over: Partial<CommitmentInput> = {},
) => commitmentPosition({ subscription, cwSeats, now: NOW, timeZone: ZONE, ...over });

describe('a commitment subscription', () => {
  it('bought four days ago: reducible until 168 hours after the purchase, to the minute in the tenant zone', () => {
    const p = position(annual(), 15)!;
    expect(p).toMatchObject({
      windowClosesAt: '2026-11-25T04:00:00.000-05:00',
      windowFrom: 'purchase',
      state: 'reducible',
      // 67 hours away: inside the 72-hour horizon.
      closingSoon: true,
      endsOn: '2027-11-17',
      renewsOn: '2027-11-18',
      unbilledSeats: 5,
      unitCostCents: 1_870,
      // Monthly charges from 18 November 2026 to 18 October 2027, the current one included.
      periodsLeft: 12,
      // 5 seats × $18.70 × 12 = $1,122.00.
      atStakeCents: 112_200,
      renewalDue: false,
    });
    expect(position(annual(), 15, { horizonHours: 48 })!.closingSoon).toBe(false);
  });

  it('past its window: committed until the term ends, the cost carried to the end of the term', () => {
    const p = position(
      annual({
        quantity: 10,
        startDate: '2026-11-14T12:00:00Z',
        commitment: { term: '1-Year', endDate: '2027-11-14' },
        unitCost: 36_000_000,
      }),
      8,
    )!;
    expect(p).toMatchObject({
      windowClosesAt: '2026-11-21T07:00:00.000-05:00',
      state: 'committed',
      closingSoon: false,
      unbilledSeats: 2,
      periodsLeft: 12,
      // 2 seats × $36.00 × 12 = $864.00.
      atStakeCents: 86_400,
    });
  });

  it('renewing within 30 days: due for review, with the moment a change must be in, and its window from the renewal', () => {
    const p = position(
      annual({ quantity: 5, startDate: '2025-12-10T15:00:00Z', commitment: { term: 'Annual', endDate: '2026-12-10' } }),
      5,
    )!;
    expect(p).toMatchObject({
      renewsOn: '2026-12-10',
      changeBy: '2026-12-10T00:00:00.000-05:00',
      renewalDue: true,
      state: 'committed',
      windowFrom: 'purchase',
      unbilledSeats: 0,
      periodsLeft: 1,
      atStakeCents: 0,
    });
    expect(
      position(
        annual({ startDate: '2024-12-10T15:00:00Z', commitment: { term: 'Annual', endDate: '2026-12-10' } }),
        20,
      ),
    ).toMatchObject({ windowFrom: 'renewal', windowClosesAt: '2025-12-17T00:00:00.000-05:00' });
    expect(position(annual(), 20, { renewalNoticeDays: 10 })!.renewalDue).toBe(false);
  });

  it("takes the distributor's own date where it sends one", () => {
    const p = position(annual({ cancellableUntil: '2026-11-24T18:45:00Z' }), 18)!;
    expect(p).toMatchObject({
      windowFrom: 'distributor',
      windowClosesAt: '2026-11-24T13:45:00.000-05:00',
      closingSoon: true,
    });
  });

  it('billed yearly: one period left, at the yearly cost', () => {
    const p = position(annual({ billingTerm: 'Annual', unitCost: 220_000_000 }), 19)!;
    expect(p).toMatchObject({ periodsLeft: 1, atStakeCents: 22_000 });
  });

  it('is no commitment without one, or once it is no longer active', () => {
    expect(position(annual({ commitment: null }), 0)).toBeNull();
    expect(position(annual({ status: 'Cancelled' }), 0)).toBeNull();
  });

  it('reads a term in any of its spellings', () => {
    expect(['Annual', '1-Year', '1 Year', 'P1Y', '3-Year', 'P1M', 'Monthly'].map(termMonths)).toEqual([
      12,
      12,
      12,
      12,
      36,
      1,
      null,
    ]);
  });
});
