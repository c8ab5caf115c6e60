import { useEffect, useRef, useState } from 'preact/hooks';
import { describeMoney } from '../../shared/billing/operation-money.ts';
import { stateLabel } from '../../shared/billing/states.ts';
import { formatCents } from '../../shared/money.ts';
import { ActionButton } from '../components/Allowed.tsx';
import { Details } from '../components/Details.tsx';
import { age, day, signedMoney, stateTone, when } from '../components/format.ts';
import { lazyPage } from '../components/Lazy.tsx';
import { Notice } from '../components/Notice.tsx';
import { dname } from '../models/distributor.ts';
import { hostBridge, screen } from '../models/session.ts';
import {
  ignore,
  loadPod,
  type PodRow,
  type PodUsage as PodUsageRow,
  podList,
  podMessage,
  syncFromPod,
} from '../models/unsynced.ts';

// The review and the Log open inside the pod only when a row or a sync's results lead there.
const ReviewPage = lazyPage(() => import('./ReviewPage.tsx').then((m) => m.ReviewPage));
const LogPage = lazyPage(() => import('./LogPage.tsx').then((m) => m.LogPage));
const UsageReviewPage = lazyPage(() => import('./UsageReviewPage.tsx').then((m) => m.UsageReviewPage));

/** The pod on an agreement: the subscriptions whose ConnectWise additions differ from the distributor's. */
export function AgreementPod({ agreementId }: { agreementId: number }) {
  // onLoad (first load and every refresh) sets the screen again; reload the list each time.
  useEffect(() => void loadPod(agreementId), [agreementId, screen.value]);
  // A sync's result is brought into view when it arrives, whatever was scrolled to confirm it.
  const messageRef = useRef<HTMLDivElement>(null);
  useEffect(() => messageRef.current?.scrollIntoView({ block: 'nearest' }), [podMessage.value?.text]);
  const [reviewing, setReviewing] = useState<{ id: string; usage: boolean } | null>(null);
  const [logging, setLogging] = useState<string[] | null>(null);
  const state = podList.value;
  if (logging) return <LogPage operations={logging} onBack={() => setLogging(null)} />;
  const backFromReview = () => {
    setReviewing(null);
    void hostBridge()
      ?.request('refreshScreen')
      .catch(() => undefined);
    void loadPod(agreementId);
  };
  if (reviewing?.usage) return <UsageReviewPage subscriptionId={reviewing.id} onBack={backFromReview} />;
  if (reviewing) {
    // The full review, in the pod; after it, Manage refreshes the agreement's additions.
    return (
      <ReviewPage
        subscriptionId={reviewing.id}
        onOpenLog={(operations) => {
          setReviewing(null);
          setLogging(operations);
        }}
        onBack={backFromReview}
      />
    );
  }
  if (!state || state.kind === 'loading') return <p class="muted">Comparing with {dname()}…</p>;
  if (state.kind === 'error')
    return (
      <Notice tone="error" title={`Could not compare with ${dname()}.`}>
        {state.message}
      </Notice>
    );
  if (!state.bound)
    return (
      <p class="muted" data-testid="pod-summary">
        This agreement's company is not bound to a {dname()} company yet (open the company's Distributors tab).
      </p>
    );
  const oldest = state.rows
    .map((r) => r.outOfSyncSince)
    .filter((d): d is string => d !== null)
    .sort()[0];
  // Money a line here may bill already (an unbound item, an unmapped subscription) is shown apart.
  const atRisk = state.rows
    .filter((r) => !r.possiblyBilled)
    .reduce((n, r) => n + Math.abs(r.monthlyDifference ?? 0), 0);
  const maybeBilled = state.rows
    .filter((r) => r.possiblyBilled)
    .reduce((n, r) => n + Math.abs(r.monthlyDifference ?? 0), 0);
  return (
    <section data-testid="agreement-pod">
      {podMessage.value && (
        <div
          class={`notice ${podMessage.value.tone === 'ok' ? 'ok' : 'error'}`}
          role="status"
          data-testid="pod-message"
          ref={messageRef}
        >
          {podMessage.value.text}
          {podMessage.value.operations && ' '}
          {podMessage.value.operations && (
            <button type="button" class="link" onClick={() => setLogging(podMessage.value!.operations!)}>
              Open in the Log
            </button>
          )}
          <Details text={podMessage.value.detail} />
        </div>
      )}
      {state.rows.length === 0 ? (
        <p data-testid="pod-summary">
          All {state.inSync} subscription{state.inSync === 1 ? '' : 's'} on this agreement match {dname()}.
        </p>
      ) : (
        <>
          <p class="pod-head" data-testid="pod-summary">
            <strong>
              {state.rows.length} need{state.rows.length === 1 ? 's' : ''} attention
            </strong>
            <span data-testid="at-stake">{formatCents(atRisk)} a month at stake</span>
            {maybeBilled > 0 && (
              <span data-testid="possibly-billed" title="Bind or map these products to tell">
                {formatCents(maybeBilled)} possibly billed already
              </span>
            )}
            {oldest && (
              <span data-testid="oldest-change" title={day(oldest)}>
                oldest unbilled change {age(oldest)} old
              </span>
            )}
          </p>
          <PodRows rows={state.rows} review={(r) => setReviewing({ id: r.subscriptionId, usage: r.usage })} />
          {state.rows.some((r) => r.reason) && (
            <details class="small">
              <summary>Why each row is here</summary>
              <ul>
                {state.rows.map((r) => (
                  <li key={r.subscriptionId}>
                    <strong>{r.productName}:</strong> {r.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <PodUsage usage={state.usage} review={(id) => setReviewing({ id, usage: true })} />
    </section>
  );
}

/** Usage billed on this agreement last month, each opening its usage review. */
function PodUsage({ usage, review }: { usage: PodUsageRow[]; review: (subscriptionId: string) => void }) {
  if (usage.length === 0) return null;
  return (
    <details class="small" data-testid="pod-usage">
      <summary>Usage billed here, last month</summary>
      <ul>
        {usage.map((u) => (
          <li key={u.subscriptionId}>
            <button type="button" class="link" onClick={() => review(u.subscriptionId)}>
              {u.productName}
            </button>
            {u.month
              ? `: ${formatCents(u.month.totalCents)}${u.month.final ? '' : ' so far'}${u.state === 'in-sync' ? ', billed' : ''}`
              : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * A commitment ConnectWise does not bill all of: while its window is open, the deadline to reduce
 * it at the distributor (in the tenant's zone) and what keeping the seats unbilled costs; after
 * it, what the term still costs.
 */
function CommitmentLine({ commitment: c }: { commitment: NonNullable<PodRow['commitment']> }) {
  const seats = `${c.unbilledSeats} seat${c.unbilledSeats === 1 ? '' : 's'} paid for and not billed`;
  return c.state === 'reducible' ? (
    <span class={c.closingSoon ? 'commitment soon' : 'commitment'}>
      <strong>
        Reduce at {dname()} by {when(c.windowClosesAt)}
      </strong>{' '}
      or bill them: {seats}, <span data-testid="commitment-money">{formatCents(c.atStakeCents)}</span> over the term.
    </span>
  ) : (
    <span class="commitment">
      Committed until {day(c.endsOn)}: {seats},{' '}
      <span data-testid="commitment-money">{formatCents(c.atStakeCents)}</span> to the term's end.
    </span>
  );
}

/** The rows that need attention, each with its actions, and its confirmation in a row of its own under it. */
function PodRows({ rows, review }: { rows: PodRow[]; review: (row: PodRow) => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <table class="pod-rows" data-testid="pod-rows">
      <thead>
        <tr>
          <th>Product</th>
          <th>State</th>
          <th class="num">
            <abbr title="Quantity ConnectWise bills">CW</abbr>
          </th>
          <th class="num">{dname()}</th>
          <th class="num">
            <abbr title="Monthly difference">Monthly</abbr>
          </th>
          <th>
            <abbr title="How long the oldest unbilled change has waited">Unbilled</abbr>
          </th>
          <th>
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r: PodRow) => [
          <tr key={r.subscriptionId} data-testid="pod-row" data-subscription={r.subscriptionId} data-state={r.state}>
            <td class="product" title={r.reason ?? r.productName}>
              <span>{r.productName}</span>
            </td>
            <td>
              <span class={`status ${r.overBilling ? 'bad' : stateTone(r.state)}`} title={r.reason ?? undefined}>
                {r.overBilling && r.state === 'out-of-sync' ? 'Billed too many' : stateLabel(r.state)}
              </span>
            </td>
            <td class="num" data-label="CW">
              {r.cwQuantity ?? '—'}
            </td>
            <td class="num" data-label={dname()}>
              {r.distributorQuantity ?? '?'}
            </td>
            <td class="num money" data-label="Monthly" title={r.possiblyBilled ?? undefined}>
              {signedMoney(r.monthlyDifference)}
              {r.possiblyBilled && <span class="muted">?</span>}
            </td>
            <td data-label="Unbilled" title={r.outOfSyncSince ? `since ${day(r.outOfSyncSince)}` : undefined}>
              {r.outOfSyncSince ? age(r.outOfSyncSince) : '—'}
            </td>
            <td class="actions">
              {confirming !== r.subscriptionId && (
                <RowActions row={r} confirm={() => setConfirming(r.subscriptionId)} review={() => review(r)} />
              )}
            </td>
          </tr>,
          r.commitment && (
            <tr key={`${r.subscriptionId}-commitment`} class="commitment-row" data-testid="pod-commitment">
              <td colSpan={7}>
                <CommitmentLine commitment={r.commitment} />
              </td>
            </tr>
          ),
          confirming === r.subscriptionId && (
            <tr key={`${r.subscriptionId}-confirm`} class="confirm-row">
              <td colSpan={7}>
                <ConfirmSync
                  row={r}
                  onConfirm={() => {
                    setConfirming(null);
                    void syncFromPod(r.subscriptionId);
                  }}
                  onCancel={() => setConfirming(null)}
                />
              </td>
            </tr>
          ),
        ])}
      </tbody>
    </table>
  );
}

/**
 * The pod's "are you sure": each change by name with its money, and the total a month and
 * once, in a row of its own under the subscription so it stays in view at the pod's width.
 */
function ConfirmSync(props: { row: PodRow; onConfirm: () => void; onCancel: () => void }) {
  const r = props.row;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.scrollIntoView({ block: 'nearest' }), []);
  const sum = (per: 'month' | 'once') =>
    r.changes.filter((c) => c.money.per === per).reduce((n, c) => n + c.money.cents, 0);
  const monthly = sum('month');
  const once = sum('once');
  return (
    <div
      class="pod-confirm"
      ref={ref}
      role="alertdialog"
      aria-label={`Write ${r.productName} to ConnectWise`}
      data-testid="pod-confirm"
    >
      <strong>
        Write {r.changes.length} change{r.changes.length === 1 ? '' : 's'} for {r.productName} to ConnectWise?
      </strong>
      <ul>
        {r.changes.map((c) => (
          <li key={c.title}>
            {c.title}: <span class="num">{describeMoney(c.money)}</span>
          </li>
        ))}
      </ul>
      <p data-testid="pod-confirm-total">
        In all: {describeMoney({ cents: monthly, per: 'month' })}
        {once !== 0 && ` and ${describeMoney({ cents: once, per: 'once' })}`}.
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onConfirm}>
          Confirm
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function RowActions(props: { row: PodRow; confirm: () => void; review: () => void }) {
  const r = props.row;
  // Over-billing is a ConnectWise line with no subscription behind it: the fix is in Manage or a mapping.
  if (r.state === 'over-billing')
    return (
      <span class="muted small" title={r.reason ?? undefined}>
        Correct it in Manage, or map
      </span>
    );
  if (r.usage)
    return (
      <>
        {r.state !== 'unmapped' && (
          <button type="button" class={r.state === 'out-of-sync' ? 'primary' : ''} onClick={props.review}>
            Review usage…
          </button>
        )}
        <ActionButton action="writeAdditions" onClick={() => void ignore(r.subscriptionId)}>
          Hide from reports
        </ActionButton>
      </>
    );
  return (
    <>
      {r.state === 'out-of-sync' && (
        <ActionButton action="writeAdditions" class="primary" onClick={props.confirm}>
          Sync…
        </ActionButton>
      )}
      {r.state === 'out-of-sync' && (
        <button type="button" onClick={props.review}>
          Review…
        </button>
      )}
      <ActionButton action="writeAdditions" onClick={() => void ignore(r.subscriptionId)}>
        Hide from reports
      </ActionButton>
    </>
  );
}
