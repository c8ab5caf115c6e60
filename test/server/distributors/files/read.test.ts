import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDecimal, roundDown, toCents } from '../../../../server/distributors/files/decimal.ts';
import {
  type ColumnProfile,
  GENERIC_PROFILE,
  MICROSOFT_NCE_PROFILE,
} from '../../../../server/distributors/files/profile.ts';
import { readInvoiceFile } from '../../../../server/distributors/files/read.ts';

/** Written from Microsoft's documented columns: see test/fixtures/microsoft/README.md. */
const MICROSOFT = readFileSync(new URL('../../../fixtures/microsoft/reconciliation-nce.csv', import.meta.url));
const text = MICROSOFT.toString('utf8');

/** A file with one field of one row replaced (rows counted from 1 after the heading). */
function withField(row: number, column: string, value: string, from = text) {
  const lines = from.replace(/^\uFEFF/, '').split('\r\n');
  const headings = lines[0]!.split(',');
  const at = headings.indexOf(column);
  const fields = lines[row]!.split(',');
  fields[at] = value;
  lines[row] = fields.join(',');
  return lines.join('\r\n');
}

describe("Microsoft's new commerce reconciliation file", () => {
  it("reads every charge type, and each line's amount follows Microsoft's stated rule to the cent", async () => {
    const read = await readInvoiceFile(MICROSOFT, MICROSOFT_NCE_PROFILE);
    expect(read.problems).toEqual([]);
    expect(read.rows).toBe(7);
    expect(read.lines.map((l) => [l.row, l.kind, l.amountCents])).toEqual([
      [2, 'new', 12_500],
      // EUR at 0.923456: ROUNDDOWN(20.00 × 0.923456, 2) = 18.46, × 25 seats.
      [3, 'renew', 46_150],
      [4, 'renew', 1_992],
      [5, 'cancel', -2_500],
      // ROUNDDOWN(3.333, 2) = 3.33: toward zero, also on a credit.
      [6, 'credit', -333],
      // Usage: ROUNDDOWN(ROUNDDOWN(0.045 × 1234.5678, 2) × 0.923456, 2) = ROUNDDOWN(55.55 × 0.923456, 2).
      [7, 'usage', 5_129],
      [8, 'new', 6_250],
    ]);
    expect(read.lines.every((l) => l.fileAmountCents === l.amountCents)).toBe(true);
    expect(read.totals).toEqual([
      { currency: 'USD', amountCents: 15_917, fileAmountCents: 15_917 },
      { currency: 'EUR', amountCents: 53_271, fileAmountCents: 53_271 },
    ]);
    const usage = read.lines.find((l) => l.kind === 'usage')!;
    expect(usage).toMatchObject({
      customer: { id: '7a1c0d2e-3b4f-4a5b-8c6d-9e0f1a2b3c4d', name: 'Müller Werkzeuge GmbH' },
      product: { id: 'DZH318Z0BNZ5', name: 'Azure plan' },
      quantity: '1234.5678',
      unitCostMicros: 45_000,
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      invoice: 'G002297372',
    });
  });

  it('knows the same file by its content, and a corrected one apart', async () => {
    const first = await readInvoiceFile(MICROSOFT, MICROSOFT_NCE_PROFILE);
    const again = await readInvoiceFile(Buffer.from(MICROSOFT), MICROSOFT_NCE_PROFILE);
    const corrected = await readInvoiceFile(
      withField(7, 'BillableQuantity', '12').replace(/,62\.50,0\.00,62\.50,/, ',150.00,0.00,150.00,'),
      MICROSOFT_NCE_PROFILE,
    );
    expect(again.hash).toBe(first.hash);
    expect(corrected.hash).not.toBe(first.hash);
    expect(corrected.problems).toEqual([]);
    expect(corrected.lines.at(-1)!.amountCents).toBe(15_000);
  });

  it('refuses a file without a column the profile reads, naming it, and reads no row', async () => {
    const read = await readInvoiceFile(
      text.replace('EffectiveUnitPrice', 'UnitPriceAfterDiscount'),
      MICROSOFT_NCE_PROFILE,
    );
    expect(read.lines).toEqual([]);
    expect(read.problems).toEqual([
      { row: 1, column: 'EffectiveUnitPrice', value: '', message: 'the file has no column "EffectiveUnitPrice"' },
    ]);
  });

  it('refuses bad rows one by one with their line, column and value, and reads the others', async () => {
    // A day that is no date, a renewal with negative seats, and a charge type Microsoft may add.
    let bad = withField(1, 'ChargeStartDate', '31/13/2026');
    bad = withField(2, 'BillableQuantity', '-25', bad).replace(',461.50,0.00,461.50,', ',-461.50,0.00,-461.50,');
    bad = withField(3, 'ChargeType', 'Convert', bad);
    const read = await readInvoiceFile(bad, MICROSOFT_NCE_PROFILE);
    expect(read.problems.map((p) => [p.row, p.column, p.value])).toEqual([
      [2, 'ChargeStartDate', '31/13/2026'],
      [3, 'BillableQuantity', '-25'],
      [4, 'ChargeType', 'Convert'],
    ]);
    expect(read.problems[1]!.message).toMatch(/negative on a charge that is not a credit/);
    expect(read.problems[2]!.message).toMatch(/charge type this profile does not know/);
    expect(read.lines.map((l) => l.row)).toEqual([5, 6, 7, 8]);
  });

  it("refuses a Subtotal that does not follow Microsoft's rule, with the amount the rule gives", async () => {
    const read = await readInvoiceFile(
      text.replace(',461.50,0.00,461.50,', ',461.60,0.00,461.60,'),
      MICROSOFT_NCE_PROFILE,
    );
    expect(read.problems).toEqual([
      {
        row: 3,
        column: 'Subtotal',
        value: '461.60',
        message: "does not follow Microsoft new commerce reconciliation file's rule, which gives 461.50",
      },
    ]);
  });
});

describe('a profile made for another layout', () => {
  const semicolons: ColumnProfile = {
    ...GENERIC_PROFILE,
    name: 'Regional distributor',
    delimiter: ';',
    decimal: ',',
    dates: 'day-month-year',
  };
  const file = [
    '\uFEFFcustomer_id;customer_name;product_id;product_name;subscription_id;quantity;unit_cost;currency;period_start;period_end;charge_type;invoice',
    'C-1;Harbour Dental;BK-100;Backup 100 GB;S-9;3;4,995;EUR;01/11/2026;30/11/2026;renew;INV-77',
    'C-2;Quay Logistics;BK-100;Backup 100 GB;S-10;2,5;1,10;EUR;01/11/2026;30/11/2026;usage;INV-77',
  ].join('\n');

  it('reads semicolons, decimal commas and day-first dates, rounding half a cent away from zero', async () => {
    const read = await readInvoiceFile(file, semicolons);
    expect(read.problems).toEqual([]);
    // 3 × 4.995 = 14.985 → 14.99; 2.5 × 1.10 = 2.75.
    expect(read.lines.map((l) => [l.customer.name, l.quantity, l.amountCents, l.periodEnd])).toEqual([
      ['Harbour Dental', '3', 1_499, '2026-11-30'],
      ['Quay Logistics', '2.5', 275, '2026-11-30'],
    ]);
    expect(read.totals).toEqual([{ currency: 'EUR', amountCents: 1_774, fileAmountCents: 1_774 }]);
  });

  it('refuses a decimal point where the profile says comma, naming the column', async () => {
    const read = await readInvoiceFile(file.replace('4,995', '4.995'), semicolons);
    expect(read.problems.map((p) => [p.row, p.column, p.value])).toEqual([[2, 'unit_cost', '4.995']]);
  });
});

describe('exact decimals', () => {
  it('round down toward zero, as ROUNDDOWN does, on both signs', () => {
    expect(toCents(roundDown(parseDecimal('1.239', '.')!, 2))).toBe(123);
    expect(toCents(roundDown(parseDecimal('-1.239', '.')!, 2))).toBe(-123);
    expect(parseDecimal('1 234,5', ',')).toBeNull();
    expect(parseDecimal('1e3', '.')).toBeNull();
  });
});
