import { DateTime, Settings } from 'luxon';

// NOTE: luxon is never made to throw process-wide: a vendor's date is input, and one bad
// value must become a problem of its record, not stop a run. Our own dates check isValid.
Settings.defaultZone = 'utc';

/** "Now" is a dependency so domain code stays pure and scenarios are reproducible. */
export interface Clock {
  now(): DateTime<true>;
}

export const systemClock: Clock = { now: () => DateTime.utc() };

/**
 * The sandbox's clock: the calendar day is pinned (`SANDBOX_TODAY`) while the time of day
 * moves, so timestamps still order correctly.
 */
export function pinnedDayClock(isoDate: string): Clock {
  const day = DateTime.fromISO(isoDate, { zone: 'utc' });
  // Our own date: invalid is a bug in the configuration, so it fails here, loudly.
  if (!day.isValid) throw new Error(`"${isoDate}" is not a calendar day: ${day.invalidExplanation}`);
  return {
    now: () => {
      const real = DateTime.utc();
      return day.set({ hour: real.hour, minute: real.minute, second: real.second, millisecond: real.millisecond });
    },
  };
}
