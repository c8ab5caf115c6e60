import type { Context } from 'hono';

export interface CwFieldProblem {
  code: string;
  message: string;
  resource: string;
  field: string;
}

/** Manage's error body: `{code, message, errors}`. */
export function cwErrorResponse(
  c: Context,
  status: 400 | 401 | 403 | 404 | 409 | 500,
  code: string,
  message: string,
  errors: CwFieldProblem[] | null = null,
) {
  return c.json({ code, message, errors }, status);
}

export function invalidObject(c: Context, resource: string, errors: CwFieldProblem[]) {
  return cwErrorResponse(c, 400, 'InvalidObject', `${resource} object is invalid`, errors);
}

export class CwRequestError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409;
  readonly code: string;
  readonly errors: CwFieldProblem[] | null;

  constructor(
    status: 400 | 401 | 403 | 404 | 409,
    code: string,
    message: string,
    errors: CwFieldProblem[] | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}
