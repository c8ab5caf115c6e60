import { describe, expect, it } from 'vitest';
import type { AdditionView } from '../../../shared/billing/additions.ts';
import {
  compareInvoice,
  type ReconcileInput,
  totalsByCurrency,
  totalsOf,
} from '../../../shared/billing/reconcile/compare.ts';
import type { InvoiceItem } from '../../../shared/schemas/distributor.ts';

const M = 1_000_000;
const item = (over: Partial<InvoiceItem> = {}): InvoiceItem => ({
  id: 'i1',
  invoiceId: 'inv',
  type: 'subscription',
  kind: 'seats',
  companyId: 'c',
  subscriptionId: 's',
  productId: 'p',
  productName: 'Microsoft 365 Business Basic',
  startPeriod: '2026-10-01',
  endPeriod: '2026-10-31',
  quantity: 8,
  price: 7.2 * M,
  cost: 4.8 * M,
  total: 57.6 * M,
  costTotal: 38.4 * M,
  term: 'Monthly',
  ...over,
});
const line = (over: Partial<AdditionView> = {}): AdditionView => ({
  id: 1,
  agreementId: 10,
  catalogItemId: 5,
  quantity: 1,
  unitPrice: 6 * M,
  unitCost: 4.8 * M,
  effectiveDate: '2026-09-01T00:00:00Z',
  cancelledDate: null,
  invoiceDescription: null,
  marker: null,
  lastUpdated: null,
  updatedBy: null,
  ...over,
});
const input = (over: Partial<ReconcileInput> = {}): ReconcileInput => ({
  period: '2026-10',
  distributorName: 'Pax8',
  cutover: '2026-11-04',
  invoiceLines: [item()],
  invoiceThere: true,
  additions: [line()],
  asInPeriod: new Map(),
  adjustmentMarkers: new Map([['p8s:adj', 'either' as const]]),
  tolerance: { cents: 0, bp: 0 },
  currency: 'USD',
  agreementCurrency: 'USD',
  ...over,
});

describe('reconciling a period against the invoice', () => {
  it('ConnectWise 1 against invoice 8: Pending Review, +7 at the agreement’s price', () => {
    const c = compareInvoice(input());
    expect(c.status).toBe('review');
    expect(c.figures).toMatchObject({
      quantityDifference: 7,
      expectedCents: 4800,
      differenceCents: 4200,
      costDifferenceCents: 3360,
      marginCents: 600 - 3840,
    });
    expect(c.adjustment).toEqual({
      kind: 'seats',
      quantity: 7,
      unitPriceCents: 600,
      unitCostCents: 480,
      derivation: '+7 × $6.00 = $42.00',
    });
  });

  it('a price change passes the new cost through at the agreement’s markup', () => {
    // 8 seats at a cost up from $4.80 to $5.28: $42.24 × 6.00/4.80 = $52.80 against $48.00 billed.
    const c = compareInvoice(
      input({ invoiceLines: [item({ cost: 5.28 * M, costTotal: 42.24 * M })], additions: [line({ quantity: 8 })] }),
    );
    expect(c.status).toBe('review');
    expect(c.figures).toMatchObject({ quantityDifference: 0, differenceCents: 480, costDifferenceCents: 384 });
    expect(c.adjustment).toMatchObject({ quantity: 1, unitPriceCents: 480, unitCostCents: 384 });
  });

  it('a credit lowers what is due, and is posted as a credit line', () => {
    const credit = item({
      id: 'cr',
      type: 'service-credit',
      kind: 'credit',
      quantity: 1,
      price: -4.8 * M,
      cost: -4.8 * M,
      total: -4.8 * M,
      costTotal: -4.8 * M,
    });
    const c = compareInvoice(input({ invoiceLines: [item(), credit], additions: [line({ quantity: 8 })] }));
    expect(c.figures).toMatchObject({ quantityDifference: 0, differenceCents: -600, costDifferenceCents: -480 });
    expect(c.adjustment).toMatchObject({ quantity: -1, unitPriceCents: 600, unitCostCents: 480 });
  });

  it("counts Pax8's item types by the written rule: prorates add, rebates reduce whatever their sign, payments do not count", () => {
    const eight = [line({ quantity: 8 })];
    const rebate = item({ id: 'rb', type: 'rebate', kind: 'credit', quantity: 1, total: 4.8 * M, costTotal: 4.8 * M });
    expect(compareInvoice(input({ invoiceLines: [item(), rebate], additions: eight })).figures).toMatchObject({
      differenceCents: -600,
    });
    const paid = item({ id: 'pc', type: 'payment-credit', kind: 'payment', quantity: 1, costTotal: -38.4 * M });
    expect(compareInvoice(input({ invoiceLines: [item(), paid], additions: eight })).status).toBe('reconciled');
    const prorate = item({ id: 'pr', type: 'prorate', kind: 'prorate', quantity: 2, costTotal: 4.8 * M });
    expect(compareInvoice(input({ invoiceLines: [item(), prorate], additions: eight })).figures).toMatchObject({
      quantityDifference: 0,
      differenceCents: 600,
    });
  });

  it('compares nothing across currencies: a SEK invoice against a USD agreement waits for a person, with both named', () => {
    const c = compareInvoice(input({ currency: 'SEK', agreementCurrency: 'USD' }));
    expect(c).toMatchObject({ status: 'review', figures: null, adjustment: null });
    expect(c.reason).toContain('in SEK, but its agreement bills in USD');
    expect(compareInvoice(input({ currency: 'SEK', agreementCurrency: 'SEK' })).figures?.currency).toBe('SEK');
  });

  it('no difference is Reconciled; within the tolerance is accepted and not posted', () => {
    expect(compareInvoice(input({ additions: [line({ quantity: 8 })] })).status).toBe('reconciled');
    const small = input({
      invoiceLines: [item({ cost: 4.81 * M, costTotal: 38.48 * M })],
      additions: [line({ quantity: 8 })],
    });
    expect(compareInvoice(small)).toMatchObject({ status: 'review', withinTolerance: false });
    const byCents = compareInvoice({ ...small, tolerance: { cents: 10, bp: 0 } });
    expect(byCents).toMatchObject({ status: 'reconciled', withinTolerance: true });
    expect(byCents.reason).toBe('Accepted within the tolerance: a difference of $0.10 is not posted.');
    expect(compareInvoice({ ...small, tolerance: { cents: 9, bp: 0 } }).withinTolerance).toBe(false);
    // 10 cents of $48.10 due is 0.21%: inside 0.21%, outside 0.20%.
    expect(compareInvoice({ ...small, tolerance: { cents: 0, bp: 21 } }).withinTolerance).toBe(true);
    expect(compareInvoice({ ...small, tolerance: { cents: 0, bp: 20 } }).withinTolerance).toBe(false);
  });

  it('stays Pending without the invoice, saying whose and since when', () => {
    const none = compareInvoice(input({ invoiceLines: null, invoiceThere: false }));
    expect(none).toMatchObject({ status: 'pending', figures: null });
    expect(none.reason).toBe(
      "The cut-over date (11/04/2026) has passed, but Pax8's invoice for October 2026 is not there yet; it is checked again on every run.",
    );
    expect(compareInvoice(input({ invoiceLines: null })).reason).toBe(
      "Pax8's invoice for October 2026 has no line for this subscription yet; it is checked again on every run.",
    );
  });

  it('reads ConnectWise as it stood in the period, and counts the posted line wherever it is dated', () => {
    // The sync raised the line to 8 in November; in October it billed 1.
    const raised = input({
      additions: [line({ quantity: 8 })],
      asInPeriod: new Map([[1, { quantity: 1, unitPrice: 6 * M }]]),
    });
    expect(compareInvoice(raised).figures?.quantityDifference).toBe(7);
    // A line starting after the period does not bill it; the posted adjustment does, even dated December.
    const later = line({ id: 2, effectiveDate: '2026-11-05T00:00:00Z', quantity: 8 });
    expect(compareInvoice(input({ additions: [line(), later] })).figures?.quantityDifference).toBe(7);
    const posted = line({
      id: 3,
      quantity: 7,
      effectiveDate: '2026-12-01T00:00:00Z',
      cancelledDate: '2026-12-31T00:00:00Z',
      marker: 'p8s:adj',
    });
    expect(compareInvoice(input({ additions: [line(), posted] }))).toMatchObject({
      figures: { differenceCents: 0 },
    });
  });

  it('adds up a month: cost, billed, margin, and leakage only from what waits for review', () => {
    const review = compareInvoice(input());
    const done = compareInvoice(input({ additions: [line({ quantity: 8 })] }));
    const t = totalsOf([
      { status: review.status, figures: review.figures },
      { status: done.status, figures: done.figures },
      { status: 'rejected', figures: review.figures },
    ]);
    expect(t).toEqual({
      costCents: 3 * 3840,
      billedCents: 600 + 4800 + 600,
      marginCents: 6000 - 3 * 3840,
      leakageCents: 4200,
      licences: 24,
    });
  });
});

describe('totals across currencies', () => {
  it('adds each currency on its own, the one with most rows first, never one amount of both', () => {
    const usd = compareInvoice(input({ additions: [line({ quantity: 1 })] }));
    const sek = compareInvoice(
      input({ currency: 'SEK', agreementCurrency: 'SEK', additions: [line({ quantity: 1 })] }),
    );
    const totals = totalsByCurrency([usd, usd, sek]);
    expect(totals.map((t) => [t.currency, t.costCents])).toEqual([
      ['USD', 2 * 3840],
      ['SEK', 3840],
    ]);
  });
});
