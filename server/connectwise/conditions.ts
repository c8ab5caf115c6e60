import { DateTime } from 'luxon';

/** A value as ConnectWise's `conditions` grammar writes it. */
export type CwValue = string | number | boolean | null | Date | DateTime;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

function field(name: string): string {
  // Field names go into the query unquoted, so only plain paths (`company/id`) are allowed.
  if (!FIELD.test(name)) throw new Error(`"${name}" is not a ConnectWise field path`);
  return name;
}

/**
 * Strings in double quotes with `\` and `"` escaped, numbers and booleans bare, datetimes in
 * brackets as UTC (`[2024-08-01T00:00:00Z]`), and `null`.
 */
export function literal(value: CwValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be sent to ConnectWise`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const dt = value instanceof Date ? DateTime.fromJSDate(value) : value;
  return `[${dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'")}]`;
}

type Part = string | undefined | false | null;

const join = (op: 'and' | 'or', parts: Part[]) => {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  if (kept.length === 0) return '';
  if (kept.length === 1) return kept[0]!;
  return kept.map((p) => (/\s(and|or)\s/i.test(p) ? `(${p})` : p)).join(` ${op} `);
};

/** Builds `conditions` strings; every value is quoted by its type, so nothing is injected. */
export const where = {
  eq: (f: string, v: CwValue) => `${field(f)}=${literal(v)}`,
  ne: (f: string, v: CwValue) => `${field(f)}!=${literal(v)}`,
  lt: (f: string, v: CwValue) => `${field(f)}<${literal(v)}`,
  le: (f: string, v: CwValue) => `${field(f)}<=${literal(v)}`,
  gt: (f: string, v: CwValue) => `${field(f)}>${literal(v)}`,
  ge: (f: string, v: CwValue) => `${field(f)}>=${literal(v)}`,
  /** `%` is the wildcard; pass it in the pattern. */
  like: (f: string, pattern: string) => `${field(f)} like ${literal(pattern)}`,
  notLike: (f: string, pattern: string) => `${field(f)} not like ${literal(pattern)}`,
  contains: (f: string, text: string) => `${field(f)} contains ${literal(text)}`,
  in: (f: string, values: readonly CwValue[]) => {
    if (values.length === 0) throw new Error(`"in" on ${f} needs at least one value`);
    return `${field(f)} in (${values.map(literal).join(',')})`;
  },
  notIn: (f: string, values: readonly CwValue[]) => {
    if (values.length === 0) throw new Error(`"not in" on ${f} needs at least one value`);
    return `${field(f)} not in (${values.map(literal).join(',')})`;
  },
  and: (...parts: Part[]) => join('and', parts),
  or: (...parts: Part[]) => join('or', parts),
};

export interface OrderBy {
  field: string;
  direction?: 'asc' | 'desc';
}

export function orderBy(...orders: OrderBy[]): string {
  return orders.map((o) => `${field(o.field)} ${o.direction ?? 'asc'}`).join(', ');
}

export function fields(...names: string[]): string {
  return names.map(field).join(',');
}
