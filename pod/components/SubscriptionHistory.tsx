import { useEffect, useState } from 'preact/hooks';
import { readHistory, type SubscriptionHistoryData } from '../models/company-tab.ts';
import { dname } from '../models/distributor.ts';
import { view } from '../models/nav.ts';
import { day } from './format.ts';

type History = SubscriptionHistoryData;

const STATUS: Record<string, [string, string]> = {
  billed: ['Billed', 'ok'],
  unbilled: ['Not billed yet', 'bad'],
  waived: ['Waived', 'neutral'],
  'not-mapped': ['Not mapped', 'neutral'],
};

/** A subscription's quantity changes at the distributor, each with whether ConnectWise bills it. */
export function SubscriptionHistory({ subscriptionId }: { subscriptionId: string }) {
  const [state, setState] = useState<History | { error: string } | null>(null);
  useEffect(() => {
    readHistory(subscriptionId).then(setState, (error: Error) => setState({ error: error.message }));
  }, [subscriptionId]);
  if (!state) return <p class="muted small">Reading the history from {dname()}…</p>;
  if ('error' in state) return <p class="bad-text">{state.error}</p>;
  return (
    <div class="panel" data-testid="history">
      <strong>History of {state.productName}</strong>
      {state.cwQuantity !== null && <span class="muted"> · ConnectWise bills {state.cwQuantity}</span>}{' '}
      <button type="button" class="link" onClick={() => (view.value = { page: 'log', subscription: subscriptionId })}>
        Its writes in the Log
      </button>
      {state.changes.length === 0 ? (
        <p class="muted">{dname()} has no history for this subscription.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Changed</th>
              <th class="num">Quantity</th>
              <th class="num">Change</th>
              <th>In ConnectWise</th>
            </tr>
          </thead>
          <tbody>
            {state.changes.map((c) => {
              const [label, tone] = STATUS[c.status] ?? [c.status, 'neutral'];
              return (
                <tr key={c.at} data-testid="history-change" data-status={c.status}>
                  <td>{day(c.at)}</td>
                  <td class="num">{c.quantity ?? '?'}</td>
                  <td class="num">{c.delta === null ? '—' : `${c.delta > 0 ? '+' : ''}${c.delta}`}</td>
                  <td>
                    <span class={`status ${tone}`}>{label}</span> {c.note && <span class="small muted">{c.note}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {state.invoicedMonths.length > 0 && (
        <ul class="small" data-testid="invoiced-months">
          {state.invoicedMonths.map((m) => (
            <li key={`${m.from}-${m.status}`} data-status={m.status}>
              <span class={`status ${m.status === 'waived' ? 'neutral' : 'bad'}`}>
                {m.status === 'waived' ? 'Not billed, waived' : 'Not billed yet'}
              </span>{' '}
              {m.note}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
