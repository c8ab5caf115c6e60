import { operationsByKey, supersedeOperations } from '../../db/queries/operations.ts';
import { decide, reconciliationsOf } from '../../db/queries/reconciliations.ts';
import { endOfMonth, monthName } from '../../shared/billing/calendar.ts';
import { type AdditionDraft, markerFor, newAddition, type Operation } from '../../shared/billing/operations.ts';
import { firstOpenDay, maxDay } from '../../shared/billing/plan/context.ts';
import { formatCents } from '../../shared/money.ts';
import type { OperationOutcome } from '../../shared/schemas/plans.ts';
import type { ReconciliationRow } from '../../shared/schemas/reconcile.ts';
import { AppError } from '../errors.ts';
import { isWritten } from '../sync/states.ts';
import { executeOperations, type WriteContext } from '../sync/writer.ts';
import {
  adjustmentKey,
  type Checked,
  checkPeriod,
  type ReconcileContext,
  record,
  rejectedReason,
  revised,
  revisionOf,
  rowsOf,
} from './check.ts';

const money = (cents: number, derivation: string) => ({ cents, derivation });

/**
 * The one line that posts an accepted difference: dated in the period, or in the first period
 * ConnectWise has not invoiced yet (Manage refuses a line in an invoiced one), and named for
 * the period it settles. Its key holds the subscription and period, so it is written once.
 */
export function adjustmentOperation(
  c: Checked,
  period: string,
  today: string,
  markerPrefix: string,
  revision = 1,
): Operation {
  const line = c.comparison.adjustment!;
  const f = c.comparison.figures!;
  const key = adjustmentKey(c.subscriptionId, period, revision, line.kind);
  const month = monthName(`${period}-01`);
  const effective = maxDay(`${period}-01`, firstOpenDay(c.agreement!, today));
  const total = line.quantity * line.unitPriceCents;
  const after: AdditionDraft = {
    catalogItemId: c.catalogItemId!,
    quantity: line.quantity,
    unitPrice: money(line.unitPriceCents, formatCents(line.unitPriceCents)),
    unitCost: money(line.unitCostCents, formatCents(line.unitCostCents)),
    totalPrice: money(total, line.derivation),
    totalCost: money(line.quantity * line.unitCostCents, `${line.quantity} × ${formatCents(line.unitCostCents)}`),
    effectiveDate: effective,
    cancelledDate: endOfMonth(effective),
    invoiceDescription: (
      `Reconciliation ${month}${revision > 1 ? ` (revision ${revision})` : ''}: ${c.productName} (invoiced ` +
      `${f.invoice?.quantity ?? 0}, billed ${f.cw.quantity})`
    ).slice(0, 200),
    billCustomer: 'Billable',
    taxable: true,
    recurring: false,
    proratedPeriod: null,
  };
  return newAddition({
    key,
    marker: markerFor(key, markerPrefix),
    type: 'create-adjustment',
    kind: 'reconciliation',
    title: `Reconcile ${month}: ${c.productName}`,
    reason: c.comparison.reason,
    after,
  });
}

export interface DecisionResult {
  rows: ReconciliationRow[];
  outcomes: OperationOutcome[];
  /** Subscriptions chosen that had nothing to decide (already reconciled, rejected or pending), with why. */
  skipped: { subscriptionId: string; reason: string }[];
}

/**
 * Accepts the differences of some subscriptions in a period: each is read fresh, recorded as
 * accepted by the member, and posted through the exactly-once writer. A second Accept finds
 * the line written and writes nothing; one whose line failed is sent again.
 */
export async function acceptDifferences(
  ctx: ReconcileContext,
  write: WriteContext,
  period: string,
  subscriptionIds: readonly string[],
  by: string,
): Promise<DecisionResult> {
  const check = await checkPeriod(ctx, period, subscriptionIds);
  if (!check.due) throw notDue(ctx, check.cutover, period);
  const scope = { tenantId: ctx.tenant.id, distributor: ctx.distributor.kind };
  const stored = new Map(
    (await reconciliationsOf(ctx.db, scope, period, subscriptionIds)).map((r) => [r.subscriptionId, r]),
  );
  const previous = await operationsByKey(
    ctx.db,
    scope,
    [...stored.values()].flatMap((r) => (r.opKey ? [r.opKey] : [])),
  );
  const outcomes: OperationOutcome[] = [];
  const skipped: DecisionResult['skipped'] = [];
  for (const id of subscriptionIds) {
    const row = stored.get(id);
    const c = check.checked.get(id);
    if (!row || !c) {
      skipped.push({ subscriptionId: id, reason: 'It is not mapped, or has nothing to reconcile in this period.' });
      continue;
    }
    if (row.status !== 'review') {
      skipped.push({ subscriptionId: id, reason: row.reason });
      continue;
    }
    if (!c.comparison.adjustment || !c.agreement || c.catalogItemId === null) {
      skipped.push({ subscriptionId: id, reason: 'There is no difference left to post.' });
      continue;
    }
    // Each Accept posts what remains now. A posted revision is never sent again: a later one
    // gets the next key. A line ConnectWise refused is retried as it was only while the
    // invoice still says what it said; otherwise it is set aside and what is due now is posted.
    const last = row.opKey ? previous.get(row.opKey) : undefined;
    let revision = Math.max(1, revisionOf(row.opKey));
    if (last && isWritten(last.state)) revision += 1;
    else if (
      last &&
      (last.state === 'failed' || last.state === 'skipped') &&
      revised(row.decidedFigures, c.comparison.figures)
    ) {
      await supersedeOperations(ctx.db, ctx.tenant.id, [last.id], ctx.now());
      revision += 1;
    }
    const op = adjustmentOperation(c, period, ctx.today, ctx.distributor.markerPrefix, revision);
    // The decision is stored before the write, with the line it posts: an Accept whose answer is
    // lost is still an Accept, and the writer settles the line by its key.
    await decide(
      ctx.db,
      scope,
      [{ id: row.id, status: row.status, toStatus: 'review', opKey: op.key, figures: c.comparison.figures }],
      { decision: 'accepted', by, note: `Posts ${c.comparison.adjustment.derivation}.`, at: ctx.now() },
    );
    outcomes.push(
      ...(await executeOperations(
        write,
        {
          subscriptionId: id,
          cwAgreementId: c.agreement.id,
          basis: `reconcile:${period}`,
          confirmedBy: write.actor.name,
        },
        [op],
        { companyName: c.companyName, productName: c.productName },
      )),
    );
  }
  // Recorded again on the same comparisons, so each row says what its line became.
  return { rows: await record(ctx, period, check.checked, subscriptionIds), outcomes, skipped };
}

/** Rejects the differences: nothing is written; who rejected and why is kept. */
export async function rejectDifferences(
  ctx: ReconcileContext,
  period: string,
  subscriptionIds: readonly string[],
  reason: string,
  by: string,
): Promise<DecisionResult> {
  const scope = { tenantId: ctx.tenant.id, distributor: ctx.distributor.kind };
  const rows = await reconciliationsOf(ctx.db, scope, period, subscriptionIds);
  // A revision that reopened an accepted row may be rejected; a line still being written may not.
  const lines = await operationsByKey(
    ctx.db,
    scope,
    rows.flatMap((r) => (r.opKey ? [r.opKey] : [])),
  );
  const settled = (r: (typeof rows)[number]) => !r.opKey || isWritten(lines.get(r.opKey)?.state ?? 'planned');
  const open = rows.filter((r) => r.status === 'review' && !(r.decision === 'accepted' && !settled(r)));
  const skipped = subscriptionIds
    .filter((id) => !open.some((r) => r.subscriptionId === id))
    .map((id) => ({
      subscriptionId: id,
      reason: rows.find((r) => r.subscriptionId === id)?.reason ?? 'It has no difference waiting for review.',
    }));
  // A rejection needs nothing from the vendors: the row keeps its figures and says who and why.
  const at = ctx.now();
  const note = reason.trim();
  await decide(
    ctx.db,
    scope,
    open.map((r) => ({
      id: r.id,
      status: r.status,
      toStatus: 'rejected' as const,
      reason: rejectedReason(by, at, note),
      figures: r.figures,
    })),
    { decision: 'rejected', by, note, at },
  );
  return { rows: await rowsOf(ctx.db, scope, period, subscriptionIds), outcomes: [], skipped };
}

function notDue(ctx: ReconcileContext, cutover: string, period: string) {
  return new AppError(
    'conflict',
    `${ctx.distributor.displayName} invoices ${monthName(`${period}-01`)} from ${cutover}; there is nothing to reconcile before then.`,
    { reason: 'not_due' },
  );
}
