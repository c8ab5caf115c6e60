import type { z } from 'zod';
import { vendorInstantIso } from '../../shared/dates.ts';
import { type Micros, MoneyError, parseMicros } from '../../shared/money.ts';
import type { Parsed, ParseProblem } from '../../shared/schemas/distributor.ts';

/** Reads one record's fields, noting every value it had to default instead of dropping it. */
export function reader(resource: string, id: string | null, problems: ParseProblem[]) {
  const note = (field: string, value: unknown, message: string) =>
    problems.push({ resource, id, field, value, message, effect: 'defaulted' });
  return {
    note,
    text(field: string, value: unknown, fallback: string | null = null): string | null {
      if (value === undefined || value === null || value === '') return fallback;
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      note(field, value, 'expected text');
      return fallback;
    },
    instant(field: string, value: unknown): string | null {
      if (value === undefined || value === null || value === '') return null;
      const parsed = typeof value === 'string' ? vendorInstantIso(value) : undefined;
      if (!parsed) {
        note(field, value, 'not a date in any accepted format; treated as missing');
        return null;
      }
      return parsed;
    },
    money(field: string, value: unknown): Micros | null {
      if (value === undefined || value === null || value === '') return null;
      try {
        if (typeof value === 'number' || typeof value === 'string') return parseMicros(value, { round: true });
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
      }
      note(field, value, 'not an amount; treated as unknown');
      return null;
    },
    quantity(field: string, value: unknown): number | null {
      if (value === undefined || value === null || value === '') {
        // NOTE: distributors sometimes omit quantity. Unknown is not zero: zero would cancel billing.
        note(field, value ?? null, 'missing; treated as unknown, not as 0');
        return null;
      }
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
      note(field, value, 'not a quantity; treated as unknown');
      return null;
    },
    /** Vendors' specs and live answers disagree on the case of enums; accept any case. */
    oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
      if (typeof value === 'string') {
        const key = value.replace(/[\s_-]/g, '').toLowerCase();
        const hit = allowed.find((a) => a.replace(/[\s_-]/g, '').toLowerCase() === key);
        if (hit) return hit;
      }
      note(field, value, `not one of ${allowed.join(', ')}; read as ${fallback}`);
      return fallback;
    },
  };
}

/** Applies `fn` to each raw record; a record that fails its schema is dropped and reported. */
export function each<S extends z.ZodType, T>(
  resource: string,
  raw: readonly unknown[],
  schema: S,
  fn: (rec: z.output<S>, problems: ParseProblem[]) => T | undefined,
): Parsed<T> {
  const problems: ParseProblem[] = [];
  const items: T[] = [];
  for (const entry of raw) {
    const result = schema.safeParse(entry);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const id = entry && typeof entry === 'object' && 'id' in entry ? String((entry as { id: unknown }).id) : null;
      problems.push({
        resource,
        id,
        field: issue.path.join('.') || '(record)',
        value: entry,
        message: `record could not be read: ${issue.message}`,
        effect: 'dropped',
      });
      continue;
    }
    const item = fn(result.data, problems);
    if (item !== undefined) items.push(item);
  }
  return { items, problems };
}
