import { useEffect, useState } from 'preact/hooks';
import { formatCents } from '../../shared/money.ts';
import { ActionButton } from '../components/Allowed.tsx';
import { Notice } from '../components/Notice.tsx';
import { hostBridge, screen } from '../models/session.ts';
import { ignore, loadPod, type PodRow, podList, podMessage, syncFromPod } from '../models/unsynced.ts';
import { ReviewPage } from './ReviewPage.tsx';

const since = (iso: string | null) => {
  if (!iso) return '';
  const days = Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
  return days <= 0 ? 'today' : `${days} day${days === 1 ? '' : 's'}`;
};

/** The pod on an agreement: the subscriptions whose ConnectWise additions differ from Pax8. */
export function AgreementPod({ agreementId }: { agreementId: number }) {
  // onLoad (first load and every refresh) sets the screen again; reload the list each time.
  useEffect(() => void loadPod(agreementId), [agreementId, screen.value]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const state = podList.value;
  if (reviewing) {
    // The full review, in the pod; after it, Manage refreshes the agreement's additions.
    return (
      <ReviewPage
        subscriptionId={reviewing}
        onBack={() => {
          setReviewing(null);
          void hostBridge()
            ?.request('refreshScreen')
            .catch(() => undefined);
          void loadPod(agreementId);
        }}
      />
    );
  }
  if (!state || state.kind === 'loading') return <p class="muted">Comparing with Pax8…</p>;
  if (state.kind === 'error')
    return (
      <Notice tone="error" title="Could not compare with Pax8.">
        {state.message}
      </Notice>
    );
  if (!state.bound)
    return (
      <p class="muted" data-testid="pod-summary">
        This agreement's company is not bound to a Pax8 company yet (open the company's Pax8 tab).
      </p>
    );
  return (
    <section data-testid="agreement-pod">
      {podMessage.value && (
        <div
          class={`notice ${podMessage.value.tone === 'ok' ? 'ok' : 'error'}`}
          role="status"
          data-testid="pod-message"
        >
          {podMessage.value.text}
        </div>
      )}
      {state.rows.length === 0 ? (
        <p data-testid="pod-summary">
          All {state.inSync} subscription{state.inSync === 1 ? '' : 's'} on this agreement match Pax8.
        </p>
      ) : (
        <table data-testid="pod-rows">
          <thead>
            <tr>
              <th>Product</th>
              <th class="num">ConnectWise</th>
              <th class="num">Pax8</th>
              <th class="num">Monthly difference</th>
              <th>Out of sync for</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.rows.map((r: PodRow) => (
              <tr key={r.subscriptionId} data-testid="pod-row" data-subscription={r.subscriptionId}>
                <td>
                  {r.productName}
                  {r.reason && <div class="small muted">{r.reason}</div>}
                </td>
                <td class="num">{r.cwQuantity ?? '—'}</td>
                <td class="num">{r.distributorQuantity ?? '?'}</td>
                <td class="num">
                  {r.monthlyDifference === null
                    ? '—'
                    : `${r.monthlyDifference > 0 ? '+' : ''}${formatCents(r.monthlyDifference)}`}
                </td>
                <td>{since(r.outOfSyncSince)}</td>
                <td class="actions">
                  {confirming === r.subscriptionId ? (
                    <>
                      <span class="small">
                        Write {r.operations} change{r.operations === 1 ? '' : 's'} to ConnectWise?
                      </span>
                      <button
                        type="button"
                        class="primary"
                        onClick={() => {
                          setConfirming(null);
                          void syncFromPod(r.subscriptionId);
                        }}
                      >
                        Confirm
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <>
                      {r.state === 'out-of-sync' && (
                        <ActionButton
                          action="writeAdditions"
                          class="primary"
                          onClick={() => setConfirming(r.subscriptionId)}
                        >
                          Sync…
                        </ActionButton>
                      )}
                      {r.state === 'out-of-sync' && (
                        <button type="button" onClick={() => setReviewing(r.subscriptionId)}>
                          Review…
                        </button>
                      )}
                      <ActionButton action="writeAdditions" onClick={() => void ignore(r.subscriptionId)}>
                        Hide from reports
                      </ActionButton>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
