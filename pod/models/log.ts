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
  /** Comma-separated operation keys: the entries one sync wrote, opened from its results. */
  operations?: string;
  /** One subscription's writes: its history. */
  subscription?: string;
  /** One run's writes, from its summary. */
  run?: string;
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

/** The Log as CSV, with the filters on screen; fetched with the session's token, then saved. */
export async function downloadLogCsv() {
  const query = Object.fromEntries(Object.entries(logFilters.value).filter(([, v]) => v)) as LogFilters;
  const res = await api['adjustments.csv'].$get({ query });
  if (!res.ok) {
    logError.value = `The CSV could not be made (${res.status}); try again.`;
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = `adjustment-log-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}
