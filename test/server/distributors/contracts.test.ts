import { describe, expect, it } from 'vitest';
import { cwAdditionSchema, cwAgreementSchema } from '../../../server/connectwise/types.ts';
import { toAdditionView, toAgreementView } from '../../../server/connectwise/views.ts';
import { toBillingInvoices, toBillingReportLines } from '../../../server/distributors/ion/billing-report.ts';
import { toCompanies, toSubscriptions } from '../../../server/distributors/ion/transform.ts';
import {
  ionOffsetPageSchema,
  ionPageSchema,
  ionReportCsvSchema,
  ionReportListSchema,
  ionReportSchema,
} from '../../../server/distributors/ion/types.ts';
import { toInvoiceItems, toInvoices } from '../../../server/distributors/pax8/transform.ts';
import { toMonthUsage, toUsageLines } from '../../../server/distributors/sophos/transform.ts';
import { sophosPageSchema } from '../../../server/distributors/sophos/types.ts';
import { dueAmount } from '../../../shared/billing/reconcile/compare.ts';
import { vendorFixture, vendorFixtures } from '../../helpers/fixture.ts';

const body = <T>(path: string) => vendorFixture(path).body as T;
const content = (path: string) => body<{ content: unknown[] }>(path).content;

/**
 * The payloads `docs/vendor-evidence.md` names, written as their public sources show them,
 * read by the adapters as they stand: a field a vendor really sends that an adapter does not
 * read, or reads wrongly, fails here before it fails an MSP.
 */
describe('vendor contracts', () => {
  it('every vendor-shaped fixture names its public source on its first line', () => {
    const files = vendorFixtures();
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expect(vendorFixture(f).source.length, f).toBeGreaterThan(10);
  });

  it("StreamOne Ion's subscription list: limit/offset paging, seven-decimal prices, SEK, its billing type and NCE window", () => {
    const page = ionOffsetPageSchema.parse(body('ion/subscriptions-page.jsonc'));
    expect(page.paginationResponse?.totalSize).toBe(11);
    const subs = toSubscriptions(page.items);
    expect(subs.problems).toEqual([]);
    const [licence, azure] = subs.items;
    expect(licence).toMatchObject({
      id: '512001-4100001',
      quantity: 3,
      unitPrice: 63_845_276,
      unitCost: 57_460_748,
      currency: 'SEK',
      billing: 'seat',
      cancellableUntil: '2026-09-10T16:29:10.491Z',
    });
    // A $0 subscription is usage only because Ion says so, not because of its price.
    expect(azure).toMatchObject({ billing: 'usage', unitPrice: 0 });
  });

  it("StreamOne Ion's customers: one addressed only by its name path", () => {
    const page = ionPageSchema.parse(body('ion/customers-page.jsonc'));
    expect(page.nextPageToken).toBe('bz0xMA');
    const companies = toCompanies(page.customers as unknown[]);
    expect(companies.problems).toEqual([]);
    expect(companies.items.map((c) => [c.id, c.name])).toEqual([
      ['512001', 'Contoso Nordic AB'],
      ['512018', 'Fabrikam Oy'],
    ]);
  });

  it("StreamOne Ion's reports and a billing report's CSV, read by heading", () => {
    const reports = ionReportListSchema.parse(body('ion/reports.jsonc')).reports.map((r) => ionReportSchema.parse(r));
    expect(reports.map((r) => [r.reportId, r.category])).toEqual([
      ['49038', 'BILLING_REPORTS'],
      ['49052', 'CUSTOMER_REPORTS'],
    ]);
    const { results } = ionReportCsvSchema.parse(body('ion/report-data-csv.jsonc'));
    const lines = toBillingReportLines(results, { id: '49038', name: 'API-REPORT-TWO' }, (customer, provider) =>
      provider.startsWith('c0ffee01') ? `${customer}-4100001` : null,
    );
    expect(lines.problems).toEqual([]);
    expect(lines.items.map((l) => [l.kind, l.subscriptionId, l.quantity, l.costTotal, l.currency])).toEqual([
      ['seats', '512001-4100001', 3, 172_382_245, 'SEK'],
      ['credit', '512001-4100001', 1, -10_000_000, 'SEK'],
    ]);
    expect(toBillingInvoices(lines.items)).toEqual([
      { id: 'INV-2026-10', invoiceDate: '2026-11-01', dueDate: null, status: 'Issued', total: 181_535_828 },
    ]);
  });

  it("Sophos Central's billing usage: billableQuantity per accountId, key paging, netPrice never a customer's", () => {
    const page = sophosPageSchema.parse(body('sophos/billing-usage-page.jsonc'));
    expect(page.pages?.nextKey).toBe('eyJrIjoiMiJ9');
    const month = toMonthUsage(page.items);
    const lines = toUsageLines(month, '7e0f1c2a-5050-4000-a000-000000000001', '2026-10-31');
    expect(lines.items.map((l) => [l.productName, l.quantity, l.unitPrice, l.charges])).toEqual([
      ['Central Intercept X Advanced', 44, 0, 0],
    ]);
    expect(month.problems.map((p) => p.message)).toEqual([
      '1 × Xstream Protection XGS 2100 Monthly is assigned to no tenant, so it is billed to nobody: assign the licence to its customer in Sophos Central.',
    ]);
  });

  it("Pax8's invoice items: no id, every documented type counted by the rule, '2 Year' and Arrears terms", () => {
    const items = toInvoiceItems(content('pax8/invoice-items-page.jsonc'), 'inv-2026-10');
    expect(items.problems).toEqual([]);
    expect(items.items.map((i) => [i.type, i.kind, i.term])).toEqual([
      ['subscription', 'seats', '2-Year'],
      ['prorate', 'prorate', '2-Year'],
      ['service-credit', 'credit', 'Monthly'],
      ['payment-credit', 'payment', 'Monthly'],
      ['subscription', 'usage', 'Arrears'],
    ]);
    expect(new Set(items.items.map((i) => i.id)).size).toBe(5);
    const sub1 = items.items.filter((i) => i.subscriptionId === 'sub-1');
    // 38.40 + 3.72 prorate − 4.80 credit; the payment credit is not a price of anything.
    expect(items.items.reduce((n, i) => n + dueAmount(i, i.costTotal), 0)).toBe(37_320_000 + 73_150_000);
    expect(sub1.reduce((n, i) => n + dueAmount(i, i.costTotal), 0)).toBe(37_320_000);
    const invoices = toInvoices(content('pax8/invoices-page.jsonc'));
    expect(invoices.items[0]).toMatchObject({ status: 'Carried', total: 1_234_560_000, invoiceDate: '2026-11-04' });
  });

  it("ConnectWise's agreement currency and an addition's prorate fields", () => {
    const agreement = toAgreementView(cwAgreementSchema.parse(body('connectwise/agreement-currency.jsonc')));
    expect(agreement.currency).toBe('SEK');
    const addition = cwAdditionSchema.parse(body('connectwise/addition-prorate.jsonc'));
    expect(toAdditionView(addition)).toMatchObject({
      quantity: 44,
      unitPrice: 3_250_000,
      marker: 'p8s:5f1c0a9e2b3d4c5e6f7a8b9c',
    });
    expect(addition).toMatchObject({ billedQuantity: 40, prorateCurrentPeriodFlag: true });
  });
});
