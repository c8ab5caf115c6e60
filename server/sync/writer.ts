import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import {
  appendAdditionId,
  claimOperation,
  finishOperation,
  insertOperations,
  type OperationRow,
  operationsByKey,
  staleSending,
  upsertPlan,
} from '../../db/queries/operations.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { syncOperations } from '../../db/schema.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { isEngineMarker, type Operation, shortHash } from '../../shared/billing/operations.ts';
import { type PlanInput, type PlanResult, planSubscription } from '../../shared/billing/planner.ts';
import { lineTotal } from '../../shared/billing/proration.ts';
import { formatCents } from '../../shared/money.ts';
import type { ConfirmPlanInput, DriftEntry, OperationEdit, OperationOutcome } from '../../shared/schemas/plans.ts';
import { type Actor, auditedWrite } from '../audit.ts';
import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';
import type { NewCwAddition, PatchOperation } from '../connectwise/types.ts';
import { AppError, type FieldError, invalidInput } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import { requestFor } from './requests.ts';

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

const OK_STATES = new Set(['confirmed', 'adopted']);

/** Applies a member's edits; an excluded operation takes those that depend on it along. */
export function applyEdits(ops: readonly Operation[], edits: Record<string, OperationEdit>): Operation[] {
  const problems: FieldError[] = [];
  const excluded = new Set(
    Object.entries(edits)
      .filter(([, e]) => !e.include)
      .map(([k]) => k),
  );
  const out: Operation[] = [];
  for (const op of ops) {
    if (excluded.has(op.key) || (op.dependsOn && excluded.has(op.dependsOn))) {
      excluded.add(op.key);
      continue;
    }
    const e = edits[op.key];
    if (!e) {
      out.push(op);
      continue;
    }
    if (e.effectiveDate !== undefined && e.effectiveDate !== op.after.effectiveDate && !op.effectiveDateEditable) {
      problems.push({
        field: `edits.${op.key}.effectiveDate`,
        message: 'cannot be changed when updating an existing addition: ConnectWise keeps its effective date',
      });
      continue;
    }
    const after = { ...op.after };
    if (e.quantity !== undefined) after.quantity = e.quantity;
    if (e.unitPrice !== undefined)
      after.unitPrice = { cents: e.unitPrice, derivation: `${formatCents(e.unitPrice)} (edited)` };
    if (e.unitCost !== undefined)
      after.unitCost = { cents: e.unitCost, derivation: `${formatCents(e.unitCost)} (edited)` };
    if (e.billCustomer !== undefined) after.billCustomer = e.billCustomer;
    if (e.taxable !== undefined) after.taxable = e.taxable;
    if (e.effectiveDate !== undefined) after.effectiveDate = e.effectiveDate;
    if (e.invoiceDescription !== undefined) after.invoiceDescription = e.invoiceDescription;
    after.totalPrice = lineTotal(after.unitPrice.cents, after.quantity);
    after.totalCost = lineTotal(after.unitCost.cents, after.quantity);
    out.push({ ...op, after });
  }
  if (problems.length > 0) throw invalidInput(problems);
  return out;
}

/**
 * Additions the engine wrote that someone has since changed in ConnectWise: shown to a person,
 * never silently written over.
 */
export async function findDrift(
  db: Database,
  tenantId: string,
  additions: readonly AdditionView[],
): Promise<DriftEntry[]> {
  const marked = additions.filter((a) => isEngineMarker(a.marker));
  if (marked.length === 0) return [];
  const ids = marked.map((a) => a.id);
  const rows = await db
    .select()
    .from(syncOperations)
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        isNotNull(syncOperations.additionId),
        or(
          inArray(
            syncOperations.marker,
            marked.map((a) => a.marker!),
          ),
          inArray(syncOperations.additionId, ids),
        ),
      ),
    );
  const byMarker = new Map(rows.filter((r) => r.type.startsWith('create')).map((r) => [r.marker, r]));
  const drift: DriftEntry[] = [];
  for (const a of marked) {
    const row = byMarker.get(a.marker!);
    if (!row || !OK_STATES.has(row.state)) continue;
    const sent = row.request as { body?: NewCwAddition };
    const body = sent.body;
    if (!body) continue;
    const later = rows
      .filter((r) => r.additionId === a.id && r.type !== row.type && OK_STATES.has(r.state))
      .flatMap((r) => (r.request as { patch?: PatchOperation[] }).patch ?? []);
    const expectQuantity =
      (later.filter((p) => p.path === 'quantity').at(-1)?.value as number | undefined) ?? body.quantity;
    const expectPrice =
      (later.filter((p) => p.path === 'unitPrice').at(-1)?.value as number | undefined) ?? body.unitPrice;
    const changes: string[] = [];
    if (a.quantity !== expectQuantity) changes.push(`quantity ${expectQuantity} → ${a.quantity}`);
    if (expectPrice !== undefined && a.unitPrice !== expectPrice)
      changes.push(`unit price ${expectPrice} → ${a.unitPrice}`);
    if (changes.length > 0) {
      drift.push({
        additionId: a.id,
        message: `Addition #${a.id}, written by the sync, was edited in ConnectWise${a.updatedBy ? ` by ${a.updatedBy}` : ''}${a.lastUpdated ? ` on ${a.lastUpdated.slice(0, 10)}` : ''}: ${changes.join(', ')}.`,
      });
    }
  }
  return drift;
}

/** After an unknown outcome: did our write land? Creates are found by marker, updates by value. */
async function findOwnWrite(cw: CwClient, row: OperationRow): Promise<number | null> {
  const request = row.request as {
    method: 'POST' | 'PATCH';
    body?: NewCwAddition;
    additionId?: number;
    patch?: PatchOperation[];
  };
  if (request.method === 'POST') {
    const found = await cw.additions.list(row.cwAgreementId, { conditions: where.eq('serialNumber', row.marker) });
    return found[0]?.id ?? null;
  }
  const current = await cw.additions.get(row.cwAgreementId, request.additionId!);
  const record = current as unknown as Record<string, unknown>;
  const applied = (request.patch ?? []).every((p) => {
    const value = record[p.path];
    return typeof p.value === 'string' && typeof value === 'string'
      ? value.slice(0, 10) === p.value.slice(0, 10)
      : value === p.value;
  });
  return applied ? current.id : null;
}

/** Settles operations a stopped process left in `sending`: adopted if they landed, else retried. */
export async function resolveOrphans(ctx: WriteContext): Promise<number> {
  const orphans = await staleSending(
    ctx.db,
    ctx.tenant.id,
    new Date(ctx.now().getTime() - (ctx.orphanAfterMs ?? 60_000)),
  );
  for (const row of orphans) {
    const id = await findOwnWrite(ctx.cw, row);
    await finishOperation(
      ctx.db,
      ctx.tenant.id,
      row.id,
      id === null ? { state: 'planned' } : { state: 'adopted', additionId: id, error: null, errorCode: null },
    );
    if (id !== null && row.type.startsWith('create'))
      await appendAdditionId(ctx.db, ctx.tenant.id, row.subscriptionId, id);
  }
  return orphans.length;
}

async function writeOne(
  ctx: WriteContext,
  row: OperationRow,
  meta: { companyName?: string; productName?: string },
): Promise<OperationOutcome> {
  const request = row.request as {
    method: 'POST' | 'PATCH';
    body?: NewCwAddition;
    additionId?: number;
    patch?: PatchOperation[];
  };
  const summary = row.summary as { title: string };
  const outcome = (o: Partial<OperationOutcome>): OperationOutcome => ({
    key: row.opKey,
    title: summary.title,
    state: 'failed',
    additionId: null,
    error: null,
    fields: [],
    already: false,
    ...o,
  });
  try {
    const result = await auditedWrite(
      ctx.db,
      ctx.tenant.id,
      ctx.actor,
      {
        action: request.method === 'POST' ? 'addition.create' : 'addition.update',
        operationKey: row.opKey,
        syncRunId: ctx.syncRunId,
        subscriptionId: row.subscriptionId,
        cwAgreementId: row.cwAgreementId,
        companyName: meta.companyName,
        productName: meta.productName,
        requestSummary:
          request.method === 'POST'
            ? { method: 'POST', path: `/finance/agreements/${row.cwAgreementId}/additions`, body: request.body }
            : {
                method: 'PATCH',
                path: `/finance/agreements/${row.cwAgreementId}/additions/${request.additionId}`,
                patch: request.patch,
              },
      },
      () =>
        request.method === 'POST'
          ? ctx.cw.additions.create(row.cwAgreementId, request.body!)
          : ctx.cw.additions.patch(row.cwAgreementId, request.additionId!, request.patch!),
    );
    await finishOperation(ctx.db, ctx.tenant.id, row.id, {
      state: 'confirmed',
      additionId: result.id,
      error: null,
      errorCode: null,
    });
    if (request.method === 'POST') await appendAdditionId(ctx.db, ctx.tenant.id, row.subscriptionId, result.id);
    return outcome({ state: 'confirmed', additionId: result.id });
  } catch (error) {
    if (!(error instanceof VendorError)) {
      await finishOperation(ctx.db, ctx.tenant.id, row.id, {
        state: 'failed',
        errorCode: 'internal',
        error: (error as Error).message,
      });
      throw error;
    }
    if (error.code === 'unknown_outcome') {
      // Never written twice: re-read, and adopt our own write if it landed.
      const id = await findOwnWrite(ctx.cw, row).catch(() => null);
      if (id !== null) {
        await finishOperation(ctx.db, ctx.tenant.id, row.id, {
          state: 'adopted',
          additionId: id,
          error: null,
          errorCode: null,
        });
        if (request.method === 'POST') await appendAdditionId(ctx.db, ctx.tenant.id, row.subscriptionId, id);
        await auditedWrite(
          ctx.db,
          ctx.tenant.id,
          ctx.actor,
          {
            action: 'addition.adopt',
            operationKey: row.opKey,
            syncRunId: ctx.syncRunId,
            subscriptionId: row.subscriptionId,
            cwAgreementId: row.cwAgreementId,
            productName: meta.productName,
            companyName: meta.companyName,
            requestSummary: {
              note: 'The write had no answer; a re-read found it applied, so it was adopted instead of sent again.',
            },
          },
          async () => ({ id }),
        );
        return outcome({ state: 'adopted', additionId: id });
      }
      const message = `${error.message} A re-read did not find it, so it can be retried safely.`;
      await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'failed', errorCode: error.code, error: message });
      return outcome({ error: message });
    }
    await finishOperation(ctx.db, ctx.tenant.id, row.id, {
      state: 'failed',
      errorCode: error.code,
      error: error.message,
    });
    return outcome({ error: error.message, fields: error.fields.map((f) => ({ field: f.field, message: f.message })) });
  }
}

/**
 * Writes operations exactly once. Each is persisted with its key before anything is sent,
 * claimed in the database (so a concurrent confirmation writes nothing), sent, and settled;
 * an unknown outcome is resolved by re-reading. One failure does not stop the others, except
 * those that depend on it.
 */
export async function executeOperations(
  ctx: WriteContext,
  plan: { subscriptionId: string; cwAgreementId: number; basis: string; confirmedBy: string },
  ops: readonly Operation[],
  meta: { companyName?: string; productName?: string } = {},
  options: { settleOrphans?: boolean } = {},
): Promise<OperationOutcome[]> {
  // A run settles orphans once at its start; a member's confirmation does it here.
  if (options.settleOrphans !== false) await resolveOrphans(ctx);
  const planKey = shortHash([plan.subscriptionId, plan.basis, ...ops.map((o) => o.key)].join('|'));
  const planId = await upsertPlan(ctx.db, ctx.tenant.id, {
    planKey,
    subscriptionId: plan.subscriptionId,
    cwAgreementId: plan.cwAgreementId,
    basis: plan.basis,
    confirmedBy: plan.confirmedBy,
    syncRunId: ctx.syncRunId ?? null,
  });
  await insertOperations(
    ctx.db,
    ctx.tenant.id,
    ops.map((op, seq) => {
      const request = requestFor(op);
      return {
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
        request:
          request.method === 'POST'
            ? { method: 'POST', body: request.body }
            : { method: 'PATCH', additionId: request.additionId, patch: request.patch },
        summary: {
          title: op.title,
          reason: op.reason,
          quantity: op.after.quantity,
          unitPrice: op.after.unitPrice,
          totalPrice: op.after.totalPrice,
          effectiveDate: op.after.effectiveDate,
          cancelledDate: op.after.cancelledDate,
        },
      };
    }),
  );
  const rows = await operationsByKey(
    ctx.db,
    ctx.tenant.id,
    ops.map((o) => o.key),
  );
  const outcomes = new Map<string, OperationOutcome>();
  for (const op of ops) {
    const row = rows.get(op.key)!;
    const title = op.title;
    if (OK_STATES.has(row.state)) {
      outcomes.set(op.key, {
        key: op.key,
        title,
        state: row.state as 'confirmed',
        additionId: row.additionId,
        error: null,
        fields: [],
        already: true,
      });
      continue;
    }
    const dep = op.dependsOn ? outcomes.get(op.dependsOn) : undefined;
    if (op.dependsOn && dep && !OK_STATES.has(dep.state)) {
      await finishOperation(ctx.db, ctx.tenant.id, row.id, {
        state: 'skipped',
        error: `Not sent: "${dep.title}" did not succeed.`,
      });
      outcomes.set(op.key, {
        key: op.key,
        title,
        state: 'skipped',
        additionId: null,
        error: `Not sent: "${dep.title}" did not succeed.`,
        fields: [],
        already: false,
      });
      continue;
    }
    const claimed = await claimOperation(ctx.db, ctx.tenant.id, op.key, ['planned', 'failed', 'skipped'], ctx.now());
    if (!claimed) {
      outcomes.set(op.key, {
        key: op.key,
        title,
        state: 'in-progress',
        additionId: null,
        error: 'Another confirmation is writing this right now.',
        fields: [],
        already: true,
      });
      continue;
    }
    outcomes.set(op.key, await writeOne(ctx, claimed, meta));
  }
  return ops.map((o) => outcomes.get(o.key)!);
}

/** Re-plans from fresh reads and refuses when what the member reviewed is no longer true. */
export async function confirmReviewedPlan(
  ctx: WriteContext,
  input: PlanInput,
  request: ConfirmPlanInput,
  meta: { companyName?: string; productName?: string } = {},
) {
  const plan: PlanResult = planSubscription(input);
  if (plan.status === 'blocked') throw new AppError('conflict', plan.reason, { reason: 'blocked' });
  if (plan.basis !== request.basis) {
    throw new AppError(
      'conflict',
      'ConnectWise or Pax8 changed since this review was opened; nothing was written. Review the new plan.',
      {
        reason: 'stale_plan',
        drift: await findDrift(ctx.db, ctx.tenant.id, input.additions),
      },
    );
  }
  const ops = applyEdits(plan.operations, request.edits);
  return executeOperations(
    ctx,
    {
      subscriptionId: input.subscription.id,
      cwAgreementId: input.agreement.id,
      basis: plan.basis,
      confirmedBy: ctx.actor.name,
    },
    ops,
    meta,
  );
}

/**
 * Retries one failed operation from the log once its cause is fixed. A create whose marker is
 * already in ConnectWise is adopted instead of sent again.
 */
export async function retryOperation(ctx: WriteContext, opKey: string): Promise<OperationOutcome> {
  const row = (await operationsByKey(ctx.db, ctx.tenant.id, [opKey])).get(opKey);
  if (!row) throw new AppError('not_found', 'No such operation.');
  const title = (row.summary as { title: string }).title;
  if (OK_STATES.has(row.state))
    return {
      key: opKey,
      title,
      state: row.state as 'confirmed',
      additionId: row.additionId,
      error: null,
      fields: [],
      already: true,
    };
  if (row.state !== 'failed' && row.state !== 'skipped')
    throw new AppError('conflict', `This operation is ${row.state}; only failed ones can be retried.`);
  const landed = await findOwnWrite(ctx.cw, row).catch(() => null);
  const claimed = await claimOperation(ctx.db, ctx.tenant.id, opKey, ['failed', 'skipped'], ctx.now());
  if (!claimed)
    return {
      key: opKey,
      title,
      state: 'in-progress',
      additionId: null,
      error: 'Another retry is writing this right now.',
      fields: [],
      already: true,
    };
  if (landed !== null && row.type.startsWith('create')) {
    await finishOperation(ctx.db, ctx.tenant.id, claimed.id, {
      state: 'adopted',
      additionId: landed,
      error: null,
      errorCode: null,
    });
    return { key: opKey, title, state: 'adopted', additionId: landed, error: null, fields: [], already: true };
  }
  return writeOne(ctx, claimed, {});
}
