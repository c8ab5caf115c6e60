import { signal } from '@preact/signals';
import { STATE, type SubscriptionState } from '../../shared/billing/states.ts';
import { formatMoney } from '../../shared/money.ts';

/** An amount in its currency (US dollars unless named), or "—" when unknown. */
export const money = (cents: number | null, currency?: string) => (cents === null ? '—' : formatMoney(cents, currency));

/** A difference with its sign, "+$50.00" or "-$32.00", or "—" when unknown. */
export const signedMoney = (cents: number | null, currency?: string) =>
  cents === null ? '—' : `${cents > 0 ? '+' : ''}${formatMoney(cents, currency)}`;

/**
 * One date format across the pod, the one Manage shows US partners: `11/30/2026`. Calendar days
 * (effective dates, billing periods) are read as they are written, never shifted by a zone.
 */
export const day = (iso: string | null | undefined) =>
  iso ? `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}` : '—';

/** An instant, with its zone said: `11/30/2026 14:05 UTC`. */
/** The tenant's time zone, from its settings: set at sign-in and when the settings are saved. */
export const tenantZone = signal<string>('UTC');

/** An instant as the tenant reads it: in its zone, named ("11/22/2026 09:30 America/New_York"). */
export const when = (iso: string | null | undefined) =>
  iso
    ? tenantZone.value === 'UTC'
      ? `${day(iso)} ${iso.slice(11, 16)} UTC`
      : `${whenIn(iso, tenantZone.value)} ${shortZone(tenantZone.value)}`
    : '—';

/** "New York" for America/New_York: enough to tell the zone without a long name. */
const shortZone = (zone: string) => zone.split('/').at(-1)!.replace(/_/g, ' ');

/** An instant in a named zone, in the same day format: `Tue 12/01/2026 02:30`. */
export function whenIn(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.month}/${parts.day}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** How long ago a change happened, in days: "today", "1 day", "23 days". */
export function age(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  return days <= 0 ? 'today' : `${days} day${days === 1 ? '' : 's'}`;
}

/** A state's label and tone, from the one vocabulary in `shared/billing/states.ts`. */
export { stateLabel } from '../../shared/billing/states.ts';
export const stateTone = (state: string) => STATE[state as SubscriptionState]?.tone ?? 'neutral';
/** What a state means, for a tooltip beside its label. */
export const stateExplain = (state: string) => STATE[state as SubscriptionState]?.explain ?? '';
