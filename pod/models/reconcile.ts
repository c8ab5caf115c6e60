import { signal } from '@preact/signals';
import { type Answer, ApiError, api, read } from '../api.ts';
import { fail } from './session.ts';

export type ReconcileAnswer = Answer<typeof api.reconciliations.$get>;
export type ReconcileRow = ReconcileAnswer['rows'][number];
export type Picture = Answer<(typeof api)['month-picture']['$get']>;
export type BeforeInvoice = Answer<(typeof api)['before-invoice']['$get']>;

/**
 * The month shown. Empty until the server answers with the tenant's last month: "last month"
 * is the product's calendar, not the browser's, which may be on another day or zone.
 */
export const period = signal<string>('');
/** The period and distributor last read, so a page that opens again does not check twice. */
let loaded = '';
export const reconcile = signal<ReconcileAnswer | null>(null);
export const picture = signal<Picture | null>(null);
export const stuck = signal<BeforeInvoice | null>(null);
export const reconcileError = signal<string | null>(null);
export const checking = signal(false);
/** What the last Accept or Reject did, per subscription, in a member's words. */
export const decisionResults = signal<Record<string, string>>({});

function failed(error: unknown) {
  if (error instanceof ApiError && error.needsReload) return fail(error);
  reconcileError.value = (error as Error).message;
}

/** Checks the period against the invoice (a fresh read of both sides), then the picture and what is stuck. */
export async function loadReconcile(options: { distributor?: string; unlessLoaded?: boolean } = {}) {
  if (options.unlessLoaded && loaded === `${period.value}|${options.distributor ?? ''}`) return;
  checking.value = true;
  try {
    const answer = await read(api.reconciliations.$get({ query: period.value ? { period: period.value } : {} }));
    reconcile.value = answer;
    loaded = `${answer.period}|${options.distributor ?? ''}`;
    if (!period.value) period.value = answer.period;
    const query = { period: answer.period };
    const [p, s] = await Promise.all([read(api['month-picture'].$get({ query })), read(api['before-invoice'].$get())]);
    picture.value = p;
    stuck.value = s;
    reconcileError.value = null;
  } catch (error) {
    failed(error);
  } finally {
    checking.value = false;
  }
}

const said = (
  result: {
    outcomes: { key: string; state: string; error: string | null }[];
    skipped: { subscriptionId: string; reason: string }[];
  },
  ids: readonly string[],
  done: string,
) => {
  const next = { ...decisionResults.value };
  for (const id of ids) next[id] = done;
  for (const s of result.skipped) next[s.subscriptionId] = s.reason;
  for (const o of result.outcomes) {
    const id = o.key.split(':')[1] ?? '';
    if (o.state !== 'confirmed' && o.state !== 'adopted') next[id] = `Not posted: ${o.error ?? o.state}`;
  }
  decisionResults.value = next;
};

export async function accept(ids: readonly string[]) {
  try {
    const result = await read(
      api.reconciliations.accept.$post({ json: { period: period.value, subscriptionIds: [...ids] } }),
    );
    said(result, ids, 'Accepted: the difference is posted.');
    await loadReconcile();
  } catch (error) {
    failed(error);
  }
}

export async function reject(ids: readonly string[], reason: string) {
  try {
    const result = await read(
      api.reconciliations.reject.$post({ json: { period: period.value, subscriptionIds: [...ids], reason } }),
    );
    said(result, ids, 'Rejected: nothing was written.');
    await loadReconcile();
  } catch (error) {
    failed(error);
  }
}

/** Downloads one of the page's CSVs for the period. */
export async function downloadCsv(which: 'reconciliations.csv' | 'month-picture.csv') {
  const res = await api[which].$get({ query: { period: period.value } });
  if (!res.ok) {
    reconcileError.value = `The CSV could not be made (${res.status}); try again.`;
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = `${which === 'reconciliations.csv' ? 'reconciliation' : 'month'}-${period.value}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}
