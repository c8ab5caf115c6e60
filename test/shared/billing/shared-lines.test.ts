import { describe, expect, it } from 'vitest';
import type { AdditionView } from '../../../shared/billing/additions.ts';
import { ownLines, sharedLineBlocker } from '../../../shared/billing/assessment/shared-lines.ts';

const nameOf = (key: string) => ({ pax8: 'Pax8', ion: 'StreamOne Ion' })[key] ?? key;

const line = (id: number, marker: string | null): AdditionView => ({
  id,
  agreementId: 201,
  catalogItemId: 1201,
  quantity: 4,
  unitPrice: 25_000_000,
  unitCost: 20_000_000,
  effectiveDate: '2026-09-01',
  cancelledDate: null,
  invoiceDescription: 'M365',
  marker,
  lastUpdated: null,
  updatedBy: null,
});

describe('lines two distributors could both bill', () => {
  it("leaves another distributor's marked lines out, and keeps its own and unmarked ones", () => {
    const lines = [line(1, 'p8s:0123456789abcdef'), line(2, 'ion:0123456789abcdef'), line(3, null), line(4, 'PO-1234')];
    expect(ownLines(lines, 'ion').map((l) => l.id)).toEqual([2, 3, 4]);
    expect(ownLines(lines, 'p8s').map((l) => l.id)).toEqual([1, 3, 4]);
  });

  it('refuses to take over an unmarked line only where another distributor maps to the agreement and binds the item', () => {
    const agreement = { id: 201, name: 'Oxford Managed Services' };
    const others = { agreements: new Map([[201, new Set(['pax8'])]]), items: new Map([[1201, new Set(['pax8'])]]) };
    expect(sharedLineBlocker(others, agreement, 1201, [line(3, null)], nameOf)).toMatch(
      /^Agreement Oxford Managed Services may bill this product for Pax8 too/,
    );
    // A line the sync marked is someone's own: nothing is in doubt.
    expect(sharedLineBlocker(others, agreement, 1201, [line(2, 'ion:0123456789abcdef')], nameOf)).toBeNull();
    // Pax8 binds the item but maps nothing to this agreement, or maps here but binds another item.
    expect(
      sharedLineBlocker({ ...others, agreements: new Map() }, agreement, 1201, [line(3, null)], nameOf),
    ).toBeNull();
    expect(sharedLineBlocker(others, agreement, 1300, [line(3, null)], nameOf)).toBeNull();
    expect(sharedLineBlocker(others, agreement, 1201, [], nameOf)).toBeNull();
  });
});
