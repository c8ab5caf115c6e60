import { useEffect, useState } from 'preact/hooks';
import { monthName } from '../../shared/billing/calendar.ts';
import { sumByCurrency } from '../../shared/money.ts';
import { RECONCILE_STATUS_LABEL, RECONCILE_STATUSES, type ReconcileStatus } from '../../shared/schemas/reconcile.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { CompanyLink } from '../components/CompanyLink.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { day, money, signedMoney, when } from '../components/format.ts';
import { MarginChart } from '../components/MarginChart.tsx';
import { Notice } from '../components/Notice.tsx';
import { current, dname } from '../models/distributor.ts';
import { view } from '../models/nav.ts';
import {
  accept,
  checking,
  decisionResults,
  downloadCsv,
  loadReconcile,
  period,
  picture,
  type ReconcileRow,
  reconcile,
  reconcileError,
  reject,
  stuck,
} from '../models/reconcile.ts';

const TONE: Record<ReconcileStatus, string> = { pending: 'neutral', review: 'warn', reconciled: 'ok', rejected: 'bad' };

/**
 * Billing reconciliation for a month: each mapped subscription against the distributor's
 * invoice, with Accept (posts the difference once) and Reject (with a reason); what is still
 * stuck before invoicing; and the month's picture, with its chart and CSV.
 */
export function ReconcilePage() {
  const [filter, setFilter] = useState<ReconcileStatus | 'all'>('all');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  useEffect(() => {
    setPicked(new Set());
    void loadReconcile({ distributor: current.value?.kind, unlessLoaded: true });
  }, [period.value, current.value?.kind]);
  const data = reconcile.value;
  const rows = data?.rows ?? [];
  const shown = filter === 'all' ? rows : rows.filter((r) => r.status === filter);
  const open = shown.filter((r) => r.status === 'review');
  const chosen = rows.filter((r) => picked.has(r.subscriptionId) && r.status === 'review');
  // Each currency totalled on its own, with the sign a difference reads with: "+$42.00".
  const summed = sumByCurrency(
    chosen.map((r) => ({ cents: r.figures?.differenceCents ?? 0, currency: r.figures?.currency })),
  );
  const total =
    chosen.some((r) => (r.figures?.differenceCents ?? 0) > 0) && !summed.startsWith('-') ? `+${summed}` : summed;
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  return (
    <section data-testid="reconcile">
      <RoleNote actions={['writeAdditions']} />
      <MonthFilters checkedAt={rows[0]?.checkedAt} />
      {reconcileError.value && (
        <Notice tone="error" title="Could not reconcile this month.">
          {reconcileError.value}
        </Notice>
      )}
      {checking.value && !data && <p class="muted">Reading the invoice and ConnectWise…</p>}
      {data && !data.due && (
        <Notice title={`${data.month} is not invoiced yet.`}>
          {dname()} invoices it from {day(data.cutover)}; there is nothing to reconcile before then.
        </Notice>
      )}
      {data?.due && rows.length === 0 && (
        <Notice title={`Nothing to reconcile for ${data.month}.`}>
          No mapped subscription was billable that month. Map subscriptions to agreements on a company's tab first.
        </Notice>
      )}
      {rows.length > 0 && (
        <>
          <fieldset class="chips">
            <legend class="visually-hidden">Show</legend>
            {(['all', ...RECONCILE_STATUSES] as const).map((s) => (
              <button
                type="button"
                key={s}
                class={`chip${filter === s ? ' active' : ''}`}
                aria-pressed={filter === s}
                onClick={() => setFilter(s)}
              >
                {s === 'all' ? `All (${rows.length})` : `${RECONCILE_STATUS_LABEL[s]} (${data?.counts[s] ?? 0})`}
              </button>
            ))}
          </fieldset>
          <table class="dense" data-testid="reconcile-rows">
            <thead>
              <tr>
                <th class="pick">
                  <input
                    type="checkbox"
                    aria-label="Select every difference pending review"
                    checked={open.length > 0 && open.every((r) => picked.has(r.subscriptionId))}
                    disabled={open.length === 0}
                    onChange={(e) =>
                      setPicked(
                        (e.currentTarget as HTMLInputElement).checked
                          ? new Set(open.map((r) => r.subscriptionId))
                          : new Set(),
                      )
                    }
                  />
                </th>
                <th>Company</th>
                <th>Product</th>
                <th>Status</th>
                <th title="Quantity on the distributor's invoice">Invoiced</th>
                <th title="Quantity ConnectWise bills">Billed</th>
                <th>Cost</th>
                <th>ConnectWise billed</th>
                <th>Difference</th>
                <th>Margin</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <Row key={r.subscriptionId} row={r} picked={picked.has(r.subscriptionId)} onPick={toggle} />
              ))}
            </tbody>
          </table>
          <DecisionBar chosen={chosen} total={total} month={data?.month} onDone={() => setPicked(new Set())} />
        </>
      )}
      <BeforeYouInvoice />
      {picture.value && <MonthPicture month={data?.month ?? period.value} />}
    </section>
  );
}

function Row(props: { row: ReconcileRow; picked: boolean; onPick: (id: string) => void }) {
  const r = props.row;
  const f = r.figures;
  const said = decisionResults.value[r.subscriptionId];
  return (
    <tr data-testid="reconcile-row" data-status={r.status} data-subscription={r.subscriptionId}>
      <td class="pick">
        {r.status === 'review' && (
          <input
            type="checkbox"
            aria-label={`Select ${r.companyName}: ${r.productName}`}
            checked={props.picked}
            onChange={() => props.onPick(r.subscriptionId)}
          />
        )}
      </td>
      <td>
        <CompanyLink id={r.cwCompanyId} name={r.companyName} />
      </td>
      <td>{r.productName}</td>
      <td>
        <span class={`status ${TONE[r.status]}`}>{RECONCILE_STATUS_LABEL[r.status]}</span>
      </td>
      <td>{f?.invoice?.quantity ?? '—'}</td>
      <td>{f ? f.cw.quantity : '—'}</td>
      <td>{money(f?.invoice?.costCents ?? null, f?.currency)}</td>
      <td>{money(f?.cw.billedCents ?? null, f?.currency)}</td>
      <td data-testid="difference">
        {f && f.differenceCents !== 0 ? signedMoney(f.differenceCents, f.currency) : '—'}
        {r.adjustment && r.status === 'review' && <div class="muted small">{r.adjustment.derivation}</div>}
      </td>
      <td>{money(f?.marginCents ?? null, f?.currency)}</td>
      <td class="small">
        {r.reason}
        {said && (
          <div class="muted" data-testid="decision-result">
            {said}
          </div>
        )}
      </td>
    </tr>
  );
}

/** What a bookkeeper clears before invoicing: differences pending review, and writes that failed. */
function BeforeYouInvoice() {
  const s = stuck.value;
  if (!s) return null;
  const empty = s.review.length === 0 && s.writes.length === 0;
  return (
    <section data-testid="before-invoice">
      <h2>Before you invoice</h2>
      {empty && <p class="muted">Nothing is stuck: no difference waits for review, and no write has failed.</p>}
      {s.review.length > 0 && (
        <p>
          {s.review.length} {s.review.length === 1 ? 'difference waits' : 'differences wait'} for review (
          {sumByCurrency(s.review.map((r) => ({ cents: r.differenceCents, currency: r.currency })))}), in{' '}
          {[...new Set(s.review.map((r) => monthName(`${r.period}-01`)))].join(', ')}.
        </p>
      )}
      {s.writes.length > 0 && (
        <p>
          {s.writes.length} {s.writes.length === 1 ? 'write has' : 'writes have'} failed or had no answer.{' '}
          <button type="button" class="link" onClick={() => (view.value = { page: 'log' })}>
            Retry them from the Log
          </button>
        </p>
      )}
    </section>
  );
}

/** The month's picture: cost, billed, margin and leakage in each currency, by company, and the margin chart. */
function MonthPicture({ month }: { month: string }) {
  const [customer, setCustomer] = useState('');
  const p = picture.value;
  if (!p) return null;
  return (
    <section data-testid="month-picture">
      <h2>{month}: the month's picture</h2>
      {(p.totals.length > 0 ? p.totals : [p.total]).map((t, i) => (
        <p class="totals" data-testid="picture-total" key={t.currency}>
          <span>Distributor cost {money(t.costCents, t.currency)}</span>
          <span>ConnectWise billed {money(t.billedCents, t.currency)}</span>
          <span>Margin {money(t.marginCents, t.currency)}</span>
          <span>Unbilled leakage {money(t.leakageCents, t.currency)}</span>
          {i === 0 && (
            <button type="button" class="link" onClick={() => void downloadCsv('month-picture.csv')}>
              Export CSV
            </button>
          )}
        </p>
      ))}
      {p.committed.subscriptions > 0 && (
        <p class="totals" data-testid="committed-leakage">
          <span>
            Committed, not billed: {money(p.committed.monthlyCents)} a month on {p.committed.subscriptions} commitment
            {p.committed.subscriptions === 1 ? '' : 's'} past their window, {money(p.committed.toTermEndCents)} to the
            terms' ends
          </span>
        </p>
      )}
      {p.companies.length > 0 && (
        <table class="dense">
          <thead>
            <tr>
              <th>Company</th>
              <th>Licences</th>
              <th>Cost</th>
              <th>Billed</th>
              <th>Margin</th>
              <th>Leakage</th>
            </tr>
          </thead>
          <tbody>
            {p.companies.map((c) => (
              <tr key={`${c.name}:${c.currency}`}>
                <td>{c.name}</td>
                <td>{c.licences}</td>
                <td>{money(c.costCents, c.currency)}</td>
                <td>{money(c.billedCents, c.currency)}</td>
                <td>{money(c.marginCents, c.currency)}</td>
                <td class={c.leakageCents > 0 ? 'warn' : ''}>{money(c.leakageCents, c.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label>
        Chart for{' '}
        <select value={customer} onChange={(e) => setCustomer((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">Every customer</option>
          {p.chart.customers.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <MarginChart
        title={customer || 'Every customer'}
        points={p.chart.customers.find((c) => c.name === customer)?.points ?? p.chart.total}
      />
    </section>
  );
}

/** Accepting (posts each difference once, as the member) or rejecting (with a reason, writing nothing) what is selected. */
function DecisionBar(props: { chosen: ReconcileRow[]; total: string; month: string | undefined; onDone: () => void }) {
  const { chosen, total, month, onDone } = props;
  const [asking, setAsking] = useState<'accept' | 'reject' | null>(null);
  const [why, setWhy] = useState('');
  return (
    <div class="sticky-foot">
      <p class="totals">
        <span data-testid="picked-count">{chosen.length} selected</span>
        <span>difference {total}</span>
      </p>
      {asking === null && (
        <div class="inline">
          <ActionButton action="writeAdditions" disabled={chosen.length === 0} onClick={() => setAsking('accept')}>
            Accept…
          </ActionButton>
          <ActionButton action="writeAdditions" disabled={chosen.length === 0} onClick={() => setAsking('reject')}>
            Reject…
          </ActionButton>
        </div>
      )}
      {asking === 'accept' && (
        <Confirm
          confirmLabel={`Post ${chosen.length} ${chosen.length === 1 ? 'line' : 'lines'}`}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            void accept(chosen.map((r) => r.subscriptionId)).then(onDone);
          }}
        >
          Post {chosen.length} {chosen.length === 1 ? 'difference' : 'differences'} ({total}) to ConnectWise as one-time
          lines, each named for {month}? Each is posted once, as you.
        </Confirm>
      )}
      {asking === 'reject' && (
        <div class="notice confirm" role="alertdialog" data-testid="reject-form">
          <label>
            Why is {chosen.length === 1 ? 'this difference' : 'each of these differences'} rejected?{' '}
            <input
              value={why}
              maxLength={500}
              aria-label="Reason for rejecting"
              onInput={(e) => setWhy((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={why.trim().length < 3}
              onClick={() => {
                setAsking(null);
                void reject(
                  chosen.map((r) => r.subscriptionId),
                  why,
                ).then(() => {
                  onDone();
                  setWhy('');
                });
              }}
            >
              Reject, writing nothing
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** Which month is reconciled, a re-check, and the CSV. */
function MonthFilters({ checkedAt }: { checkedAt: string | undefined }) {
  return (
    <div class="inline filters">
      <label>
        Month{' '}
        <input
          type="month"
          value={period.value}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            if (v) period.value = v;
          }}
        />
      </label>
      <button type="button" onClick={() => void loadReconcile()} disabled={checking.value}>
        {checking.value ? 'Checking…' : 'Re-check'}
      </button>
      <button type="button" onClick={() => void downloadCsv('reconciliations.csv')}>
        Export CSV
      </button>
      {checkedAt && <span class="muted small">Checked {when(checkedAt)}</span>}
    </div>
  );
}
