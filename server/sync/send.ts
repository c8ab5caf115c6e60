import { appendAdditionId, finishOperation, type OperationRow } from '../../db/queries/operations.ts';
import type { OperationOutcome } from '../../shared/schemas/plans.ts';
import { auditedWrite } from '../audit.ts';
import { VendorError } from '../http/vendor-error.ts';
import { findOwnWrite } from './reread.ts';
import type { WriteContext, WriteMeta } from './writer.ts';

/** The outcome of one operation, as the review and the run history report it. */
export function outcomeOf(row: OperationRow, o: Partial<OperationOutcome>): OperationOutcome {
  return {
    key: row.opKey,
    title: row.summary.title,
    state: 'failed',
    additionId: null,
    error: null,
    fields: [],
    already: false,
    ...o,
  };
}

/** Records that an operation is in ConnectWise, by our own write or a re-read that found it. */
export async function settleWritten(
  ctx: WriteContext,
  row: OperationRow,
  state: 'confirmed' | 'adopted',
  additionId: number,
): Promise<void> {
  await finishOperation(ctx.db, ctx.tenant.id, row.id, { state, additionId, error: null, errorCode: null });
  if (row.request.method === 'POST') await appendAdditionId(ctx.db, ctx.tenant.id, row.subscriptionId, additionId);
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

/**
 * Sends one claimed operation to ConnectWise as the context's actor, logs the attempt, and
 * settles it. An unknown outcome is resolved by re-reading, never by sending again.
 */
export async function sendOperation(ctx: WriteContext, row: OperationRow, meta: WriteMeta): Promise<OperationOutcome> {
  const request = row.request;
  const path = `/finance/agreements/${row.cwAgreementId}/additions`;
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
        await settleWritten(ctx, row, 'adopted', id);
        await logAdoption(ctx, row, id, meta);
        return outcomeOf(row, { state: 'adopted', additionId: id });
      }
      const message = `${error.message} A re-read did not find it, so it can be retried safely.`;
      await finishOperation(ctx.db, ctx.tenant.id, row.id, { state: 'failed', errorCode: error.code, error: message });
      return outcomeOf(row, { error: message });
    }
    await finishOperation(ctx.db, ctx.tenant.id, row.id, {
      state: 'failed',
      errorCode: error.code,
      error: error.message,
    });
    return outcomeOf(row, {
      error: error.message,
      fields: error.fields.map((f) => ({ field: f.field, message: f.message })),
    });
  }
}
