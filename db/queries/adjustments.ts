import { and, desc, eq, gte, ilike, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { adjustmentLog, syncOperations } from '../schema.ts';
import type { Scope } from './scope.ts';

export type NewAdjustment = Omit<typeof adjustmentLog.$inferInsert, 'tenantId' | 'id' | 'at'>;

export interface AdjustmentFilters {
  /** ISO dates, inclusive, in UTC. */
  from?: string;
  to?: string;
  company?: string;
  product?: string;
  outcome?: 'success' | 'failure' | 'unknown';
  /** Only the entries of these operations (a confirmation's writes, linked from its results). */
  operations?: readonly string[];
  /** Only one subscription's entries: its history of writes. */
  subscription?: string;
  /** Only one sync run's writes, linked from its summary. */
  run?: string;
  /** Only the writes about one distributor's subscriptions. */
  distributor?: string;
}

// Every query takes the tenant id first: no row of another tenant can be read or changed.

/** The operation a log entry wrote: the same key can belong to two distributors, so its own distributor's. */
export const entryOperation = and(
  eq(syncOperations.tenantId, adjustmentLog.tenantId),
  eq(syncOperations.distributor, adjustmentLog.distributor),
  eq(syncOperations.opKey, adjustmentLog.operationKey),
);

export async function insertAdjustment(db: Database, tenantId: string, entry: NewAdjustment): Promise<void> {
  await db.insert(adjustmentLog).values({ ...entry, tenantId });
}

/**
 * The company and product an operation's earlier entries named: a retry or a waiver from the
 * Log carries them on, so its entry is not left without them.
 */
export async function namesForOperation(db: Database, scope: Scope, operationKey: string) {
  const [row] = await db
    .select({ companyName: adjustmentLog.companyName, productName: adjustmentLog.productName })
    .from(adjustmentLog)
    .where(
      and(
        eq(adjustmentLog.tenantId, scope.tenantId),
        eq(adjustmentLog.distributor, scope.distributor),
        eq(adjustmentLog.operationKey, operationKey),
        isNotNull(adjustmentLog.companyName),
      ),
    )
    .orderBy(desc(adjustmentLog.at))
    .limit(1);
  return { companyName: row?.companyName ?? undefined, productName: row?.productName ?? undefined };
}

/** The tenant's adjustment log, newest first, with the state of the operation each entry wrote. */
export function listAdjustments(db: Database, tenantId: string, q: AdjustmentFilters, limit = 500) {
  const conditions = [eq(adjustmentLog.tenantId, tenantId)];
  if (q.from) conditions.push(gte(adjustmentLog.at, new Date(`${q.from}T00:00:00Z`)));
  if (q.to) conditions.push(lte(adjustmentLog.at, new Date(`${q.to}T23:59:59.999Z`)));
  if (q.company) conditions.push(ilike(adjustmentLog.companyName, `%${q.company}%`));
  if (q.product) conditions.push(ilike(adjustmentLog.productName, `%${q.product}%`));
  if (q.outcome) conditions.push(eq(adjustmentLog.outcome, q.outcome));
  if (q.operations?.length) conditions.push(inArray(adjustmentLog.operationKey, [...q.operations]));
  if (q.subscription) conditions.push(eq(adjustmentLog.subscriptionId, q.subscription));
  if (q.run) conditions.push(eq(adjustmentLog.syncRunId, q.run));
  if (q.distributor) conditions.push(eq(adjustmentLog.distributor, q.distributor));
  return db
    .select({
      id: adjustmentLog.id,
      at: adjustmentLog.at,
      actorName: adjustmentLog.actorName,
      actorType: adjustmentLog.actorType,
      action: adjustmentLog.action,
      companyName: adjustmentLog.companyName,
      productName: adjustmentLog.productName,
      cwAgreementId: adjustmentLog.cwAgreementId,
      cwRecordId: adjustmentLog.cwRecordId,
      outcome: adjustmentLog.outcome,
      errorCode: adjustmentLog.errorCode,
      errorMessage: adjustmentLog.errorMessage,
      operationKey: adjustmentLog.operationKey,
      requestSummary: adjustmentLog.requestSummary,
      subscriptionId: adjustmentLog.subscriptionId,
      distributor: adjustmentLog.distributor,
      opState: syncOperations.state,
      opKind: syncOperations.kind,
      opSummary: syncOperations.summary,
    })
    .from(adjustmentLog)
    .leftJoin(syncOperations, entryOperation)
    .where(and(...conditions))
    .orderBy(desc(adjustmentLog.at), desc(adjustmentLog.id))
    .limit(limit);
}
