import { signal } from '@preact/signals';
import { ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

export interface LogRow {
  id: number;
  at: string;
  actorName: string;
  actorType: string;
  action: string;
  companyName: string | null;
  productName: string | null;
  cwAgreementId: number | null;
  cwRecordId: number | null;
  outcome: 'success' | 'failure' | 'unknown';
  errorCode: string | null;
  errorMessage: string | null;
  operationKey: string | null;
  retryable: boolean;
}

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
    logRows.value = await read<LogRow[]>(api.adjustments.$get({ query }));
    logError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    logError.value = (error as Error).message;
  }
}

export async function retry(key: string) {
  try {
    const outcome = await read<{ state: string; error: string | null }>(
      api.operations[':key'].retry.$post({ param: { key } }),
    );
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
