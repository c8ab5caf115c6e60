import { DateTime } from 'luxon';

/**
 * Reads the date forms vendors send — `2020-12-03`, `2020-12-10T03:12:14.453-0300`,
 * `…Z`, `2020-12-10 03:12:14` — as an instant in UTC. A value with no offset is UTC, which is
 * how Pax8 stores it. Returns undefined for anything else, so the caller can report it.
 */
export function parseVendorInstant(value: string): DateTime<true> | undefined {
  const text = value.trim();
  const iso = DateTime.fromISO(text, { zone: 'utc' });
  if (iso.isValid) return iso.toUTC();
  const sql = DateTime.fromSQL(text, { zone: 'utc' });
  return sql.isValid ? sql.toUTC() : undefined;
}

/** The UTC ISO instant with milliseconds, the one form dates take inside the product. */
export const toInstant = (d: DateTime) => d.toUTC().toISO()!;

/** An ISO calendar date (`2021-03-01`) — effective dates and billing months are days, not instants. */
export const toIsoDay = (d: DateTime) => d.toUTC().toISODate()!;
