import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invoiceItemsOf, invoicesOf } from '../../../../server/distributors/files/invoices.ts';
import { MICROSOFT_NCE_PROFILE } from '../../../../server/distributors/files/profile.ts';
import { readInvoiceFile } from '../../../../server/distributors/files/read.ts';
import { readTerm, subscriptionsOf } from '../../../../server/distributors/files/subscriptions.ts';

/** Written from Microsoft's documented columns: see test/fixtures/microsoft/README.md. */
const MICROSOFT = readFileSync(new URL('../../../fixtures/microsoft/reconciliation-nce.csv', import.meta.url));

async function imported(file: Buffer | string = MICROSOFT) {
  const read = await readInvoiceFile(file, MICROSOFT_NCE_PROFILE);
  const importedAt = new Date('2026-12-02T09:00:00Z');
  return read.lines.map((line) => ({ importId: 'imp-1', fileName: 'G002297372.csv', importedAt, line }));
}

describe('a file source read as subscriptions and invoices', () => {
  it("reads each subscription's seats from the lines covering its last charged day", async () => {
    const { items, problems } = await subscriptionsOf(await imported());
    const seats = items.filter((s) => s.billing === 'seat');
    expect(seats.map((s) => [s.productName, s.quantity, s.status, s.currency, s.unitCost, s.unitPrice])).toEqual([
      // 10 new, 2 cancelled from the 10th, 5 added from the 15th.
      ['Microsoft 365 Business Standard', 13, 'Active', 'USD', 12_500_000, 12_500_000],
      // EUR at 0.923456, a licence's unit rounded down to the cent as Microsoft's rule does.
      ['Microsoft 365 E3', 25, 'Active', 'EUR', 18_460_000, 18_460_000],
      ['Exchange Online (Plan 1)', 3, 'Active', 'EUR', 6_640_000, 6_640_000],
    ]);
    // A credit changes money, not seats; usage lines make a subscription billed by usage.
    expect(items.some((s) => s.productName === 'Microsoft Teams Essentials')).toBe(false);
    expect(problems).toEqual([]);
    expect(items.find((s) => s.productName === 'Azure plan')).toMatchObject({ billing: 'usage', currency: 'EUR' });
    expect(items[0]).toMatchObject({ billingTerm: 'Monthly', commitment: { term: '1 Year', endDate: null } });
  });

  it('calls a subscription whose seats are all cancelled cancelled, from its last day', async () => {
    const text = MICROSOFT.toString('utf8')
      .replace('AddQuantity,12.50,5,62.50,0.00,62.50,', 'CancelImmediate,12.50,-8,-100.00,0.00,-100.00,')
      .replace(/,12\.50,5,Monthly,USD,1\r\n$/, ',12.50,-8,Monthly,USD,1\r\n');
    const seats = (await subscriptionsOf(await imported(text))).items[0]!;
    expect(seats).toMatchObject({ quantity: 0, status: 'Cancelled', endDate: '2026-11-30T00:00:00Z' });
  });

  it('reads a term as its commitment and its billing cycle', () => {
    expect(readTerm('1 Year - Monthly')).toEqual({ billingTerm: 'Monthly', commitment: '1 Year' });
    expect(readTerm('1 Year - Annual')).toEqual({ billingTerm: 'Annual', commitment: '1 Year' });
    expect(readTerm('3 Years - Triennial')).toEqual({ billingTerm: '3-Year', commitment: '3 Years' });
    expect(readTerm('1 Month - Monthly')).toEqual({ billingTerm: 'Monthly', commitment: null });
    expect(readTerm(null)).toEqual({ billingTerm: 'Monthly', commitment: null });
  });

  it("is its own invoice: each line's amount is what the partner pays, credits and prorates apart", async () => {
    const lines = await imported();
    const [invoice] = await invoicesOf(lines, { from: '2026-11-01', to: '2027-01-15' });
    expect(invoice).toMatchObject({ id: 'G002297372', invoiceDate: '2026-11-15', total: (15_917 + 53_271) * 10_000 });
    const items = await invoiceItemsOf(lines, 'G002297372');
    expect(items.map((i) => [i.type, i.kind, i.quantity, i.costTotal])).toEqual([
      ['New', 'seats', 10, 125_000_000],
      ['Renew', 'seats', 25, 461_500_000],
      ['CycleCharge', 'seats', 3, 19_920_000],
      ['CancelImmediate', 'prorate', -2, -25_000_000],
      ['CustomerCredit', 'credit', -1, -3_330_000],
      ['Usage', 'usage', 1234.5678, 51_290_000],
      ['AddQuantity', 'prorate', 5, 62_500_000],
    ]);
    expect(await invoicesOf(lines, { from: '2026-12-01', to: '2027-01-15' })).toEqual([]);
  });
});
