import { signal } from '@preact/signals';
import type { OperationEdit, OperationOutcome } from '../../shared/schemas/plans.ts';
import { type Answer, ApiError, api, detailOf, read } from '../api.ts';
import { fail } from './session.ts';

/** A subscription's plan and review context, as the server declares it. */
export type ReviewData = Answer<(typeof api.subscriptions)[':id']['plan']['$get']>;

export const review = signal<
  { kind: 'loading' } | { kind: 'ready'; data: ReviewData } | { kind: 'error'; message: string } | null
>(null);
export const recurringMode = signal<'update' | 'replace'>('update');
export const edits = signal<Record<string, OperationEdit>>({});
export const outcomes = signal<OperationOutcome[] | null>(null);
export const confirmError = signal<{ message: string; detail: string | null } | null>(null);
export const confirming = signal(false);

export async function loadReview(subscriptionId: string) {
  review.value = { kind: 'loading' };
  edits.value = {};
  outcomes.value = null;
  confirmError.value = null;
  try {
    const data = await read(
      api.subscriptions[':id'].plan.$get({ param: { id: subscriptionId }, query: { recurring: recurringMode.value } }),
    );
    review.value = { kind: 'ready', data };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    review.value = { kind: 'error', message: (error as Error).message };
  }
}

export function edit(key: string, change: Partial<OperationEdit>) {
  edits.value = { ...edits.value, [key]: { include: true, ...edits.value[key], ...change } };
}

export async function confirm(subscriptionId: string) {
  const r = review.value;
  if (r?.kind !== 'ready' || r.data.plan.status !== 'ok') return;
  confirming.value = true;
  confirmError.value = null;
  try {
    const body = await read(
      api.plans.confirm.$post({
        json: { subscriptionId, basis: r.data.plan.basis, recurring: recurringMode.value, edits: edits.value },
      }),
    );
    outcomes.value = body.outcomes;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    confirmError.value = { message: (error as Error).message, detail: detailOf(error) };
    if (error instanceof ApiError && error.body.details?.reason === 'stale_plan') await loadReview(subscriptionId);
  } finally {
    confirming.value = false;
  }
}
