import { useState } from 'preact/hooks';
import type { NewDistributorCompanyInput } from '../../shared/schemas/mapping.ts';
import { ApiError } from '../api.ts';
import { createDistributorCompany } from '../models/company-tab.ts';
import { dname } from '../models/distributor.ts';
import { type FormError, formError } from '../models/forms.ts';
import { fail } from '../models/session.ts';
import { ActionButton } from './Allowed.tsx';
import { Details } from './Details.tsx';
import { Field } from './Field.tsx';

type Draft = Omit<NewDistributorCompanyInput, 'cwCompanyId'>;

const LABELS: [keyof Draft, string][] = [
  ['name', 'Name'],
  ['street', 'Street'],
  ['street2', 'Street, second line'],
  ['city', 'City'],
  ['stateOrProvince', 'State or province'],
  ['postalCode', 'Postal code'],
  ['country', 'Country (two letters, e.g. US)'],
  ['phone', 'Phone'],
  ['website', 'Website'],
];

/**
 * Creates the distributor's company for this ConnectWise company, from its ConnectWise record:
 * every address field the distributor requires, reviewed before it is sent; then the two are bound.
 */
export function CreateDistributorCompany(props: {
  cwCompanyId: number;
  draft: Draft;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(props.draft);
  const [error, setError] = useState<FormError | null>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  return (
    <form
      class="panel"
      data-testid="create-distributor-company"
      onSubmit={async (e) => {
        e.preventDefault();
        setSending(true);
        try {
          const made = await createDistributorCompany({ ...draft, cwCompanyId: props.cwCompanyId });
          props.onDone(made.name);
        } catch (failure) {
          if (failure instanceof ApiError && failure.needsReload) return fail(failure);
          setError(formError(failure));
          setDetail(failure instanceof ApiError ? failure.detail : null);
        } finally {
          setSending(false);
        }
      }}
    >
      <strong>Create this company in {dname()}</strong>
      <p class="muted small">
        From the ConnectWise record; {dname()} requires every field but the second street line. {dname()} will not bill
        the customer on your behalf: ConnectWise does. The new company is bound to this one.
      </p>
      {error && !Object.keys(error.fields).length && (
        <p class="bad-text" role="alert">
          {error.message}
          <Details text={detail} />
        </p>
      )}
      <div class="grid">
        {LABELS.map(([key, label]) => (
          <Field
            key={key}
            label={label}
            name={key}
            value={draft[key] ?? ''}
            error={error?.fields[key]}
            onInput={(v) => setDraft({ ...draft, [key]: v })}
          />
        ))}
      </div>
      <div class="actions">
        <ActionButton action="writeAdditions" type="submit" class="primary" disabled={sending}>
          {sending ? 'Creating…' : `Create in ${dname()} and bind`}
        </ActionButton>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
