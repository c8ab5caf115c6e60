import { randomUUID } from 'node:crypto';
import {
  appendAdditionId,
  claimOperation,
  finishOperation,
  type OperationRow,
  renewOperationLease,
  runOfOperation,
} from '../../db/queries/operations.ts';
import { countOnRun } from '../../db/queries/runs.ts';
import type { OperationOutcome, OperationState } from '../../shared/schemas/plans.ts';
import { auditedWrite } from '../audit.ts';
import { inMemberWords, vendorDetail } from '../http/member-words.ts';
import { VendorError } from '../http/vendor-error.ts';
import { findOwnWrite } from './reread.ts';
import { scopeOf, type WriteContext, type WriteMeta } from './write-context.ts';

/** How long a claim holds without renewal; the writer renews it every third of that. */
export const DEFAULT_LEASE_MS = 60_000;

/** The outcome of one operation, as the review and the run history report it. */
export function outcomeOf(row: OperationRow, o: Partial<OperationOutcome>): OperationOutcome {
  return {
    key: row.opKey,
    title: row.summary.title,
    state: 'failed',
    additionId: null,
    error: null,
    detail: null,
    fields: [],
    already: false,
    ...o,
  };
}

/**
 * Claims an operation for this writer: a fresh owner token and a lease. Answers the claimed
 * row, or nothing when another writer has it (or it is no longer in one of `from`).
 */
export async function claim(
  ctx: WriteContext,
  opKey: string,
  from: readonly OperationState[],
): Promise<OperationRow | undefined> {
  const now = ctx.now();
  return claimOperation(ctx.db, scopeOf(ctx), opKey, from, {
    owner: randomUUID(),
    now,
    leaseUntil: new Date(now.getTime() + (ctx.leaseMs ?? DEFAULT_LEASE_MS)),
  });
}

/** Counts a settled operation on the run that planned it, and on this run as "settled" if that was another. */
async function attribute(ctx: WriteContext, row: OperationRow, counted: 'writes' | 'failures', settling: boolean) {
  const planRun = await runOfOperation(ctx.db, ctx.tenant.id, row.planId);
  if (planRun) await countOnRun(ctx.db, ctx.tenant.id, planRun, { [counted]: 1 });
  if (settling && ctx.syncRunId && ctx.syncRunId !== planRun)
    await countOnRun(ctx.db, ctx.tenant.id, ctx.syncRunId, { settled: 1 });
}

/** Records that an operation is in ConnectWise, by our own write or a re-read that found it. */
export async function settleWritten(
  ctx: WriteContext,
  row: OperationRow,
  state: 'confirmed' | 'adopted',
  additionId: number,
  settling = false,
): Promise<void> {
  await finishOperation(ctx.db, ctx.tenant.id, row.id, { state, additionId, error: null, errorCode: null }, ctx.now());
  if (row.request.method === 'POST')
    await appendAdditionId(
      ctx.db,
      { tenantId: ctx.tenant.id, distributor: row.distributor },
      row.subscriptionId,
      additionId,
      ctx.now(),
    );
  await attribute(ctx, row, 'writes', settling);
}

async function settleFailed(ctx: WriteContext, row: OperationRow, errorCode: string, error: string) {
  await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'failed', errorCode, error }, ctx.now());
  await attribute(ctx, row, 'failures', false);
}

/** Logs an adoption: the write had no answer, and a re-read found it applied. */
export async function logAdoption(ctx: WriteContext, row: OperationRow, additionId: number, meta: WriteMeta) {
  await auditedWrite(
    ctx.db,
    ctx.tenant.id,
    ctx.actor,
    {
      action: 'addition.adopt',
      operationKey: row.opKey,
      syncRunId: ctx.syncRunId,
      distributor: row.distributor,
      subscriptionId: row.subscriptionId,
      cwAgreementId: row.cwAgreementId,
      productName: meta.productName,
      companyName: meta.companyName,
      requestSummary: {
        note: 'The write had no answer; a re-read found it applied, so it was adopted instead of sent again.',
      },
    },
    async () => ({ id: additionId }),
  );
}

/** Why an operation is still `unknown`: the write had no answer and the re-read failed too. */
export const uncheckedMessage = (reason: string) =>
  `ConnectWise gave no answer, and checking whether the write landed failed too (${reason}). It is checked ` +
  `again before anything else happens to it, and cannot be retried until then.`;

/**
 * After an unknown outcome, or a writer that stopped: re-read and adopt our own write if it
 * landed. A re-read that fails leaves the operation `unknown` ("could not check" is never "not
 * found"). Answers the operation's new state.
 */
export async function resolveByRereading(
  ctx: WriteContext,
  row: OperationRow,
  meta: WriteMeta,
  notFound: { state: 'planned' | 'failed'; message: string; detail?: string },
  settling: boolean,
): Promise<OperationOutcome> {
  let id: number | null;
  try {
    id = await findOwnWrite(ctx.cw, row);
  } catch (error) {
    const message = uncheckedMessage((error as Error).message);
    await finishOperation(
      ctx.db,
      ctx.tenant.id,
      row.id,
      {
        state: 'unknown',
        errorCode: 'unknown_outcome',
        error: message,
      },
      ctx.now(),
    );
    return outcomeOf(row, { state: 'unknown', error: message, detail: (error as Error).message });
  }
  if (id !== null) {
    await settleWritten(ctx, row, 'adopted', id, settling);
    await logAdoption(ctx, row, id, meta);
    return outcomeOf(row, { state: 'adopted', additionId: id });
  }
  if (notFound.state === 'failed') await settleFailed(ctx, row, 'not_written', notFound.message);
  else await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'planned', error: notFound.message }, ctx.now());
  return outcomeOf(row, { state: notFound.state, error: notFound.message, detail: notFound.detail ?? null });
}

/**
 * Sends one claimed operation to ConnectWise as the context's actor, logs the attempt, and
 * settles it. While it waits for an answer it renews its lease, so however long the client's
 * retries take, nobody else settles it. An unknown outcome is resolved by re-reading, never by
 * sending again.
 */
export async function sendOperation(ctx: WriteContext, row: OperationRow, meta: WriteMeta): Promise<OperationOutcome> {
  const request = row.request;
  const path = `/finance/agreements/${row.cwAgreementId}/additions`;
  const leaseMs = ctx.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeat = setInterval(() => {
    const until = new Date(ctx.now().getTime() + leaseMs);
    void renewOperationLease(ctx.db, ctx.tenant.id, row.id, row.owner!, until).catch(() => {});
  }, leaseMs / 3);
  try {
    const result = await auditedWrite(
      ctx.db,
      ctx.tenant.id,
      ctx.actor,
      {
        action: request.method === 'POST' ? 'addition.create' : 'addition.update',
        operationKey: row.opKey,
        syncRunId: ctx.syncRunId,
        distributor: row.distributor,
        subscriptionId: row.subscriptionId,
        cwAgreementId: row.cwAgreementId,
        companyName: meta.companyName,
        productName: meta.productName,
        requestSummary:
          request.method === 'POST'
            ? { method: 'POST', path, body: request.body }
            : { method: 'PATCH', path: `${path}/${request.additionId}`, patch: request.patch },
      },
      () =>
        request.method === 'POST'
          ? ctx.cw.additions.create(row.cwAgreementId, request.body)
          : ctx.cw.additions.patch(row.cwAgreementId, request.additionId, request.patch),
    );
    await settleWritten(ctx, row, 'confirmed', result.id);
    return outcomeOf(row, { state: 'confirmed', additionId: result.id });
  } catch (error) {
    if (!(error instanceof VendorError)) {
      await settleFailed(ctx, row, 'internal', (error as Error).message);
      throw error;
    }
    if (error.code === 'unknown_outcome') {
      const message =
        'ConnectWise did not confirm the write, and reading the agreement back shows it was not made. Nothing was billed; it can be retried safely.';
      return resolveByRereading(ctx, row, meta, { state: 'failed', message, detail: vendorDetail(error) }, false);
    }
    // The member reads what happened and what to do; ConnectWise's own words stay in the Log.
    const words = inMemberWords(error);
    await settleFailed(ctx, row, error.code, words);
    return outcomeOf(row, {
      error: words,
      detail: vendorDetail(error),
      fields: error.fields.map((f) => ({ field: f.field, message: f.message })),
    });
  } finally {
    clearInterval(heartbeat);
  }
}
