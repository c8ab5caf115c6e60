import { useEffect, useState } from 'preact/hooks';
import { type TenantSettings, UNATTENDED_KINDS, type UnattendedKind } from '../../shared/schemas/settings.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { CentsInput } from '../components/CentsInput.tsx';
import { useDraft } from '../components/draft.ts';
import { when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { NotificationsPanel } from '../components/NotificationsPanel.tsx';
import { RunProgress } from '../components/RunProgress.tsx';
import { NextRuns, SchedulePicker } from '../components/SchedulePicker.tsx';
import { TimeZonePicker } from '../components/TimeZonePicker.tsx';
import { may } from '../models/session.ts';
import {
  activeRun,
  changes,
  describeChange,
  loadSettings,
  queued,
  runs,
  saved,
  saveSettings,
  settings,
  settingsError,
  syncNow,
} from '../models/sync-settings.ts';

const KIND_LABEL: Record<UnattendedKind, string> = {
  increase: 'Increases',
  decrease: 'Decreases',
  cancellation: 'Cancellations',
  prorate: 'Prorates',
  usage: 'Usage (arrears)',
};

/** The sync rules a member chooses, as the connector's rule table names them. */
const SYNC_RULES: {
  k: 'positiveChange' | 'negativeChange' | 'cancellation' | 'proration';
  label: string;
  options: [string, string][];
}[] = [
  {
    k: 'positiveChange',
    label: 'Effective date of an increase',
    options: [
      ['actual-date', 'Actual date'],
      ['first-of-current-month', 'First of the current month'],
    ],
  },
  {
    k: 'negativeChange',
    label: 'Effective date of a decrease',
    options: [
      ['actual-date', 'Actual date'],
      ['first-of-next-month', 'First of the next month'],
    ],
  },
  {
    k: 'cancellation',
    label: 'Cancellation',
    options: [
      ['per-cancellation-date', 'Per cancellation date'],
      ['last-day-of-month', 'Last day of the month'],
    ],
  },
  {
    k: 'proration',
    label: 'Proration',
    options: [
      ['separate-one-time', 'Separate one-time prorate addition'],
      ['connectwise-prorates', 'Let ConnectWise prorate (prorating agreements)'],
    ],
  },
];

/** The global sync: when it runs, what it may write unattended, its rules, sync now and its history. */
export function SettingsPage() {
  useEffect(() => void loadSettings(), []);
  const s = settings.value;
  const [form, setForm] = useState<TenantSettings | null>(null);
  // The form starts from the stored settings, and again only when they were saved since: reading
  // them again (each visit does) never undoes what the member is typing.
  const savedAt = s ? (s.updatedAt ?? 'defaults') : null;
  useEffect(() => {
    if (s)
      setForm({
        autoSync: s.autoSync,
        schedule: s.schedule,
        timeZone: s.timeZone,
        unattendedKinds: s.unattendedKinds,
        rules: s.rules,
      });
  }, [savedAt]);
  // Each change applies to the form as it is then: two fields changed before a render both count.
  const change = (next: Partial<TenantSettings>) => setForm((f) => (f ? { ...f, ...next } : f));
  const changeRules = (next: Partial<TenantSettings['rules']>) =>
    setForm((f) => (f ? { ...f, rules: { ...f.rules, ...next } } : f));
  const err = settingsError.value;
  if (!form && err)
    return (
      <Notice tone="error" title="Could not read the settings.">
        {err.message}{' '}
        <button type="button" onClick={() => void loadSettings()}>
          Try again
        </button>
      </Notice>
    );
  if (!form) return <p class="muted">Reading the settings…</p>;
  const busy = activeRun.value !== null || queued.value;
  return (
    <section data-testid="settings">
      {err && (
        <div class="notice error" role="alert">
          {err.message}
        </div>
      )}
      {saved.value && (
        <div class="notice ok" role="status">
          Settings saved.
        </div>
      )}
      <RoleNote actions={['changeSettings', 'writeAdditions']} />
      {s?.autoSync && !s.approvedBy && (
        <Notice tone="error" title="The schedule only checks.">
          These settings were saved before roles were checked here. Until a member whose ConnectWise role may edit
          agreements saves them again, scheduled runs write nothing.
        </Notice>
      )}
      <h2>Global sync</h2>
      {/* Read-only for a member whose role may not edit agreements: she sees, but cannot change. */}
      <fieldset class="plain" disabled={!may('changeSettings')} data-testid="settings-form">
        <label class="check">
          <input
            type="checkbox"
            checked={form.autoSync}
            onChange={(e) => change({ autoSync: e.currentTarget.checked })}
          />{' '}
          Sync automatically on the schedule (off by default)
        </label>
        <div class="grid">
          <SchedulePicker
            cron={form.schedule}
            timeZone={form.timeZone}
            error={err?.fields.schedule}
            onChange={(schedule) => change({ schedule })}
          />
          <TimeZonePicker
            value={form.timeZone}
            error={err?.fields.timeZone}
            onChange={(timeZone) => change({ timeZone })}
          />
        </div>
        {s && <NextRuns runs={s.nextRuns} timeZone={s.timeZone} />}
        <p>
          Written without a person:{' '}
          {UNATTENDED_KINDS.map((k) => (
            <label key={k} class="check-inline">
              <input
                type="checkbox"
                checked={form.unattendedKinds.includes(k)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setForm((f) =>
                    f
                      ? {
                          ...f,
                          unattendedKinds: on ? [...f.unattendedKinds, k] : f.unattendedKinds.filter((x) => x !== k),
                        }
                      : f,
                  );
                }}
              />{' '}
              {KIND_LABEL[k]}
            </label>
          ))}
          <span class="muted small"> Conflicts, hand edits and extra months always wait for a person.</span>
        </p>
        <SyncRulesFields form={form} changeRules={changeRules} />
        <div class="actions">
          <ActionButton action="changeSettings" class="primary" onClick={() => void saveSettings(form)}>
            Save settings
          </ActionButton>
          {s?.updatedBy && <span class="muted small">Last saved by {s.updatedBy}</span>}
        </div>
      </fieldset>
      <NotificationsPanel />
      <h2>Run</h2>
      <div class="actions">
        <ActionButton action="writeAdditions" disabled={busy} onClick={() => void syncNow('sync')}>
          Sync now
        </ActionButton>
        <button type="button" disabled={busy} onClick={() => void syncNow('check')}>
          Check only (write nothing)
        </button>
      </div>
      <RunProgress />
      <RunHistory />
      <SettingsChanges />
    </section>
  );
}

/** What the settings form's parts are given: the form as edited, and how to change its rules. */
interface FormProps {
  form: TenantSettings;
  changeRules: (next: Partial<TenantSettings['rules']>) => void;
}

/** One sync rule, chosen from its options. */
function RuleSelect(
  props: FormProps & { k: (typeof SYNC_RULES)[number]['k']; label: string; options: [string, string][] },
) {
  const { form, changeRules, k } = props;
  return (
    <label class="field">
      <span>{props.label}</span>
      <select name={k} value={form.rules[k]} onChange={(e) => changeRules({ [k]: e.currentTarget.value })}>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The rules the planner writes by (effective dates, cancellation, proration) and the thresholds a run respects. */
function SyncRulesFields({ form, changeRules }: FormProps) {
  return (
    <>
      <h2>Sync rules</h2>
      <div class="grid">
        {SYNC_RULES.map((r) => (
          <RuleSelect key={r.k} form={form} changeRules={changeRules} k={r.k} label={r.label} options={r.options} />
        ))}
        <label class="field">
          <span>Skip prorates under</span>
          <span class="inline">
            $
            <CentsInput
              name="prorateMinimum"
              max={1000}
              value={form.rules.prorateMinimumCents}
              onCents={(c) => changeRules({ prorateMinimumCents: c })}
            />
          </span>
          <span class="muted small">
            {form.rules.prorateMinimumCents === 0
              ? 'Every prorate is written.'
              : 'Smaller prorates and credits are left out; each review names the ones it skips.'}
          </span>
        </label>
        {WHOLE_NUMBER_RULES.map((r) => (
          <WholeNumber key={r.k} {...r} name={r.k} value={form.rules[r.k]} onValue={(n) => changeRules({ [r.k]: n })} />
        ))}
        <label class="field">
          <span>Accept reconciliation differences up to</span>
          <span class="inline">
            $
            <CentsInput
              name="reconcileToleranceCents"
              max={1000}
              value={form.rules.reconcileToleranceCents}
              onCents={(c) => changeRules({ reconcileToleranceCents: c })}
            />
            or
            {/* A percentage with two decimals is a whole number of basis points, as cents are of dollars. */}
            <CentsInput
              name="reconcileTolerancePercent"
              label="Tolerance as a percentage"
              max={100}
              value={form.rules.reconcileToleranceBp}
              onCents={(bp) => changeRules({ reconcileToleranceBp: bp })}
            />
            %
          </span>
          <span class="muted small">
            {form.rules.reconcileToleranceCents === 0 && form.rules.reconcileToleranceBp === 0
              ? 'Every difference waits for a person.'
              : 'Smaller differences are accepted without a person and not posted; each is logged as accepted by the tolerance.'}
          </span>
        </label>
      </div>
    </>
  );
}

/** The rules set as a whole number in a range, each with what it does. */
const WHOLE_NUMBER_RULES = [
  {
    k: 'arrearsDay',
    label: "Bill last month's usage from day",
    min: 1,
    max: 28,
    help: "The arrears job bills a month's usage from this day of the next month, and never before the distributor says it is final (Pax8: the 4th).",
  },
  {
    k: 'commitmentHorizonHours',
    label: 'List commitments whose window closes within (hours)',
    min: 1,
    max: 168,
    help: 'They come first in the pod and the Unsynced report, and go in the digest with their deadline and money.',
  },
  {
    k: 'renewalNoticeDays',
    label: 'Review renewals this many days ahead',
    min: 1,
    max: 90,
    help: "A commitment renewing within them is listed with its seats, ConnectWise's, and the moment a change must be made by.",
  },
] as const;

/** A whole number between `min` and `max`: anything else typed leaves the form as it was. */
function WholeNumber(props: {
  label: string;
  name: string;
  min: number;
  max: number;
  value: number;
  onValue: (n: number) => void;
  help: string;
}) {
  const field = useDraft(String(props.value), (text) => {
    const n = Number(text);
    if (text.trim() !== '' && Number.isInteger(n) && n >= props.min && n <= props.max) props.onValue(n);
  });
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        type="number"
        min={String(props.min)}
        max={String(props.max)}
        name={props.name}
        class="small-input"
        {...field}
      />
      <span class="muted small">{props.help}</span>
    </label>
  );
}

/** The runs, newest first: who started each, how far it got, what it wrote and what it left for a person. */
function RunHistory() {
  return (
    <>
      <h2>History</h2>
      {runs.value.length === 0 ? (
        <p class="muted">No runs yet.</p>
      ) : (
        <table data-testid="runs">
          <thead>
            <tr>
              <th>Started</th>
              <th>Ended</th>
              <th>By</th>
              <th>Status</th>
              <th class="num">Companies</th>
              <th class="num">Writes</th>
              <th class="num">Failures</th>
              <th class="num">For review</th>
            </tr>
          </thead>
          <tbody>
            {runs.value.map((r) => (
              <tr key={r.id} data-testid="run-row">
                <td>{when(r.startedAt)}</td>
                <td>{r.finishedAt ? when(r.finishedAt).slice(11) : '—'}</td>
                <td>{r.actor}</td>
                <td>
                  <span class={`status ${r.status === 'succeeded' ? 'ok' : r.status === 'running' ? 'warn' : 'bad'}`}>
                    {r.status}
                  </span>
                  {r.error && <div class="small bad-text">{r.error}</div>}
                </td>
                <td class="num">
                  {r.companiesDone}/{r.companiesTotal}
                </td>
                <td class="num">{r.writes}</td>
                <td class="num">{r.failures}</td>
                <td class="num">{r.needsReview}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Every save of these settings: when, by whom, and what changed. */
function SettingsChanges() {
  return (
    <>
      <h2>Changes to these settings</h2>
      {changes.value.length === 0 ? (
        <p class="muted">Never saved: the defaults apply (auto-sync off).</p>
      ) : (
        <table data-testid="settings-changes">
          <tbody>
            {changes.value.map((ch) => (
              <tr key={ch.id}>
                <td>{when(ch.changedAt)}</td>
                <td>{ch.changedBy}</td>
                <td class="small">{describeChange(ch)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
