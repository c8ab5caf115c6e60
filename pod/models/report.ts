import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

/** A report view's JSON answer (the same route answers CSV for `*.csv`), as the server declares it. */
export type ReportData = Exclude<Answer<(typeof api.reports)[':view']['$get']>, string>;
export type ReportRow = ReportData['rows'][number];

export type ReportView = 'unsynced' | 'linked' | 'unlinked';
export const reportView = signal<ReportView>('unsynced');
export const report = signal<ReportData | null>(null);
export const reportError = signal<string | null>(null);

export async function loadReport() {
  try {
    const body = await read(api.reports[':view'].$get({ param: { view: reportView.value } }));
    if (typeof body === 'string') throw new Error('The report answered CSV where a table was asked for.');
    report.value = body;
    reportError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    reportError.value = (error as Error).message;
  }
}

export async function setIgnored(subscriptionId: string, ignored: boolean) {
  if (ignored) await read(api.subscriptions[':id'].ignore.$post({ param: { id: subscriptionId }, json: {} }));
  else await read(api.subscriptions[':id'].ignore.$delete({ param: { id: subscriptionId } }));
  await loadReport();
}

/** The CSV comes from the API with the session's bearer token, so it is fetched, then saved. */
export async function downloadCsv() {
  const res = await api.reports[':view'].$get({ param: { view: `${reportView.value}.csv` } });
  const blob = await res.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${reportView.value}-subscriptions.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}
