import { DateTime } from 'luxon';
import type { Invoice, InvoiceItem, InvoiceLineKind } from '../../../shared/schemas/distributor.ts';
import type { FileLine } from './read.ts';
import type { ImportedLine, Lines } from './subscriptions.ts';

/** An invoice's key: its number, or without an invoice column, the file it came in. */
export const invoiceKeyOf = (l: Pick<ImportedLine, 'importId' | 'line'>) => l.line.invoice ?? `file:${l.importId}`;

/** Whether a charge covers a whole calendar month: a seat line then, a prorate otherwise. */
function wholeMonth(line: FileLine): boolean {
  const start = DateTime.fromISO(line.periodStart, { zone: 'utc' });
  return start.day === 1 && line.periodEnd === start.endOf('month').toISODate();
}

function itemKind(line: FileLine): InvoiceLineKind {
  switch (line.kind) {
    case 'usage':
      return 'usage';
    case 'credit':
      return 'credit';
    case 'cancel':
      return 'prorate';
    default:
      return wholeMonth(line) ? 'seats' : 'prorate';
  }
}

/**
 * The invoices the current files hold, each dated by its latest charge's start: a reconciliation
 * of a month asks for invoices dated from the month's first day on, and finds its own.
 */
export async function invoicesOf(lines: Lines, range: { from: string; to: string }): Promise<Invoice[]> {
  const byKey = new Map<string, { date: string; total: number }>();
  for await (const l of lines) {
    const key = invoiceKeyOf(l);
    const known = byKey.get(key) ?? { date: '', total: 0 };
    if (l.line.periodStart > known.date) known.date = l.line.periodStart;
    known.total += l.line.amountCents * 10_000;
    byKey.set(key, known);
  }
  return [...byKey]
    .filter(([, v]) => v.date >= range.from && v.date <= range.to)
    .map(([id, v]) => ({ id, invoiceDate: v.date, dueDate: null, status: 'Imported', total: v.total }));
}

/** An invoice's lines in the product's terms: a line's amount is what the partner pays for it. */
export async function invoiceItemsOf(lines: Lines, invoiceId: string): Promise<InvoiceItem[]> {
  const items: InvoiceItem[] = [];
  for await (const l of lines) if (invoiceKeyOf(l) === invoiceId) items.push(itemOf(l, invoiceId));
  return items;
}

function itemOf({ importId, line }: ImportedLine, invoiceId: string): InvoiceItem {
  const quantity = Number(line.quantity);
  return {
    id: `${importId}:${line.row}`,
    invoiceId,
    type: line.chargeType,
    kind: itemKind(line),
    companyId: line.customer.id,
    subscriptionId: line.subscriptionId,
    productId: line.product.id,
    productName: line.product.name,
    startPeriod: line.periodStart,
    endPeriod: line.periodEnd,
    quantity,
    price: line.billedUnitPriceMicros,
    cost: line.billedUnitCostMicros,
    total: Math.round(line.billedUnitPriceMicros * quantity),
    costTotal: line.amountCents * 10_000,
    term: line.term ?? '',
  };
}
