import { z } from 'zod/mini';

/** What a digest can tell the billing lead; each can be turned off. */
export const NOTIFY_EVENTS = [
  'unmapped',
  'failed-writes',
  'pending-review',
  'commitments',
  'renewals',
  'reconciliation-changes',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const NOTIFY_EVENT_LABEL: Record<NotifyEvent, string> = {
  unmapped: 'Unmapped subscriptions',
  'failed-writes': 'Failed writes',
  'pending-review': 'Reconciliations pending review',
  commitments: 'Commitments with seats ConnectWise does not bill',
  renewals: 'Commitments renewing soon',
  'reconciliation-changes': 'Reconciliation status changes',
};

/** `after-run`: after each scheduled sync run; `daily`: once a day, with the arrears job. */
export const DIGEST_CADENCES = ['off', 'daily', 'after-run'] as const;

const email = z.email('use an address such as billing@example.com');

export const notificationSettingsSchema = z.object({
  cadence: z.enum(DIGEST_CADENCES),
  recipients: z.array(email).check(z.maxLength(20, 'at most 20 recipients')),
  events: z.array(z.enum(NOTIFY_EVENTS)).check(z.maxLength(NOTIFY_EVENTS.length, 'list each event once')),
  /** Also open a ConnectWise service ticket on this board, for MSPs who work from tickets. */
  ticket: z.object({
    enabled: z.boolean(),
    boardId: z.nullable(z.number().check(z.int('choose a board'), z.positive('choose a board'))),
    /** The company the ticket is for: the MSP's own company in Manage. */
    companyId: z.nullable(z.number().check(z.int('choose a company'), z.positive('choose a company'))),
  }),
  /** The digest's subject, with named parameters such as {PSAConnector} and {Date}. */
  subject: z.string().check(z.minLength(1, 'the subject is required'), z.maxLength(200, 'at most 200 characters')),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  cadence: 'off',
  recipients: [],
  events: [...NOTIFY_EVENTS],
  ticket: { enabled: false, boardId: null, companyId: null },
  subject: 'Action needed in {PSAConnector}: {ItemCount} items on {Date}',
};

export interface NotificationSettingsView extends NotificationSettings {
  updatedBy: string | null;
  updatedAt: string | null;
}

/** One line of a digest, with the named parameters its template fills. */
export interface DigestItem {
  event: NotifyEvent;
  params: Record<string, string>;
}

export interface DigestRecord {
  id: number;
  at: string;
  trigger: string;
  recipients: string[];
  subject: string;
  items: number;
  emailed: boolean;
  ticketId: number | null;
  error: string | null;
}
