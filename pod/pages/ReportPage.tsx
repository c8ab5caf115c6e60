import { useEffect } from 'preact/hooks';
import { formatCents } from '../../shared/money.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Notice } from '../components/Notice.tsx';
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

const VIEWS: [ReportView, string][] = [
  ['unsynced', 'Unsynced'],
  ['linked', 'Linked'],
  ['unlinked', 'Unlinked'],
];

/** The guide's Unsynced Subscriptions page, and IDSync's linked and unlinked reports. */
export function ReportPage() {
  useEffect(() => void loadReport(), [reportView.value]);
  const data = report.value;
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
        <button type="button" onClick={() => void downloadCsv()}>
          Export CSV
        </button>
        <span class="muted small">
          {data?.lastChecked
            ? `Checked ${data.lastChecked.slice(0, 16).replace('T', ' ')} UTC`
            : 'Not checked yet: run a check from Settings'}
        </span>
      </div>
      {reportView.value === 'unsynced' && (
        <p class="muted">
          Check this list before invoicing each month. Hiding a subscription from reports removes it from the list until
          it is restored below.
        </p>
      )}
      {reportError.value && (
        <Notice tone="error" title="Could not load the report.">
          {reportError.value}
        </Notice>
      )}
      {data && reportView.value === 'unsynced' ? (
        <>
          <Group title="Non-arrears subscriptions" rows={data.rows.filter((r) => !r.arrears)} />
          <Group title="Arrears (usage) subscriptions" rows={data.rows.filter((r) => r.arrears)} />
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
                      {i.ignoredBy}, {i.ignoredAt.slice(0, 10)}
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

function Group({ title, rows, linked }: { title: string; rows: ReportRow[]; linked?: boolean }) {
  return (
    <>
      <h2>
        {title} <span class="muted">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table data-testid="report-rows">
          <thead>
            <tr>
              <th>Company</th>
              <th>Subscription</th>
              <th>Agreement</th>
              <th class="num">CW</th>
              <th class="num">Pax8</th>
              <th class="num">Monthly diff.</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.subscriptionId} data-testid="report-row">
                <td>{r.companyName}</td>
                <td>
                  {r.productName} <span class="muted small">{r.billingTerm}</span>
                </td>
                <td>
                  {r.cwAgreementName ?? '—'}
                  {r.cwAdditionId ? <span class="muted small"> #{r.cwAdditionId}</span> : ''}
                </td>
                <td class="num">{r.cwQuantity ?? '—'}</td>
                <td class="num">{r.distributorQuantity ?? '?'}</td>
                <td class="num">{r.monthlyDifference === null ? '—' : formatCents(r.monthlyDifference)}</td>
                <td class="small">{r.reason}</td>
                <td>
                  {!linked && (
                    <ActionButton action="writeAdditions" onClick={() => void setIgnored(r.subscriptionId, true)}>
                      Hide from reports
                    </ActionButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
