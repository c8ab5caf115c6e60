import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

/** One adjustment-log entry, as the server declares it. */
export type LogRow = Answer<typeof api.adjustments.$get>[number];

export interface LogFilters {
  from?: string;
  to?: string;
  company?: string;
  product?: string;
  outcome?: 'success' | 'failure' | 'unknown';
}

export const logRows = signal<LogRow[] | null>(null);
export const logError = signal<string | null>(null);
export const logFilters = signal<LogFilters>({});
export const retryResults = signal<Record<string, string>>({});

export async function loadLog() {
  const query = Object.fromEntries(Object.entries(logFilters.value).filter(([, v]) => v)) as LogFilters;
  try {
    logRows.value = await read(api.adjustments.$get({ query }));
    logError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    logError.value = (error as Error).message;
  }
}

export async function retry(key: string) {
  try {
    const outcome = await read(api.operations[':key'].retry.$post({ param: { key } }));
    retryResults.value = {
      ...retryResults.value,
      [key]:
        outcome.state === 'confirmed' || outcome.state === 'adopted'
          ? 'Written'
          : `Still failing: ${outcome.error ?? outcome.state}`,
    };
  } catch (error) {
    retryResults.value = { ...retryResults.value, [key]: (error as Error).message };
  }
  await loadLog();
}

/** Waives one operation: it is no longer owed, and the Log shows who decided and why. */
export async function waive(key: string, reason: string) {
  try {
    await read(api.operations[':key'].waive.$post({ param: { key }, json: { reason } }));
    retryResults.value = { ...retryResults.value, [key]: 'Waived' };
    await loadLog();
  } catch (error) {
    retryResults.value = { ...retryResults.value, [key]: (error as Error).message };
  }
}
