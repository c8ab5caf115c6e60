import type { Database } from '../db/client.ts';
import { insertAdjustment } from '../db/queries/adjustments.ts';
import { VendorError } from './http/vendor-error.ts';

export interface Actor {
  type: 'member' | 'scheduled';
  memberId: string | null;
  name: string;
}

export interface WriteAttempt {
  action: string;
  requestSummary: Record<string, unknown>;
  operationKey?: string;
  syncRunId?: string;
  /** The distributor the write is about, when it is about one. */
  distributor?: string;
  subscriptionId?: string;
  cwCompanyId?: number;
  companyName?: string;
  productName?: string;
  cwAgreementId?: number;
}

/**
 * Runs one write to ConnectWise and records it in the adjustment log whatever happens: the
 * request summary (never credentials), the record it made, or ConnectWise's error. A write
 * whose answer never came is logged as `unknown`.
 */
export async function auditedWrite<T extends { id: number }>(
  db: Database,
  tenantId: string,
  actor: Actor,
  attempt: WriteAttempt,
  write: () => Promise<T>,
): Promise<T> {
  const base = {
    actorType: actor.type,
    actorMemberId: actor.memberId,
    actorName: actor.name,
    action: attempt.action,
    operationKey: attempt.operationKey ?? null,
    syncRunId: attempt.syncRunId ?? null,
    distributor: attempt.distributor ?? null,
    subscriptionId: attempt.subscriptionId ?? null,
    cwCompanyId: attempt.cwCompanyId ?? null,
    companyName: attempt.companyName ?? null,
    productName: attempt.productName ?? null,
    cwAgreementId: attempt.cwAgreementId ?? null,
    requestSummary: attempt.requestSummary,
  };
  try {
    const result = await write();
    await insertAdjustment(db, tenantId, {
      ...base,
      cwRecordId: result.id,
      outcome: 'success',
      responseSummary: { id: result.id },
    });
    return result;
  } catch (error) {
    const vendor = error instanceof VendorError ? error : undefined;
    await insertAdjustment(db, tenantId, {
      ...base,
      outcome: vendor?.code === 'unknown_outcome' ? 'unknown' : 'failure',
      responseSummary: vendor
        ? { status: vendor.status ?? null, code: vendor.vendorCode ?? null, fields: vendor.fields }
        : null,
      errorCode: vendor?.code ?? 'internal',
      errorMessage: (error as Error).message,
    });
    throw error;
  }
}
