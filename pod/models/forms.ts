import { ApiError } from '../api.ts';

/** A failed save, split into messages per field (`json.` prefixes removed) and one for the rest. */
export interface FormError {
  message: string;
  fields: Record<string, string>;
}

export function formError(error: unknown): FormError {
  if (error instanceof ApiError) {
    const fields: Record<string, string> = {};
    for (const f of error.body.details?.fields ?? []) fields[f.field.replace(/^(json|query|param)\./, '')] = f.message;
    return { message: error.message, fields };
  }
  return { message: (error as Error).message, fields: {} };
}
