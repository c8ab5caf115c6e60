import { useEffect } from 'preact/hooks';
import {
  DIGEST_CADENCES,
  NOTIFY_EVENT_LABEL,
  NOTIFY_EVENTS,
  type NotificationSettings,
} from '../../shared/schemas/notifications.ts';
import {
  boards,
  notifyErrorFor as errorFor,
  type LoadedNotifications,
  loadBoards,
  notifications,
  notifyErrors,
  notifyForm,
  notifyMessage,
  openNotifications,
  recipientsText,
  saveNotifications,
  editNotifications as set,
  testNotifications,
  typedRecipients,
} from '../models/notifications.ts';
import { whyNot } from '../models/session.ts';
import { ActionButton } from './Allowed.tsx';
import { when } from './format.ts';
import { Notice } from './Notice.tsx';

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
  useEffect(() => void openNotifications(), []);
  const form = notifyForm.value;
  useEffect(() => {
    if (form?.ticket.enabled) void loadBoards();
  }, [form?.ticket.enabled]);
  const message = notifyMessage.value;
  if (!form)
    return message ? (
      <Notice tone="error" title="Could not load the notifications.">
        {message.text}
      </Notice>
    ) : null;
  const loaded = notifications.value;
  const errs = notifyErrors.value;
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
          value={recipientsText.value}
          placeholder="billing@example.com, owner@example.com"
          aria-invalid={Boolean(errorFor('recipients'))}
          onInput={(e) => {
            recipientsText.value = e.currentTarget.value;
          }}
        />
        {errorFor('recipients', typedRecipients()) && (
          <span class="field-error" data-testid="recipients-error">
            {errorFor('recipients', typedRecipients())}
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
      {form.ticket.enabled && <TicketPlace form={form} errs={errs} />}
      <div class="actions">
        <ActionButton action="changeSettings" class="primary" onClick={() => void saveNotifications()}>
          Save notifications
        </ActionButton>
        <ActionButton action="changeSettings" onClick={() => void testNotifications()}>
          Send a test
        </ActionButton>
        {loaded?.settings.updatedBy && <span class="muted small">Last saved by {loaded.settings.updatedBy}</span>}
      </div>
      {message && (
        <p class={message.tone === 'error' ? 'error' : 'muted'} role="status" data-testid="notify-message">
          {message.text}
        </p>
      )}
      {loaded && loaded.digests.length > 0 && <SentDigests digests={loaded.digests} />}
    </fieldset>
  );
}

/** Where a digest's ticket goes: a service board, on one of the MSP's own companies (never a customer). */
function TicketPlace({ form, errs }: { form: NotificationSettings; errs: Record<string, string> }) {
  return (
    <div class="inline">
      <label>
        Board{' '}
        <select
          name="board"
          value={form.ticket.boardId ?? ''}
          onChange={(e) => set({ ticket: { ...form.ticket, boardId: Number(e.currentTarget.value) || null } })}
        >
          <option value="">Choose a board</option>
          {boards.value?.boards.map((b) => (
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
          {boards.value?.companies.map((c) => (
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
      {boards.value && boards.value.companies.length === 0 && (
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
  );
}

/** The digests sent, newest first: when, why, how many items, and where each went. */
function SentDigests({ digests }: { digests: LoadedNotifications['digests'] }) {
  return (
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
        {digests.map((d) => (
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
  );
}
