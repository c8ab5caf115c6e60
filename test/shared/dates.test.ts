import { describe, expect, it } from 'vitest';
import { parseVendorInstant, vendorInstantIso } from '../../shared/dates.ts';

describe('vendor dates', () => {
  it('reads every form Pax8 sends as the same UTC instant', () => {
    expect(vendorInstantIso('2020-12-10T03:12:14.453-0300')).toBe('2020-12-10T06:12:14.453Z');
    expect(vendorInstantIso('2020-12-10T03:12:14.453-03:00')).toBe('2020-12-10T06:12:14.453Z');
    expect(vendorInstantIso('2020-12-10T06:12:14.453Z')).toBe('2020-12-10T06:12:14.453Z');
    expect(vendorInstantIso('2020-12-03')).toBe('2020-12-03T00:00:00.000Z');
    expect(vendorInstantIso('2020-12-10T03:12:14')).toBe('2020-12-10T03:12:14.000Z');
    expect(vendorInstantIso('2020-12-10 03:12:14')).toBe('2020-12-10T03:12:14.000Z');
    expect(vendorInstantIso('2020-12-31T23:00:00-0300')).toBe('2021-01-01T02:00:00.000Z');
  });

  it('rejects impossible days and text, on the fast path and the slow one', () => {
    expect(vendorInstantIso('2021-02-30')).toBeUndefined();
    expect(vendorInstantIso('2021-02-30T10:00:00Z')).toBeUndefined();
    expect(vendorInstantIso('2021-13-01T10:00:00Z')).toBeUndefined();
    expect(vendorInstantIso('next tuesday')).toBeUndefined();
    expect(parseVendorInstant('garbage')).toBeUndefined();
  });

  it('agrees with luxon on the instant', () => {
    expect(parseVendorInstant('2020-12-10T23:30:00+05:30')!.toISO()).toBe('2020-12-10T18:00:00.000Z');
  });
});

describe('vendor dates with the server running', () => {
  it('never throw, whatever the process-wide luxon settings the server makes', async () => {
    await import('../../server/clock.ts');
    expect(vendorInstantIso('2020-12-10 03:12:14')).toBe('2020-12-10T03:12:14.000Z');
    expect(vendorInstantIso('11/05/2026')).toBeUndefined();
    expect(parseVendorInstant('not a date')).toBeUndefined();
  });
});
