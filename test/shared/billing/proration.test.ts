import { describe, expect, it } from 'vitest';
import { lineTotal, prorateUnit } from '../../../shared/billing/proration.ts';
import { parseMicros } from '../../../shared/money.ts';

const $ = (n: number) => parseMicros(n);

describe("the Pax8 guide's prorates, to the cent", () => {
  it('9/9/2020: one seat at $20 cost / $25 price → $14.00 / $17.50 for 9/9–9/30', () => {
    const price = prorateUnit($(25), '2020-09-09');
    const cost = prorateUnit($(20), '2020-09-09');
    expect(price.unit).toEqual({ cents: 1750, derivation: '$25.00 × 21/30 = $17.50' });
    expect(cost.unit.cents).toBe(1400);
    expect(price.period).toEqual({ from: '2020-09-09', to: '2020-09-30' });
    expect(lineTotal(price.unit.cents, 1)).toEqual({ cents: 1750, derivation: '$17.50 × 1 unit = $17.50' });
  });

  it('8/5/2020: 12 seats (to 282) at $5 / $6 → $4.19 / $5.03 each, $60.36 to ConnectWise', () => {
    const price = prorateUnit($(6), '2020-08-05');
    const cost = prorateUnit($(5), '2020-08-05');
    expect([cost.unit.cents, price.unit.cents]).toEqual([419, 503]);
    expect(price.unit.derivation).toBe('$6.00 × 26/31 = $5.03');
    expect(lineTotal(price.unit.cents, 12).cents).toBe(6036);
    expect(price.period).toEqual({ from: '2020-08-05', to: '2020-08-31' });
  });

  it('8/17/2020: one seat (to 283) at $5 / $6 → $2.26 / $2.71, $2.71 to ConnectWise', () => {
    const price = prorateUnit($(6), '2020-08-17');
    const cost = prorateUnit($(5), '2020-08-17');
    expect([cost.unit.cents, price.unit.cents]).toEqual([226, 271]);
    expect(lineTotal(price.unit.cents, 1).cents).toBe(271);
  });

  it('February 2021 at $20 / $25: 02/04 → $17.14 / $21.43 (2 seats, $42.86); 02/17 → $7.86 / $9.82 (1 seat, $9.82)', () => {
    const feb4 = { price: prorateUnit($(25), '2021-02-04'), cost: prorateUnit($(20), '2021-02-04') };
    expect([feb4.cost.unit.cents, feb4.price.unit.cents]).toEqual([1714, 2143]);
    expect(lineTotal(feb4.price.unit.cents, 2).cents).toBe(4286);
    expect(lineTotal(feb4.cost.unit.cents, 2)).toEqual({ cents: 3428, derivation: '$17.14 × 2 units = $34.28' });
    const feb17 = { price: prorateUnit($(25), '2021-02-17'), cost: prorateUnit($(20), '2021-02-17') };
    expect([feb17.cost.unit.cents, feb17.price.unit.cents]).toEqual([786, 982]);
    expect(lineTotal(feb17.price.unit.cents, 1)).toEqual({ cents: 982, derivation: '$9.82 × 1 unit = $9.82' });
    expect(feb17.price.period).toEqual({ from: '2021-02-17', to: '2021-02-28' });
  });

  it('bills the whole month under the first-of-the-month rule', () => {
    expect(prorateUnit($(25), '2020-09-09', true)).toMatchObject({
      unit: { cents: 2500 },
      period: { from: '2020-09-01', to: '2020-09-30' },
    });
  });
});
