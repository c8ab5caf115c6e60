import type { OperationState, Waiver } from '../../schemas/plans.ts';

/**
 * What the assessment reads of the rows the server stores: only the fields a decision uses, so
 * the decision needs no database. The server's rows (db/queries/operations.ts, mappings.ts)
 * have these fields and more, and pass as they are.
 */

/** Exactly what the writer sent for an operation, as far as drift is worked out from it. */
export type RecordedRequest =
  | { method: 'POST'; body: { quantity: number; unitPrice?: number; cancelledDate?: string | null } }
  | { method: 'PATCH'; additionId: number; patch: { path: string; value?: unknown }[] };

/** An operation planned, written or waived for a subscription. */
export interface OperationRecord {
  id: string;
  opKey: string;
  marker: string;
  cwAgreementId: number;
  /** The addition it changes (updates) or made (creates). */
  additionId: number | null;
  request: RecordedRequest;
  summary: { title: string };
  state: OperationState;
  error: string | null;
  waivedBy: string | null;
  waivedAt: Date | null;
  waivedReason: string | null;
  updatedAt: Date;
}

/** A subscription mapped to an agreement (or paused, or failed). */
export interface ServiceMappingRecord {
  status: 'mapped' | 'paused' | 'failed';
  cwAgreementId: number;
}

/** A distributor company bound to a ConnectWise company. */
export interface CompanyMappingRecord {
  distributorCompanyName: string;
  cwCompanyId: number | null;
}

/** A distributor product bound to a ConnectWise catalog item. */
export interface ProductMappingRecord {
  cwCatalogItemId: number | null;
  cwCatalogIdentifier: string | null;
}

/** A waived operation as the planner reads it. */
export const waiverOf = (row: OperationRecord): Waiver => ({
  key: row.opKey,
  by: row.waivedBy ?? 'someone',
  at: (row.waivedAt ?? row.updatedAt).toISOString(),
  reason: row.waivedReason ?? '',
});
