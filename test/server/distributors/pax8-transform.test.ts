import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHistory, toPricing, toSubscriptions, toUsageLines } from '../../../server/distributors/pax8/transform.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/pax8/subscriptions-quirks.json', import.meta.url), 'utf8'),
) as { content: unknown[] };
const parsed = toSubscriptions(fixture.content);
const byId = (suffix: string) => parsed.items.find((s) => s.id.endsWith(suffix))!;
const problemsFor = (suffix: string) => parsed.problems.filter((p) => p.id?.endsWith(suffix));

describe('Pax8 subscription transform', () => {
  it('reads the documented shape, with dates normalised to UTC and money exact', () => {
    const s = byId('0001');
    expect(s).toMatchObject({
      quantity: 2,
      status: 'Active',
      billingTerm: 'Monthly',
      startDate: '2020-09-01T00:00:00.000Z',
      createdAt: '2020-12-10T06:12:14.453Z',
      unitPrice: 25_000_000,
      unitCost: 20_000_000,
      commitment: null,
    });
    expect(problemsFor('0001')).toEqual([]);
  });

  it('treats a missing quantity as unknown, never 0, and says so', () => {
    const s = byId('0002');
    expect(s.quantity).toBeNull();
    expect(problemsFor('0002')).toEqual([
      expect.objectContaining({
        field: 'quantity',
        effect: 'defaulted',
        message: expect.stringMatching(/unknown, not as 0/),
      }),
    ]);
  });

  it('accepts lower-case and upper-case enums and the `commitment` spelling', () => {
    expect(byId('0002')).toMatchObject({
      status: 'Active',
      billingTerm: 'Annual',
      commitment: { term: 'Annual', endDate: '2022-01-04T00:00:00.000Z' },
    });
    expect(byId('0003')).toMatchObject({
      status: 'PendingCancel',
      billingTerm: '2-Year',
      quantity: 7,
      unitPrice: 4_800_000,
    });
  });

  it('reads date-only and space-separated timestamps', () => {
    expect(byId('0003').startDate).toBe('2020-12-03T00:00:00.000Z');
    expect(byId('0003').updatedAt).toBe('2020-12-10T03:12:14.000Z');
  });

  it('drops what cannot be matched or identified, and reports it', () => {
    expect(parsed.items.some((s) => s.id.endsWith('0004'))).toBe(false);
    expect(problemsFor('0004')).toEqual([expect.objectContaining({ field: 'companyId', effect: 'dropped' })]);
    expect(parsed.problems).toContainEqual(expect.objectContaining({ id: null, field: 'id', effect: 'dropped' }));
    expect(parsed.items).toHaveLength(4);
  });

  it('keeps a record with unreadable fields, reporting each field it defaulted', () => {
    const s = byId('0005');
    expect(s).toMatchObject({
      quantity: null,
      startDate: null,
      unitPrice: null,
      status: 'Active',
      billingTerm: 'Monthly',
    });
    expect(
      problemsFor('0005')
        .map((p) => p.field)
        .sort(),
    ).toEqual(['billingTerm', 'price', 'quantity', 'startDate', 'status']);
  });
});

describe('other Pax8 transforms', () => {
  it('orders history by when each quantity took effect', () => {
    const history = toHistory(
      [
        {
          id: 's',
          companyId: 'c',
          productId: 'p',
          quantity: 3,
          updatedDate: '2021-01-17T10:00:00Z',
          status: 'Active',
          billingTerm: 'Monthly',
        },
        {
          id: 's',
          companyId: 'c',
          productId: 'p',
          quantity: 2,
          updatedDate: '2021-01-04T10:00:00Z',
          status: 'Active',
          billingTerm: 'Monthly',
        },
        { id: 's', companyId: 'c', productId: 'p', quantity: 1, status: 'Active', billingTerm: 'Monthly' },
      ],
      's',
    );
    expect(history.items.map((h) => [h.at.slice(0, 10), h.quantity])).toEqual([
      ['2021-01-04', 2],
      ['2021-01-17', 3],
    ]);
    expect(history.problems).toContainEqual(
      expect.objectContaining({ resource: 'subscriptionHistory', effect: 'dropped' }),
    );
  });

  it('marks $0 pricing as a usage product', () => {
    const pricing = toPricing(
      [{ productId: 'pp', billingTerm: 'Monthly', rates: [{ partnerBuyRate: 0, suggestedRetailPrice: 0 }] }],
      'pp',
    );
    expect(pricing.items[0]).toMatchObject({ usage: true, unitCost: 0 });
  });

  it('keeps sub-cent usage rates exact', () => {
    const lines = toUsageLines(
      [
        {
          usageSummaryId: 'u',
          usageDate: '2026-11-21',
          productName: 'Virtual Machines',
          quantity: 10,
          unitPrice: 0.096,
          currentCharges: 0.96,
        },
      ],
      'u',
    );
    expect(lines.items[0]).toMatchObject({ unitPrice: 96_000, charges: 960_000, quantity: 10 });
  });
});
