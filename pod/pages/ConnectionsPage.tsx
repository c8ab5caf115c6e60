import { useEffect, useState } from 'preact/hooks';
import { type Answer, ApiError, api, read } from '../api.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { BillingReportPicker } from '../components/BillingReportPicker.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { loadDistributors } from '../models/distributor.ts';
import { type FormError, formError } from '../models/forms.ts';
import { fail, may } from '../models/session.ts';

type Connections = Answer<typeof api.connections.$get>;
type DistributorConnection = Connections['distributors'][number];

/** Entered values by field: `apiMember.publicKey`, `pax8.clientSecret`, `ion.refreshToken`… */
type Entered = Record<string, string>;

/** What was entered for one group of fields, or nothing when all of them were left empty. */
function group(entered: Entered, prefix: string): Record<string, string> | undefined {
  const values = Object.fromEntries(
    Object.entries(entered)
      .filter(([key, value]) => key.startsWith(`${prefix}.`) && value !== '')
      .map(([key, value]) => [key.slice(prefix.length + 1), value]),
  );
  return Object.keys(values).length > 0 ? values : undefined;
}

/** How a connected distributor is shown: its fields as stored, secrets by their last four characters. */
const summary = (d: DistributorConnection) =>
  d.fields
    .filter((f) => f.shown)
    .map((f) => `${f.label} ${f.shown}`)
    .join(' · ');

/**
 * What the tenant connects with, when each connection last worked, a test, rotation, and the
 * distributors it buys from: an administrator's page. Secrets are entered here and never shown
 * again, not even to her.
 */
export function ConnectionsPage() {
  const [data, setData] = useState<Connections | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [error, setError] = useState<FormError | null>(null);
  const [entered, setEntered] = useState<Entered>({});
  const [removing, setRemoving] = useState<DistributorConnection | null>(null);
  const load = () =>
    read(api.connections.$get()).then(setData, (e: Error) => {
      if (e instanceof ApiError && e.needsReload) return fail(e);
      setLoadError(e.message);
    });
  useEffect(() => void load(), []);
  if (loadError)
    return (
      <Notice tone="error" title="Could not read the connections.">
        {loadError}
      </Notice>
    );
  if (!data) return <p class="muted">Reading the connections…</p>;
  const connected = data.distributors.filter((d) => d.connected);

  const test = async () => {
    setBusy('test');
    try {
      const { results } = await read(api.connections.test.$post());
      const bad = results.filter((r) => !r.ok);
      setSaid(
        bad.length === 0
          ? { tone: 'ok', text: 'Every connection works.' }
          : { tone: 'error', text: bad.map((r) => `${r.name}: ${r.message}`).join(' ') },
      );
    } catch (e) {
      setSaid({ tone: 'error', text: (e as Error).message });
    }
    setBusy(null);
    await load();
  };
  const store = async (e: Event) => {
    e.preventDefault();
    setBusy('rotate');
    setError(null);
    const apiMember = group(entered, 'apiMember');
    const distributors = Object.fromEntries(
      data.distributors.flatMap((d) => {
        const values = group(entered, d.kind);
        return values ? [[d.kind, values]] : [];
      }),
    );
    const json = {
      ...(apiMember
        ? { apiMember: { publicKey: apiMember.publicKey ?? '', privateKey: apiMember.privateKey ?? '' } }
        : {}),
      ...(Object.keys(distributors).length > 0 ? { distributors } : {}),
    };
    try {
      const { rotated } = await read(api.connections.$put({ json }));
      const names = rotated.map((r) =>
        r === 'connectwise' ? 'ConnectWise' : (data.distributors.find((d) => d.kind === r)?.displayName ?? r),
      );
      setSaid({ tone: 'ok', text: `Tested and stored: ${names.join(' and ')}.` });
      setEntered({});
      // A distributor connected now is one the switch offers from now on.
      await loadDistributors();
    } catch (failure) {
      if (failure instanceof ApiError && failure.needsReload) return fail(failure);
      setError(formError(failure));
      setSaid(null);
    }
    setBusy(null);
    await load();
  };
  const disconnect = async (d: DistributorConnection) => {
    setRemoving(null);
    setBusy('disconnect');
    try {
      await read(api.connections[':kind'].$delete({ param: { kind: d.kind } }));
      setSaid({ tone: 'ok', text: `${d.displayName} is disconnected; its credentials were deleted.` });
      await loadDistributors();
    } catch (e) {
      setSaid({ tone: 'error', text: (e as Error).message });
    }
    setBusy(null);
    await load();
  };
  const field = (key: string, label: string, secret: boolean, hint?: string | null, placeholder?: string) => {
    const id = `connection-${key.replace('.', '-')}`;
    const common = {
      id,
      name: key,
      autoComplete: 'off',
      placeholder,
      value: entered[key] ?? '',
      'aria-invalid': Boolean(error?.fields[key]),
      onInput: (e: Event) => setEntered({ ...entered, [key]: (e.currentTarget as HTMLInputElement).value }),
    };
    return (
      <div class="field" key={key}>
        <label htmlFor={id}>{label}</label>
        {secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
        {hint && <span class="small muted">{hint}</span>}
        {error?.fields[key] && (
          <span class="field-error" role="alert">
            {error.fields[key]}
          </span>
        )}
      </div>
    );
  };
  return (
    <section data-testid="connections">
      <RoleNote actions={['changeSettings']} />
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
                <ActionButton action="changeSettings" disabled={busy !== null} onClick={() => setRemoving(d)}>
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
      {removing && (
        <Confirm
          confirmLabel={`Disconnect ${removing.displayName}`}
          onConfirm={() => void disconnect(removing)}
          onCancel={() => setRemoving(null)}
        >
          Disconnect {removing.displayName}? Its stored credentials are deleted and its subscriptions are no longer read
          or synced. Mappings and the Log are kept, and work again if it is connected again.
        </Confirm>
      )}
      <div class="actions">
        <ActionButton action="changeSettings" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test every connection'}
        </ActionButton>
      </div>
      {said && (
        <div class={`notice ${said.tone === 'ok' ? 'ok' : 'error'}`} role="status" data-testid="connections-said">
          {said.text}
        </div>
      )}
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
      <form onSubmit={(e) => void store(e)}>
        <fieldset class="plain" disabled={!may('changeSettings')}>
          <fieldset>
            <legend>ConnectWise API member</legend>
            <div class="grid">
              {field('apiMember.publicKey', 'API member public key', false)}
              {field('apiMember.privateKey', 'API member private key', true)}
            </div>
          </fieldset>
          {data.distributors.map((d) => (
            <fieldset key={d.kind} data-testid="distributor-form" data-kind={d.kind}>
              <legend>
                {d.displayName} {d.connected ? '' : '(not connected)'}
              </legend>
              <div class="grid">
                {d.fields.map((f) =>
                  field(
                    `${d.kind}.${f.name}`,
                    `${d.displayName} ${f.label}`,
                    f.secret,
                    f.help,
                    f.optional ? (f.shown ?? 'default') : undefined,
                  ),
                )}
              </div>
            </fieldset>
          ))}
          <ActionButton action="changeSettings" type="submit" class="primary" disabled={busy !== null}>
            {busy === 'rotate' ? 'Testing…' : 'Test and store'}
          </ActionButton>
        </fieldset>
      </form>
      <h2>History</h2>
      {data.checks.length === 0 ? (
        <p class="muted">No test or rotation yet.</p>
      ) : (
        <table data-testid="connection-checks">
          <tbody>
            {data.checks.map((k) => (
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
    </section>
  );
}
