import { useEffect } from 'preact/hooks';
import { formatCents } from '../../shared/money.ts';
import { type CommitmentRow, commitments, commitmentsError, loadCommitments } from '../models/commitments.ts';
import { dname } from '../models/distributor.ts';
import { CompanyLink } from './CompanyLink.tsx';
import { day, when } from './format.ts';

/** One commitment's line: whose, what, the seats not billed, the deadline or the term's end, the money. */
function Line({ r, what }: { r: CommitmentRow; what: 'deadline' | 'committed' | 'renewal' }) {
  const p = r.position;
  return (
    <tr data-testid="commitment-row" data-subscription={r.subscriptionId}>
      <td>
        <CompanyLink id={r.cwCompanyId} name={r.companyName} />
      </td>
      <td>{r.productName}</td>
      <td class="num">
        {p.seats} / {p.cwSeats}
      </td>
      <td>
        {what === 'deadline'
          ? `reduce by ${when(p.windowClosesAt)}`
          : what === 'committed'
            ? `committed until ${day(p.endsOn)}`
            : `renews ${day(p.renewsOn)}, change by ${when(p.changeBy)}`}
      </td>
      <td class="num money">{what === 'renewal' ? '' : formatCents(p.atStakeCents)}</td>
    </tr>
  );
}

function Table(props: {
  title: string;
  rows: CommitmentRow[];
  what: 'deadline' | 'committed' | 'renewal';
  total?: number;
}) {
  if (props.rows.length === 0) return null;
  return (
    <table class="list" data-testid={`commitments-${props.what}`}>
      <caption>
        {props.title} ({props.rows.length}){props.total !== undefined ? ` · ${formatCents(props.total)}` : ''}
      </caption>
      <thead>
        <tr>
          <th>Company</th>
          <th>Product</th>
          <th class="num">
            <abbr title={`Seats at ${dname()} / billed in ConnectWise`}>Seats</abbr>
          </th>
          <th>When</th>
          <th class="num">Money</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <Line key={r.subscriptionId} r={r} what={props.what} />
        ))}
      </tbody>
    </table>
  );
}

/**
 * Commitments, first on the Unsynced report: seats paid for and not billed that can still be
 * reduced (those closing within the horizon first), those committed until their term ends with
 * the cost carried there, and renewals to review before they happen.
 */
export function CommitmentsSection() {
  useEffect(() => void loadCommitments(), []);
  const c = commitments.value;
  if (commitmentsError.value) return <p class="muted">Commitments could not be read: {commitmentsError.value}</p>;
  if (!c) return null;
  const none =
    c.closingSoon.rows.length + c.reducible.rows.length + c.committed.rows.length + c.renewals.rows.length === 0;
  if (none) return null;
  return (
    <section class="panel" data-testid="commitments">
      <h2>Commitments</h2>
      <Table
        title={`Reduce within ${c.horizonHours} hours, or bill the seats`}
        rows={c.closingSoon.rows}
        what="deadline"
        total={c.closingSoon.atStakeCents}
      />
      <Table title="Still reducible" rows={c.reducible.rows} what="deadline" total={c.reducible.atStakeCents} />
      <Table
        title="Committed and not billed, to the end of the term"
        rows={c.committed.rows}
        what="committed"
        total={c.committed.atStakeCents}
      />
      <Table title={`Renewing within ${c.renewalNoticeDays} days`} rows={c.renewals.rows} what="renewal" />
    </section>
  );
}
