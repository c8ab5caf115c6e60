import { useEffect, useState } from 'preact/hooks';
import {
  DIGEST_CADENCES,
  NOTIFY_EVENT_LABEL,
  NOTIFY_EVENTS,
  type NotificationSettings,
} from '../../shared/schemas/notifications.ts';
import { type Answer, api, read } from '../api.ts';
import { formError } from '../models/forms.ts';
import { whyNot } from '../models/session.ts';
import { ActionButton } from './Allowed.tsx';
import { when } from './format.ts';
import { Notice } from './Notice.tsx';

type Loaded = Answer<(typeof api)['notification-settings']['$get']>;
type Boards = Answer<(typeof api)['service-boards']['$get']>;

const CADENCE_LABEL: Record<(typeof DIGEST_CADENCES)[number], string> = {
  off: 'Off',
  daily: 'Daily, with the daily job',
  'after-run': 'After each scheduled sync run',
};

/** Parameters a subject may name; the digest's lines use the seeds' own ({CustomerOrg}, {SubscriptionID}…). */
const PARAMS = ['{CompanyName}', '{PSAConnector}', '{Date}', '{ItemCount}'];

/**
 * Who gets the digest, of what and how often, and the ConnectWise board its ticket goes on.
 * Members whose role may not change settings see it, disabled, with the reason.
 */
export function NotificationsPanel() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [form, setForm] = useState<NotificationSettings | null>(null);
  const [boards, setBoards] = useState<Boards | null>(null);
  const [recipients, setRecipients] = useState('');
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  // What the server refused, by field, shown beside each field in the member's words.
  const [errs, setErrs] = useState<Record<string, string>>({});
  const refused = (error: unknown) => {
    const f = formError(error);
    setErrs(f.fields);
    setMessage({
      tone: 'error',
      text: Object.keys(f.fields).length > 0 ? 'Nothing was saved: check the fields marked below.' : f.message,
    });
  };
  /** The message for a field, or for the first entry of a list ("recipients.1" → recipient 2, by its address). */
  const errorFor = (field: string, list?: readonly string[]) => {
    if (errs[field]) return errs[field];
    const item = Object.keys(errs).find((k) => k.startsWith(`${field}.`));
    if (!item) return undefined;
    const i = Number(item.split('.')[1]);
    return `${list?.[i] ?? `entry ${i + 1}`}: ${errs[item]}`;
  };
  const load = async () => {
    try {
      const got = await read(api['notification-settings'].$get());
      setLoaded(got);
      const { updatedBy: _b, updatedAt: _a, ...settings } = got.settings;
      setForm(settings);
      setRecipients(settings.recipients.join(', '));
    } catch (error) {
      setMessage({ tone: 'error', text: (error as Error).message });
    }
  };
  useEffect(() => {
    void load();
  }, []);
  useEffect(() => {
    if (form?.ticket.enabled && !boards)
      void read(api['service-boards'].$get())
        .then(setBoards)
        .catch((error: Error) => setMessage({ tone: 'error', text: error.message }));
  }, [form?.ticket.enabled]);
  if (!form)
    return message ? (
      <Notice tone="error" title="Could not load the notifications.">
        {message.text}
      </Notice>
    ) : null;
  const withRecipients = (): NotificationSettings => ({
    ...form,
    recipients: recipients
      .split(/[,;\s]+/)
      .map((r) => r.trim())
      .filter(Boolean),
  });
  const save = async () => {
    try {
      await read(api['notification-settings'].$put({ json: withRecipients() }));
      setErrs({});
      setMessage({ tone: 'info', text: 'Notifications saved.' });
      await load();
    } catch (error) {
      refused(error);
    }
  };
  const test = async () => {
    try {
      const sent = await read(api.notifications.test.$post({ json: withRecipients() }));
      const where = [
        sent.emailed ? `emailed to ${withRecipients().recipients.join(', ')}` : null,
        sent.ticketId ? `ticket #${sent.ticketId} opened` : null,
      ].filter(Boolean);
      setMessage({
        tone: sent.error ? 'error' : 'info',
        text: `Test digest (${sent.items} items): ${where.join('; ') || 'not sent'}.${sent.error ? ` ${sent.error}` : ''}`,
      });
      setErrs({});
      await load();
    } catch (error) {
      refused(error);
    }
  };
  const set = (over: Partial<NotificationSettings>) => setForm({ ...form, ...over });
  return (
    <fieldset data-testid="notifications">
      <legend>Notifications</legend>
      {!loaded?.mailConfigured && (
        <p class="muted small">No mail server is set up (SMTP_URL): digests can only go as tickets.</p>
      )}
      <label class="field">
        <span>Send a digest</span>
        <select
          name="cadence"
          value={form.cadence}
          onChange={(e) => set({ cadence: e.currentTarget.value as NotificationSettings['cadence'] })}
        >
          {DIGEST_CADENCES.map((c) => (
            <option key={c} value={c}>
              {CADENCE_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Recipients</span>
        <input
          name="recipients"
          value={recipients}
          placeholder="billing@example.com, owner@example.com"
          aria-invalid={Boolean(errorFor('recipients'))}
          onInput={(e) => setRecipients(e.currentTarget.value)}
        />
        {errorFor('recipients', withRecipients().recipients) && (
          <span class="field-error" data-testid="recipients-error">
            {errorFor('recipients', withRecipients().recipients)}
          </span>
        )}
      </label>
      <fieldset class="field">
        <legend>It lists</legend>
        {NOTIFY_EVENTS.map((e) => (
          <label key={e} class="inline">
            <input
              type="checkbox"
              checked={form.events.includes(e)}
              onChange={(ev) =>
                set({
                  events: ev.currentTarget.checked ? [...form.events, e] : form.events.filter((x) => x !== e),
                })
              }
            />
            {NOTIFY_EVENT_LABEL[e]}
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>Subject</span>
        <input
          name="subject"
          value={form.subject}
          aria-invalid={Boolean(errs.subject)}
          onInput={(e) => set({ subject: e.currentTarget.value })}
        />
        {errs.subject && <span class="field-error">{errs.subject}</span>}
        <span class="muted small">Named parameters: {PARAMS.join(' ')}</span>
      </label>
      <label class="inline">
        <input
          type="checkbox"
          name="ticket"
          checked={form.ticket.enabled}
          onChange={(e) => set({ ticket: { ...form.ticket, enabled: e.currentTarget.checked } })}
        />
        Also open a ConnectWise service ticket
      </label>
      {form.ticket.enabled && (
        <div class="inline">
          <label>
            Board{' '}
            <select
              name="board"
              value={form.ticket.boardId ?? ''}
              onChange={(e) => set({ ticket: { ...form.ticket, boardId: Number(e.currentTarget.value) || null } })}
            >
              <option value="">Choose a board</option>
              {boards?.boards.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            For company{' '}
            <select
              name="ticketCompany"
              value={form.ticket.companyId ?? ''}
              onChange={(e) => set({ ticket: { ...form.ticket, companyId: Number(e.currentTarget.value) || null } })}
            >
              <option value="">Choose your company</option>
              {boards?.companies.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          {(errs['ticket.boardId'] || errs['ticket.companyId']) && (
            <p class="field-error" data-testid="ticket-error">
              {errs['ticket.boardId'] ?? errs['ticket.companyId']}
            </p>
          )}
          {boards && boards.companies.length === 0 && (
            <p class="bad-text small" role="note">
              No company of yours was found in Manage: give your own company the company type “Owner”. The digest names
              every customer, so its ticket is never opened on a customer.
            </p>
          )}
          {whyNot('openTickets') && (
            <p class="notice role small" role="note" data-testid="ticket-role-note">
              {whyNot('openTickets')}
            </p>
          )}
        </div>
      )}
      <div class="actions">
        <ActionButton action="changeSettings" class="primary" onClick={() => void save()}>
          Save notifications
        </ActionButton>
        <ActionButton action="changeSettings" onClick={() => void test()}>
          Send a test
        </ActionButton>
        {loaded?.settings.updatedBy && <span class="muted small">Last saved by {loaded.settings.updatedBy}</span>}
      </div>
      {message && (
        <p class={message.tone === 'error' ? 'error' : 'muted'} role="status" data-testid="notify-message">
          {message.text}
        </p>
      )}
      {loaded && loaded.digests.length > 0 && (
        <table class="dense" data-testid="digests">
          <thead>
            <tr>
              <th>Sent</th>
              <th>Why</th>
              <th>Items</th>
              <th>Email</th>
              <th>Ticket</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {loaded.digests.map((d) => (
              <tr key={d.id}>
                <td>{when(d.at)}</td>
                <td>{d.trigger}</td>
                <td>{d.items}</td>
                <td>{d.emailed ? d.recipients.join(', ') : '—'}</td>
                <td>{d.ticketId ? `#${d.ticketId}` : '—'}</td>
                <td>{d.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}
