import type { IonBillingLineRecord, IonWorld } from './world.ts';

/**
 * The reports a partner made in the Ion portal from templates, as `GET /reports` lists them:
 * numeric ids, a display name and a category (cloudmindsab/td-synnex
 * `streamone-ion/api-v3/09.reports/reposrts_response.json`). The invoice-lines report has
 * the headings reconciliation needs; the summary one lacks "Subscription ID", as a report
 * made from another template can.
 */
export const ION_REPORTS = [
  { reportId: '49038', displayName: 'Invoice lines (API)', category: 'BILLING_REPORTS' },
  { reportId: '49041', displayName: 'Invoice summary', category: 'BILLING_REPORTS' },
  { reportId: '49052', displayName: 'Customer list', category: 'CUSTOMER_REPORTS' },
] as const;

const LINE_HEADINGS = [
  'Customer ID',
  'Customer Name',
  'Invoice Number',
  'Subscription ID',
  'Product ID',
  'SKU ID',
  'SKU Name',
  'Charge Type',
  'Charge StartDate',
  'Charge EndDate',
  'Period Quantity',
  'Unit Price',
  'Seller Cost (USD)',
  'Customer Cost (USD)',
  'Invoice Currency',
];

const quote = (v: string | number) => {
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = (rows: (string | number)[][]) => `${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;

/**
 * A report's data for a date range, as `reportDataCsv` answers it: `{results: <csv>}` under the
 * report's headings. Lines whose charge starts in the range are in it.
 */
export function reportCsv(world: IonWorld, reportId: string, from: string, to: string): string | undefined {
  const lines = world.billingLines.filter((l) => l.chargeStartDate >= from && l.chargeStartDate <= to);
  const customers = new Map(world.customers.map((c) => [c.id ?? c.name.split('/').at(-1), c.customerOrganization]));
  const provider = new Map(world.subscriptions.map((s) => [s.id, s.subscriptionId]));
  const row = (l: IonBillingLineRecord) => [
    l.customerId,
    customers.get(l.customerId) ?? '',
    l.invoiceId,
    provider.get(l.subscriptionId) ?? l.subscriptionId,
    l.productId,
    l.skuId,
    l.productName,
    l.chargeType,
    l.chargeStartDate,
    l.chargeEndDate,
    l.quantity,
    l.unitPrice,
    l.costTotal,
    l.total,
    l.currency,
  ];
  if (reportId === '49038') return csv([LINE_HEADINGS, ...lines.map(row)]);
  if (reportId === '49041') {
    const summary = ['Customer ID', 'Invoice Number', 'Charge StartDate', 'Period Quantity', 'Seller Cost (USD)'];
    return csv([summary, ...lines.map((l) => [l.customerId, l.invoiceId, l.chargeStartDate, l.quantity, l.costTotal])]);
  }
  if (reportId === '49052')
    return csv([['Customer ID', 'Customer Name'], ...[...customers].map(([id, n]) => [id ?? '', n])]);
  return undefined;
}
