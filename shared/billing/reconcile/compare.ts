import { type Cents, formatCents, type Micros, microsToCents } from '../../money.ts';
import type { InvoiceItem, InvoiceLineKind } from '../../schemas/distributor.ts';
import type { AdjustmentLine, ReconcileFigures, ReconcileStatus } from '../../schemas/reconcile.ts';
import { type AdditionView, isOneTime } from '../additions.ts';
import { endOfMonth, monthName, usDay } from '../calendar.ts';

/** Differences this small are accepted without a person: either rule is enough. 0 turns a rule off. */
export interface Tolerance {
  cents: Cents;
  /** A share of what ConnectWise should bill, in basis points (100 = 1%). */
  bp: number;
}

export interface ReconcileInput {
  /** `2026-10` */
  period: string;
  distributorName: string;
  /** The distributor's cut-over date for the period: from then on, its invoice is expected. */
  cutover: string;
  /** The invoice's lines for this subscription and period; null when none names it. */
  invoiceLines: readonly InvoiceItem[] | null;
  /** Whether any invoice for the period is there (then a missing line is the distributor's, not a delay). */
  invoiceThere: boolean;
  /** The agreement's additions of the subscription's catalog item. */
  additions: readonly AdditionView[];
  /** A recurring line's quantity and price during the period, where the sync changed it since. */
  asInPeriod: ReadonlyMap<number, { quantity: number; unitPrice: Micros | null }>;
  /**
   * The markers of the lines Accepts posted for this subscription and period (one per
   * revision), wherever dated, with what each posts: seats, or an amount only. `either` is a
   * line of the first release, told apart by its price.
   */
  adjustmentMarkers: ReadonlyMap<string, 'seats' | 'amount' | 'either'>;
  tolerance: Tolerance;
  /** The subscription's currency, as the distributor invoices it. */
  currency: string;
  /** The agreement's, where Manage names one. */
  agreementCurrency: string | null;
}

export interface Comparison {
  status: ReconcileStatus;
  reason: string;
  figures: ReconcileFigures | null;
  adjustment: AdjustmentLine | null;
  withinTolerance: boolean;
}

const QUANTITY_KINDS = new Set<InvoiceLineKind>(['seats', 'usage']);

/** A line's amount as it counts toward what is due: credits reduce, payments do not count. */
export function dueAmount(l: Pick<InvoiceItem, 'kind'>, amount: Micros): Micros {
  if (l.kind === 'payment') return 0;
  return l.kind === 'credit' ? -Math.abs(amount) : amount;
}
const periodEnd = (period: string) => endOfMonth(`${period}-01`);
const inPeriod = (day: string | null, period: string) => day !== null && day.slice(0, 7) === period;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** `micros × num / den`, exactly, rounded half away from zero to cents. */
function scaledCents(micros: Micros, num: Micros, den: Micros): Cents {
  const product = BigInt(micros) * BigInt(num);
  const d = BigInt(den) * 10_000n;
  const negative = product < 0n !== d < 0n;
  const abs = (product < 0n ? -product : product) * 2n + (d < 0n ? -d : d);
  const q = abs / (2n * (d < 0n ? -d : d));
  return Number(negative ? -q : q);
}

/** What ConnectWise bills for the subscription in the period: lines in force at its end, and its one-time lines. */
function billed(input: ReconcileInput) {
  const end = periodEnd(input.period);
  let quantity = 0;
  let billedMicros = 0;
  let costMicros = 0;
  let unitPrice: Micros = 0;
  let unitCost: Micros = 0;
  let lines = 0;
  let latest = '';
  const adjustments: AdditionView[] = [];
  for (const a of input.additions) {
    const adjustment = a.marker !== null && input.adjustmentMarkers.has(a.marker);
    if (adjustment) {
      adjustments.push(a);
      continue;
    }
    if (isOneTime(a)) {
      if (!inPeriod(a.effectiveDate, input.period)) continue;
      billedMicros += a.quantity * (a.unitPrice ?? 0);
      costMicros += a.quantity * (a.unitCost ?? 0);
      lines++;
      continue;
    }
    const from = a.effectiveDate?.slice(0, 10) ?? '';
    if (from > end || (a.cancelledDate && a.cancelledDate.slice(0, 10) < end)) continue;
    const then = input.asInPeriod.get(a.id);
    const q = then?.quantity ?? a.quantity;
    const price = then?.unitPrice ?? a.unitPrice ?? 0;
    quantity += q;
    billedMicros += q * price;
    costMicros += q * (a.unitCost ?? 0);
    lines++;
    if (`${from}:${a.id}` >= latest) {
      latest = `${from}:${a.id}`;
      unitPrice = price;
      unitCost = a.unitCost ?? 0;
    }
  }
  // Lines Accepts posted for the period count wherever they are dated; one of seats at the
  // agreement's price ("+7 × $6.00") counts as seats too, one of an amount as money only.
  for (const a of adjustments) {
    billedMicros += a.quantity * (a.unitPrice ?? 0);
    costMicros += a.quantity * (a.unitCost ?? 0);
    const kind = input.adjustmentMarkers.get(a.marker!);
    if (kind === 'seats' || (kind === 'either' && lines > 0 && a.unitPrice === unitPrice)) quantity += a.quantity;
    lines++;
  }
  return { quantity, billedMicros, costMicros, unitPrice, unitCost, lines };
}

/**
 * Compares one subscription's invoice for a period with what ConnectWise bills for it.
 *
 * What ConnectWise should bill is the invoice's cost at the agreement's own markup (its unit
 * price over its unit cost): more seats, a credit and a price change all move it, and the
 * margin the MSP set is kept. Without a unit cost in ConnectWise, the invoice's seats at the
 * agreement's price; with no line at all, the distributor's own price. Accept posts the
 * difference: seats at the agreement's price when that is what it is (+7 × $3.00), otherwise
 * one line of the amount.
 */
export function compareInvoice(input: ReconcileInput): Comparison {
  const month = monthName(`${input.period}-01`);
  const d = input.distributorName;
  if (!input.invoiceLines || input.invoiceLines.length === 0)
    return {
      status: 'pending',
      reason: input.invoiceThere
        ? `${d}'s invoice for ${month} has no line for this subscription yet; it is checked again on every run.`
        : `The cut-over date (${usDay(input.cutover)}) has passed, but ${d}'s invoice for ${month} is not there yet; it is checked again on every run.`,
      figures: null,
      adjustment: null,
      withinTolerance: false,
    };
  if (input.agreementCurrency && input.agreementCurrency !== input.currency)
    return {
      status: 'review',
      reason:
        `${d} invoices this subscription in ${input.currency}, but its agreement bills in ` +
        `${input.agreementCurrency}. Amounts of two currencies are never compared or posted: map it to an agreement in ${input.currency}, then check again.`,
      figures: null,
      adjustment: null,
      withinTolerance: false,
    };
  const lines = input.invoiceLines;
  const invoiceQuantity = lines.filter((l) => QUANTITY_KINDS.has(l.kind)).reduce((n, l) => n + (l.quantity ?? 0), 0);
  const invoiceCost = lines.reduce((n, l) => n + dueAmount(l, l.costTotal), 0);
  const invoicePrice = lines.reduce((n, l) => n + dueAmount(l, l.total), 0);
  const seatLine = lines.find((l) => QUANTITY_KINDS.has(l.kind));
  const cw = billed(input);
  const billedCents = microsToCents(cw.billedMicros);
  const cwCostCents = microsToCents(cw.costMicros);
  const invoiceCostCents = microsToCents(invoiceCost);
  const priceCents = microsToCents(cw.unitPrice);
  const expectedCents =
    cw.lines === 0
      ? microsToCents(invoicePrice)
      : cw.unitCost > 0
        ? scaledCents(invoiceCost, cw.unitPrice, cw.unitCost)
        : invoiceQuantity * priceCents;
  const figures: ReconcileFigures = {
    currency: input.currency,
    invoice: {
      quantity: invoiceQuantity,
      costCents: invoiceCostCents,
      priceCents: microsToCents(invoicePrice),
      unitCostCents: seatLine ? microsToCents(seatLine.cost) : null,
    },
    cw: {
      quantity: cw.quantity,
      unitPriceCents: priceCents,
      unitCostCents: microsToCents(cw.unitCost),
      billedCents,
      costCents: cwCostCents,
      lines: cw.lines,
    },
    expectedCents,
    quantityDifference: invoiceQuantity - cw.quantity,
    differenceCents: expectedCents - billedCents,
    costDifferenceCents: invoiceCostCents - cwCostCents,
    marginCents: billedCents - invoiceCostCents,
  };
  if (figures.differenceCents === 0 && figures.costDifferenceCents === 0 && figures.quantityDifference === 0)
    return {
      status: 'reconciled',
      reason: `No difference: ConnectWise bills what ${d} invoiced for ${month}.`,
      figures,
      adjustment: null,
      withinTolerance: false,
    };
  const adjustment = adjustmentOf(figures);
  const within = withinTolerance(figures, input.tolerance);
  return {
    status: within ? 'reconciled' : 'review',
    reason: within
      ? `Accepted within the tolerance: a difference of ${formatCents(figures.differenceCents)} is not posted.`
      : differenceReason(figures, d, month, adjustment),
    figures,
    adjustment,
    withinTolerance: within,
  };
}

/** The line that posts the difference. */
export function adjustmentOf(f: ReconcileFigures): AdjustmentLine {
  const q = f.quantityDifference;
  if (q !== 0 && f.differenceCents === q * f.cw.unitPriceCents && f.cw.lines > 0) {
    const unitCost = Math.round(f.costDifferenceCents / q);
    return {
      kind: 'seats',
      quantity: q,
      unitPriceCents: f.cw.unitPriceCents,
      unitCostCents: Math.max(0, unitCost),
      derivation: `${signed(q)} × ${formatCents(f.cw.unitPriceCents)} = ${formatCents(f.differenceCents)}`,
    };
  }
  const sign = f.differenceCents < 0 || (f.differenceCents === 0 && f.costDifferenceCents < 0) ? -1 : 1;
  const sameSign = Math.sign(f.costDifferenceCents) === sign;
  return {
    kind: 'amount',
    quantity: sign,
    unitPriceCents: Math.abs(f.differenceCents),
    unitCostCents: sameSign ? Math.abs(f.costDifferenceCents) : 0,
    derivation: `${formatCents(f.expectedCents)} expected − ${formatCents(f.cw.billedCents)} billed = ${formatCents(f.differenceCents)}`,
  };
}

export function withinTolerance(f: ReconcileFigures, t: Tolerance): boolean {
  const diff = Math.max(Math.abs(f.differenceCents), Math.abs(f.costDifferenceCents));
  if (t.cents > 0 && diff <= t.cents) return true;
  return t.bp > 0 && f.expectedCents !== 0 && diff * 10_000 <= t.bp * Math.abs(f.expectedCents);
}

function differenceReason(f: ReconcileFigures, d: string, month: string, line: AdjustmentLine): string {
  const parts: string[] = [];
  if (f.cw.lines === 0)
    parts.push(`ConnectWise bills nothing for it in ${month}; ${d} invoiced ${f.invoice!.quantity}.`);
  else if (f.quantityDifference !== 0)
    parts.push(`${d} invoiced ${f.invoice!.quantity} for ${month}; ConnectWise bills ${f.cw.quantity}.`);
  if (f.costDifferenceCents !== 0)
    parts.push(
      `${d} charged ${formatCents(f.invoice!.costCents)}; ConnectWise records a cost of ${formatCents(f.cw.costCents)}.`,
    );
  if (f.quantityDifference === 0 && f.costDifferenceCents === 0)
    parts.push(`ConnectWise bills ${formatCents(f.cw.billedCents)} where ${formatCents(f.expectedCents)} is due.`);
  const amount = line.quantity === 1 || line.quantity === -1 ? formatCents(f.differenceCents) : line.derivation;
  parts.push(`Accepting posts ${amount}.`);
  return parts.join(' ');
}

/** Figures of a period's rows of one currency, added up: what the month's picture and its CSV show. */
export function totalsOf(rows: readonly { figures: ReconcileFigures | null; status: ReconcileStatus }[]) {
  let cost = 0;
  let billedCents = 0;
  let leakage = 0;
  let licences = 0;
  for (const r of rows) {
    if (!r.figures) continue;
    cost += r.figures.invoice?.costCents ?? 0;
    billedCents += r.figures.cw.billedCents;
    licences += r.figures.invoice?.quantity ?? 0;
    // Leakage: money the invoice says is due and nobody has billed or decided on yet.
    if (r.status === 'review' && r.figures.differenceCents > 0) leakage += r.figures.differenceCents;
  }
  return { costCents: cost, billedCents, marginCents: billedCents - cost, leakageCents: leakage, licences };
}

/** A row's currency: what its figures were compared in. */
export const currencyOf = (r: { figures: ReconcileFigures | null }) => r.figures?.currency ?? 'USD';

/**
 * Totals per currency, the one with the most rows first: amounts of two currencies are never
 * added together. Rows without figures (nothing compared) count in none.
 */
export function totalsByCurrency<R extends { figures: ReconcileFigures | null; status: ReconcileStatus }>(
  rows: readonly R[],
) {
  const groups = new Map<string, R[]>();
  for (const r of rows.filter((x) => x.figures)) groups.set(currencyOf(r), [...(groups.get(currencyOf(r)) ?? []), r]);
  return [...groups]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([currency, list]) => ({ currency, ...totalsOf(list) }));
}
