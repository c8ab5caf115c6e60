import { useEffect, useState } from 'preact/hooks';
import { monthName } from '../../shared/billing/calendar.ts';
import { formatCents } from '../../shared/money.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { CommitmentsSection } from '../components/CommitmentsSection.tsx';
import { CompanyLink } from '../components/CompanyLink.tsx';
import { age, day, signedMoney, stateExplain, stateLabel, stateTone, when } from '../components/format.ts';
import { MapInline } from '../components/MapInline.tsx';
import { Notice } from '../components/Notice.tsx';
import { RunProgress } from '../components/RunProgress.tsx';
import { dname } from '../models/distributor.ts';
import { view } from '../models/nav.ts';
import {
  downloadCsv,
  loadReport,
  type ReportRow,
  type ReportView,
  report,
  reportError,
  reportView,
  setIgnored,
} from '../models/report.ts';
import { hostBridge } from '../models/session.ts';
import { activeRun, ended, syncNow, waiting } from '../models/sync-settings.ts';

const VIEWS: [ReportView, string][] = [
  ['unsynced', 'Unsynced'],
  ['linked', 'Linked'],
  ['unlinked', 'Unlinked'],
];

/** The guide's Unsynced Subscriptions page, and IDSync's linked and unlinked reports. */
export function ReportPage() {
  useEffect(() => void loadReport(), [reportView.value]);
  // A re-check started here reloads the list as soon as its run ends.
  useEffect(() => void (ended.value && loadReport()), [ended.value?.id]);
  const data = report.value;
  const checking = waiting.value !== null || activeRun.value !== null;
  return (
    <section data-testid="report">
      <RoleNote actions={['writeAdditions']} />
      <div class="toolbar">
        {VIEWS.map(([v, label]) => (
          <button
            key={v}
            type="button"
            aria-pressed={reportView.value === v}
            class={reportView.value === v ? 'chip active' : 'chip'}
            onClick={() => (reportView.value = v)}
          >
            {label}
          </button>
        ))}
        <button type="button" class="primary" disabled={checking} onClick={() => void syncNow('check')}>
          {checking ? 'Checking…' : 'Re-check now'}
        </button>
        <button type="button" onClick={() => void downloadCsv()}>
          Export CSV
        </button>
        <span class="muted small" data-testid="checked-at">
          {data?.lastChecked ? `Checked ${when(data.lastChecked)}` : 'Not checked yet: press Re-check now'}
        </span>
      </div>
      <RunProgress />
      {reportView.value === 'unsynced' && (
        <p class="muted">
          Check this list before invoicing each month. Hiding a subscription from reports removes it from the list until
          it is restored below; it does not change what the sync writes.
        </p>
      )}
      {reportError.value && (
        <Notice tone="error" title="Could not load the report.">
          {reportError.value}
        </Notice>
      )}
      {data && !data.lastChecked ? (
        <p class="muted" data-testid="not-checked">
          Not checked yet: press Re-check now to compare every subscription with ConnectWise.
        </p>
      ) : data && reportView.value === 'unsynced' ? (
        <>
          <p class="report-total" data-testid="report-total">
            <strong>{data.rows.length} to look at before invoicing</strong> · {formatCents(atStake(data.rows))} a month
            at stake
          </p>
          <CommitmentsSection />
          <Group title="Possible over-billing" rows={data.rows.filter((r) => r.state === 'over-billing')} hideEmpty />
          <Group
            title="Non-arrears subscriptions"
            rows={data.rows.filter((r) => !r.arrears && r.state !== 'over-billing')}
          />
          <Group title="Arrears (usage) subscriptions" rows={data.rows.filter((r) => r.arrears)} />
          <p class="muted small">
            Usage appears here only when last month differs from what ConnectWise bills, or a person must look; a
            customer whose usage did not change keeps its recurring lines and is not listed.
          </p>
          <h2>Hidden from reports</h2>
          {data.ignored.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <table data-testid="ignored">
              <tbody>
                {data.ignored.map((i) => (
                  <tr key={i.subscriptionId}>
                    <td>{i.companyName}</td>
                    <td>{i.productName}</td>
                    <td class="muted small">
                      {i.ignoredBy}, {day(i.ignoredAt)}
                    </td>
                    <td>
                      <ActionButton action="writeAdditions" onClick={() => void setIgnored(i.subscriptionId, false)}>
                        Restore
                      </ActionButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        data && (
          <Group
            title={
              reportView.value === 'linked'
                ? 'Subscriptions with their ConnectWise agreement'
                : 'Subscriptions without a ConnectWise agreement'
            }
            rows={data.rows}
            linked
          />
        )
      )}
    </section>
  );
}

/** The money at stake in some rows: each row's monthly difference, whichever way it goes. */
const atStake = (rows: readonly ReportRow[]) => rows.reduce((n, r) => n + Math.abs(r.monthlyDifference ?? 0), 0);

/** A reason on one line; the rest, where there is more, behind a disclosure. */
function Reason({ text }: { text: string }) {
  const cut = text.search(/[.;:] /);
  if (cut < 0 || cut > 140)
    return (
      <div class="small muted one-line" title={text}>
        {text}
      </div>
    );
  return (
    <details class="small muted reason">
      <summary>{text.slice(0, cut + 1)}</summary>
      {text.slice(cut + 1)}
    </details>
  );
}

function Group(props: { title: string; rows: ReportRow[]; linked?: boolean; hideEmpty?: boolean }) {
  const { rows } = props;
  if (rows.length === 0 && props.hideEmpty) return null;
  return (
    <>
      <h2>
        {props.title} <span class="muted">({rows.length})</span>
        {rows.length > 0 && (
          <span class="muted small" data-testid="group-total">
            {' '}
            · {formatCents(atStake(rows))} a month at stake
          </span>
        )}
      </h2>
      {rows.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table class="report" data-testid="report-rows">
          <thead>
            <tr>
              <th>Company</th>
              <th>Subscription</th>
              <th>Agreement</th>
              <th class="num">
                <abbr title="Quantity ConnectWise bills">CW</abbr>
              </th>
              <th class="num">{dname()}</th>
              <th class="num">Monthly</th>
              <th>Unbilled</th>
              <th>Next</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.subscriptionId} row={r} linked={props.linked} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Row({ row: r, linked }: { row: ReportRow; linked?: boolean }) {
  const [mapping, setMapping] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // Mapped from its row: the row says so at once, until the next check says where it stands.
  const state = done ? 'mapped' : r.state;
  return (
    <tr data-testid="report-row" data-state={state} data-subscription={r.subscriptionId}>
      <td>
        <CompanyLink id={r.cwCompanyId} name={r.companyName} />
      </td>
      <td class="subscription">
        {r.productName} <span class="muted small">{r.billingTerm}</span>{' '}
        <span class={`status ${stateTone(state)}`} title={stateExplain(state)} data-testid="state">
          {stateLabel(state)}
        </span>
        {r.reason && <Reason text={r.reason} />}
        {r.usagePeriod && r.usageTotalCents !== null && (
          <div class="small" data-testid="usage-month">
            {monthName(`${r.usagePeriod}-01`)}: {formatCents(r.usageTotalCents)}
          </div>
        )}
      </td>
      <td>
        {r.cwAgreementName ?? '—'}
        {r.cwAdditionId ? <span class="muted small"> · addition #{r.cwAdditionId}</span> : ''}
      </td>
      <td class="num">{r.cwQuantity ?? '—'}</td>
      <td class="num">{r.distributorQuantity ?? '?'}</td>
      <td class="num">{signedMoney(r.monthlyDifference)}</td>
      <td title={r.outOfSyncSince ? `since ${day(r.outOfSyncSince)}` : undefined}>
        {r.state === 'in-sync' || r.state === 'over-billing' ? '—' : age(r.outOfSyncSince)}
      </td>
      <td class="actions" data-testid="next">
        {done ? (
          <span class="ok-text">{done}</span>
        ) : mapping && r.cwCompanyId ? (
          <MapInline
            cwCompanyId={r.cwCompanyId}
            subscriptionId={r.subscriptionId}
            billingTerm={r.billingTerm}
            productName={r.productName}
            onDone={setDone}
          />
        ) : (
          <NextActions row={r} linked={linked} startMapping={() => setMapping(true)} />
        )}
      </td>
    </tr>
  );
}

/** What a person does next with a row, by where it stands. */
function NextActions(props: { row: ReportRow; linked?: boolean; startMapping: () => void }) {
  const r = props.row;
  if (r.state === 'over-billing')
    return (
      <button
        type="button"
        onClick={() =>
          void hostBridge()?.request('openScreen', { screen: 'agreement', id: r.cwAgreementId, newTab: true })
        }
      >
        Open the agreement
      </button>
    );
  return (
    <>
      {(r.state === 'out-of-sync' || (r.arrears && r.state === 'needs-review' && r.cwAgreementId !== null)) && (
        <button
          type="button"
          class="primary"
          onClick={() => (view.value = { page: 'review', subscriptionId: r.subscriptionId, usage: r.arrears })}
        >
          {r.arrears ? 'Review usage…' : 'Review & sync…'}
        </button>
      )}
      {r.state === 'unmapped' && r.fix === 'map' && r.cwCompanyId && (
        <ActionButton action="writeAdditions" onClick={props.startMapping}>
          Map…
        </ActionButton>
      )}
      {r.fix === 'bind-product' && r.productId && (
        <button type="button" onClick={() => (view.value = { page: 'products', focusProductId: r.productId! })}>
          Bind product…
        </button>
      )}
      {!props.linked && (
        <ActionButton action="writeAdditions" onClick={() => void setIgnored(r.subscriptionId, true)}>
          Hide from reports
        </ActionButton>
      )}
    </>
  );
}
