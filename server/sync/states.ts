import type { OperationRow } from '../../db/queries/operations.ts';
import type { OperationState, Waiver } from '../../shared/schemas/plans.ts';

/** Written to ConnectWise: by our own answered write, or found there by a re-read and adopted. */
export const isWritten = (state: OperationState): state is 'confirmed' | 'adopted' =>
  state === 'confirmed' || state === 'adopted';

/** A waived operation as the planner reads it. */
export const waiverOf = (row: OperationRow): Waiver => ({
  key: row.opKey,
  by: row.waivedBy ?? 'someone',
  at: (row.waivedAt ?? row.updatedAt).toISOString(),
  reason: row.waivedReason ?? '',
});
