import { DateTime } from 'luxon';
import { microsToCents } from '../money.ts';
import type { BillingTerm, Subscription } from '../schemas/distributor.ts';
import { addDays, addMonths } from './calendar.ts';

/** Microsoft's new commerce: seats can be reduced, or the subscription cancelled, for 168 hours. */
export const REDUCTION_WINDOW_HOURS = 168;
export const DEFAULT_HORIZON_HOURS = 72;
export const DEFAULT_RENEWAL_NOTICE_DAYS = 30;

export interface CommitmentInput {
  subscription: Pick<
    Subscription,
    'quantity' | 'status' | 'billingTerm' | 'startDate' | 'commitment' | 'cancellableUntil' | 'unitCost'
  >;
  /** Seats ConnectWise bills for it now; 0 when its agreement is closed or its company inactive. */
  cwSeats: number;
  /** Why ConnectWise bills fewer seats, in a person's words, when it is not a lowered quantity. */
  cwWhy?: string | null;
  /** The moment the position is taken, as an ISO instant. */
  now: string;
  /** The tenant's zone: a day without a time starts at its midnight there. */
  timeZone: string;
  horizonHours?: number;
  renewalNoticeDays?: number;
}

/** Where a commitment stands: its window, what ConnectWise does not bill of it, and what that costs. */
export interface CommitmentPosition {
  term: string;
  billingTerm: BillingTerm;
  /** The term's last day and the day it renews (the next term's first), ISO days; null when unknown. */
  endsOn: string | null;
  renewsOn: string | null;
  /** When seats can no longer be reduced in this term, as an instant in the tenant's zone. */
  windowClosesAt: string | null;
  /** Where the window comes from: the distributor's own date, or the purchase or renewal + 168 hours. */
  windowFrom: 'distributor' | 'purchase' | 'renewal' | null;
  /** `reducible` while the window is open, `committed` after it until the term ends. */
  state: 'reducible' | 'committed';
  /** The window closes within the horizon: listed first, and in the digest. */
  closingSoon: boolean;
  seats: number;
  cwSeats: number;
  /** Seats paid for and not billed. */
  unbilledSeats: number;
  unitCostCents: number;
  /** Billing periods from the current one to the term's last, the current one included. */
  periodsLeft: number;
  /** Unbilled seats × unit cost × periods left: what reducing now saves, or what the term still costs. */
  atStakeCents: number;
  /** The renewal is within the notice: its seats and ConnectWise's are reviewed before it. */
  renewalDue: boolean;
  /** Until when a change for the renewal can be made at the distributor: the renewal's start. */
  changeBy: string | null;
  why: string | null;
  /**
   * ConnectWise bills fewer seats because a person lowered its line after the distributor's last
   * change: the sync does not raise it back unattended; a person bills the seats or absorbs them.
   */
  loweredInConnectWise?: boolean;
}

const TERM_MONTHS: Record<string, number> = { month: 1, year: 12, annual: 12, '2-year': 24, '3-year': 36 };

/** A term's length in months from its words (`1-Year`, `1 Year`, `Annual`, `3-Year`, `P1Y`). */
export function termMonths(term: string): number | null {
  const t = term.trim().toLowerCase();
  const iso = t.match(/^p(\d+)([ym])$/);
  if (iso) return Number(iso[1]) * (iso[2] === 'y' ? 12 : 1);
  const counted = t.match(/^(\d+)[- ]?(year|month)s?$/);
  if (counted) return Number(counted[1]) * (counted[2] === 'year' ? 12 : 1);
  return TERM_MONTHS[t] ?? null;
}

/** A distributor's date or instant as an instant: a bare day starts at midnight in the tenant's zone. */
function instantOf(text: string, zone: string): DateTime {
  return /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(text, { zone })
    : DateTime.fromISO(text, { setZone: true }).setZone(zone);
}

/** The day of an instant in the tenant's zone. */
const dayIn = (text: string, zone: string) => instantOf(text, zone).toISODate()!;

/**
 * A commitment subscription's position (see `billing-rules.md`, "Commitments"); null for a
 * subscription without a commitment, or one no longer active.
 */
export function commitmentPosition(input: CommitmentInput): CommitmentPosition | null {
  const s = input.subscription;
  if (!s.commitment || s.status !== 'Active' || s.quantity === null) return null;
  const zone = input.timeZone;
  const now = DateTime.fromISO(input.now, { zone });
  const months = termMonths(s.commitment.term);
  // The commitment's end is read as the moment its term ends and the next begins (a term bought
  // on 20 November 2026 for a year ends on 20 November 2027): its last day is the day before.
  const renewsOn = s.commitment.endDate ? dayIn(s.commitment.endDate, zone) : null;
  const endsOn = renewsOn ? addDays(renewsOn, -1) : null;
  const termStart = renewsOn && months ? addMonths(renewsOn, -months) : null;
  const started = s.startDate ? dayIn(s.startDate, zone) : null;
  const window = windowOf(input, termStart, started);
  const periodMonths = s.billingTerm === 'Monthly' ? 1 : (termMonths(s.billingTerm) ?? months ?? 1);
  const periodsLeft = endsOn && termStart ? periodsFrom(termStart, endsOn, periodMonths, now.toISODate()!) : 0;
  const unbilledSeats = Math.max(0, s.quantity - input.cwSeats);
  const unitCostCents = s.unitCost === null ? 0 : microsToCents(s.unitCost);
  const position: CommitmentPosition = {
    term: s.commitment.term,
    billingTerm: s.billingTerm,
    endsOn,
    renewsOn,
    windowClosesAt: window ? window.closes.toISO() : null,
    windowFrom: window?.from ?? null,
    // What depends on the moment is derived in one place, below, as it is for a stored position.
    state: 'committed',
    closingSoon: false,
    seats: s.quantity,
    cwSeats: input.cwSeats,
    unbilledSeats,
    unitCostCents,
    periodsLeft,
    atStakeCents: unbilledSeats * unitCostCents * periodsLeft,
    renewalDue: false,
    changeBy: renewsOn ? DateTime.fromISO(renewsOn, { zone }).toISO() : null,
    why: unbilledSeats > 0 ? (input.cwWhy ?? `ConnectWise bills ${input.cwSeats} of its ${s.quantity} seats`) : null,
  };
  return positionAsOf(
    position,
    now.toJSDate(),
    input.horizonHours ?? DEFAULT_HORIZON_HOURS,
    input.renewalNoticeDays ?? DEFAULT_RENEWAL_NOTICE_DAYS,
  );
}

/**
 * When this term's reduction window closes: the distributor's own date where it sends one
 * (StreamOne Ion's `cancellationAllowedUntilDate`), else the purchase or the last renewal,
 * whichever began this term, plus 168 hours.
 */
function windowOf(input: CommitmentInput, termStart: string | null, started: string | null) {
  const zone = input.timeZone;
  const s = input.subscription;
  if (s.cancellableUntil) return { closes: instantOf(s.cancellableUntil, zone), from: 'distributor' as const };
  const purchasedThisTerm = s.startDate && started && (!termStart || started >= termStart);
  const opened = purchasedThisTerm ? instantOf(s.startDate!, zone) : termStart ? instantOf(termStart, zone) : null;
  if (!opened) return null;
  return {
    closes: opened.plus({ hours: REDUCTION_WINDOW_HOURS }),
    from: purchasedThisTerm ? 'purchase' : 'renewal',
  } as const;
}

/** Billing periods of `months` each from the term's start to its end, from the one `today` is in. */
function periodsFrom(termStart: string, endsOn: string, months: number, today: string): number {
  let count = 0;
  // Each period from the term's start, not from the one before: 31 January + 1 month is 28 February, + 2 is 31 March.
  for (let k = 0; addMonths(termStart, k * months) <= endsOn; k++)
    if (addMonths(termStart, (k + 1) * months) > today) count++;
  return count;
}

/**
 * A position as it stands at `now`: reducible until its window closes, closing soon within the
 * horizon, its renewal due within the notice. A stored position is read again through it, as its
 * window may have closed since the check.
 */
export function positionAsOf(
  p: CommitmentPosition,
  now: Date,
  horizonHours: number,
  noticeDays: number,
): CommitmentPosition {
  const at = now.getTime();
  const closes = p.windowClosesAt ? Date.parse(p.windowClosesAt) : null;
  const state = closes !== null && at < closes ? 'reducible' : 'committed';
  const changeBy = p.changeBy ? Date.parse(p.changeBy) : null;
  return {
    ...p,
    state,
    closingSoon: state === 'reducible' && closes! - at <= horizonHours * 3_600_000,
    renewalDue: changeBy !== null && changeBy > at && changeBy - at <= noticeDays * 86_400_000,
  };
}
