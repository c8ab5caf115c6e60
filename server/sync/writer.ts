import type { Database } from '../../db/client.ts';
import {
  claimOperation,
  finishOperation,
  insertOperations,
  type OperationRow,
  operationsByKey,
  staleSending,
  upsertPlan,
} from '../../db/queries/operations.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { OperationSummary } from '../../db/schema.ts';
import { type Operation, shortHash } from '../../shared/billing/operations.ts';
import { type PlanInput, type PlanResult, planSubscription } from '../../shared/billing/planner.ts';
import type { ConfirmPlanInput, OperationOutcome } from '../../shared/schemas/plans.ts';
import type { Actor } from '../audit.ts';
import type { CwClient } from '../connectwise/client.ts';
import { AppError } from '../errors.ts';
import { findDrift } from './drift.ts';
import { applyEdits } from './edits.ts';
import { requestFor } from './requests.ts';
import { findOwnWrite } from './reread.ts';
import { outcomeOf, sendOperation, settleWritten } from './send.ts';
import { isWritten } from './states.ts';

export { findDrift } from './drift.ts';
export { applyEdits } from './edits.ts';

export interface WriteContext {
  db: Database;
  tenant: Tenant;
  actor: Actor;
  cw: CwClient;
  now: () => Date;
  syncRunId?: string;
  /** An operation left `sending` longer than this is assumed orphaned by a stopped process. */
  orphanAfterMs?: number;
}

/** Names for the adjustment log. */
export interface WriteMeta {
  companyName?: string;
  productName?: string;
}

export interface PlanHeader {
  subscriptionId: string;
  cwAgreementId: number;
  basis: string;
  confirmedBy: string;
}

/** Settles operations a stopped process left in `sending`: adopted if they landed, else planned again. */
export async function resolveOrphans(ctx: WriteContext): Promise<number> {
  const before = new Date(ctx.now().getTime() - (ctx.orphanAfterMs ?? 60_000));
  const orphans = await staleSending(ctx.db, ctx.tenant.id, before);
  for (const row of orphans) {
    const id = await findOwnWrite(ctx.cw, row);
    if (id === null) await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'planned' });
    else await settleWritten(ctx, row, 'adopted', id);
  }
  return orphans.length;
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
  };
}

/** Stores the plan and its operations before anything is sent; known operations keep their state. */
async function persistPlan(ctx: WriteContext, plan: PlanHeader, ops: readonly Operation[]) {
  const planKey = shortHash([plan.subscriptionId, plan.basis, ...ops.map((o) => o.key)].join('|'));
  const planId = await upsertPlan(ctx.db, ctx.tenant.id, { ...plan, planKey, syncRunId: ctx.syncRunId ?? null });
  await insertOperations(
    ctx.db,
    ctx.tenant.id,
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
    ctx.tenant.id,
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
  options: { settleOrphans?: boolean } = {},
): Promise<OperationOutcome[]> {
  // A run settles orphans once at its start; a member's confirmation does it here.
  if (options.settleOrphans !== false) await resolveOrphans(ctx);
  const rows = await persistPlan(ctx, plan, ops);
  const outcomes = new Map<string, OperationOutcome>();
  for (const op of ops) {
    const row = rows.get(op.key)!;
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
  if (dependency && !isWritten(dependency.state as OperationRow['state'])) {
    const error = `Not sent: "${dependency.title}" did not succeed.`;
    await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'skipped', error });
    return outcomeOf(row, { state: 'skipped', error });
  }
  const claimed = await claimOperation(ctx.db, ctx.tenant.id, row.opKey, ['planned', 'failed', 'skipped'], ctx.now());
  if (!claimed)
    return outcomeOf(row, {
      state: 'in-progress',
      error: 'Another confirmation is writing this right now.',
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
      'ConnectWise or Pax8 changed since this review was opened; nothing was written. Review the new plan.',
      { reason: 'stale_plan', drift: await findDrift(ctx.db, ctx.tenant.id, input.additions) },
    );
  }
  const ops = applyEdits(plan.operations, request.edits);
  const header = {
    subscriptionId: input.subscription.id,
    cwAgreementId: input.agreement.id,
    basis: plan.basis,
    confirmedBy: ctx.actor.name,
  };
  return executeOperations(ctx, header, ops, meta);
}

/**
 * Retries one failed operation from the log once its cause is fixed. A create whose marker is
 * already in ConnectWise is adopted instead of sent again.
 */
export async function retryOperation(ctx: WriteContext, opKey: string): Promise<OperationOutcome> {
  const row = (await operationsByKey(ctx.db, ctx.tenant.id, [opKey])).get(opKey);
  if (!row) throw new AppError('not_found', 'No such operation.');
  if (isWritten(row.state)) return outcomeOf(row, { state: row.state, additionId: row.additionId, already: true });
  if (row.state !== 'failed' && row.state !== 'skipped')
    throw new AppError('conflict', `This operation is ${row.state}; only failed ones can be retried.`);
  const landed = await findOwnWrite(ctx.cw, row).catch(() => null);
  const claimed = await claimOperation(ctx.db, ctx.tenant.id, opKey, ['failed', 'skipped'], ctx.now());
  if (!claimed)
    return outcomeOf(row, { state: 'in-progress', error: 'Another retry is writing this right now.', already: true });
  if (landed !== null && row.request.method === 'POST') {
    await finishOperation(ctx.db, ctx.tenant.id, claimed.id, {
      state: 'adopted',
      additionId: landed,
      error: null,
      errorCode: null,
    });
    return outcomeOf(row, { state: 'adopted', additionId: landed, already: true });
  }
  return sendOperation(ctx, claimed, {});
}
