import { DateTime, Settings } from 'luxon';

// Invalid dates are bugs, not values to carry around silently.
Settings.throwOnInvalid = true;
Settings.defaultZone = 'utc';

declare module 'luxon' {
  interface TSSettings {
    throwOnInvalid: true;
  }
}

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
  return {
    now: () => {
      const real = DateTime.utc();
      return day.set({ hour: real.hour, minute: real.minute, second: real.second, millisecond: real.millisecond });
    },
  };
}
