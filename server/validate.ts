import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { fieldErrors, invalidInput } from './errors.ts';

/**
 * Validates one part of a request with a zod schema shared with the pod (classic or mini). A
 * failure becomes a 400 naming each field as `<target>.<path>` (e.g. `json.quantity`) so the
 * pod can show it on the field.
 */
export function zv<Target extends keyof ValidationTargets, Schema extends $ZodType>(target: Target, schema: Schema) {
  return validator(target, (value): z.output<Schema> => {
    const result = z.safeParse(schema, value);
    if (!result.success) throw invalidInput(fieldErrors(result.error, target));
    return result.data;
  });
}
