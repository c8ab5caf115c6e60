import { useEffect } from 'preact/hooks';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { BillingReportPicker } from '../components/BillingReportPicker.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import {
  type Connections,
  connections,
  connectionsBusy,
  connectionsError,
  connectionsSaid,
  type DistributorConnection,
  disconnectDistributor,
  entered,
  openConnections,
  removing,
  rotationError,
  storeCredentials,
  testConnections,
} from '../models/connections.ts';
import { may } from '../models/session.ts';

/** How a connected distributor is shown: its fields as stored, secrets by their last four characters. */
const summary = (d: DistributorConnection) =>
  d.fields
    .filter((f) => f.shown)
    .map((f) => `${f.label} ${f.shown}`)
    .join(' · ');

/** A distributor's form heading: a file source by its own name, and the form that adds another. */
function legendOf(d: DistributorConnection) {
  if (d.addsSource) return `Add a source of ${d.kindName.toLowerCase()} (one per distributor whose files you import)`;
  if (d.displayName !== d.kindName) return `${d.displayName} (${d.kindName.toLowerCase()})`;
  return `${d.displayName}${d.connected ? '' : ' (not connected)'}`;
}

/**
 * What the tenant connects with, when each connection last worked, a test, rotation, and the
 * distributors it buys from: an administrator's page. Secrets are entered here and never shown
 * again, not even to her.
 */
export function ConnectionsPage() {
  useEffect(() => void openConnections(), []);
  const data = connections.value;
  if (connectionsError.value)
    return (
      <Notice tone="error" title="Could not read the connections.">
        {connectionsError.value}
      </Notice>
    );
  if (!data) return <p class="muted">Reading the connections…</p>;
  const said = connectionsSaid.value;
  return (
    <section data-testid="connections">
      <RoleNote actions={['changeSettings']} />
      <ConnectionStatus data={data} />
      <div class="actions">
        <ActionButton
          action="changeSettings"
          disabled={connectionsBusy.value !== null}
          onClick={() => void testConnections()}
        >
          {connectionsBusy.value === 'test' ? 'Testing…' : 'Test every connection'}
        </ActionButton>
      </div>
      {said && (
        <div class={`notice ${said.tone === 'ok' ? 'ok' : 'error'}`} role="status" data-testid="connections-said">
          {said.text}
        </div>
      )}
      <RotationForm data={data} />
      <ConnectionHistory checks={data.checks} />
    </section>
  );
}

/** Each connection as stored, when it last worked, and disconnecting a distributor after a confirmation. */
function ConnectionStatus({ data }: { data: Connections }) {
  const connected = data.distributors.filter((d) => d.connected);
  const pending = removing.value;
  return (
    <>
      <table class="detail" data-testid="connection-status">
        <tbody>
          <tr>
            <th>ConnectWise</th>
            <td>
              {data.connectwise.site} · company {data.connectwise.companyId} · API member key{' '}
              {data.connectwise.publicKey ?? '—'}
            </td>
            <td data-testid="cw-last-success">
              {data.connectwise.lastSuccess
                ? `Last worked ${when(data.connectwise.lastSuccess)}`
                : 'Not tested here yet'}
            </td>
            <td />
          </tr>
          {connected.map((d) => (
            <tr key={d.kind} data-testid="distributor-connection" data-kind={d.kind}>
              <th>{d.displayName}</th>
              <td>{summary(d)}</td>
              <td data-testid={`${d.kind}-last-success`}>
                {d.lastSuccess ? `Last worked ${when(d.lastSuccess)}` : 'Not tested here yet'}
              </td>
              <td>
                <ActionButton
                  action="changeSettings"
                  disabled={connectionsBusy.value !== null}
                  onClick={() => {
                    removing.value = d;
                  }}
                >
                  Disconnect…
                </ActionButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {connected
        .filter((d) => d.invoicesFromReport)
        .map((d) => (
          <BillingReportPicker key={d.kind} kind={d.kind} displayName={d.displayName} />
        ))}
      {connected.length === 0 && (
        <Notice tone="info" title="No distributor is connected.">
          Nothing can be mapped or synced until one is: enter its credentials below.
        </Notice>
      )}
      {pending && (
        <Confirm
          confirmLabel={`Disconnect ${pending.displayName}`}
          onConfirm={() => void disconnectDistributor(pending)}
          onCancel={() => {
            removing.value = null;
          }}
        >
          Disconnect {pending.displayName}? Its stored credentials are deleted and its subscriptions are no longer read
          or synced. Mappings and the Log are kept, and work again if it is connected again.
        </Confirm>
      )}
    </>
  );
}

/** One credential as the admin types it: a secret is a password field, and a refusal is named beside it. */
function CredentialField(props: {
  name: string;
  label: string;
  secret: boolean;
  hint?: string | null;
  placeholder?: string;
}) {
  const id = `connection-${props.name.replace('.', '-')}`;
  const refused = rotationError.value?.fields[props.name];
  const common = {
    id,
    name: props.name,
    autoComplete: 'off',
    placeholder: props.placeholder,
    value: entered.value[props.name] ?? '',
    'aria-invalid': Boolean(refused),
    onInput: (e: Event) => {
      entered.value = { ...entered.value, [props.name]: (e.currentTarget as HTMLInputElement).value };
    },
  };
  return (
    <div class="field">
      <label htmlFor={id}>{props.label}</label>
      {props.secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
      {props.hint && <span class="small muted">{props.hint}</span>}
      {refused && (
        <span class="field-error" role="alert">
          {refused}
        </span>
      )}
    </div>
  );
}

/** New credentials for ConnectWise or any distributor: only what changes is filled in, and all of it is tested first. */
function RotationForm({ data }: { data: Connections }) {
  const error = rotationError.value;
  return (
    <>
      <h2>Connect or rotate credentials</h2>
      <p class="muted small">
        Fill in only what changes. New values are tested before anything is stored; a refused value is named below and
        the old ones stay in use. The command line (npm run tenant) does the same.
      </p>
      {error && !Object.keys(error.fields).length && (
        <Notice tone="error" title="Not stored.">
          {error.message}
        </Notice>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void storeCredentials();
        }}
      >
        <fieldset class="plain" disabled={!may('changeSettings')}>
          <fieldset>
            <legend>ConnectWise API member</legend>
            <div class="grid">
              <CredentialField name="apiMember.publicKey" label="API member public key" secret={false} />
              <CredentialField name="apiMember.privateKey" label="API member private key" secret />
            </div>
          </fieldset>
          {data.distributors.map((d) => (
            <fieldset key={d.kind} data-testid="distributor-form" data-kind={d.kind}>
              <legend>{legendOf(d)}</legend>
              <div class="grid">
                {d.fields.map((f) => (
                  <CredentialField
                    key={f.name}
                    name={`${d.kind}.${f.name}`}
                    label={`${d.displayName} ${f.label}`}
                    secret={f.secret}
                    hint={f.help}
                    placeholder={f.optional ? (f.shown ?? 'default') : undefined}
                  />
                ))}
              </div>
            </fieldset>
          ))}
          <ActionButton action="changeSettings" type="submit" class="primary" disabled={connectionsBusy.value !== null}>
            {connectionsBusy.value === 'rotate' ? 'Testing…' : 'Test and store'}
          </ActionButton>
        </fieldset>
      </form>
    </>
  );
}

/** Every test, rotation and disconnection, newest first, with who did it and what the vendor said. */
function ConnectionHistory({ checks }: { checks: Connections['checks'] }) {
  return (
    <>
      <h2>History</h2>
      {checks.length === 0 ? (
        <p class="muted">No test or rotation yet.</p>
      ) : (
        <table data-testid="connection-checks">
          <tbody>
            {checks.map((k) => (
              <tr key={k.id}>
                <td>{when(k.checkedAt)}</td>
                <td>{k.checkedBy}</td>
                <td>
                  {k.name} {k.action === 'rotate' ? 'rotated' : k.action === 'disconnect' ? 'disconnected' : 'tested'}
                </td>
                <td>
                  <span class={`status ${k.ok ? 'ok' : 'bad'}`}>{k.ok ? 'works' : 'refused'}</span>{' '}
                  <span class="small">{k.message}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
