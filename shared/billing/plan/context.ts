import { formatCents, microsToCents } from '../../money.ts';
import type { Subscription, SubscriptionSnapshot } from '../../schemas/distributor.ts';
import type { AgreementView } from '../../schemas/mapping.ts';
import type { Waiver } from '../../schemas/plans.ts';
import type { SyncRules } from '../../schemas/settings.ts';
import type { AdditionView } from '../additions.ts';
import { addMonths, firstOfMonth } from '../calendar.ts';
import { type AdditionDraft, againKey, type BillCustomer, markerFor, type Operation } from '../operations.ts';
import { type Derived, lineTotal, plain } from '../proration.ts';

export interface PlanInput {
  subscription: Subscription;
  /** Quantity history, oldest first. */
  history: readonly SubscriptionSnapshot[];
  /** The bound catalog item and how ConnectWise names it on invoices. */
  product: { catalogItemId: number; label: string };
  agreement: AgreementView;
  /** Every addition on the agreement, as just re-read from ConnectWise. */
  additions: readonly AdditionView[];
  rules: SyncRules;
  today: string;
  options?: { recurring?: 'update' | 'replace'; billCustomer?: BillCustomer; taxable?: boolean };
  /** Markers of lines the sync wrote that were removed or ended by hand: planning them again needs new keys. */
  gone?: readonly string[];
  /** Operations a person waived: never offered again. */
  waived?: readonly Waiver[];
  /** Whose subscription it is: its name in every reason, and the prefix of the markers it writes. */
  distributor: { name: string; markerPrefix: string };
}

/** An operation the plan would have had, that a person waived: shown with who, when and why. */
export interface WaivedChange extends Waiver {
  title: string;
  totalPrice: Derived;
  proratedPeriod: { from: string; to: string } | null;
  /** Whole months it back-billed, for a waived extra-months line. */
  extraMonths: { from: string; months: number } | null;
}

export interface SyncedChange {
  at: string;
  delta: number;
  additionId: number;
}

/** A quantity change from the distributor's history. */
export interface Change {
  at: string;
  from: number;
  to: number;
}

/** The latest of some ISO days (or date-times), as a day. */
export const maxDay = (...days: (string | null | undefined)[]) =>
  days
    .filter((d): d is string => Boolean(d))
    .map((d) => d.slice(0, 10))
    .sort()
    .at(-1)!;

type NewOperation = Omit<
  Operation,
  'marker' | 'dependsOn' | 'effectiveDateEditable' | 'extraMonths' | 'additionId' | 'before'
> &
  Partial<Operation>;

/**
 * What every step of a plan shares: the subscription (with a known quantity and price), the
 * billing window, how lines are drafted, the engine's own lines already in ConnectWise, and
 * the operations and synced changes collected so far.
 */
export interface PlanContext {
  input: PlanInput;
  s: Subscription & { quantity: number; unitPrice: number; unitCost: number };
  /** The first day ConnectWise has not invoiced yet: new lines start there. */
  firstOpen: string;
  /** The first day of the last month ConnectWise has invoiced. */
  invoicedMonth: string;
  /** Changes are written as delta lines that Manage prorates itself. */
  connectwiseProrates: boolean;
  /** The distributor's monthly unit price and cost: what prorates, credits and extra months are figured from. */
  unitPrice: Derived;
  unitCost: Derived;
  /** The recurring line's unit price and cost: a month's, times the months the agreement bills at once. */
  recurringPrice: Derived;
  recurringCost: Derived;
  /** The engine's line for an operation key already in ConnectWise (its re-creation counts too). */
  written: (key: string) => AdditionView | undefined;
  operations: Operation[];
  synced: SyncedChange[];
  waived: WaivedChange[];
  notes: string[];
  /** A stable operation key: the same change always gets the same key. */
  key: (...parts: (string | number)[]) => string;
  op: (o: NewOperation) => Operation;
  draft: (quantity: number, price: Derived, cost: Derived, over: Partial<AdditionDraft>) => AdditionDraft;
  /** An addition already in ConnectWise, as a draft (for updates and cancellations). */
  fromView: (a: AdditionView) => AdditionDraft;
}

/**
 * How many months an agreement bills at once: a yearly agreement invoices a year ahead, so its
 * recurring line carries a year's price (shared/billing/billing-rules.md).
 */
export function cycleMonths(agreement: Pick<AgreementView, 'billingCycle'>): number {
  const cycle = agreement.billingCycle ?? '';
  if (/year|annual/i.test(cycle)) return 12;
  if (/quarter/i.test(cycle)) return 3;
  return 1;
}

/** A monthly amount for a billing cycle of `months`, exact in micros and rounded once to cents. */
function perCycle(monthly: number, months: number): Derived {
  if (months === 1) return plain(monthly);
  const cents = microsToCents(monthly * months);
  return { cents, derivation: `${formatCents(microsToCents(monthly))} × ${months} months = ${formatCents(cents)}` };
}

/**
 * The first day ConnectWise has not invoiced yet: new lines start there, never before the
 * agreement's billing start, so Manage never refuses them for an invoiced period.
 */
export function firstOpenDay(agreement: AgreementView, today: string): string {
  const nextInvoice = agreement.nextInvoiceDate?.slice(0, 10) ?? addMonths(firstOfMonth(today), 1);
  return maxDay(nextInvoice, agreement.billStartDate);
}

export function planContext(input: PlanInput, s: PlanContext['s']): PlanContext {
  const { agreement, product, rules, today } = input;
  const notes: string[] = [];
  if (rules.proration === 'connectwise-prorates' && !agreement.prorates) {
    notes.push(`${agreement.name} does not prorate, so prorates are written as separate one-time additions.`);
  }
  const firstOpen = firstOpenDay(agreement, today);
  const billCustomer = input.options?.billCustomer ?? 'Billable';
  const taxable = input.options?.taxable ?? true;
  const operations: Operation[] = [];
  const draft: PlanContext['draft'] = (quantity, price, cost, over) => ({
    catalogItemId: product.catalogItemId,
    quantity,
    unitPrice: price,
    unitCost: cost,
    totalPrice: lineTotal(price.cents, quantity),
    totalCost: lineTotal(cost.cents, quantity),
    effectiveDate: firstOpen,
    cancelledDate: null,
    invoiceDescription: product.label,
    billCustomer,
    taxable,
    recurring: true,
    proratedPeriod: null,
    ...over,
  });
  const relevant = input.additions.filter((a) => a.agreementId === agreement.id);
  const gone = new Set(input.gone ?? []);
  const waivers = new Map((input.waived ?? []).map((w) => [w.key, w]));
  const waivedList: WaivedChange[] = [];
  const byMarker = new Map(relevant.filter((a) => a.marker).map((a) => [a.marker!, a]));
  return {
    input,
    s,
    firstOpen,
    invoicedMonth: addMonths(firstOfMonth(firstOpen), -1),
    connectwiseProrates: rules.proration === 'connectwise-prorates' && agreement.prorates,
    unitPrice: plain(s.unitPrice),
    unitCost: plain(s.unitCost),
    recurringPrice: perCycle(s.unitPrice, cycleMonths(agreement)),
    recurringCost: perCycle(s.unitCost, cycleMonths(agreement)),
    written: (key) => {
      // A line removed by hand and re-created carries the `again` key's marker.
      for (let k = key, i = 0; i < 8; k = againKey(k), i++) {
        const line = byMarker.get(markerFor(k, input.distributor.markerPrefix));
        if (line) return line;
      }
      return undefined;
    },
    operations,
    synced: [],
    waived: waivedList,
    notes,
    key: (...parts) => [s.id, ...parts].join(':'),
    op: (o) => {
      let key = o.key;
      while (gone.has(markerFor(key, input.distributor.markerPrefix))) key = againKey(key);
      const full: Operation = {
        marker: markerFor(key, input.distributor.markerPrefix),
        dependsOn: null,
        effectiveDateEditable: true,
        extraMonths: null,
        additionId: null,
        before: null,
        ...o,
        key,
      };
      const waiver = waivers.get(key);
      // A person said no to exactly this change: it is reported, not offered again.
      if (waiver)
        waivedList.push({
          ...waiver,
          title: full.title,
          totalPrice: full.after.totalPrice,
          proratedPeriod: full.after.proratedPeriod,
          extraMonths: full.extraMonths,
        });
      else operations.push(full);
      return full;
    },
    draft,
    fromView: (a) =>
      draft(a.quantity, plain(a.unitPrice ?? 0), plain(a.unitCost ?? 0), {
        effectiveDate: a.effectiveDate?.slice(0, 10) ?? firstOpen,
        cancelledDate: a.cancelledDate?.slice(0, 10) ?? null,
        invoiceDescription: a.invoiceDescription ?? product.label,
      }),
  };
}
