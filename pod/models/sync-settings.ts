import { computed, signal } from '@preact/signals';
import { formatPercent } from '../../shared/billing/usage/markup.ts';
import { formatCents } from '../../shared/money.ts';
import type { TenantSettings } from '../../shared/schemas/settings.ts';
import { type Answer, ApiError, api, read } from '../api.ts';
import { tenantZone } from '../components/format.ts';
import { type FormError, formError } from './forms.ts';
import { fail } from './session.ts';

/** One sync run in the history, as the server declares it. */
export type RunRow = Answer<typeof api.sync.runs.$get>[number];

/** One save of the settings, as the server declares it. */
export type SettingsChange = Answer<typeof api.settings.history.$get>[number];

/** The settings as the server answers them, with the next runs of the schedule. */
export type SettingsAnswer = Answer<typeof api.settings.$get>;

export const settings = signal<SettingsAnswer | null>(null);
export const changes = signal<SettingsChange[]>([]);
export const runs = signal<RunRow[]>([]);
export const settingsError = signal<FormError | null>(null);
export const saved = signal(false);
let polling: ReturnType<typeof setInterval> | undefined;

export async function loadSettings() {
  try {
    const [s, r, h] = await Promise.all([
      read(api.settings.$get()),
      read(api.sync.runs.$get()),
      read(api.settings.history.$get()),
    ]);
    settings.value = s;
    runs.value = r;
    changes.value = h;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    settingsError.value = formError(error);
  }
}

export async function saveSettings(next: TenantSettings) {
  saved.value = false;
  try {
    settings.value = await read(api.settings.$put({ json: next }));
    tenantZone.value = settings.value.timeZone;
    settingsError.value = null;
    saved.value = true;
    changes.value = await read(api.settings.history.$get());
  } catch (error) {
    settingsError.value = formError(error);
  }
}

/** What "Sync now" started, until its run has ended. */
export const waiting = signal<{ note: string | null } | null>(null);
/** The tenant's run in progress, if any, and whether one started here still waits for a worker. */
export const activeRun = computed(() => runs.value.find((r) => r.status === 'running') ?? null);
export const queued = computed(() => waiting.value !== null && activeRun.value === null);

/** A run that has ended, with what it wrote and failed per kind of change. */
export type EndedRun = RunRow & { byKind: Record<string, { written: number; failed: number }> };
/** The run "Sync now" started, once it has ended: its summary stays on the page. */
export const ended = signal<EndedRun | null>(null);

/**
 * "Sync now": queues the tenant's sync, then follows the run history until a run that began
 * after the click has ended. The job may wait a moment for a worker, so an empty history at
 * first means "not started yet", not "done".
 */
export async function syncNow(mode: 'sync' | 'check') {
  const before = runs.value[0]?.id ?? null;
  try {
    const queued = await read(api.sync.runs.$post({ json: { mode } }));
    settingsError.value = null;
    waiting.value = { note: queued.note };
    ended.value = null;
  } catch (error) {
    settingsError.value = formError(error);
    return;
  }
  clearInterval(polling);
  const until = Date.now() + 30 * 60_000;
  polling = setInterval(async () => {
    try {
      runs.value = await read(api.sync.runs.$get());
      const latest = runs.value[0];
      const done = latest !== undefined && latest.id !== before && latest.status !== 'running';
      if (done || Date.now() > until) {
        clearInterval(polling);
        waiting.value = null;
        if (done) {
          const byKind = await read(api.sync.runs[':id'].kinds.$get({ param: { id: latest.id } })).catch(() => ({}));
          ended.value = { ...latest, byKind };
        }
      }
    } catch (error) {
      // Progress stops updating, and says why, rather than failing silently.
      clearInterval(polling);
      waiting.value = null;
      settingsError.value = formError(error);
    }
  }, 700);
}

const shown = (v: unknown) =>
  v === undefined || v === null
    ? '—'
    : typeof v === 'boolean'
      ? v
        ? 'on'
        : 'off'
      : Array.isArray(v)
        ? v.join(', ') || 'none'
        : String(v);

/** Money in cents and markups in basis points, as the member typed them. */
const shownValue = (key: string, v: unknown) =>
  v === null || v === undefined
    ? 'none'
    : key.endsWith('Cents')
      ? formatCents(Number(v))
      : key.endsWith('Bp')
        ? formatPercent(Number(v))
        : shown(v);

/** Settings whose key does not read as words. */
const WORDS: Record<string, string> = {
  'rules.commitmentHorizonHours': 'commitment horizon (hours)',
  'rules.renewalNoticeDays': 'renewal notice (days)',
};
/** What a save made before a setting existed stood for: its default. */
const DEFAULTS: Record<string, unknown> = { 'rules.commitmentHorizonHours': 72, 'rules.renewalNoticeDays': 30 };

/** What one save changed, field by field ("schedule: 0 0 * * * → 30 2 * * *"). */
export function describeChange(change: SettingsChange): string {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = change.after as unknown as Record<string, unknown>;
  const flat = (o: Record<string, unknown>) => {
    const { rules, ...rest } = o;
    return {
      ...rest,
      ...Object.fromEntries(Object.entries((rules ?? {}) as object).map(([k, v]) => [`rules.${k}`, v])),
    };
  };
  const [b, a] = [flat(before), flat(after)];
  const parts = Object.keys(a)
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) =>
      k === 'rules.prorateMinimumCents'
        ? `prorate minimum: ${formatCents(Number(b[k] ?? 0))} → ${formatCents(Number(a[k]))}`
        : `${WORDS[k] ?? k}: ${shownValue(k, b[k] ?? DEFAULTS[k])} → ${shownValue(k, a[k])}`,
    );
  const what =
    change.before === null && change.subject === 'settings'
      ? 'first save'
      : parts.join('; ') || 'saved without changes';
  return change.label ? `${change.label}: ${what}` : what;
}
