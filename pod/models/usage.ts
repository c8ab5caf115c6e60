import { signal } from '@preact/signals';
import type { OperationOutcome } from '../../shared/schemas/plans.ts';
import type { UsageOption, UsageSettingsInput } from '../../shared/schemas/usage.ts';
import { type Answer, ApiError, api, detailOf, read } from '../api.ts';
import { fail } from './session.ts';

/** A usage subscription's review: the plan for last month, the usage panel and the member's settings. */
export type UsageData = Answer<(typeof api.subscriptions)[':id']['usage-plan']['$get']>;

export const usageReview = signal<
  { kind: 'loading' } | { kind: 'ready'; data: UsageData } | { kind: 'error'; message: string } | null
>(null);
/** The option shown; null: the saved one (or the default). */
export const usageOption = signal<UsageOption | null>(null);
export const usageOutcomes = signal<OperationOutcome[] | null>(null);
export const usageError = signal<{ message: string; detail: string | null } | null>(null);
export const usageBusy = signal(false);

export async function loadUsageReview(subscriptionId: string, option = usageOption.value) {
  usageReview.value = { kind: 'loading' };
  usageOutcomes.value = null;
  usageError.value = null;
  try {
    const data = await read(
      api.subscriptions[':id']['usage-plan'].$get({
        param: { id: subscriptionId },
        query: option ? { option } : {},
      }),
    );
    usageOption.value = data.plan.option;
    usageReview.value = { kind: 'ready', data };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    usageReview.value = { kind: 'error', message: (error as Error).message };
  }
}

/** Saves the markup, flat price or threshold, then plans again with them. */
export async function saveUsageSettings(subscriptionId: string, input: UsageSettingsInput) {
  usageBusy.value = true;
  usageError.value = null;
  try {
    await read(api.subscriptions[':id']['usage-settings'].$put({ param: { id: subscriptionId }, json: input }));
    await loadUsageReview(subscriptionId);
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    usageError.value = { message: (error as Error).message, detail: detailOf(error) };
  } finally {
    usageBusy.value = false;
  }
}

export async function confirmUsage(subscriptionId: string) {
  const r = usageReview.value;
  if (r?.kind !== 'ready' || r.data.plan.status !== 'ok') return;
  usageBusy.value = true;
  usageError.value = null;
  try {
    const body = await read(
      api['usage-plans'].confirm.$post({
        json: { subscriptionId, option: r.data.plan.option, basis: r.data.plan.basis },
      }),
    );
    usageOutcomes.value = body.outcomes;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    usageError.value = { message: (error as Error).message, detail: detailOf(error) };
    if (error instanceof ApiError && error.body.details?.reason === 'stale_plan') await loadUsageReview(subscriptionId);
  } finally {
    usageBusy.value = false;
  }
}
