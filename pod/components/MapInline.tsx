import { useEffect, useState } from 'preact/hooks';
import type { agreementChoices } from '../../shared/billing/agreements.ts';
import type { BillingTerm } from '../../shared/schemas/distributor.ts';
import { agreementChoicesFor, mapFromList } from '../models/company-tab.ts';
import { ActionButton } from './Allowed.tsx';

/**
 * Maps one subscription to an agreement from a list (the unsynced report), with the same
 * choices and reasons as the company tab: the company's agreements are read when she asks.
 */
export function MapInline(props: {
  cwCompanyId: number;
  subscriptionId: string;
  billingTerm: string;
  productName: string;
  onDone: (message: string) => void;
}) {
  const [state, setState] = useState<
    | { kind: 'loading' }
    | { kind: 'ready'; choices: ReturnType<typeof agreementChoices>; chosen: number | null }
    | { kind: 'error'; message: string }
  >({ kind: 'loading' });
  useEffect(() => {
    agreementChoicesFor(props.cwCompanyId, props.billingTerm as BillingTerm).then(
      (ready) => setState({ kind: 'ready', ...ready }),
      (error: Error) => setState({ kind: 'error', message: error.message }),
    );
  }, [props.cwCompanyId]);
  if (state.kind === 'loading') return <span class="muted small">Reading agreements…</span>;
  if (state.kind === 'error') return <span class="bad-text">{state.message}</span>;
  const eligible = state.choices.filter((c) => c.eligible);
  if (eligible.length === 0)
    return (
      <span class="small" data-testid="map-none">
        No open agreement of this company can bill a {props.billingTerm} subscription.{' '}
        {state.choices[0]?.reason ?? 'The company has no open agreement.'} Create one in Manage first.
      </span>
    );
  return (
    <form
      class="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        if (state.chosen === null) return;
        try {
          await mapFromList(props.subscriptionId, state.chosen);
          props.onDone(
            `${props.productName} now bills on agreement #${state.chosen}. Re-check to see where it stands.`,
          );
        } catch (error) {
          setState({ kind: 'error', message: (error as Error).message });
        }
      }}
    >
      <select
        aria-label={`Agreement for ${props.productName}`}
        value={state.chosen ?? ''}
        onChange={(e) => setState({ ...state, chosen: Number(e.currentTarget.value) || null })}
      >
        <option value="">Choose an agreement…</option>
        {eligible.map((c) => (
          <option key={c.agreement.id} value={c.agreement.id}>
            {c.agreement.name}
            {c.warning ? ' (bills yearly)' : ''}
          </option>
        ))}
      </select>
      <ActionButton action="writeAdditions" type="submit" class="primary" disabled={state.chosen === null}>
        Map
      </ActionButton>
    </form>
  );
}
