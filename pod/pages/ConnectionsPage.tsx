import { useEffect, useState } from 'preact/hooks';
import { type Answer, ApiError, api, read } from '../api.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { type FormError, formError } from '../models/forms.ts';
import { fail, may } from '../models/session.ts';

type Connections = Answer<typeof api.connections.$get>;

const NAME: Record<string, string> = { connectwise: 'ConnectWise', pax8: 'Pax8' };

/**
 * What the tenant connects with, when each connection last worked, a test, and rotation: an
 * administrator's page. Secrets are entered here and never shown again, not even to her.
 */
export function ConnectionsPage() {
  const [data, setData] = useState<Connections | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [error, setError] = useState<FormError | null>(null);
  const [form, setForm] = useState({ publicKey: '', privateKey: '', clientId: '', clientSecret: '' });
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

  const test = async () => {
    setBusy('test');
    try {
      const { results } = await read(api.connections.test.$post());
      const bad = results.filter((r) => !r.ok);
      setSaid(
        bad.length === 0
          ? { tone: 'ok', text: 'Both connections work.' }
          : { tone: 'error', text: bad.map((r) => `${NAME[r.connection]}: ${r.message}`).join(' ') },
      );
    } catch (e) {
      setSaid({ tone: 'error', text: (e as Error).message });
    }
    setBusy(null);
    await load();
  };
  const rotate = async (e: Event) => {
    e.preventDefault();
    setBusy('rotate');
    setError(null);
    const json = {
      ...(form.publicKey || form.privateKey
        ? { apiMember: { publicKey: form.publicKey, privateKey: form.privateKey } }
        : {}),
      ...(form.clientId || form.clientSecret
        ? { pax8: { clientId: form.clientId, clientSecret: form.clientSecret } }
        : {}),
    };
    try {
      const { rotated } = await read(api.connections.$put({ json }));
      setSaid({ tone: 'ok', text: `Tested and stored: ${rotated.map((r) => NAME[r]).join(' and ')}.` });
      setForm({ publicKey: '', privateKey: '', clientId: '', clientSecret: '' });
    } catch (failure) {
      if (failure instanceof ApiError && failure.needsReload) return fail(failure);
      setError(formError(failure));
      setSaid(null);
    }
    setBusy(null);
    await load();
  };
  const field = (key: keyof typeof form, label: string, errorKey: string, secret: boolean) => {
    const common = {
      id: `connection-${key}`,
      name: key,
      autoComplete: 'off',
      value: form[key],
      'aria-invalid': Boolean(error?.fields[errorKey]),
      onInput: (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value }),
    };
    return (
      <div class="field" key={key}>
        <label htmlFor={common.id}>{label}</label>
        {secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
        {error?.fields[errorKey] && (
          <span class="field-error" role="alert">
            {error.fields[errorKey]}
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
          </tr>
          <tr>
            <th>Pax8</th>
            <td>
              {data.pax8.baseUrl ?? '—'} · client {data.pax8.clientId ?? '—'} · secret {data.pax8.clientSecret ?? '—'}
            </td>
            <td data-testid="pax8-last-success">
              {data.pax8.lastSuccess ? `Last worked ${when(data.pax8.lastSuccess)}` : 'Not tested here yet'}
            </td>
          </tr>
        </tbody>
      </table>
      <div class="actions">
        <ActionButton action="changeSettings" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test both connections'}
        </ActionButton>
      </div>
      {said && (
        <div class={`notice ${said.tone === 'ok' ? 'ok' : 'error'}`} role="status" data-testid="connections-said">
          {said.text}
        </div>
      )}
      <h2>Rotate credentials</h2>
      <p class="muted small">
        Fill in only what changes. Both connections are tested with the new values before anything is stored; a refused
        value is named below and the old ones stay in use. The command line (npm run tenant) does the same.
      </p>
      {error && !Object.keys(error.fields).length && (
        <Notice tone="error" title="Not stored.">
          {error.message}
        </Notice>
      )}
      <form onSubmit={(e) => void rotate(e)}>
        <fieldset class="plain" disabled={!may('changeSettings')}>
          <div class="grid">
            {field('publicKey', 'API member public key', 'publicKey', false)}
            {field('privateKey', 'API member private key', 'privateKey', true)}
            {field('clientId', 'Pax8 client id', 'pax8.clientId', false)}
            {field('clientSecret', 'Pax8 client secret', 'pax8.clientSecret', true)}
          </div>
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
                  {NAME[k.connection] ?? k.connection} {k.action === 'rotate' ? 'rotated' : 'tested'}
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
