import { describe, expect, it } from 'vitest';
import { type AssessInputs, assessOne } from '../../../shared/billing/assessment/assess-one.ts';
import type { OperationRecord } from '../../../shared/billing/assessment/records.ts';
import { addition, agreement, GUIDE_RULES, subscription } from './planner-fixtures.ts';

/** What a run read, as plain values: the decision needs no database and no vendor. */
function read(over: Partial<AssessInputs> = {}): AssessInputs {
  return {
    today: '2020-09-22',
    rules: GUIDE_RULES,
    distributor: { displayName: 'Pax8', markerPrefix: 'p8s' },
    nameOf: (key) => key,
    bound: new Map([['oxford', { distributorCompanyName: 'Oxford Consulting', cwCompanyId: 19 }]]),
    byService: new Map([['sub-314438', { status: 'mapped', cwAgreementId: 290 }]]),
    ignored: new Set(),
    problemsOf: new Map(),
    waivedOf: new Map(),
    outstandingOf: new Map(),
    writtenOf: new Map(),
    catalogOf: new Map([['e3', { cwCatalogItemId: 1201, cwCatalogIdentifier: 'O365-E3' }]]),
    agreements: new Map([[290, agreement()]]),
    additions: new Map([[290, [addition({ quantity: 2 })]]]),
    others: { agreements: new Map(), items: new Map() },
    ...over,
  };
}

describe('one subscription decided from what a run read', () => {
  it('is in sync when the one line bills its seats at its price and cost', () => {
    const { assessment, next } = assessOne(subscription(), read());
    expect(next).toBeNull();
    expect(assessment.state).toBe('in-sync');
    expect([assessment.cwQuantity, assessment.cwAdditionId, assessment.monthlyDifference]).toEqual([2, 683, 0]);
  });

  it('asks the planner, with the line as input, when the seats differ: 3 seats at $25.00 against 2 is $25.00 a month', () => {
    const { assessment, next } = assessOne(subscription({ quantity: 3 }), read());
    expect(next).toBe('plan');
    expect(assessment.monthlyDifference).toBe(2500);
    expect(assessment.input?.additions.map((a) => a.id)).toEqual([683]);
    expect(assessment.input?.product).toEqual({ catalogItemId: 1201, label: 'O365-E3' });
  });

  it('prices an unmapped subscription whole, and says to map it', () => {
    const { assessment, next } = assessOne(subscription(), read({ byService: new Map() }));
    expect(next).toBeNull();
    expect(assessment.state).toBe('unmapped');
    expect(assessment.monthlyDifference).toBe(5000);
  });

  it('does not take over a line that another distributor, named by its key, may bill', () => {
    const others = { agreements: new Map([[290, new Set(['ion'])]]), items: new Map([[1201, new Set(['ion'])]]) };
    const { assessment } = assessOne(
      subscription({ quantity: 3 }),
      read({ others, nameOf: (key) => (key === 'ion' ? 'StreamOne Ion' : key) }),
    );
    expect(assessment.reason).toMatch(/may bill this product for StreamOne Ion too/);
  });

  it('asks the planner when a line the sync wrote was removed, and passes its marker as gone', () => {
    const written: OperationRecord = {
      id: 'op-1',
      opKey: 'k1',
      marker: 'p8s:0123456789abcdef',
      cwAgreementId: 290,
      additionId: 700,
      request: { method: 'POST', body: { quantity: 1, unitPrice: 25 } },
      summary: { title: 'Creating Microsoft Office 365 Enterprise E3 addition' },
      state: 'confirmed',
      error: null,
      waivedBy: null,
      waivedAt: null,
      waivedReason: null,
      updatedAt: new Date('2020-09-01T00:00:00Z'),
    };
    const { assessment, next } = assessOne(subscription(), read({ writtenOf: new Map([['sub-314438', [written]]]) }));
    expect(next).toBe('plan');
    expect(assessment.drift.map((d) => d.kind)).toEqual(['gone']);
    expect(assessment.input?.gone).toEqual(['p8s:0123456789abcdef']);
  });
});
