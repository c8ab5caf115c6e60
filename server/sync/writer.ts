import type { Database } from '../../db/client.ts';
import { insertAdjustment, namesForOperation } from '../../db/queries/adjustments.ts';
import {
  finishOperation,
  insertOperations,
  type OperationRow,
  operationsByKey,
  operationsToSettle,
  outstandingOperations,
  updateOperationRequest,
  upsertPlan,
  waiveOperations,
} from '../../db/queries/operations.ts';
import type { Scope } from '../../db/queries/scope.ts';
import type { OperationSummary } from '../../db/schema.ts';
import { endOfMonth } from '../../shared/billing/calendar.ts';
import { type Operation, shortHash } from '../../shared/billing/operations.ts';
import { firstOpenDay } from '../../shared/billing/plan/context.ts';
import { type PlanInput, type PlanResult, planSubscription } from '../../shared/billing/planner.ts';
import type { ConfirmPlanInput, OperationOutcome } from '../../shared/schemas/plans.ts';
import { AppError } from '../errors.ts';
import { findDrift } from './drift.ts';
import { applyEdits } from './edits.ts';
import { requestFor } from './requests.ts';
import { findOwnWrite } from './reread.ts';
import {
  claim,
  logAdoption,
  outcomeOf,
  resolveByRereading,
  sendOperation,
  settleWritten,
  uncheckedMessage,
} from './send.ts';
import { isWritten } from './states.ts';

export { findDrift } from './drift.ts';
export { applyEdits } from './edits.ts';

export { scopeOf, type WriteContext, type WriteMeta } from './write-context.ts';

import { scopeOf, type WriteContext, type WriteMeta } from './write-context.ts';

export interface PlanHeader {
  subscriptionId: string;
  cwAgreementId: number;
  basis: string;
  confirmedBy: string;
}

/**
 * Settles what nobody is writing any more: operations whose writer stopped (their lease ran
 * out) and operations whose outcome is still unknown. Each is re-read and adopted if it
 * landed; otherwise it can be sent again. A run settles all of the tenant's; a member's
 * confirmation only its own plan's (`opKeys`). Answers how many it settled.
 */
export async function settleAbandoned(ctx: WriteContext, opKeys?: readonly string[]): Promise<number> {
  const rows = await operationsToSettle(
    ctx.db,
    ctx.tenant.id,
    ctx.now(),
    opKeys && { distributor: ctx.distributor, opKeys },
  );
  for (const row of rows) {
    const unknown = row.state === 'unknown';
    const message = unknown
      ? 'No answer came, and a later re-read shows it was not written; it can be retried safely.'
      : 'Its writer stopped before ConnectWise answered; a re-read shows it was not written, so it can be sent again.';
    await resolveByRereading(ctx, row, {}, { state: unknown ? 'failed' : 'planned', message }, true);
  }
  return rows.length;
}

/** What the log and the review show of an operation. */
function summaryOf(op: Operation): OperationSummary {
  return {
    title: op.title,
    reason: op.reason,
    quantity: op.after.quantity,
    unitPrice: op.after.unitPrice,
    totalPrice: op.after.totalPrice,
    effectiveDate: op.after.effectiveDate,
    cancelledDate: op.after.cancelledDate,
    before: op.before
      ? { quantity: op.before.quantity, unitPrice: op.before.unitPrice, totalPrice: op.before.totalPrice }
      : null,
  };
}

/** Stores the plan and its operations before anything is sent; known operations keep their state. */
async function persistPlan(ctx: WriteContext, plan: PlanHeader, ops: readonly Operation[]) {
  const planKey = shortHash([plan.subscriptionId, plan.basis, ...ops.map((o) => o.key)].join('|'));
  const planId = await upsertPlan(ctx.db, scopeOf(ctx), { ...plan, planKey, syncRunId: ctx.syncRunId ?? null });
  await insertOperations(
    ctx.db,
    scopeOf(ctx),
    ops.map((op, seq) => ({
      planId,
      opKey: op.key,
      seq,
      type: op.type,
      kind: op.kind,
      marker: op.marker,
      subscriptionId: plan.subscriptionId,
      cwAgreementId: plan.cwAgreementId,
      additionId: op.additionId,
      dependsOn: op.dependsOn,
      request: requestFor(op),
      summary: summaryOf(op),
    })),
  );
  return operationsByKey(
    ctx.db,
    scopeOf(ctx),
    ops.map((o) => o.key),
  );
}

/**
 * Writes operations exactly once. Each is persisted with its key before anything is sent,
 * claimed in the database (so a concurrent confirmation writes nothing), sent, and settled;
 * an unknown outcome is resolved by re-reading. One failure does not stop the others, except
 * those that depend on it.
 */
export async function executeOperations(
  ctx: WriteContext,
  plan: PlanHeader,
  ops: readonly Operation[],
  meta: WriteMeta = {},
  options: { settleAbandoned?: boolean; unattended?: boolean } = {},
): Promise<OperationOutcome[]> {
  // A run settles the tenant's abandoned writes once at its start; a confirmation, its own here.
  if (options.settleAbandoned !== false)
    await settleAbandoned(
      ctx,
      ops.map((o) => o.key),
    );
  const rows = await persistPlan(ctx, plan, ops);
  const outcomes = new Map<string, OperationOutcome>();
  for (const op of ops) {
    const row = rows.get(op.key)!;
    // What ConnectWise refused is not sent again by a run: the same body would be refused again.
    if (options.unattended && refused(row)) {
      outcomes.set(
        op.key,
        outcomeOf(row, {
          state: 'failed',
          error: `ConnectWise refused this before (${row.error ?? row.errorCode}); it is not sent again without a person.`,
          already: true,
        }),
      );
      continue;
    }
    outcomes.set(op.key, await writeInTurn(ctx, row, op.dependsOn ? outcomes.get(op.dependsOn) : undefined, meta));
  }
  return ops.map((o) => outcomes.get(o.key)!);
}

/** One operation of a plan: already done, skipped after its prerequisite failed, or claimed and sent. */
async function writeInTurn(
  ctx: WriteContext,
  row: OperationRow,
  dependency: OperationOutcome | undefined,
  meta: WriteMeta,
): Promise<OperationOutcome> {
  if (isWritten(row.state)) return outcomeOf(row, { state: row.state, additionId: row.additionId, already: true });
  if (row.state === 'unknown') return outcomeOf(row, { state: 'unknown', error: row.error, already: true });
  if (dependency && !isWritten(dependency.state as OperationRow['state'])) {
    const error = `Not sent: "${dependency.title}" did not succeed.`;
    await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'skipped', error }, ctx.now());
    return outcomeOf(row, { state: 'skipped', error });
  }
  const claimed = await claim(ctx, row.opKey, ['planned', 'failed', 'skipped']);
  if (!claimed)
    return outcomeOf(row, {
      state: 'in-progress',
      error: 'Another confirmation or run is writing this right now; its answer will show here.',
      already: true,
    });
  return sendOperation(ctx, claimed, meta);
}

/** Re-plans from fresh reads and refuses when what the member reviewed is no longer true. */
export async function confirmReviewedPlan(
  ctx: WriteContext,
  input: PlanInput,
  request: ConfirmPlanInput,
  meta: WriteMeta = {},
) {
  const plan: PlanResult = planSubscription(input);
  if (plan.status === 'blocked') throw new AppError('conflict', plan.reason, { reason: 'blocked' });
  if (plan.basis !== request.basis) {
    throw new AppError(
      'conflict',
      'ConnectWise or the distributor changed since this review was opened; nothing was written. Review the new plan.',
      {
        reason: 'stale_plan',
        drift: (await findDrift(ctx.db, scopeOf(ctx), input.subscription.id, input.agreement.id, input.additions))
          .drift,
      },
    );
  }
  const ops = applyEdits(plan.operations, request.edits);
  const header = {
    subscriptionId: input.subscription.id,
    cwAgreementId: input.agreement.id,
    basis: plan.basis,
    confirmedBy: ctx.actor.name,
  };
  // Excluding an operation in review waives it: who, when and why are kept, and it is not
  // offered again.
  const kept = new Set(ops.map((o) => o.key));
  const excluded = plan.operations.filter((o) => !kept.has(o.key));
  const waivedOutcomes: OperationOutcome[] = [];
  if (excluded.length > 0) {
    await persistPlan(ctx, header, excluded);
    for (const op of excluded) {
      // A change taken along with the one excluded has no reason of its own: it shares that one's.
      const reason =
        request.edits[op.key]?.reason?.trim() ||
        (op.dependsOn && request.edits[op.dependsOn]?.reason?.trim()) ||
        'Excluded in review.';
      const row = await waiveOperation(ctx, op.key, reason, meta);
      waivedOutcomes.push({
        ...outcomeOf(row, { state: 'waived' }),
        waived: { amountCents: op.after.totalPrice.cents, reason },
      });
    }
  }
  const outcomes = [...waivedOutcomes, ...(await executeOperations(ctx, header, ops, meta))];
  // What was owed from earlier and is no longer planned (its month has moved on) is sent too,
  // re-dated to the first open month, unless the member excluded (waived) it.
  const planned = new Set(plan.operations.map((o) => o.key));
  const owed = (await outstandingOperations(ctx.db, scopeOf(ctx), [input.subscription.id])).filter(
    (r) => !planned.has(r.opKey) && r.state !== 'unknown' && r.state !== 'sending',
  );
  for (const row of owed.filter((r) => request.edits[r.opKey]?.include === false))
    await waiveOperation(ctx, row.opKey, request.edits[row.opKey]?.reason || 'Excluded in review.', meta);
  const toSend = owed.filter((r) => request.edits[r.opKey]?.include !== false);
  const firstOpen = firstOpenDay(input.agreement, input.today);
  return [...outcomes, ...(await sendStored(ctx, toSend, meta, firstOpen))];
}

/**
 * Retries one failed (or unknown) operation from the log once its cause is fixed. ConnectWise
 * is re-read first: a write that landed is adopted, not sent again, and while ConnectWise
 * cannot be checked nothing is sent at all.
 */
export async function retryOperation(ctx: WriteContext, opKey: string): Promise<OperationOutcome> {
  const meta = await namesForOperation(ctx.db, scopeOf(ctx), opKey);
  const row = (await operationsByKey(ctx.db, scopeOf(ctx), [opKey])).get(opKey);
  if (!row) throw new AppError('not_found', 'No such operation.');
  if (isWritten(row.state)) return outcomeOf(row, { state: row.state, additionId: row.additionId, already: true });
  if (row.state === 'sending')
    return outcomeOf(row, { state: 'in-progress', error: 'It is being written right now.', already: true });
  if (row.state !== 'failed' && row.state !== 'skipped' && row.state !== 'unknown')
    throw new AppError('conflict', `This operation is ${row.state}; only failed ones can be retried.`);
  const claimed = await claim(ctx, opKey, ['failed', 'skipped', 'unknown']);
  if (!claimed)
    return outcomeOf(row, { state: 'in-progress', error: 'Another retry is writing this right now.', already: true });
  let landed: number | null;
  try {
    landed = await findOwnWrite(ctx.cw, claimed);
  } catch (error) {
    // Could not check: give the operation back as it was, and send nothing.
    const reason = (error as Error).message;
    await finishOperation(
      ctx.db,
      ctx.tenant.id,
      claimed.id,
      {
        state: row.state,
        errorCode: row.errorCode,
        error: row.state === 'unknown' ? uncheckedMessage(reason) : row.error,
      },
      ctx.now(),
    );
    throw new AppError(
      'conflict',
      `Nothing was sent: ConnectWise could not be checked for this write first (${reason}). Try again when ConnectWise answers.`,
      { reason: 'unchecked' },
    );
  }
  if (landed !== null) {
    await settleWritten(ctx, claimed, 'adopted', landed);
    await logAdoption(ctx, claimed, landed, meta);
    return outcomeOf(row, { state: 'adopted', additionId: landed, already: true });
  }
  return sendOperation(ctx, claimed, meta);
}

/**
 * Stores operations a run leaves for a person (kinds not allowed unattended, extra months):
 * persisted as planned, so they count against the subscription until written or waived, even
 * after the billing window that produced them has moved on.
 */
export async function holdOperations(ctx: WriteContext, plan: PlanHeader, ops: readonly Operation[]): Promise<void> {
  if (ops.length > 0) await persistPlan(ctx, plan, ops);
}

/** A stored create whose effective month has been invoiced since, moved to the first open month. */
function redated(request: OperationRow['request'], firstOpen: string): OperationRow['request'] {
  if (request.method !== 'POST') return request;
  const effective = request.body.effectiveDate?.slice(0, 10);
  if (effective === undefined || effective >= firstOpen) return request;
  const cancelled = request.body.cancelledDate?.slice(0, 10) ?? null;
  const oneMonth = cancelled !== null && cancelled === endOfMonth(effective);
  return {
    method: 'POST',
    body: {
      ...request.body,
      effectiveDate: `${firstOpen}T00:00:00Z`,
      cancelledDate: oneMonth ? `${endOfMonth(firstOpen)}T00:00:00Z` : request.body.cancelledDate,
    },
  };
}

/** Errors after which sending the same request again may succeed: nothing about the request was refused. */
const TRANSIENT = new Set(['network', 'rate_limited', 'server', 'not_written', 'internal']);

/** An operation ConnectWise answered with a refusal: the same request would be refused again. */
export const refused = (row: OperationRow) => row.state === 'failed' && !TRANSIENT.has(row.errorCode ?? '');

/**
 * ConnectWise's refusals of the operations a review is about to offer again, by key, so the
 * member sees why it failed before she confirms it once more.
 */
export async function refusalsOf(db: Database, scope: Scope, keys: readonly string[]) {
  const rows = await operationsByKey(db, scope, keys);
  const out: Record<string, { error: string; at: string }> = {};
  for (const row of rows.values())
    if (refused(row))
      out[row.opKey] = { error: row.error ?? row.errorCode ?? 'refused', at: row.updatedAt.toISOString() };
  return out;
}

/** Whether an operation planned or failed earlier may be sent again without a person. */
export const resendable = (row: OperationRow) =>
  row.state === 'planned' || row.state === 'skipped' || (row.state === 'failed' && TRANSIENT.has(row.errorCode ?? ''));

/**
 * Sends operations planned earlier that the current plan no longer produces (a prorate whose
 * month has been invoiced since, say): each claimed from its stored row and sent as stored.
 */
export async function sendStored(
  ctx: WriteContext,
  rows: readonly OperationRow[],
  meta: WriteMeta,
  firstOpen: string,
): Promise<OperationOutcome[]> {
  const outcomes: OperationOutcome[] = [];
  for (const row of rows) {
    // A one-time line is dated the first open month, as the planner dates it; if ConnectWise has
    // invoiced that month since, it moves to the month now open, so the amount is still billed.
    const request = redated(row.request, firstOpen);
    if (request !== row.request) await updateOperationRequest(ctx.db, ctx.tenant.id, row.id, request, ctx.now());
    const claimed = await claim(ctx, row.opKey, ['planned', 'failed', 'skipped']);
    outcomes.push(
      claimed
        ? await sendOperation(ctx, claimed, meta)
        : outcomeOf(row, {
            state: 'in-progress',
            error: 'Another confirmation or run is writing this.',
            already: true,
          }),
    );
  }
  return outcomes;
}

/**
 * A person decides an operation is not to be written: it is waived with who, when and why,
 * logged, and no longer owed or offered. Written, unknown and in-flight operations cannot be
 * waived (they may be in ConnectWise).
 */
export async function waiveOperation(
  ctx: WriteContext,
  opKey: string,
  reason: string,
  given: WriteMeta = {},
): Promise<OperationRow> {
  const row = (await operationsByKey(ctx.db, scopeOf(ctx), [opKey])).get(opKey);
  if (!row) throw new AppError('not_found', 'No such operation.');
  const meta = given.companyName ? given : { ...(await namesForOperation(ctx.db, scopeOf(ctx), opKey)), ...given };
  const [waived] = await waiveOperations(ctx.db, scopeOf(ctx), [opKey], {
    by: ctx.actor.name,
    at: ctx.now(),
    reason,
  });
  if (!waived)
    throw new AppError(
      'conflict',
      row.state === 'waived'
        ? `This was already waived by ${row.waivedBy}.`
        : `This operation is ${row.state}; only one that was not written can be waived.`,
      { reason: 'not_waivable' },
    );
  await insertAdjustment(ctx.db, ctx.tenant.id, {
    actorType: ctx.actor.type,
    actorMemberId: ctx.actor.memberId,
    actorName: ctx.actor.name,
    action: 'operation.waive',
    operationKey: opKey,
    distributor: row.distributor,
    syncRunId: ctx.syncRunId ?? null,
    subscriptionId: row.subscriptionId,
    cwAgreementId: row.cwAgreementId,
    companyName: meta.companyName ?? null,
    productName: meta.productName ?? null,
    requestSummary: {
      note: `Waived by ${ctx.actor.name}: ${row.summary.title} (${row.summary.totalPrice.derivation}). ${reason}`,
      reason,
    },
    outcome: 'success',
  });
  return waived;
}
