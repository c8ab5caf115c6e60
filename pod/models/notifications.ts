import { signal } from '@preact/signals';
import type { NotificationSettings } from '../../shared/schemas/notifications.ts';
import { type Answer, api, read } from '../api.ts';
import { formError } from './forms.ts';

export type LoadedNotifications = Answer<(typeof api)['notification-settings']['$get']>;
export type Boards = Answer<(typeof api)['service-boards']['$get']>;

/** The digest's settings as saved, the form as being edited, and what the last save or test said. */
export const notifications = signal<LoadedNotifications | null>(null);
export const notifyForm = signal<NotificationSettings | null>(null);
/** The recipients as typed: a list of addresses once saved. */
export const recipientsText = signal('');
export const boards = signal<Boards | null>(null);
export const notifyMessage = signal<{ tone: 'info' | 'error'; text: string } | null>(null);
/** What the server refused, by field, shown beside each field in the member's words. */
export const notifyErrors = signal<Record<string, string>>({});

export async function loadNotifications() {
  try {
    const got = await read(api['notification-settings'].$get());
    notifications.value = got;
    const { updatedBy: _b, updatedAt: _a, ...settings } = got.settings;
    notifyForm.value = settings;
    recipientsText.value = settings.recipients.join(', ');
  } catch (error) {
    notifyMessage.value = { tone: 'error', text: (error as Error).message };
  }
}

/** Opening the panel starts from what is saved: nothing said, nothing refused. */
export function openNotifications() {
  notifyMessage.value = null;
  notifyErrors.value = {};
  return loadNotifications();
}

/** The service boards and the MSP's own companies a digest ticket may go on, read once when tickets are turned on. */
export async function loadBoards() {
  if (boards.value) return;
  try {
    boards.value = await read(api['service-boards'].$get());
  } catch (error) {
    notifyMessage.value = { tone: 'error', text: (error as Error).message };
  }
}

export function editNotifications(over: Partial<NotificationSettings>) {
  if (notifyForm.value) notifyForm.value = { ...notifyForm.value, ...over };
}

/** The recipients typed, split on commas, semicolons or spaces. */
export const typedRecipients = () =>
  recipientsText.value
    .split(/[,;\s]+/)
    .map((r) => r.trim())
    .filter(Boolean);

const withRecipients = (form: NotificationSettings): NotificationSettings => ({
  ...form,
  recipients: typedRecipients(),
});

/** The message for a field, or for one entry of a list ("recipients.1" → the second address, by itself). */
export function notifyErrorFor(field: string, list?: readonly string[]) {
  const errs = notifyErrors.value;
  if (errs[field]) return errs[field];
  const item = Object.keys(errs).find((k) => k.startsWith(`${field}.`));
  if (!item) return undefined;
  const i = Number(item.split('.')[1]);
  return `${list?.[i] ?? `entry ${i + 1}`}: ${errs[item]}`;
}

function refused(error: unknown) {
  const f = formError(error);
  notifyErrors.value = f.fields;
  notifyMessage.value = {
    tone: 'error',
    text: Object.keys(f.fields).length > 0 ? 'Nothing was saved: check the fields marked below.' : f.message,
  };
}

export async function saveNotifications() {
  if (!notifyForm.value) return;
  try {
    await read(api['notification-settings'].$put({ json: withRecipients(notifyForm.value) }));
    notifyErrors.value = {};
    notifyMessage.value = { tone: 'info', text: 'Notifications saved.' };
    await loadNotifications();
  } catch (error) {
    refused(error);
  }
}

/** A digest sent now with the settings as they stand on the form, saved or not. */
export async function testNotifications() {
  if (!notifyForm.value) return;
  const json = withRecipients(notifyForm.value);
  try {
    const sent = await read(api.notifications.test.$post({ json }));
    const where = [
      sent.emailed ? `emailed to ${json.recipients.join(', ')}` : null,
      sent.ticketId ? `ticket #${sent.ticketId} opened` : null,
    ].filter(Boolean);
    notifyMessage.value = {
      tone: sent.error ? 'error' : 'info',
      text: `Test digest (${sent.items} items): ${where.join('; ') || 'not sent'}.${sent.error ? ` ${sent.error}` : ''}`,
    };
    notifyErrors.value = {};
    await loadNotifications();
  } catch (error) {
    refused(error);
  }
}
