import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

export type Commitments = Answer<typeof api.commitments.$get>;
export type CommitmentRow = Commitments['closingSoon']['rows'][number];

/** The commitments the last check found, as they stand now: what the Unsynced report shows first. */
export const commitments = signal<Commitments | null>(null);
export const commitmentsError = signal<string | null>(null);

export async function loadCommitments() {
  try {
    commitments.value = await read(api.commitments.$get());
    commitmentsError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    commitmentsError.value = (error as Error).message;
  }
}
