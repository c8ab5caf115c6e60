import type { OperationState } from '../../shared/schemas/plans.ts';

/** Written to ConnectWise: by our own answered write, or found there by a re-read and adopted. */
export const isWritten = (state: OperationState): state is 'confirmed' | 'adopted' =>
  state === 'confirmed' || state === 'adopted';
