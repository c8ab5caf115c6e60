import type { Database } from '../../db/client.ts';
import { listCompanyMappings, listProductMappings, listServiceMappings } from '../../db/queries/mappings.ts';
import { operationsByKey } from '../../db/queries/operations.ts';
import {
  decide,
  type ReconciliationRecord,
  reconciliationsOf,
  recurringBefore,
  saveChecked,
} from '../../db/queries/reconciliations.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { ownLines } from '../../shared/billing/assessment/shared-lines.ts';
import { addDays, addMonths, endOfMonth, isoOf, monthName, parts, usDay } from '../../shared/billing/calendar.ts';
import { markerFor } from '../../shared/billing/operations.ts';
import { type Comparison, compareInvoice } from '../../shared/billing/reconcile/compare.ts';
import { formatMoney } from '../../shared/money.ts';
import type { InvoiceItem, Subscription } from '../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../shared/schemas/mapping.ts';
import type { ReconcileFigures, ReconcileStatus, ReconciliationRow } from '../../shared/schemas/reconcile.ts';
import type { CwClient } from '../connectwise/client.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { Distributor } from '../distributors/types.ts';
import { mapLimit } from '../http/limit.ts';
import { isWritten } from '../sync/states.ts';

export interface ReconcileContext {
  db: Database;
  tenant: Tenant;
  cw: CwClient;
  distributor: Distributor;
  today: string;
  now: () => Date;
  /** Who the check's status changes are recorded under: a member, or the schedule. */
  actor: string;
  concurrency?: number;
}

/** One subscription's comparison and what Accept needs to post it. */
export interface Checked {
  subscriptionId: string;
  comparison: Comparison;
  agreement: AgreementView | null;
  catalogItemId: number | null;
  productName: string;
  companyName: string;
}

export interface PeriodCheck {
  period: string;
  /** From this day the distributor's invoice for the period is expected. */
  cutover: string;
  due: boolean;
  rows: ReconciliationRow[];
  checked: Map<string, Checked>;
}

const scopeOf = (ctx: ReconcileContext): Scope => ({ tenantId: ctx.tenant.id, distributor: ctx.distributor.kind });

/**
 * The key (and so the marker) of the line an Accept posts for a subscription, period and
 * revision: the first keeps the key every earlier release wrote; a revision the distributor
 * made after it gets a key of its own, so each is posted once and none re-sends another's.
 */
export const adjustmentKey = (subscriptionId: string, period: string, revision = 1, kind?: 'seats' | 'amount') =>
  `reconcile:${subscriptionId}:${period}${revision > 1 ? `:r${revision}` : ''}${revision > 1 && kind ? `:${kind}` : ''}`;

/** Which revision an Accept's key posted: 0 when none was. */
export const revisionOf = (opKey: string | null) =>
  opKey === null ? 0 : Number(opKey.match(/:r(\d+)(:seats|:amount)?$/)?.[1] ?? 1);

/** The distributor invoices a month on its final day of the next (Pax8: the 4th; Ion: the 1st). */
export function cutoverOf(distributor: Distributor, period: string): string {
  const [y, m] = parts(addMonths(`${period}-01`, 1));
  return isoOf(y, m, distributor.usageFinalDay);
}

/** The period an invoice line bills: its start, or the month before its invoice. */
const periodOfLine = (l: InvoiceItem, invoiceDate: string) => (l.startPeriod ?? addMonths(invoiceDate, -1)).slice(0, 7);

/** Whether a subscription was billable in the period at all: started by its end, not ended before it. */
const activeIn = (s: Subscription, period: string) =>
  (s.startDate ?? '').slice(0, 10) <= endOfMonth(`${period}-01`) &&
  (!s.endDate || s.endDate.slice(0, 10) >= `${period}-01`) &&
  s.status !== 'Cancelled';

/**
 * Reconciles a period: the distributor's invoice lines, per subscription, against what
 * ConnectWise bills on each mapped agreement. ConnectWise is read in bulk: agreements 150 a
 * request, each agreement's additions once. Rows keep a person's decision; a difference within
 * the tenant's tolerance is accepted automatically and recorded as such.
 */
export async function checkPeriod(
  ctx: ReconcileContext,
  period: string,
  only?: readonly string[],
): Promise<PeriodCheck> {
  const cutover = cutoverOf(ctx.distributor, period);
  if (ctx.today < cutover) return { period, cutover, due: false, rows: [], checked: new Map() };
  const scope = scopeOf(ctx);
  const [settings, services, companies, products, subs, lines] = await Promise.all([
    getSettings(ctx.db, ctx.tenant.id),
    listServiceMappings(ctx.db, scope),
    listCompanyMappings(ctx.db, scope),
    listProductMappings(ctx.db, scope),
    ctx.distributor.subscriptions(),
    invoiceLines(ctx.distributor, period, cutover),
  ]);
  const wanted = only ? new Set(only) : null;
  const mapped = services.filter((m) => m.status === 'mapped' && (!wanted || wanted.has(m.subscriptionId)));
  const subscriptions = new Map(subs.items.map((s) => [s.id, s]));
  const companyOf = new Map(companies.map((c) => [c.id, c]));
  const itemsOf = new Map<string, Set<number>>();
  for (const p of products)
    if (p.status === 'mapped' && p.cwCatalogItemId !== null)
      itemsOf.set(p.distributorProductId, (itemsOf.get(p.distributorProductId) ?? new Set()).add(p.cwCatalogItemId));
  // Only what the period can bill: subscriptions on the invoice, or active in the month.
  const inScope = mapped.filter((m) => {
    const s = subscriptions.get(m.subscriptionId);
    return lines.bySubscription.has(m.subscriptionId) || (s !== undefined && activeIn(s, period));
  });
  const [{ agreements, additions }, decided] = await Promise.all([
    readConnectWise(ctx, [...new Set(inScope.map((m) => m.cwAgreementId))]),
    reconciliationsOf(ctx.db, scope, period, only),
  ]);
  const revisions = new Map(decided.map((r) => [r.subscriptionId, revisionOf(r.opKey)]));
  // Every revision's line counts as billed, and the next one too, in case its answer was lost.
  const markersOf = (subscriptionId: string) => {
    const markers = new Map<string, 'seats' | 'amount' | 'either'>();
    const marker = (revision: number, kind?: 'seats' | 'amount') =>
      markerFor(adjustmentKey(subscriptionId, period, revision, kind), ctx.distributor.markerPrefix);
    markers.set(marker(1), 'either');
    for (let r = 2; r <= (revisions.get(subscriptionId) ?? 0) + 1; r++) {
      markers.set(marker(r, 'seats'), 'seats');
      markers.set(marker(r, 'amount'), 'amount');
    }
    return markers;
  };
  const before = await recurringBefore(
    ctx.db,
    scope,
    [...additions.values()].flat().map((a) => a.id),
    endOfMonth(`${period}-01`),
  );
  const asInPeriod = new Map(
    [...before].map(([id, v]) => [id, { quantity: v.quantity, unitPrice: v.unitPriceCents * 10_000 }]),
  );
  const tolerance = { cents: settings.rules.reconcileToleranceCents, bp: settings.rules.reconcileToleranceBp };
  const checked = new Map<string, Checked>();
  for (const m of inScope) {
    const s = subscriptions.get(m.subscriptionId);
    const invoice = lines.bySubscription.get(m.subscriptionId) ?? null;
    const productId = s?.productId ?? invoice?.[0]?.productId ?? '';
    const items = itemsOf.get(productId) ?? new Set<number>();
    const agreement = agreements.get(m.cwAgreementId) ?? null;
    const onAgreement = ownLines(additions.get(m.cwAgreementId) ?? [], ctx.distributor.markerPrefix).filter((a) =>
      items.has(a.catalogItemId),
    );
    const comparison = compareInvoice({
      period,
      distributorName: ctx.distributor.displayName,
      cutover,
      invoiceLines: invoice,
      invoiceThere: lines.invoiceThere,
      additions: onAgreement,
      asInPeriod,
      adjustmentMarkers: markersOf(m.subscriptionId),
      tolerance,
      currency: s?.currency ?? 'USD',
      agreementCurrency: agreement ? (toAgreementView(agreement).currency ?? null) : null,
    });
    const company = m.companyMappingId ? companyOf.get(m.companyMappingId) : undefined;
    checked.set(m.subscriptionId, {
      subscriptionId: m.subscriptionId,
      comparison,
      agreement: agreement ? toAgreementView(agreement) : null,
      catalogItemId: [...items][0] ?? null,
      productName: s?.productName ?? invoice?.[0]?.productName ?? m.subscriptionId,
      companyName: company?.cwCompanyName ?? company?.distributorCompanyName ?? '',
    });
  }
  return { period, cutover, due: true, rows: await record(ctx, period, checked, only, decided), checked };
}

/**
 * Stores what a check compared, each row with the decision a person made and what the write an
 * Accept made became, accepts what is within the tolerance, and answers the rows. After an
 * Accept it runs again on the same comparisons: nothing is read from the vendors twice.
 */
export async function record(
  ctx: ReconcileContext,
  period: string,
  checked: ReadonlyMap<string, Checked>,
  only?: readonly string[],
  /** The stored rows, where the check read them already; read here otherwise (after a decision). */
  known?: readonly ReconciliationRecord[],
): Promise<ReconciliationRow[]> {
  const scope = scopeOf(ctx);
  const stored = new Map(
    (known ?? (await reconciliationsOf(ctx.db, scope, period, only))).map((r) => [r.subscriptionId, r]),
  );
  const ops = await operationsByKey(
    ctx.db,
    scope,
    [...stored.values()].flatMap((r) => (r.opKey ? [r.opKey] : [])),
  );
  const now = ctx.now();
  const finals = [...checked.values()].map((c) => {
    const old = stored.get(c.subscriptionId);
    const final = withDecision(c.comparison, old, old?.opKey ? ops.get(old.opKey) : undefined, {
      distributor: ctx.distributor.displayName,
      period,
    });
    return {
      subscriptionId: c.subscriptionId,
      period,
      companyName: c.companyName,
      cwCompanyId: c.agreement?.companyId ?? null,
      productName: c.productName,
      cwAgreementId: c.agreement?.id ?? null,
      status: final.status,
      reason: final.reason,
      figures: c.comparison.figures,
      adjustment: c.comparison.adjustment,
      withinTolerance: c.comparison.withinTolerance,
      checkedAt: now,
    };
  });
  await saveChecked(ctx.db, scope, period, finals, ctx.actor, now);
  const records = await reconciliationsOf(ctx.db, scope, period, only);
  // A difference within the tolerance is accepted without a person, and recorded as such.
  const auto = records.filter((r) => r.withinTolerance && r.decision === null);
  for (const r of auto)
    await decide(ctx.db, scope, [{ id: r.id, status: r.status, toStatus: 'reconciled' }], {
      decision: 'auto',
      by: 'Tolerance rule',
      note: r.reason,
      at: now,
    });
  if (auto.length > 0) return rowsOf(ctx.db, scope, period, only);
  return records.map((r) => toRow(r, r.opKey ? ops.get(r.opKey) : undefined));
}

/** How a rejected difference reads. */
export const rejectedReason = (by: string | null, at: Date | null, note: string | null) =>
  `Rejected by ${by}${at ? ` on ${usDay(at.toISOString().slice(0, 10))}` : ''}: ${note ?? 'no reason given'}.`;

/** Whether the distributor's answer moved since a decision was made on it (a recount, a revised invoice). */
export function revised(decidedOn: ReconcileFigures | null | undefined, now: ReconcileFigures | null): boolean {
  if (!decidedOn?.invoice || !now?.invoice) return false;
  return decidedOn.invoice.quantity !== now.invoice.quantity || decidedOn.invoice.costCents !== now.invoice.costCents;
}

/** "from 8 to 10" or "from $38.40 to $33.60": what the distributor changed since. */
function revisedFrom(was: ReconcileFigures, now: ReconcileFigures): string {
  if (was.invoice!.quantity !== now.invoice!.quantity)
    return `from ${was.invoice!.quantity} to ${now.invoice!.quantity}`;
  const cur = now.currency;
  return `from ${formatMoney(was.invoice!.costCents, cur)} to ${formatMoney(now.invoice!.costCents, cur)}`;
}

/**
 * A person's decision, and the write an Accept made, over what the invoice and ConnectWise say
 * now. A later answer is never hidden behind the decision: when the comparison leaves a
 * difference after an Accept's line was posted, or the invoice moved after a Reject, the row
 * reopens as Pending Review with what remains, named as the distributor's revision.
 */
function withDecision(
  c: Comparison,
  old: ReconciliationRecord | undefined,
  op:
    | {
        state: string;
        error: string | null;
        additionId: number | null;
        summary: { totalPrice: { derivation: string } };
      }
    | undefined,
  names: { distributor: string; period: string },
): { status: ReconcileStatus; reason: string } {
  if (!old?.decision || old.decision === 'auto') return c;
  const when = old.decidedAt ? ` on ${usDay(old.decidedAt.toISOString().slice(0, 10))}` : '';
  const month = monthName(`${names.period}-01`);
  const moved = revised(old.decidedFigures, c.figures);
  const revision = (verb: string) =>
    `${names.distributor} revised ${month} ${revisedFrom(old.decidedFigures!, c.figures!)} after ${old.decidedBy} ${verb}.`;
  if (old.decision === 'rejected') {
    if (moved && c.status === 'review') return { status: 'review', reason: `${revision('rejected it')} ${c.reason}` };
    return { status: 'rejected', reason: rejectedReason(old.decidedBy, old.decidedAt, old.note) };
  }
  // What was posted is the write's own figure: a later check finds no difference left to name.
  const posted = op?.summary.totalPrice.derivation ?? old.adjustment?.derivation ?? 'the difference';
  if (op && isWritten(op.state as never)) {
    // The comparison the Accept was made on, seen again before its line was read back: the line
    // posted is exactly what it showed, so nothing remains.
    const sameAsDecided =
      !moved && old.decidedFigures !== null && c.figures?.differenceCents === old.decidedFigures.differenceCents;
    if (c.status === 'review' && !sameAsDecided)
      return {
        status: 'review',
        reason: moved
          ? `${revision(`accepted ${posted}`)} ${c.reason}`
          : `Accepted by ${old.decidedBy}${when} and ${posted} posted, but a difference remains. ${c.reason}`,
      };
    return {
      status: 'reconciled',
      reason: `Accepted by ${old.decidedBy}${when}; ${posted} posted${op.additionId ? ` as addition #${op.additionId}` : ''}.`,
    };
  }
  if (op && (op.state === 'failed' || op.state === 'unknown' || op.state === 'skipped'))
    return {
      status: 'review',
      reason: moved
        ? `${revision('accepted')} ConnectWise did not take that line (${op.error ?? 'no answer came'}); Accept again to post what is due now. ${c.reason}`
        : `Accepted by ${old.decidedBy}${when}, but ConnectWise did not take the line: ${op.error ?? 'no answer came'}. Accept again to retry it.`,
    };
  return { status: 'review', reason: `Accepted by ${old.decidedBy}${when}; the line is being written.` };
}

/** The stored rows of a period with the state of the write each Accept made. */
export async function rowsOf(
  db: Database,
  scope: Scope,
  period: string,
  only?: readonly string[],
): Promise<ReconciliationRow[]> {
  const rows = await reconciliationsOf(db, scope, period, only);
  const ops = await operationsByKey(
    db,
    scope,
    rows.flatMap((r) => (r.opKey ? [r.opKey] : [])),
  );
  return rows.map((r) => toRow(r, r.opKey ? ops.get(r.opKey) : undefined));
}

function toRow(r: ReconciliationRecord, op: { state: string; error: string | null } | undefined): ReconciliationRow {
  return {
    subscriptionId: r.subscriptionId,
    period: r.period,
    status: r.status,
    reason: r.reason,
    companyName: r.companyName,
    cwCompanyId: r.cwCompanyId,
    productName: r.productName,
    cwAgreementId: r.cwAgreementId,
    figures: r.figures,
    adjustment: r.adjustment,
    withinTolerance: r.withinTolerance,
    decision: r.decision,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    note: r.note,
    opKey: r.opKey,
    opState: op?.state ?? null,
    opError: op?.error ?? null,
    checkedAt: r.checkedAt.toISOString(),
  };
}

/** The period's invoice lines by subscription, from every invoice dated from its start to well past the cut-over. */
async function invoiceLines(distributor: Distributor, period: string, cutover: string) {
  const bySubscription = new Map<string, InvoiceItem[]>();
  if (!distributor.capabilities.invoices) return { bySubscription, invoiceThere: false };
  const invoices = (await distributor.invoices({ from: `${period}-01`, to: addDays(cutover, 45) })).items;
  let invoiceThere = false;
  for (const invoice of invoices) {
    const items = (await distributor.invoiceItems(invoice)).items;
    for (const l of items) {
      if (periodOfLine(l, invoice.invoiceDate) !== period) continue;
      invoiceThere = true;
      if (!l.subscriptionId) continue;
      bySubscription.set(l.subscriptionId, [...(bySubscription.get(l.subscriptionId) ?? []), l]);
    }
  }
  return { bySubscription, invoiceThere };
}

/** The agreements, 150 a request, and each one's additions once. */
async function readConnectWise(ctx: ReconcileContext, agreementIds: readonly number[]) {
  const agreements = new Map((await ctx.cw.agreements.byIds(agreementIds)).map((a) => [a.id, a]));
  const ids = [...agreements.keys()];
  const lists = await mapLimit(ids, ctx.concurrency ?? 6, (id) => ctx.cw.additions.list(id));
  const additions = new Map<number, AdditionView[]>(ids.map((id, i) => [id, lists[i]!.map(toAdditionView)]));
  return { agreements, additions };
}
