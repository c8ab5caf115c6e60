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

/**
 * The lines a question reads: a list, or the database's pages one after another (a file source
 * with 50,000 lines is never held whole to answer it).
 */
export type Lines = Iterable<ImportedLine> | AsyncIterable<ImportedLine>;

/** The customers the current files name, each once, by its latest name. */
export async function companiesOf(lines: Lines): Promise<DistributorCompany[]> {
  const byId = new Map<string, DistributorCompany>();
  for await (const { line, importedAt } of lines)
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

export async function productsOf(lines: Lines, vendorName: string): Promise<DistributorProduct[]> {
  const byId = new Map<string, DistributorProduct>();
  for await (const { line } of lines)
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

/** What a subscription is, whatever it bills by: its customer and product, and when its lines began and were last imported. */
interface Identity {
  companyId: string;
  productId: string;
  productName: string;
  /** The earliest period start of its lines (ISO days sort as text). */
  start: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The part of a seat line a subscription is made from. */
type SeatPart = Pick<
  FileLine,
  'kind' | 'quantity' | 'periodEnd' | 'billedUnitPriceMicros' | 'billedUnitCostMicros' | 'currency' | 'term'
>;

/** One subscription's lines as they pass: only what its answer needs is kept. */
interface Rolling {
  seats: { identity: Identity; lastDay: string; current: SeatPart[]; latest: SeatPart } | null;
  usage: { identity: Identity; currency: string } | null;
}

function grow(identity: Identity | undefined, { line, importedAt }: ImportedLine): Identity {
  return {
    companyId: line.customer.id,
    productId: line.product.id,
    productName: line.product.name,
    start: identity && identity.start < line.periodStart ? identity.start : line.periodStart,
    createdAt: identity?.createdAt ?? importedAt,
    updatedAt: importedAt,
  };
}

const seatPart = (line: FileLine): SeatPart => ({
  kind: line.kind,
  quantity: line.quantity,
  periodEnd: line.periodEnd,
  billedUnitPriceMicros: line.billedUnitPriceMicros,
  billedUnitCostMicros: line.billedUnitCostMicros,
  currency: line.currency,
  term: line.term,
});

/**
 * A seat line as it passes. The seats are those of the lines covering the subscription's last
 * charged day, the latest period end: a line ending before it never covers it, and one ending
 * after it moves it, so the lines kept are exactly those ending on it.
 */
function addSeatLine(r: Rolling, l: ImportedLine) {
  const part = seatPart(l.line);
  const before = r.seats;
  if (!before || part.periodEnd > before.lastDay) {
    r.seats = { identity: grow(before?.identity, l), lastDay: part.periodEnd, current: [part], latest: part };
    return;
  }
  before.identity = grow(before.identity, l);
  before.latest = part;
  if (part.periodEnd === before.lastDay) before.current.push(part);
}

/**
 * Each subscription as the latest period in the files leaves it: the seats of the new, renewed
 * and cancelled lines that cover its last charged day (10 new, 2 cancelled on the 10th, 5 added
 * on the 15th: 13), at the price of its latest new or renewed line. Credits change money, not
 * seats, and are read by reconciliation. A subscription with usage lines only is billed by usage.
 */
export async function subscriptionsOf(lines: Lines): Promise<Parsed<Subscription>> {
  const bySubscription = new Map<string, Rolling>();
  for await (const l of lines) {
    const id = l.line.subscriptionId;
    const r = bySubscription.get(id) ?? { seats: null, usage: null };
    bySubscription.set(id, r);
    if (SEAT_KINDS.has(l.line.kind)) addSeatLine(r, l);
    else if (l.line.kind === 'usage') r.usage = { identity: grow(r.usage?.identity, l), currency: l.line.currency };
  }
  const items: Subscription[] = [];
  const problems: ParseProblem[] = [];
  for (const [id, r] of bySubscription) {
    if (r.seats) {
      const subscription = fromSeatLines(id, r.seats, problems);
      if (subscription) items.push(subscription);
    } else if (r.usage) items.push(fromUsageLines(id, r.usage));
  }
  return { items, problems };
}

function identityOf(id: string, identity: Identity) {
  return {
    id,
    companyId: identity.companyId,
    productId: identity.productId,
    productName: identity.productName,
    parentId: null,
    startDate: `${identity.start}T00:00:00Z`,
    createdAt: identity.createdAt.toISOString(),
    updatedAt: identity.updatedAt.toISOString(),
  };
}

/**
 * A subscription billed by what it used (Azure's meters): billed in arrears from its usage lines,
 * each month's as the file gives it, priced on the lines.
 */
function fromUsageLines(id: string, usage: NonNullable<Rolling['usage']>): Subscription {
  return {
    ...identityOf(id, usage.identity),
    quantity: 1,
    status: 'Active',
    billingTerm: 'Monthly',
    endDate: null,
    unitPrice: 0,
    unitCost: 0,
    currency: usage.currency,
    billing: 'usage',
    commitment: null,
    cancellableUntil: null,
  };
}

function fromSeatLines(
  id: string,
  seats: NonNullable<Rolling['seats']>,
  problems: ParseProblem[],
): Subscription | null {
  const { lastDay, current, latest } = seats;
  const quantity = current.reduce((n, l) => n + Number(l.quantity), 0);
  if (!Number.isInteger(quantity)) {
    problems.push({
      resource: 'subscription',
      id,
      field: 'quantity',
      value: quantity,
      message: 'seats are whole numbers; correct the file and import it again',
      effect: 'dropped',
      label: seats.identity.productName,
    });
    return null;
  }
  const priced = [...current].reverse().find((l) => l.kind !== 'cancel') ?? latest;
  const { billingTerm, commitment } = readTerm(priced.term);
  return {
    ...identityOf(id, seats.identity),
    quantity: Math.max(0, quantity),
    status: quantity > 0 ? 'Active' : 'Cancelled',
    billingTerm,
    endDate: quantity > 0 ? null : `${lastDay}T00:00:00Z`,
    unitPrice: priced.billedUnitPriceMicros,
    unitCost: priced.billedUnitCostMicros,
    currency: priced.currency,
    billing: 'seat',
    commitment: commitment ? { term: commitment, endDate: null } : null,
    cancellableUntil: null,
  };
}
