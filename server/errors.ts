import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { $ZodError } from 'zod/v4/core';
import type { Logger } from './logger.ts';

export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  upstream_error: 502,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

/** The one error body every route answers with. */
export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** An error we raise on purpose: its code is stable and its message is safe to show a member. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function fieldErrors(error: $ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

export function invalidInput(fields: FieldError[]): AppError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new AppError('invalid_input', `Invalid input: ${summary}`, { fields });
}

/** Turns anything thrown in a route into `{ code, message, details }` with the right status. */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json<ErrorBody>({ code: err.code, message: err.message, details: err.details }, err.status);
    }
    // Both classic zod (server) and zod/mini (shared with the pod) raise a $ZodError.
    if (err instanceof $ZodError) {
      const e = invalidInput(fieldErrors(err));
      return c.json<ErrorBody>({ code: e.code, message: e.message, details: e.details }, 400);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const code = status === 400 ? 'invalid_input' : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'http_error';
      return c.json<ErrorBody>({ code, message: err.message || 'Request failed', details: {} }, status);
    }
    logger.error('unhandled error', { path: c.req.path, method: c.req.method, error: err });
    return c.json<ErrorBody>(
      { code: 'internal', message: 'Something went wrong on the server; it has been logged.', details: {} },
      500,
    );
  };
}
