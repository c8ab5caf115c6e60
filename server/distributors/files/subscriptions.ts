import type {
  BillingTerm,
  DistributorCompany,
  DistributorProduct,
  Parsed,
  ParseProblem,
  Subscription,
} from '../../../shared/schemas/distributor.ts';
import type { FileLine } from './read.ts';

/** A line as the file source stands on it: the import it came from, and when that was confirmed. */
export interface ImportedLine {
  importId: string;
  fileName: string;
  importedAt: Date;
  line: FileLine;
}

/** One customer's or one subscription's lines, as a question about it needs. */
export interface ImportedLineFilter {
  customerId?: string;
  subscriptionId?: string;
}

const SEAT_KINDS = new Set(['new', 'renew', 'cancel']);

/**
 * Microsoft writes a term as its commitment and its billing cycle (`1 Year - Monthly`); a file
 * that names only one is read as the billing cycle. A cycle it does not know is monthly, as an
 * invoice file bills a month, and the commitment keeps the words as written.
 */
export function readTerm(term: string | null): { billingTerm: BillingTerm; commitment: string | null } {
  if (!term) return { billingTerm: 'Monthly', commitment: null };
  const [first, second] = term.split(/\s+-\s+/);
  const cycle = (second ?? first ?? '').toLowerCase();
  const billingTerm: BillingTerm = /trienn|3[- ]?year|three/.test(cycle)
    ? '3-Year'
    : /annual|year/.test(cycle)
      ? 'Annual'
      : 'Monthly';
  const commitment = second !== undefined && /year/i.test(first!) ? first!.trim() : null;
  return { billingTerm, commitment };
}

/** The customers the current files name, each once, by its latest name. */
export function companiesOf(lines: readonly ImportedLine[]): DistributorCompany[] {
  const byId = new Map<string, DistributorCompany>();
  for (const { line, importedAt } of lines)
    byId.set(line.customer.id, {
      id: line.customer.id,
      name: line.customer.name,
      website: null,
      phone: null,
      address: { street: null, city: null, region: null, postalCode: null, country: null },
      externalId: null,
      status: 'Active',
      updatedAt: importedAt.toISOString(),
    });
  return [...byId.values()];
}

export function productsOf(lines: readonly ImportedLine[], vendorName: string): DistributorProduct[] {
  const byId = new Map<string, DistributorProduct>();
  for (const { line } of lines)
    byId.set(line.product.id, {
      id: line.product.id,
      name: line.product.name,
      vendorName,
      sku: line.product.id,
      vendorSku: null,
      description: null,
      requiresCommitment: readTerm(line.term).commitment !== null,
    });
  return [...byId.values()];
}

/**
 * Each subscription as the latest period in the files leaves it: the seats of the new, renewed
 * and cancelled lines that cover its last charged day (10 new, 2 cancelled on the 10th, 5 added
 * on the 15th: 13), at the price of its latest new or renewed line. Credits change money, not
 * seats, and are read by reconciliation. A subscription with usage lines only is billed by usage.
 */
export function subscriptionsOf(lines: readonly ImportedLine[]): Parsed<Subscription> {
  const bySubscription = new Map<string, ImportedLine[]>();
  for (const l of lines)
    bySubscription.set(l.line.subscriptionId, [...(bySubscription.get(l.line.subscriptionId) ?? []), l]);
  const items: Subscription[] = [];
  const problems: ParseProblem[] = [];
  for (const [id, own] of bySubscription) {
    const seats = own.filter((l) => SEAT_KINDS.has(l.line.kind));
    if (seats.length === 0) {
      const usage = own.filter((l) => l.line.kind === 'usage');
      if (usage.length > 0) items.push(fromUsageLines(id, usage));
      continue;
    }
    const subscription = fromSeatLines(id, seats, problems);
    if (subscription) items.push(subscription);
  }
  return { items, problems };
}

/** What a subscription is, whatever it bills by: its customer and product, and when its lines began and were last imported. */
function identityOf(id: string, lines: readonly ImportedLine[]) {
  const latest = lines.at(-1)!;
  return {
    id,
    companyId: latest.line.customer.id,
    productId: latest.line.product.id,
    productName: latest.line.product.name,
    parentId: null,
    startDate: `${lines.map((l) => l.line.periodStart).sort()[0]!}T00:00:00Z`,
    createdAt: lines[0]!.importedAt.toISOString(),
    updatedAt: latest.importedAt.toISOString(),
  };
}

/**
 * A subscription billed by what it used (Azure's meters): billed in arrears from its usage lines,
 * each month's as the file gives it, priced on the lines.
 */
function fromUsageLines(id: string, usage: ImportedLine[]): Subscription {
  const latest = usage.at(-1)!;
  return {
    ...identityOf(id, usage),
    quantity: 1,
    status: 'Active',
    billingTerm: 'Monthly',
    endDate: null,
    unitPrice: 0,
    unitCost: 0,
    currency: latest.line.currency,
    billing: 'usage',
    commitment: null,
    cancellableUntil: null,
  };
}

function fromSeatLines(id: string, seats: ImportedLine[], problems: ParseProblem[]): Subscription | null {
  // ISO days sort as text.
  const lastDay = seats
    .map((l) => l.line.periodEnd)
    .sort()
    .at(-1)!;
  const current = seats.filter((l) => l.line.periodStart <= lastDay && l.line.periodEnd >= lastDay);
  const quantity = current.reduce((n, l) => n + Number(l.line.quantity), 0);
  const latest = seats.at(-1)!;
  if (!Number.isInteger(quantity)) {
    problems.push({
      resource: 'subscription',
      id,
      field: 'quantity',
      value: quantity,
      message: 'seats are whole numbers; correct the file and import it again',
      effect: 'dropped',
      label: latest.line.product.name,
    });
    return null;
  }
  const priced = [...current].reverse().find((l) => l.line.kind !== 'cancel') ?? latest;
  const { billingTerm, commitment } = readTerm(priced.line.term);
  return {
    ...identityOf(id, seats),
    quantity: Math.max(0, quantity),
    status: quantity > 0 ? 'Active' : 'Cancelled',
    billingTerm,
    endDate: quantity > 0 ? null : `${lastDay}T00:00:00Z`,
    unitPrice: priced.line.billedUnitPriceMicros,
    unitCost: priced.line.billedUnitCostMicros,
    currency: priced.line.currency,
    billing: 'seat',
    commitment: commitment ? { term: commitment, endDate: null } : null,
    cancellableUntil: null,
  };
}
