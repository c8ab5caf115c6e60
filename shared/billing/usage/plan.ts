import { formatCents, type Micros, microsToCents } from '../../money.ts';
import type { Subscription, UsageLine } from '../../schemas/distributor.ts';
import type { AgreementView } from '../../schemas/mapping.ts';
import { USAGE_OPTION_NAMES, type UsageOption, type UsagePeriod, type UsageReading } from '../../schemas/usage.ts';
import { type AdditionView, isOneTime } from '../additions.ts';
import { addMonths, endOfMonth, monthName, usDay } from '../calendar.ts';
import { currencyMismatch } from '../currency.ts';
import { type AdditionDraft, markerFor, newAddition, type Operation, shortHash } from '../operations.ts';
import { firstOpenDay, maxDay } from '../plan/context.ts';
import { type Derived, lineTotal } from '../proration.ts';
import { costOf, customerPrice } from './markup.ts';

/** A subscription billed by what was used, in arrears, rather than by its seats. */
export const isUsage = (s: Pick<Subscription, 'billing'>) => s.billing === 'usage';

/** A bound ConnectWise catalog item, and whether its product's usage sync is on. */
export interface UsageBinding {
  catalogItemId: number;
  sync: boolean;
  /**
   * The ConnectWise product's own price and cost, for a distributor that reports counts but no
   * prices (Sophos Central): its lines bill at the product's price.
   */
  catalogPrice?: { priceCents: number; costCents: number };
}

export interface UsagePlanInput {
  /** `currency`: what the distributor bills it in (ISO 4217); compared with the agreement's. */
  subscription: { id: string; productName: string; startDate: string | null; currency?: string };
  option: UsageOption;
  period: UsagePeriod;
  /** The period's usage as of its last day. */
  reading: UsageReading;
  /** The product's own binding (Flat Rate, Usage Summary, and lines whose sub-product is not bound). */
  product: UsageBinding | null;
  /** Bindings per sub-product name (Multi Products). */
  subProducts: ReadonlyMap<string, UsageBinding>;
  /** The company's markup, else the product's; null: the distributor's own prices. */
  markupBp: number | null;
  flatPriceCents: number | null;
  thresholdCents: number | null;
  agreement: AgreementView;
  additions: readonly AdditionView[];
  today: string;
  /** `linesPriced`: its usage lines carry prices; otherwise they are counts, billed at the bound product's price. */
  distributor: { name: string; markerPrefix: string; linesPriced: boolean };
}

/** One row of the review, as Pax8's multi-product screen shows it. */
export interface UsageRow {
  name: string;
  status: 'Creating' | 'Updating' | 'Unchanged' | 'Ending' | 'Skipped';
  usageDate: string | null;
  effectiveDate: string | null;
  syncedQuantity: number | null;
  quantity: number;
  unitCost: Derived;
  unitPrice: Derived;
  total: Derived;
  /** Why it is skipped or unchanged, or what it changes. */
  reason: string;
  opKey: string | null;
}

export interface UsagePlan {
  /** `waiting`: the period is not final yet, so nothing is written; `blocked`: it cannot be planned as chosen. */
  status: 'ok' | 'waiting' | 'blocked';
  reason: string | null;
  option: UsageOption;
  /** The month it bills: `2026-10`. */
  period: string;
  operations: Operation[];
  /** What it would write once its month is final (the same as `operations` once it is). */
  pending: Operation[];
  rows: UsageRow[];
  notes: string[];
  /** The period's charges to the customer, as planned. */
  totalCents: number;
  costCents: number;
  overThreshold: boolean;
  basis: string;
}

interface Ctx {
  input: UsagePlanInput;
  rows: UsageRow[];
  operations: Operation[];
  notes: string[];
  /** Own lines accounted for; the rest of this subscription's recurring lines end. */
  kept: Set<number>;
  /** Another option's recurring lines that bill this period: they end after the month they bill it in. */
  billing?: { lines: Set<number>; to: string };
}

const identityOf = (input: UsagePlanInput, ...parts: string[]) => ['usage', input.subscription.id, ...parts].join(':');
/**
 * A usage line's marker names its subscription too (`p8s:` + 8 + 16 hex digits, longer than a
 * seat line's), so every line a subscription's usage sync wrote is found, whatever it billed.
 */
const subscriptionMark = (input: UsagePlanInput) =>
  `${input.distributor.markerPrefix}:${shortHash(`usage:${input.subscription.id}`).slice(0, 8)}`;
const markerOf = (input: UsagePlanInput, identity: string) =>
  subscriptionMark(input) + markerFor(identity, input.distributor.markerPrefix).split(':')[1];
const ownLine = (input: UsagePlanInput, identity: string) =>
  input.additions.find(
    (a) =>
      a.agreementId === input.agreement.id &&
      a.marker === markerOf(input, identity) &&
      (!a.cancelledDate || a.cancelledDate.slice(0, 10) >= input.today.slice(0, 10)),
  ) ?? null;

/** "Proofpoint Essentials - Business" reads "Proofpoint Business" on an invoice, as Pax8 writes it. */
export function shortName(name: string): string {
  const [head, tail] = name.split(' - ', 2);
  if (!tail) return name;
  return `${head!.split(' ')[0]} ${tail}`;
}

/** "1stwestinsurance.com - 1stwestinsurance.com - Proofpoint Business": domain, resource, sub-product. */
export const multiProductName = (resourceGroup: string, productName: string) =>
  `${resourceGroup} - ${resourceGroup} - ${shortName(productName)}`;

/** The latest daily total of each line wins: a month's usage is its last day's. */
export function latestLines(lines: readonly UsageLine[]): UsageLine[] {
  const byName = new Map<string, UsageLine>();
  for (const l of lines) {
    const seen = byName.get(l.productName);
    if (!seen || seen.usageDate <= l.usageDate) byName.set(l.productName, l);
  }
  return [...byName.values()].sort((a, b) => a.productName.localeCompare(b.productName));
}

/** Plans one usage subscription's additions for an arrears period. Pure, like the seat planner. */
export function planUsage(input: UsagePlanInput): UsagePlan {
  const ctx: Ctx = { input, rows: [], operations: [], notes: [], kept: new Set(), billing: undefined };
  const basis = usageBasis(input);
  const blocked = whyBlocked(input);
  if (blocked === null) {
    if (input.option === 'multi-products') planMultiProducts(ctx);
    else if (input.option === 'flat-rate') planFlatRate(ctx);
    else planOneTime(ctx, input.option === 'usage-lines');
    endOtherLines(ctx);
  }
  const totalCents = ctx.rows.filter((r) => r.status !== 'Skipped').reduce((n, r) => n + r.total.cents, 0);
  const costCents = ctx.rows
    .filter((r) => r.status !== 'Skipped')
    .reduce((n, r) => n + Math.round(r.unitCost.cents * r.quantity), 0);
  const overThreshold = input.thresholdCents !== null && totalCents > input.thresholdCents;
  ctx.notes.push(...(input.reading.problems ?? []));
  if (overThreshold)
    ctx.notes.push(
      `${monthName(input.period.from)} comes to ${formatCents(totalCents)}, past this customer's ` +
        `${formatCents(input.thresholdCents!)} threshold: the scheduled sync holds it for a person.`,
    );
  const waiting = !input.period.final;
  const reason =
    blocked ??
    (waiting
      ? `${monthName(input.period.from)}'s usage is final from ${usDay(input.period.finalFrom)}; nothing is written before then.`
      : null);
  return {
    status: blocked ? 'blocked' : waiting ? 'waiting' : 'ok',
    reason,
    option: input.option,
    period: input.period.month,
    operations: blocked || waiting ? [] : ctx.operations,
    pending: blocked ? [] : ctx.operations,
    rows: ctx.rows,
    notes: ctx.notes,
    totalCents,
    costCents,
    overThreshold,
    basis,
  };
}

function whyBlocked(input: UsagePlanInput): string | null {
  const currency = input.subscription.currency
    ? currencyMismatch(input.distributor.name, input.subscription.currency, input.agreement)
    : null;
  if (currency) return currency;
  // Nothing is created or synced for a product nobody bound, nor for one whose sync is off.
  // Multi Products bills each sub-product by its own binding and switch (Sophos Central's
  // products): there, the product itself need not be bound.
  if (!input.product && input.option === 'multi-products' && input.subProducts.size > 0) return null;
  if (!input.product)
    return `${input.subscription.productName} is not bound to a ConnectWise product; bind it on the Products page first.`;
  if (!input.product.sync)
    return `Usage sync is off for ${input.subscription.productName}; turn it on on the Products page to bill it.`;
  if (input.option === 'flat-rate' && input.flatPriceCents === null)
    return 'Flat Rate bills a price you set: enter the monthly price first.';
  return null;
}

/** Everything the plan depends on, so a confirmation from a stale review is refused. */
function usageBasis(input: UsagePlanInput): string {
  const lines = input.reading.summaries.flatMap((s) =>
    latestLines(s.lines).map((l) => [s.resourceGroup, l.productName, l.quantity, l.partnerTotal, l.charges].join('|')),
  );
  const own = input.additions
    .filter((a) => a.marker?.startsWith(`${input.distributor.markerPrefix}:`))
    .map((a) => [a.id, a.quantity, a.unitPrice, a.unitCost, a.cancelledDate, a.lastUpdated].join('|'))
    .sort();
  return shortHash(
    [
      input.option,
      input.period.month,
      input.markupBp,
      input.flatPriceCents,
      input.agreement.id,
      input.agreement.nextInvoiceDate,
      ...lines,
      ...own,
    ].join('~'),
  );
}

const unitCostOf = (l: UsageLine): Micros => (l.quantity === 0 ? 0 : Math.round(l.partnerTotal / l.quantity));

function draft(v: {
  catalogItemId: number;
  quantity: number;
  unitPrice: Derived;
  unitCost: Derived;
  effectiveDate: string;
  cancelledDate: string | null;
  description: string;
}): AdditionDraft {
  return {
    catalogItemId: v.catalogItemId,
    quantity: v.quantity,
    unitPrice: v.unitPrice,
    unitCost: v.unitCost,
    totalPrice: lineTotal(v.unitPrice.cents, v.quantity),
    totalCost: lineTotal(v.unitCost.cents, v.quantity),
    effectiveDate: v.effectiveDate,
    cancelledDate: v.cancelledDate,
    // ConnectWise's invoice description holds 1,000 characters at most.
    invoiceDescription: v.description.slice(0, 1000),
    billCustomer: 'Billable',
    taxable: false,
    recurring: v.cancelledDate === null,
    proratedPeriod: null,
  };
}

/**
 * A recurring line kept in line with the period: created once, then only its quantity, price
 * or cost updated when they change. The key holds the period, so each month writes at most once.
 */
function keepRecurring(ctx: Ctx, identity: string, after: AdditionDraft, name: string, usageDate: string | null) {
  const { input } = ctx;
  const existing = ownLine(input, identity);
  const key = `${identity}:${input.period.month}`;
  const base = { name, usageDate, effectiveDate: after.effectiveDate, quantity: after.quantity };
  const figures = { unitCost: after.unitCost, unitPrice: after.unitPrice, total: after.totalPrice };
  if (existing) ctx.kept.add(existing.id);
  const same =
    existing &&
    existing.quantity === after.quantity &&
    existing.unitPrice !== null &&
    microsToCents(existing.unitPrice) === after.unitPrice.cents &&
    existing.unitCost !== null &&
    microsToCents(existing.unitCost) === after.unitCost.cents;
  if (existing && same) {
    ctx.rows.push({
      ...base,
      ...figures,
      status: 'Unchanged',
      syncedQuantity: existing.quantity,
      reason: 'No change since the last month synced.',
      opKey: null,
    });
    return;
  }
  if (existing) {
    // A period's figures corrected after a first write (a late count) are written once more,
    // under a key of their own: the same figures are never written twice.
    const updateKey = `${key}:${after.quantity}:${after.unitPrice.cents}:${after.unitCost.cents}`;
    const before: AdditionDraft = {
      ...after,
      quantity: existing.quantity,
      unitPrice: costOf(existing.unitPrice ?? 0),
      unitCost: costOf(existing.unitCost ?? 0),
      totalPrice: lineTotal(microsToCents(existing.unitPrice ?? 0), existing.quantity),
      totalCost: lineTotal(microsToCents(existing.unitCost ?? 0), existing.quantity),
      effectiveDate: existing.effectiveDate?.slice(0, 10) ?? after.effectiveDate,
      invoiceDescription: existing.invoiceDescription ?? after.invoiceDescription,
    };
    // An update pushes the new figures only: a description someone edited stays theirs.
    const kept = { ...after, effectiveDate: before.effectiveDate, invoiceDescription: before.invoiceDescription };
    ctx.operations.push({
      key: updateKey,
      marker: existing.marker!,
      type: 'update-recurring',
      kind: 'usage',
      title: `Update ${name}: ${existing.quantity} → ${after.quantity}`,
      reason: `${monthName(input.period.from)}'s usage: ${after.quantity} (synced ${existing.quantity}).`,
      additionId: existing.id,
      before,
      after: kept,
      dependsOn: null,
      effectiveDateEditable: false,
      extraMonths: null,
    });
    ctx.rows.push({
      ...base,
      ...figures,
      status: 'Updating',
      syncedQuantity: existing.quantity,
      reason: 'Updates the quantity and figures of the line synced before.',
      opKey: updateKey,
    });
    return;
  }
  ctx.operations.push(
    creation(
      key,
      markerOf(input, identity),
      'create-recurring',
      `Create ${name}`,
      `${monthName(input.period.from)}'s usage: ${after.quantity}.`,
      after,
    ),
  );
  ctx.rows.push({
    ...base,
    ...figures,
    status: 'Creating',
    syncedQuantity: null,
    reason: 'A new recurring line.',
    opKey: key,
  });
}

/**
 * The recurring lines' effective date: the subscription's start, as the guide has it, but
 * never in a period ConnectWise has invoiced (it refuses those) nor before the agreement.
 */
const recurringStart = (input: UsagePlanInput) =>
  maxDay(
    input.subscription.startDate ?? input.period.from,
    input.agreement.startDate,
    firstOpenDay(input.agreement, input.today),
  );

/** A new addition the usage sync writes. */
const creation = (
  key: string,
  marker: string,
  type: 'create-recurring' | 'create-usage',
  title: string,
  reason: string,
  after: AdditionDraft,
): Operation => newAddition({ key, marker, type, kind: 'usage', title, reason, after });

function skipped(ctx: Ctx, name: string, l: UsageLine, reason: string) {
  const price = customerPrice(l.partnerTotal, l.charges, ctx.input.markupBp);
  ctx.rows.push({
    name,
    status: 'Skipped',
    usageDate: l.usageDate,
    effectiveDate: null,
    syncedQuantity: null,
    quantity: l.quantity,
    unitCost: costOf(unitCostOf(l)),
    unitPrice: costOf(l.unitPrice),
    total: price,
    reason,
    opKey: null,
  });
}

/** One recurring line per summary and sub-product, with the period's quantity. */
function planMultiProducts(ctx: Ctx) {
  const { input } = ctx;
  const start = recurringStart(input);
  for (const s of input.reading.summaries) {
    for (const l of latestLines(s.lines)) {
      const name = multiProductName(s.resourceGroup, l.productName);
      if (l.quantity <= 0) continue;
      const binding = input.subProducts.get(l.productName);
      if (!binding?.sync) {
        // Not synced is not ended: a line written before stays as it is, untouched, until its
        // product is bound (or its sync turned on) again.
        const line = ownLine(input, identityOf(input, s.resourceGroup, l.productName));
        if (line) ctx.kept.add(line.id);
        skipped(
          ctx,
          name,
          l,
          binding
            ? `Usage sync is off for ${l.productName}; turn it on on the Products page.${line ? ` Its line (addition ${line.id}) is left as it is.` : ''}`
            : `${l.productName} is not bound to a ConnectWise product; bind it on the Products page.`,
        );
        continue;
      }
      const listed = input.distributor.linesPriced ? undefined : binding.catalogPrice;
      const unitCost = listed
        ? { cents: listed.costCents, derivation: `${formatCents(listed.costCents)} (ConnectWise product cost)` }
        : costOf(unitCostOf(l));
      const unitPrice = listed
        ? { cents: listed.priceCents, derivation: `${formatCents(listed.priceCents)} (ConnectWise product price)` }
        : input.markupBp === null
          ? costOf(l.unitPrice)
          : customerPrice(unitCostOf(l), l.unitPrice, input.markupBp, l.quantity);
      const after = draft({
        catalogItemId: binding.catalogItemId,
        quantity: l.quantity,
        unitPrice,
        unitCost,
        effectiveDate: start,
        cancelledDate: null,
        description: name,
      });
      keepRecurring(ctx, identityOf(input, s.resourceGroup, l.productName), after, name, l.usageDate);
    }
  }
}

/** One recurring line at the member's price; its cost follows the period's usage. */
function planFlatRate(ctx: Ctx) {
  const { input } = ctx;
  const lines = input.reading.summaries.flatMap((s) => latestLines(s.lines));
  const cost = lines.reduce((n, l) => n + l.partnerTotal, 0);
  const name = `${input.subscription.productName} - flat rate`;
  const after = draft({
    catalogItemId: input.product!.catalogItemId,
    quantity: 1,
    unitPrice: { cents: input.flatPriceCents!, derivation: `${formatCents(input.flatPriceCents!)} flat rate` },
    unitCost: costOf(cost),
    effectiveDate: recurringStart(input),
    cancelledDate: null,
    description: name,
  });
  keepRecurring(ctx, identityOf(input, 'flat'), after, name, input.reading.day);
}

/** The markers of the recurring lines Multi Products and Flat Rate write for this subscription. */
function recurringMarkers(input: UsagePlanInput): Set<string> {
  const identities = [identityOf(input, 'flat')];
  for (const s of input.reading.summaries)
    for (const name of new Set(s.lines.map((l) => l.productName)))
      identities.push(identityOf(input, s.resourceGroup, name));
  return new Set(identities.map((i) => markerOf(input, i)));
}

/** The month a one-time line bills in: the one after the period, or the first ConnectWise has not invoiced. */
function billingMonth(input: UsagePlanInput): { from: string; to: string } {
  const from = maxDay(addMonths(input.period.from, 1), firstOpenDay(input.agreement, input.today));
  return { from, to: endOfMonth(from) };
}

/** The other one-time option (Usage Summary ↔ Usage Lines) billed this period already: shown, not billed twice. */
function billedByTheOther(ctx: Ctx, resourceGroup: string, month: string, perLine: boolean, billed: AdditionView[]) {
  const { input } = ctx;
  for (const a of billed) ctx.kept.add(a.id);
  ctx.rows.push({
    name: `${resourceGroup} - ${month}`,
    status: 'Unchanged',
    usageDate: null,
    effectiveDate: billed[0]!.effectiveDate?.slice(0, 10) ?? null,
    syncedQuantity: billed.reduce((n, a) => n + a.quantity, 0),
    quantity: billed.reduce((n, a) => n + a.quantity, 0),
    unitCost: costOf(billed[0]!.unitCost ?? 0),
    unitPrice: costOf(billed[0]!.unitPrice ?? 0),
    total: {
      cents: billed.reduce((n, a) => n + a.quantity * microsToCents(a.unitPrice ?? 0), 0),
      derivation: 'billed already',
    },
    reason:
      `${month} is billed already under ` +
      `${USAGE_OPTION_NAMES[perLine ? 'usage-summary' : 'usage-lines']} ` +
      `(${billed.map((a) => `addition ${a.id}`).join(', ')}); ${USAGE_OPTION_NAMES[input.option]} bills from the next period, so it is not billed twice.`,
    opKey: null,
  });
}

/**
 * A one-time line written before: unchanged when what it bills still holds; otherwise a recount
 * after the month was billed, whose difference (a credit when less) is billed once more as a
 * line of its own, since the line ConnectWise has may be invoiced already.
 */
function billAgain(
  ctx: Ctx,
  l: {
    id: string;
    /** What the line bills, as its title names it: the product of a usage line, or the resource group. */
    label: string;
    catalogItemId: number;
    existing: AdditionView;
    recounts: AdditionView[];
    after: ReturnType<typeof draft>;
    row: Omit<UsageRow, 'status' | 'syncedQuantity' | 'reason' | 'opKey'>;
    month: string;
    when: { from: string; to: string };
    name: string;
  },
) {
  const { existing, recounts, after, row, month, when, name } = l;
  const input = ctx.input;
  ctx.kept.add(existing.id);
  for (const r of recounts) ctx.kept.add(r.id);
  const written = [existing, ...recounts];
  const billed = written.reduce((n, l) => n + l.quantity * microsToCents(l.unitPrice ?? 0), 0);
  const billedCost = written.reduce((n, l) => n + l.quantity * microsToCents(l.unitCost ?? 0), 0);
  const remaining = after.totalPrice.cents - billed;
  if (remaining === 0) {
    ctx.rows.push({
      ...row,
      status: 'Unchanged',
      syncedQuantity: existing.quantity,
      reason: `Written for ${month} already (addition ${existing.id}).`,
      opKey: null,
    });
    return;
  }
  // A recount after the month was billed: the line ConnectWise has may be invoiced already,
  // so what changed is billed once more as a line of the difference (a credit when less).
  const key = `${l.id}:recount:${recounts.length + 1}`;
  const sign = remaining < 0 ? -1 : 1;
  const costLeft = after.totalCost.cents - billedCost;
  const diff = draft({
    catalogItemId: l.catalogItemId,
    quantity: sign,
    unitPrice: {
      cents: Math.abs(remaining),
      derivation: `${formatCents(after.totalPrice.cents)} now − ${formatCents(billed)} billed`,
    },
    unitCost: {
      cents: Math.abs(costLeft),
      derivation: `${formatCents(after.totalCost.cents)} now − ${formatCents(billedCost)} billed`,
    },
    effectiveDate: when.from,
    cancelledDate: when.to,
    description: `${name} (recount)`.slice(0, 200),
  });
  const reason =
    `${input.distributor.name} recounted ${month} after it was billed: ` +
    `${formatCents(billed)} written, ${formatCents(after.totalPrice.cents)} now; the ` +
    `${remaining > 0 ? 'difference' : 'credit'} of ${formatCents(Math.abs(remaining))} is billed once.`;
  ctx.operations.push(
    creation(key, markerOf(input, key), 'create-usage', `Bill ${month}'s recount: ${l.label}`, reason, diff),
  );
  ctx.rows.push({
    ...row,
    quantity: sign,
    unitPrice: diff.unitPrice,
    unitCost: diff.unitCost,
    total: diff.totalPrice,
    status: 'Creating',
    syncedQuantity: existing.quantity,
    reason,
    opKey: key,
  });
  return;
}

/**
 * One-time lines for the period, quantity 1 at the marked-up total (Usage Summary) or one per
 * usage line (Usage Lines), billed once in the month after: an Azure month is one line.
 */
function planOneTime(ctx: Ctx, perLine: boolean) {
  const { input } = ctx;
  const when = billingMonth(input);
  const month = monthName(input.period.from);
  // A recurring line of another option (Multi Products, Flat Rate) in force in the billing
  // month bills this period already: switching bills from the next period, never this one twice.
  // Known by their markers, not their dates: a recurring line ended after one month reads
  // like a one-time line.
  const markers = recurringMarkers(input);
  const recurring = input.additions.filter(
    (a) =>
      a.agreementId === input.agreement.id &&
      a.marker !== null &&
      markers.has(a.marker) &&
      (a.effectiveDate ?? '').slice(0, 10) <= when.to &&
      (!a.cancelledDate || a.cancelledDate.slice(0, 10) >= when.from),
  );
  if (recurring.length > 0) {
    ctx.billing = { lines: new Set(recurring.map((a) => a.id)), to: when.to };
    ctx.notes.push(
      `${month}'s usage is billed in ${monthName(when.from)} by the lines synced before ` +
        `(${recurring.map((a) => `addition ${a.id}`).join(', ')}), which end after that month; ` +
        `${USAGE_OPTION_NAMES[input.option]} bills from the next period, so no month is billed twice.`,
    );
    return;
  }
  for (const s of input.reading.summaries) {
    const lines = latestLines(s.lines).filter((l) => l.quantity > 0 || l.partnerTotal !== 0);
    if (lines.length === 0) continue;
    // The other one-time option billed this period already (Usage Summary ↔ Usage Lines).
    const other = perLine
      ? [ownLine(input, identityOf(input, input.period.month, s.resourceGroup))]
      : lines.map((l) => ownLine(input, identityOf(input, input.period.month, s.resourceGroup, l.productName)));
    const billed = other.filter((a): a is AdditionView => a !== null);
    if (billed.length > 0) {
      billedByTheOther(ctx, s.resourceGroup, month, perLine, billed);
      continue;
    }
    const groups = perLine
      ? lines.map((l) => ({ id: identityOf(input, input.period.month, s.resourceGroup, l.productName), lines: [l] }))
      : [{ id: identityOf(input, input.period.month, s.resourceGroup), lines }];
    for (const g of groups) {
      const only = g.lines.length === 1 && perLine ? g.lines[0]! : null;
      const cost = g.lines.reduce((n, l) => n + l.partnerTotal, 0);
      const listed = g.lines.reduce((n, l) => n + l.charges, 0);
      const bound = only ? input.subProducts.get(only.productName) : undefined;
      const binding = bound?.sync ? bound : input.product!;
      const meters = g.lines.map((l) => `${l.productName} (${l.quantity}${l.unit ? ` ${l.unit}` : ''})`).join(', ');
      const name = only
        ? `${s.resourceGroup} - ${only.productName} - ${month}`
        : `${input.subscription.productName} - ${s.resourceGroup} - ${month}: ${meters}`;
      // A line whose unit price has fractions of a cent (Azure's meters) bills its total once,
      // so the invoice matches the distributor's to the cent.
      const each = only !== null && only.unitPrice % 10_000 === 0 && unitCostOf(only) % 10_000 === 0;
      const quantity = each ? only.quantity : 1;
      const unitPrice = each
        ? input.markupBp === null
          ? costOf(only.unitPrice)
          : customerPrice(unitCostOf(only), only.unitPrice, input.markupBp, only.quantity)
        : customerPrice(cost, listed, input.markupBp);
      const unitCost = costOf(each ? unitCostOf(only) : cost);
      const after = draft({
        catalogItemId: binding.catalogItemId,
        quantity,
        unitPrice,
        unitCost,
        effectiveDate: when.from,
        cancelledDate: when.to,
        description: name,
      });
      const existing = ownLine(input, g.id);
      // Lines billing a recount of the month after it was written: `:recount:1`, `:2`, … .
      const recounts: AdditionView[] = [];
      for (let n = 1; existing; n++) {
        const line = ownLine(input, `${g.id}:recount:${n}`);
        if (!line) break;
        recounts.push(line);
      }
      const row = {
        name,
        usageDate:
          g.lines
            .map((l) => l.usageDate)
            .sort()
            .at(-1) ?? null,
        effectiveDate: when.from,
        quantity,
        unitCost,
        unitPrice,
        total: after.totalPrice,
      };
      if (existing) {
        billAgain(ctx, {
          id: g.id,
          label: only ? only.productName : s.resourceGroup,
          catalogItemId: binding.catalogItemId,
          existing,
          recounts,
          after,
          row,
          month,
          when,
          name,
        });
        continue;
      }
      ctx.operations.push(
        creation(
          g.id,
          markerOf(input, g.id),
          'create-usage',
          `Bill ${month}: ${only ? only.productName : s.resourceGroup}`,
          `${month}'s usage, billed once in ${monthName(when.from)}.`,
          after,
        ),
      );
      ctx.rows.push({ ...row, status: 'Creating', syncedQuantity: null, reason: 'A one-time line.', opKey: g.id });
    }
  }
}

/**
 * The subscription's recurring lines the chosen option no longer keeps (a sub-product with no
 * usage this period, or lines of another option) end with this month, so nothing bills twice.
 */
function endOtherLines(ctx: Ctx) {
  const { input } = ctx;
  const mark = subscriptionMark(input);
  const end = endOfMonth(input.today);
  const lines = input.additions.filter(
    (a) => a.agreementId === input.agreement.id && a.marker?.startsWith(mark) && a.marker.length === mark.length + 16,
  );
  for (const line of lines) {
    if (ctx.kept.has(line.id) || isOneTime(line)) continue;
    // ConnectWise takes no end before a line's start; a line that bills this period ends after it.
    const start = line.effectiveDate?.slice(0, 10) ?? input.period.from;
    const endOn = maxDay(maxDay(end, start), ctx.billing?.lines.has(line.id) ? ctx.billing.to : end);
    // A line that already ends by then is checked, not skipped: nothing to do; one that ends later ends sooner.
    if (line.cancelledDate && line.cancelledDate.slice(0, 10) <= endOn) continue;
    const before = draft({
      catalogItemId: line.catalogItemId,
      quantity: line.quantity,
      unitPrice: costOf(line.unitPrice ?? 0),
      unitCost: costOf(line.unitCost ?? 0),
      effectiveDate: line.effectiveDate?.slice(0, 10) ?? input.period.from,
      cancelledDate: null,
      description: line.invoiceDescription ?? '',
    });
    const key = identityOf(input, 'end', String(line.id), input.period.month, endOn);
    const name = line.invoiceDescription ?? `addition ${line.id}`;
    ctx.operations.push({
      key,
      marker: line.marker!,
      type: 'cancel-addition',
      kind: 'usage',
      title: `End ${name}`,
      reason: ctx.billing?.lines.has(line.id)
        ? `It bills ${monthName(input.period.from)}'s usage in ${monthName(endOn)}; ` +
          `${USAGE_OPTION_NAMES[input.option]} takes over after that, so it ends on ${usDay(endOn)}.`
        : `Nothing of ${monthName(input.period.from)}'s usage bills on this line under ` +
          `${USAGE_OPTION_NAMES[input.option]}; it ends on ${usDay(endOn)}${endOn > end ? ', the day it starts (ConnectWise takes no earlier end)' : ''}.`,
      additionId: line.id,
      before,
      after: { ...before, cancelledDate: endOn },
      dependsOn: null,
      effectiveDateEditable: false,
      extraMonths: null,
    });
    ctx.rows.push({
      name,
      status: 'Ending',
      usageDate: null,
      effectiveDate: before.effectiveDate,
      syncedQuantity: line.quantity,
      quantity: 0,
      unitCost: before.unitCost,
      unitPrice: before.unitPrice,
      total: { cents: 0, derivation: `ends ${usDay(endOn)}` },
      reason: 'Nothing of this period bills on it.',
      opKey: key,
    });
  }
}
