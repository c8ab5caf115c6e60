import { useEffect, useState } from 'preact/hooks';
import { formatCents } from '../../shared/money.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import {
  downloadLogCsv,
  type LogFilters,
  type LogRow,
  loadLog,
  logError,
  logFilters,
  logRows,
  retry,
  retryResults,
  waive,
} from '../models/log.ts';
import { may } from '../models/session.ts';

const ACTION: Record<string, string> = {
  'addition.create': 'Addition created',
  'addition.update': 'Addition updated',
  'addition.adopt': 'Addition adopted',
  'company.create': 'Company created',
  'distributor-company.create': 'Company created at the distributor',
  'pax8company.create': 'Company created at the distributor',
  'catalog.create': 'Catalog item created',
  'operation.waive': 'Waived',
};

/** What a record id in the Log names: an addition's and an agreement's ids look alike. */
const RECORD: Record<string, string> = {
  addition: 'addition',
  company: 'company',
  'distributor-company': 'company',
  pax8company: 'company',
  catalog: 'catalog item',
};

/** An attempt that failed is not named as done: "Creating an addition failed", not "Addition created". */
const ATTEMPT: Record<string, string> = {
  'addition.create': 'Creating an addition',
  'addition.update': 'Updating an addition',
  'addition.adopt': 'Adopting an addition',
  'company.create': 'Creating a company',
  'distributor-company.create': 'Creating a company at the distributor',
  'pax8company.create': 'Creating a company at the distributor',
  'catalog.create': 'Creating a catalog item',
};
const actionWords = (action: string, outcome: string) =>
  outcome === 'success' || !ATTEMPT[action]
    ? (ACTION[action] ?? action)
    : `${ATTEMPT[action]} ${outcome === 'unknown' ? 'got no answer' : 'failed'}`;

/** Where the operation behind a failed or unanswered attempt stands now, in a member's words. */
const OP_STATE_NOTE: Record<string, string> = {
  unknown:
    'Checking: ConnectWise could not be asked yet whether this landed. It cannot be retried until it has been checked.',
  failed: 'Not written. It can be retried once the cause is fixed.',
  skipped: 'Not sent, because the step before it failed. It can be retried.',
  planned: 'Not written yet; the next sync or confirmation sends it.',
  sending: 'Being written now.',
  confirmed: 'Written since.',
  adopted: 'Found written in ConnectWise since; nothing more to do.',
  superseded: 'Replaced by a later change; nothing more to do.',
};

/**
 * What a state means for the member reading it: "it can be retried" only to someone whose role
 * lets her retry; anyone else is told who can.
 */
function opStateNote(state: string | null | undefined): string {
  const note = OP_STATE_NOTE[state ?? ''] ?? '';
  if ((state === 'failed' || state === 'skipped') && !may('writeAdditions'))
    return (
      `${state === 'failed' ? 'Not written.' : 'Not sent, because the step before it failed.'} A member ` +
      `whose ConnectWise role may write agreement additions can retry or waive it.`
    );
  return note;
}

/**
 * The adjustment log. Opened from a sync's results it shows just that sync's entries
 * (`operations`), from a subscription its history (`subscription`); "Show all" clears either.
 */
export function LogPage(props: { operations?: string[]; subscription?: string; run?: string; onBack?: () => void }) {
  useEffect(() => {
    logFilters.value = {
      ...(props.operations?.length ? { operations: props.operations.join(',') } : {}),
      ...(props.subscription ? { subscription: props.subscription } : {}),
      ...(props.run ? { run: props.run } : {}),
    };
    void loadLog();
  }, [props.operations?.join(','), props.subscription, props.run]);
  const set = (k: keyof LogFilters) => (e: Event) => {
    logFilters.value = { ...logFilters.value, [k]: (e.currentTarget as HTMLInputElement).value || undefined };
    void loadLog();
  };
  const rows = logRows.value;
  return (
    <section data-testid="log">
      <RoleNote actions={['writeAdditions']} />
      {props.onBack && (
        <button type="button" class="link" onClick={props.onBack}>
          ← Back
        </button>
      )}
      {(logFilters.value.operations || logFilters.value.subscription || logFilters.value.run) && (
        <p class="notice" data-testid="log-focus">
          {logFilters.value.subscription
            ? "Showing this subscription's writes only."
            : 'Showing the entries of that sync only.'}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              logFilters.value = {};
              void loadLog();
            }}
          >
            Show all entries
          </button>
        </p>
      )}
      {/* Focused on one sync's entries, the filters would only crowd a small pod. */}
      <div class="inline filters" hidden={Boolean(logFilters.value.operations)}>
        <label>
          From <input type="date" value={logFilters.value.from ?? ''} onChange={set('from')} />
        </label>
        <label>
          To <input type="date" value={logFilters.value.to ?? ''} onChange={set('to')} />
        </label>
        <input
          placeholder="Company"
          aria-label="Company"
          value={logFilters.value.company ?? ''}
          onChange={set('company')}
        />
        <input
          placeholder="Product"
          aria-label="Product"
          value={logFilters.value.product ?? ''}
          onChange={set('product')}
        />
        <select aria-label="Outcome" value={logFilters.value.outcome ?? ''} onChange={set('outcome')}>
          <option value="">All outcomes</option>
          <option value="success">Succeeded</option>
          <option value="failure">Failed</option>
          <option value="unknown">No answer</option>
        </select>
        <button type="button" onClick={() => void downloadLogCsv()}>
          Export CSV
        </button>
      </div>
      {logError.value && (
        <Notice tone="error" title="Could not load the log.">
          {logError.value}
        </Notice>
      )}
      {rows && rows.length === 0 && <p class="muted">No writes match these filters.</p>}
      {rows && rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Company</th>
              <th>Product</th>
              <th class="num">Quantity</th>
              <th class="num">Amount</th>
              <th>Outcome</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {byOperation(rows).map(({ row, earlier }) => (
              <LogEntry key={row.id} r={row} earlier={earlier} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One write as the Log shows it: who, what, the company and product, the change, its outcome, and its earlier attempts. */
function LogEntry({ r, earlier }: { r: LogRow; earlier: LogRow[] }) {
  return (
    <tr data-testid="log-row" data-outcome={r.outcome}>
      <td>{when(r.at)}</td>
      <td>{r.actorType === 'scheduled' ? 'Scheduled sync' : r.actorName}</td>
      <td>
        {actionWords(r.action, r.outcome)}
        {r.cwRecordId ? ` (${RECORD[r.action.split('.')[0]!] ?? 'record'} #${r.cwRecordId})` : ''}
        {r.title && <div class="small muted">{r.title}</div>}
        {earlier.length > 0 && (
          <details class="small" data-testid="log-attempts">
            <summary>
              {earlier.length} earlier attempt{earlier.length === 1 ? '' : 's'}
            </summary>
            <ul>
              {earlier.map((e) => (
                <li key={e.id}>
                  {when(e.at)} · {e.actorType === 'scheduled' ? 'Scheduled sync' : e.actorName} ·{' '}
                  {actionWords(e.action, e.outcome)}
                  {e.errorMessage ? `: ${e.errorMessage}` : ''}
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td>{r.companyName ?? earlier.find((e) => e.companyName)?.companyName ?? '—'}</td>
      <td>{r.productName ?? earlier.find((e) => e.productName)?.productName ?? '—'}</td>
      <td class="num" data-testid="log-quantity">
        {change(r.beforeQuantity, r.quantity, String)}
      </td>
      <td class="num" data-testid="log-amount">
        {change(r.beforeAmount, r.amount, formatCents)}
      </td>
      <td>
        <span class={`status ${r.outcome === 'success' ? 'ok' : 'bad'}`}>
          {r.outcome === 'unknown' ? 'no answer' : r.outcome}
        </span>
        {r.errorMessage && (
          // ConnectWise's own words (paths, codes) are for whoever digs; the line says what happened.
          <details class="small" data-testid="log-details">
            <summary>{r.outcome === 'unknown' ? 'ConnectWise gave no clear answer' : 'ConnectWise refused it'}</summary>
            <span class="bad-text">{r.errorMessage}</span>
          </details>
        )}
        {r.outcome !== 'success' && r.operationKey && (
          <div class="small muted" data-testid="op-state">
            {opStateNote(r.opState)}
          </div>
        )}
        {r.operationKey && retryResults.value[r.operationKey] && (
          <div class="small">{retryResults.value[r.operationKey]}</div>
        )}
      </td>
      <td>
        {r.retryable && r.operationKey && (
          <>
            <ActionButton action="writeAdditions" onClick={() => void retry(r.operationKey!)}>
              Retry
            </ActionButton>{' '}
            <WaiveButton opKey={r.operationKey} />
          </>
        )}
      </td>
    </tr>
  );
}

/**
 * One row per operation: its latest attempt, which alone offers Retry and Waive, with the
 * earlier ones folded under it. Entries of no operation (a company created) stand alone.
 */
function byOperation<R extends { id: number; operationKey: string | null }>(rows: readonly R[]) {
  const out: { row: R; earlier: R[] }[] = [];
  const seen = new Map<string, { row: R; earlier: R[] }>();
  for (const r of rows) {
    const group = r.operationKey ? seen.get(r.operationKey) : undefined;
    if (group) group.earlier.push(r);
    else {
      const fresh = { row: r, earlier: [] as R[] };
      out.push(fresh);
      if (r.operationKey) seen.set(r.operationKey, fresh);
    }
  }
  return out;
}

/** "4 → 6" for an update, "6" for a new line, "—" for entries that bill nothing. */
function change<T>(before: T | null, after: T | null, show: (v: T) => string): string {
  if (after === null) return '—';
  return before === null ? show(after) : `${show(before)} → ${show(after)}`;
}

/** Waives a failed operation from the Log, with the reason kept beside the member's name. */
function WaiveButton({ opKey }: { opKey: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open)
    return (
      <ActionButton action="writeAdditions" onClick={() => setOpen(true)}>
        Waive…
      </ActionButton>
    );
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void waive(opKey, reason).then(() => setOpen(false));
      }}
    >
      <input
        aria-label="Why it is waived"
        placeholder="Why (required)"
        value={reason}
        maxLength={500}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <button type="submit" disabled={reason.trim() === ''}>
        Waive
      </button>
    </form>
  );
}
