import { parse } from 'csv-parse/sync';
import { addDays } from '../../../shared/billing/calendar.ts';
import type {
  Invoice,
  InvoiceItem,
  InvoiceLineKind,
  Parsed,
  ParseProblem,
} from '../../../shared/schemas/distributor.ts';
import { VendorError } from '../../http/vendor-error.ts';
import { reader } from '../parse.ts';
import { ION } from './errors.ts';

/**
 * A billing report's columns, found by their headings, which the partner's report template
 * gives (cloudmindsab/td-synnex `streamone-ion/api-v3/09.reports/reposrts_response.json`:
 * "Customer ID", "Invoice Number", "Subscription ID", "Charge StartDate", "Seller Cost (SEK)",
 * …). Money headings carry the currency in brackets; they are matched without it.
 */
const COLUMNS = {
  invoice: ['Invoice Number'],
  customer: ['Customer ID'],
  subscription: ['Subscription ID'],
  chargeStart: ['Charge StartDate'],
  chargeEnd: ['Charge EndDate'],
  chargeType: ['Charge Type'],
  product: ['Product ID'],
  sku: ['SKU ID'],
  name: ['SKU Name', 'Product Name'],
  quantity: ['Period Quantity', 'Seat Count', 'Usage Quantity'],
  unitPrice: ['Unit Price'],
  cost: ['Seller Cost'],
  price: ['Customer Cost'],
  currency: ['Invoice Currency', 'Provider Currency'],
  invoiceDate: ['Invoice Date'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['invoice', 'customer', 'subscription', 'chargeStart', 'quantity', 'cost'];

const normal = (heading: string) =>
  heading
    .replace(/\s*\([A-Z]{3}\)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** Ion's charge types as the core counts them; anything else adds to what is due as a charge. */
const CHARGE_KINDS: Record<string, InvoiceLineKind> = {
  recurring: 'seats',
  usage: 'usage',
  prorate: 'prorate',
  credit: 'credit',
  refund: 'credit',
};

export interface BillingReportLine extends InvoiceItem {
  currency: string | null;
  /** The invoice's date, where the report has a column for it. */
  invoiceDate: string | null;
}

/**
 * The report's CSV as invoice lines. A heading the sync needs that the report lacks is an
 * error naming it and the fix; a row that cannot be read is reported, never guessed.
 * `subscriptionKey` turns the report's "Subscription ID" (the provider's id) into the key
 * the sync uses for the subscription, where it knows it.
 */
export function toBillingReportLines(
  csv: string,
  report: { id: string; name: string },
  subscriptionKey: (customerId: string, providerId: string) => string | null,
): Parsed<BillingReportLine> {
  const records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const [headings = [], ...rows] = records;
  const at = new Map(headings.map((h, i) => [normal(h), i]));
  const index = (c: Column) => COLUMNS[c].map((h) => at.get(normal(h))).find((i) => i !== undefined);
  const missing = REQUIRED.filter((c) => index(c) === undefined);
  if (missing.length > 0) {
    const fix =
      `StreamOne Ion's billing report "${report.name}" has no ` +
      `${missing.map((c) => `"${COLUMNS[c].join('" or "')}"`).join(', ')} column. Add ` +
      `${missing.length > 1 ? 'them' : 'it'} to the report in the Ion portal (Reports › edit the report's ` +
      `columns), or choose another billing report on the Connections page.`;
    throw new VendorError({
      ...ION,
      code: 'conflict',
      method: 'POST',
      path: `/reports/${report.id}/reportDataCsv`,
      message: fix,
      fix,
    });
  }
  const currencyInHeading = headings[index('cost')!]?.match(/\(([A-Z]{3})\)\s*$/)?.[1] ?? null;
  const problems: ParseProblem[] = [];
  const items: BillingReportLine[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, n) => {
    const cell = (c: Column) => {
      const i = index(c);
      const v = i === undefined ? '' : (row[i] ?? '').trim();
      return v === '' ? null : v;
    };
    const invoiceId = cell('invoice');
    const customerId = cell('customer');
    const providerId = cell('subscription');
    const start = cell('chargeStart');
    const rowId = `row ${n + 2}`;
    if (!invoiceId || !customerId || !start) {
      problems.push({
        resource: 'invoiceItem',
        id: rowId,
        field: !invoiceId ? 'Invoice Number' : !customerId ? 'Customer ID' : 'Charge StartDate',
        value: null,
        message: 'missing in the billing report; the line cannot be placed',
        effect: 'dropped',
      });
      return;
    }
    const chargeType = (cell('chargeType') ?? 'recurring').toLowerCase();
    const base = [invoiceId, customerId, providerId ?? '', chargeType, start.slice(0, 10)].join(':');
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const id = count === 1 ? base : `${base}#${count}`;
    const r = reader('invoiceItem', id, problems);
    const quantity = r.quantity(COLUMNS.quantity[0], cell('quantity'));
    const costTotal = r.money('Seller Cost', cell('cost')) ?? 0;
    const total = r.money('Customer Cost', cell('price')) ?? costTotal;
    const each = (amount: number) => (quantity ? Math.round(amount / quantity) : amount);
    const product = cell('product');
    const sku = cell('sku');
    items.push({
      id,
      invoiceId,
      type: chargeType,
      kind: CHARGE_KINDS[chargeType] ?? 'charge',
      companyId: customerId,
      subscriptionId: providerId ? (subscriptionKey(customerId, providerId) ?? null) : null,
      productId: product && sku ? `${product}:${sku}` : null,
      productName: cell('name') ?? '',
      startPeriod: r.instant('Charge StartDate', start)?.slice(0, 10) ?? null,
      endPeriod: r.instant('Charge EndDate', cell('chargeEnd'))?.slice(0, 10) ?? null,
      quantity,
      price: r.money('Unit Price', cell('unitPrice')) ?? each(total),
      cost: each(costTotal),
      total,
      costTotal,
      term: 'Monthly',
      currency: cell('currency') ?? currencyInHeading,
      invoiceDate: r.instant('Invoice Date', cell('invoiceDate'))?.slice(0, 10) ?? null,
    });
  });
  return { items, problems };
}

/**
 * Invoices as their lines make them: one per invoice number, totalled from its lines, dated by
 * the report's own column or else the day after the latest charge it bills (the report names
 * no invoice date of its own in the templates seen).
 */
export function toBillingInvoices(lines: readonly BillingReportLine[]): Invoice[] {
  const byInvoice = new Map<string, BillingReportLine[]>();
  for (const l of lines) byInvoice.set(l.invoiceId, [...(byInvoice.get(l.invoiceId) ?? []), l]);
  return [...byInvoice.entries()].map(([id, mine]) => {
    const dated = mine.find((l) => l.invoiceDate)?.invoiceDate;
    const lastEnd =
      mine
        .map((l) => l.endPeriod ?? l.startPeriod ?? '')
        .sort()
        .at(-1) ?? '';
    return {
      id,
      invoiceDate: dated ?? (lastEnd ? addDays(lastEnd, 1) : ''),
      dueDate: null,
      status: 'Issued',
      total: mine.reduce((n, l) => n + l.total, 0),
    };
  });
}
