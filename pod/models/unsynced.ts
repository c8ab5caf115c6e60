import { signal } from '@preact/signals';
import { type Answer, ApiError, api, detailOf, read } from '../api.ts';
import { fail, hostBridge } from './session.ts';

/** One row of the agreement pod, as the server declares it. */
export type PodRow = Extract<
  Answer<(typeof api.agreements)[':id']['unsynced']['$get']>,
  { rows: unknown }
>['rows'][number];

/** A usage subscription billed on the agreement, with last month's figures. */
export type PodUsage = Answer<(typeof api.agreements)[':id']['unsynced']['$get']>['usage'][number];

export const podList = signal<
  | { kind: 'loading' }
  | { kind: 'ready'; bound: boolean; rows: PodRow[]; usage: PodUsage[]; inSync: number }
  | { kind: 'error'; message: string }
  | null
>(null);
export const podMessage = signal<{
  tone: 'ok' | 'error';
  text: string;
  /** The operations the sync wrote or tried: the pod's link to their Log entries. */
  operations?: string[];
  detail?: string | null;
} | null>(null);
let current: number | null = null;

export async function loadPod(agreementId: number) {
  if (current !== agreementId) podList.value = { kind: 'loading' };
  current = agreementId;
  try {
    const body = await read(api.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }));
    podList.value = { kind: 'ready', ...body };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    podList.value = { kind: 'error', message: (error as Error).message };
  }
}

/** Plans and confirms one subscription from the pod, then asks Manage to refresh the agreement. */
export async function syncFromPod(subscriptionId: string) {
  try {
    const review = await read(
      api.subscriptions[':id'].plan.$get({ param: { id: subscriptionId }, query: { recurring: 'update' } }),
    );
    if (review.plan.status !== 'ok') throw new Error(review.plan.reason ?? 'Nothing can be planned.');
    const { outcomes } = await read(
      api.plans.confirm.$post({ json: { subscriptionId, basis: review.plan.basis, recurring: 'update', edits: {} } }),
    );
    const ok = outcomes.filter((o) => o.state === 'confirmed' || o.state === 'adopted').length;
    podMessage.value =
      ok === outcomes.length
        ? { tone: 'ok', text: `Synced: ${ok} addition${ok === 1 ? '' : 's'} written.` }
        : {
            tone: 'error',
            // Said here, not only in the Log: the pod on an agreement has no Log page of its own.
            text: `${ok} of ${outcomes.length} written. Not written: ${outcomes
              .filter((o) => o.state !== 'confirmed' && o.state !== 'adopted')
              .map((o) => `${o.title}: ${o.error ?? o.state}`)
              .join(' ')}`,
            operations: outcomes.map((o) => o.key),
            detail:
              outcomes
                .map((o) => o.detail)
                .filter(Boolean)
                .join('\n') || null,
          };
    // The agreement's own additions grid belongs to Manage: ask it to refresh.
    await hostBridge()
      ?.request('refreshScreen')
      .catch(() => undefined);
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    podMessage.value = { tone: 'error', text: (error as Error).message, detail: detailOf(error) };
  }
  if (current !== null) await loadPod(current);
}

export async function ignore(subscriptionId: string) {
  await read(api.subscriptions[':id'].ignore.$post({ param: { id: subscriptionId }, json: {} }));
  if (current !== null) await loadPod(current);
}
