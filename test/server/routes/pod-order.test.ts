import { describe, expect, it } from 'vitest';
import { podRowOrder } from '../../../server/routes/sync.ts';

const row = (name: string, monthlyDifference: number, commitment: { state: string; closingSoon: boolean } | null) => ({
  name,
  state: 'out-of-sync',
  monthlyDifference,
  commitment: commitment && {
    ...commitment,
    state: commitment.state as 'reducible' | 'committed',
    windowClosesAt: null,
    endsOn: null,
    unbilledSeats: 1,
    atStakeCents: 0,
    periodsLeft: 1,
  },
});

describe("the agreement pod's order", () => {
  it('puts a commitment whose window closes soon first, then one still reducible, then the rest by money', () => {
    const rows = [
      row('big change', 50_000, null),
      row('committed', 20_000, { state: 'committed', closingSoon: false }),
      row('reducible', 100, { state: 'reducible', closingSoon: false }),
      row('closing soon', 10, { state: 'reducible', closingSoon: true }),
    ];
    expect(rows.sort(podRowOrder).map((r) => r.name)).toEqual(['closing soon', 'reducible', 'big change', 'committed']);
  });
});
