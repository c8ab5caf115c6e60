import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../server/sandbox/seed.ts';

describe('seed data', () => {
  it('is the same for the same options and different for another seed', () => {
    const a = generateWorld({ today: '2026-11-22', seed: 7 });
    expect(JSON.stringify(generateWorld({ today: '2026-11-22', seed: 7 }))).toBe(JSON.stringify(a));
    expect(generateWorld({ today: '2026-11-22', seed: 8 }).pax8.subscriptions[0]!.id).not.toBe(
      a.pax8.subscriptions[0]!.id,
    );
  });

  it('scales to 5,000 subscriptions over 500 companies', () => {
    const w = generateWorld({ today: '2026-11-22', companies: 500, subscriptions: 5000 });
    expect(w.pax8.companies.length).toBe(500);
    expect(w.pax8.subscriptions.length).toBe(5000);
    expect(new Set(w.pax8.subscriptions.map((s) => s.id)).size).toBe(5000);
  });

  const w = generateWorld({ today: '2026-11-22', companies: 60, subscriptions: 600 });
  const cwNames = new Set(w.cw.companies.map((c) => c.name));

  it('has companies that match exactly, loosely, or not at all, on both sides', () => {
    const exact = w.pax8.companies.filter((c) => cwNames.has(c.name));
    expect(exact.length).toBeGreaterThan(20);
    expect(w.pax8.companies.find((c) => c.name === 'Frontier Wealth Management, LLC')).toBeDefined();
    expect(cwNames.has('Frontier Wealth Mgmt')).toBe(true);
    expect(w.pax8.companies.some((c) => c.name === 'Franks Flower Shop') && !cwNames.has('Franks Flower Shop')).toBe(
      true,
    );
    expect(cwNames.has('Tampa Office Supply')).toBe(true);
    expect(w.cw.companies.filter((c) => c.name === 'Arcadia Tech').length).toBe(2);
  });

  it('has agreements of every kind the rules care about', () => {
    const a = w.cw.agreements;
    expect(a.some((x) => x.prorateFlag)).toBe(true);
    expect(a.some((x) => !x.prorateFlag && !x.cancelledFlag)).toBe(true);
    expect(a.some((x) => x.cancelledFlag)).toBe(true);
    expect(a.some((x) => x.agreementStatus === 'Expired')).toBe(true);
    expect(a.some((x) => x.billingCycle.name === 'Yearly')).toBe(true);
    expect(a.some((x) => x.nextInvoiceDate === '2027-01-01T00:00:00Z')).toBe(true);
  });

  it('has a catalog where some Pax8 products already have items, and a bundle', () => {
    const skus = new Set(w.cw.catalog.map((i) => i.identifier));
    const mapped = w.pax8.products.filter((p) => skus.has(p.sku));
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.length).toBeLessThan(w.pax8.products.length);
    expect(w.cw.catalog.some((i) => i.productClass === 'Bundle')).toBe(true);
  });

  it('has subscriptions of every term, mid-month changes both ways, cancellations and usage', () => {
    const terms = new Set(w.pax8.subscriptions.map((s) => s.billingTerm));
    for (const t of ['Monthly', 'Annual', '2-Year', '3-Year', 'One-Time']) expect(terms.has(t as never)).toBe(true);
    const changes = Object.values(w.pax8.history).flatMap((h) =>
      h.slice(1).map((snap, i) => ({ snap, delta: snap.quantity - h[i]!.quantity })),
    );
    const thisMonth = changes.filter((c) => c.snap.updatedDate.startsWith('2026-11'));
    expect(thisMonth.some((c) => c.delta > 0)).toBe(true);
    expect(thisMonth.some((c) => c.delta < 0)).toBe(true);
    expect(w.pax8.subscriptions.some((s) => s.status === 'Cancelled' && s.endDate)).toBe(true);
    expect(w.pax8.subscriptions.some((s) => s.commitmentTerm?.endDate)).toBe(true);
    expect(new Set(w.pax8.usageLines.map((l) => l.productName))).toContain('Proofpoint Essentials - Business');
    expect(w.pax8.products.some((p) => p.name === 'Microsoft Azure Plan')).toBe(true);
  });

  it("replays the guide's first example: one seat, then two from the 9th of the month", () => {
    const history = w.pax8.history[w.pax8.subscriptions[0]!.id]!;
    expect(history.map((h) => h.quantity)).toEqual([1, 2]);
    expect(history[1]!.updatedDate).toBe('2026-11-09T15:00:00Z');
  });
});
