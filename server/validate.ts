import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { fieldErrors, invalidInput } from './errors.ts';

/**
 * Validates one part of a request with a zod schema shared with the pod (classic or mini),
 * through Hono's own zod validator. A failure becomes a 400 naming each field as
 * `<target>.<path>` (e.g. `json.quantity`) so the pod can show it on the field.
 */
export function zv<Target extends keyof ValidationTargets, Schema extends $ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    // A NUL character is never meaningful and Postgres refuses it in text: name it, do not fail later.
    const nul = findNul(result.data, target);
    if (nul) throw invalidInput([{ field: nul, message: 'contains a NUL character; remove it' }]);
    if (!result.success) throw invalidInput(fieldErrors(result.error, target));
  });
}

/** The path of the first string holding a NUL character, if any. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = findNul(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** A database id: a UUID, checked before it reaches a query. */
export const uuidParam = z.object({ id: z.uuid('must be an id from this server (a UUID)') });

/** A ConnectWise record id: a whole number within ConnectWise's integer range. */
export const cwIdText = (what: string) =>
  z.string().check(
    z.regex(/^\d{1,10}$/, `must be a ${what} id`),
    z.refine((v) => Number(v) <= 2_147_483_647, `must be a ${what} id (at most 2147483647)`),
  );
