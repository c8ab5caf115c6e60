import { DateTime } from 'luxon';

/**
 * Reads the date forms vendors send — `2020-12-03`, `2020-12-10T03:12:14.453-0300`,
 * `…Z`, `2020-12-10 03:12:14` — as an instant in UTC. A value with no offset is UTC, which is
 * how Pax8 stores it. Returns undefined for anything else, so the caller can report it.
 */
export function parseVendorInstant(value: string): DateTime<true> | undefined {
  const text = value.trim();
  const fast = fastInstant(text);
  if (fast !== undefined) return DateTime.fromMillis(fast, { zone: 'utc' }) as DateTime<true>;
  const iso = DateTime.fromISO(text, { zone: 'utc' });
  if (iso.isValid) return iso.toUTC();
  const sql = DateTime.fromSQL(text, { zone: 'utc' });
  return sql.isValid ? sql.toUTC() : undefined;
}

/** `parseVendorInstant` straight to the product's instant string, without luxon on the common path. */
export function vendorInstantIso(value: string): string | undefined {
  const fast = fastInstant(value.trim());
  if (fast !== undefined) return new Date(fast).toISOString();
  const slow = parseVendorInstant(value);
  return slow ? toInstant(slow) : undefined;
}

/** The UTC ISO instant with milliseconds, the one form dates take inside the product. */
export const toInstant = (d: DateTime) => d.toUTC().toISO()!;

/** An ISO calendar date (`2021-03-01`) — effective dates and billing months are days, not instants. */
export const toIsoDay = (d: DateTime) => d.toUTC().toISODate()!;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The forms Pax8 sends most, read by the platform's own ISO parser (luxon is ten times slower
 * and this runs for every date of thousands of subscriptions). Anything unusual returns
 * undefined and goes through luxon. Out-of-range parts (month 13) are rejected here too.
 */
function fastInstant(text: string): number | undefined {
  const day = ISO_DATE.exec(text);
  const m = day ? undefined : ISO_INSTANT.exec(text);
  if (!day && !m) return undefined;
  const [, y, mo, d] = (day ?? m)!;
  const offset =
    m?.[8] === undefined || m[8] === 'Z' ? 'Z' : m[8].includes(':') ? m[8] : `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  const normalised = day ? `${text}T00:00:00Z` : `${y}-${mo}-${d}T${m![4]}:${m![5]}:${m![6]}${m![7] ?? ''}${offset}`;
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2021-02-30 over to March; require the calendar day to survive.
  const check = new Date(ms + (day ? 0 : offsetMinutes(offset) * 60_000));
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() + 1 !== Number(mo) ||
    check.getUTCDate() !== Number(d)
  )
    return undefined;
  return ms;
}

function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
