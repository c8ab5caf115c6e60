import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { monthName } from '../../shared/billing/calendar.ts';
import { formatPercent } from '../../shared/billing/usage/markup.ts';
import { formatCents, parseCents, parsePercentBp } from '../../shared/money.ts';
import { USAGE_OPTION_NAMES, USAGE_OPTIONS, type UsageOption } from '../../shared/schemas/usage.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { day, money } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { BackLink, Reviewed, WriteRefused } from '../components/ReviewState.tsx';
import { view } from '../models/nav.ts';
import {
  confirmUsage,
  loadUsageReview,
  saveUsageSettings,
  type UsageData,
  usageBusy,
  usageError,
  usageOption,
  usageOutcomes,
  usageReview,
} from '../models/usage.ts';

const OPTION_HELP: Record<UsageOption, string> = {
  'multi-products':
    'A recurring addition for each sub-product, with last month’s quantity. A month with no change writes nothing.',
  'flat-rate': 'One recurring addition at a price you set; its cost follows last month’s usage.',
  'usage-summary': 'Last month billed once per usage summary: quantity 1, the total after markup.',
  'usage-lines': 'Last month billed once per usage line.',
};

/**
 * Reviewing a usage subscription, as Pax8's multi-product screen has it: the four sync options,
 * last month's lines with what each writes, the Usages panel, the markup, a flat price and a
 * threshold, and Confirm sync, which writes through the same exactly-once writer.
 */
export function UsageReviewPage({ subscriptionId, onBack }: { subscriptionId: string; onBack?: () => void }) {
  const leave = onBack ?? (() => (view.value = { page: 'company' }));
  useEffect(() => {
    usageOption.value = null;
    void loadUsageReview(subscriptionId, null);
  }, [subscriptionId]);
  const back = <BackLink onBack={onBack} toCompany={leave} />;
  return (
    <Reviewed
      state={usageReview.value}
      back={back}
      reading="Reading last month’s usage and ConnectWise…"
      refused="Could not plan this usage."
    >
      {(data) => <UsagePlanReview data={data} back={back} leave={leave} subscriptionId={subscriptionId} />}
    </Reviewed>
  );
}

/** Last month's usage as a member reviews it: the option, the panel, the lines to write, and their results. */
function UsagePlanReview(props: {
  data: UsageData;
  back: ComponentChildren;
  leave: () => void;
  subscriptionId: string;
}) {
  const { back, subscriptionId } = props;
  const { plan, period, context } = props.data;
  const done = usageOutcomes.value;
  return (
    <section data-testid="usage-review">
      <RoleNote actions={['writeAdditions', 'changeSettings']} />
      <div class="review-head">
        {back}
        <h2>
          Usage: {context.subscription.productName}{' '}
          <span class="muted">
            · {context.companyName} · {monthName(period.from)} · on {context.agreement.name}
          </span>
        </h2>
      </div>
      <div class="inline" role="radiogroup" aria-label="Sync option">
        <strong>Configure additions:</strong>
        {USAGE_OPTIONS.map((o) => (
          <label key={o} class="check-inline">
            <input
              type="radio"
              name="usage-option"
              checked={plan.option === o}
              onChange={() => void loadUsageReview(subscriptionId, o)}
            />{' '}
            {USAGE_OPTION_NAMES[o]}
          </label>
        ))}
      </div>
      <p class="muted small">{OPTION_HELP[plan.option]}</p>
      <SettingsRow subscriptionId={subscriptionId} data={props.data} />
      {props.data.unapproved && (
        <p class="notice error" role="note" data-testid="usage-unapproved">
          The arrears run holds this subscription for a person: {props.data.unapproved}
        </p>
      )}
      <WriteRefused error={usageError.value} testId="usage-error" />
      {plan.status === 'blocked' && (
        <Notice tone="error" title="Nothing can be written.">
          {plan.reason}
        </Notice>
      )}
      {plan.status === 'waiting' && (
        <Notice title="Not final yet.">{plan.reason} The lines below show where it stands.</Notice>
      )}
      {plan.notes.map((n) => (
        <p key={n} class="muted" data-testid="usage-note">
          {n}
        </p>
      ))}
      <UsageLines data={props.data} />
      <UsagePanel data={props.data} />
      {done ? (
        <ul data-testid="usage-results">
          {done.map((o) => (
            <li key={o.key} class={o.state === 'confirmed' || o.state === 'adopted' ? 'ok-text' : 'bad-text'}>
              {o.title}: {o.already ? 'already written' : o.state}
              {o.error ? ` — ${o.error}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <footer class="sticky-foot" data-testid="usage-foot">
          <p class="totals">
            <span>
              {plan.operations.length} {plan.operations.length === 1 ? 'change' : 'changes'}
            </span>
            <span>
              {monthName(period.from)} to ConnectWise <strong>{formatCents(plan.totalCents)}</strong>{' '}
              <span class="muted">cost {formatCents(plan.costCents)}</span>
            </span>
            {skippedCents(plan.rows) > 0 && (
              <span class="bad-text" data-testid="usage-skipped-total">
                not billed: {formatCents(skippedCents(plan.rows))} of skipped lines (see why above)
              </span>
            )}
          </p>
          <div class="actions">
            <span class="grow" />
            <ActionButton
              action="writeAdditions"
              class="primary"
              disabled={usageBusy.value || plan.status !== 'ok' || plan.operations.length === 0}
              onClick={() => void confirmUsage(subscriptionId)}
            >
              {usageBusy.value ? 'Writing…' : plan.operations.length === 0 ? 'Nothing to write' : 'Confirm sync'}
            </ActionButton>
            <button type="button" onClick={props.leave}>
              Cancel
            </button>
          </div>
        </footer>
      )}
    </section>
  );
}

/** Markup for this company (over the product's), Flat Rate's price and the threshold, saved with her name. */
/** What the skipped lines would have billed: usage nobody is charged for until a person acts. */
const skippedCents = (rows: UsageData['plan']['rows']) =>
  rows.filter((r) => r.status === 'Skipped').reduce((n, r) => n + r.total.cents, 0);

function SettingsRow({ subscriptionId, data }: { subscriptionId: string; data: UsageData }) {
  const s = data.settings;
  const [markup, setMarkup] = useState(s.markupBp === null ? '' : String(s.markupBp / 100));
  const [flat, setFlat] = useState(s.flatPriceCents === null ? '' : (s.flatPriceCents / 100).toFixed(2));
  const [threshold, setThreshold] = useState(s.thresholdCents === null ? '' : (s.thresholdCents / 100).toFixed(2));
  const [bad, setBad] = useState<string | null>(null);
  const save = () => {
    try {
      const pct = markup.trim() === '' ? null : parsePercentBp(markup);
      const cents = (text: string) => (text.trim() === '' ? null : parseCents(text.replace(/[$,]/g, '')));
      setBad(null);
      void saveUsageSettings(subscriptionId, {
        markupBp: pct,
        flatPriceCents: cents(flat),
        thresholdCents: cents(threshold),
        option: data.plan.option,
      });
    } catch (error) {
      setBad((error as Error).message);
    }
  };
  return (
    <div class="inline" data-testid="usage-settings">
      <label class="field-inline">
        Markup %{' '}
        <input
          inputMode="decimal"
          size={6}
          value={markup}
          placeholder={s.productMarkupBp === null ? 'none' : formatPercent(s.productMarkupBp)}
          aria-describedby="markup-help"
          onInput={(e) => setMarkup(e.currentTarget.value)}
        />
      </label>
      <span id="markup-help" class="muted small">
        {s.productMarkupBp === null
          ? 'Empty: the distributor’s prices.'
          : `Empty: the product’s ${formatPercent(s.productMarkupBp)}.`}
      </span>
      {data.plan.option === 'flat-rate' && (
        <label class="field-inline">
          Flat price ${' '}
          <input inputMode="decimal" size={8} value={flat} onInput={(e) => setFlat(e.currentTarget.value)} />
        </label>
      )}
      <label class="field-inline">
        Threshold ${' '}
        <input
          inputMode="decimal"
          size={8}
          value={threshold}
          placeholder="none"
          onInput={(e) => setThreshold(e.currentTarget.value)}
        />
      </label>
      <ActionButton action="changeSettings" disabled={usageBusy.value} onClick={save}>
        Save and re-plan
      </ActionButton>
      {bad && (
        <span class="bad-text" role="alert">
          {bad}
        </span>
      )}
    </div>
  );
}

/** Last month's lines as they will be written: status, dates, quantities and figures. */
function UsageLines({ data }: { data: UsageData }) {
  const rows = data.plan.rows;
  if (rows.length === 0)
    return (
      <Notice title="No usage.">Nothing was used in {monthName(data.period.from)}; nothing is billed for it.</Notice>
    );
  return (
    <table class="dense" data-testid="usage-lines">
      <thead>
        <tr>
          <th>Name</th>
          <th>Status</th>
          <th>Usage date</th>
          <th>Effective date</th>
          <th class="num">Synced qty</th>
          <th class="num">Quantity</th>
          <th class="num">Cost</th>
          <th class="num">Price</th>
          <th class="num">Total to ConnectWise</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.name}:${row.status}`} data-testid="usage-line" data-status={row.status}>
            <td>
              {row.name}
              <div class="muted small">{row.reason}</div>
              {row.opKey && data.refused[row.opKey] && (
                <div class="bad-text small" data-testid="refused-before">
                  ConnectWise refused this on {day(data.refused[row.opKey]!.at)}: {data.refused[row.opKey]!.error} It is
                  sent again only when you confirm.
                </div>
              )}
            </td>
            <td>
              <span class={`status ${row.status === 'Skipped' ? 'bad' : row.status === 'Unchanged' ? 'ok' : 'warn'}`}>
                {row.status}
              </span>
            </td>
            <td>{day(row.usageDate)}</td>
            <td>{day(row.effectiveDate)}</td>
            <td class="num">{row.syncedQuantity ?? '—'}</td>
            <td class="num">{row.quantity}</td>
            <td class="num" title={row.unitCost.derivation}>
              {formatCents(row.unitCost.cents)}
            </td>
            <td class="num" title={row.unitPrice.derivation}>
              {formatCents(row.unitPrice.cents)}
            </td>
            <td class="num" title={row.total.derivation}>
              {formatCents(row.total.cents)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Pax8's Usages table: this month so far and projected, threshold, last month, projected recurring. */
function UsagePanel({ data }: { data: UsageData }) {
  if (data.panel.length === 0) return null;
  return (
    <details open>
      <summary>Usages</summary>
      <table class="dense" data-testid="usage-panel">
        <thead>
          <tr>
            <th>Domain or resource</th>
            <th class="num">Current</th>
            <th class="num">This month projected</th>
            <th class="num">Threshold</th>
            <th class="num">Last month</th>
            <th class="num">Projected recurring</th>
            <th>Status</th>
            <th>Last active</th>
          </tr>
        </thead>
        <tbody>
          {data.panel.map((p) => (
            <tr key={p.resourceGroup}>
              <td>{p.resourceGroup}</td>
              <td class="num">{formatCents(p.currentCents)}</td>
              <td class="num">{formatCents(p.projectedCents)}</td>
              <td class={`num${p.overThreshold ? ' bad-text' : ''}`}>
                {p.thresholdCents === null ? 'n/a' : money(p.thresholdCents)}
                {p.overThreshold ? ' · passed' : ''}
              </td>
              <td class="num">{money(p.lastMonthCents)}</td>
              <td class="num">{money(p.projectedRecurringCents)}</td>
              <td>{p.status}</td>
              <td>{day(p.lastActive)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
