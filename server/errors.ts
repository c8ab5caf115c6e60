import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { $ZodError } from 'zod/v4/core';
import { inMemberWords, vendorDetail } from './http/member-words.ts';
import { VendorError } from './http/vendor-error.ts';
import type { Logger } from './logger.ts';

export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  /** ConnectWise no longer accepts the member: she is signed out here and must reload. */
  reload_required: 401,
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
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
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
  const summary = fields.map((f) => `${fieldWords(f.field)}: ${f.message}`).join('; ');
  return new AppError('invalid_input', `Please check ${summary}.`, { fields });
}

/**
 * A field's path as a member reads it: `json.recipients.1` is "recipient 2",
 * `json.ticket.companyId` "ticket company". The fields list keeps the path for the form.
 */
export function fieldWords(path: string): string {
  const parts = path.replace(/^(json|query|param)\./, '').split('.');
  const words: string[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) {
      const last = words.pop() ?? 'item';
      words.push(`${last.replace(/s$/, '')} ${Number(p) + 1}`);
    } else
      words.push(
        p
          .replace(/Id$/, '')
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase(),
      );
  }
  return words.join(' ');
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
    if (err instanceof VendorError) {
      const { status, body } = vendorErrorBody(err);
      return c.json<ErrorBody>(body, status);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const code =
        status === 400 ? 'invalid_input' : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'http_error';
      return c.json<ErrorBody>({ code, message: err.message || 'Request failed', details: {} }, status);
    }
    logger.error('unhandled error', { path: c.req.path, method: c.req.method, error: err });
    return c.json<ErrorBody>(
      {
        code: 'internal',
        message:
          'Something went wrong in the sync server; nothing more was done with this request, and it has been ' +
          'logged. Try again, and if it happens again, tell your administrator.',
        details: {},
      },
      500,
    );
  };
}

/**
 * A vendor's refusal, told to the member: ConnectWise's field errors stay attached so the pod
 * can show each on its field, and a rejected sign-in asks for a reload rather than a retry.
 */
export function vendorErrorBody(err: VendorError): { status: ContentfulStatusCode; body: ErrorBody } {
  const details = {
    vendor: err.vendor,
    vendorStatus: err.status ?? null,
    vendorCode: err.vendorCode ?? null,
    fields: err.fields,
    // The vendor's own words, behind the pod's "details" toggle; the message is the member's.
    detail: vendorDetail(err),
  };
  const message = inMemberWords(err);
  switch (err.code) {
    case 'validation':
      return { status: 422, body: { code: `${err.vendor}_validation`, message, details } };
    case 'authentication':
      return {
        status: 401,
        body: {
          code: 'reload_required',
          message: `${err.vendorName} no longer accepts these credentials. Reload the tab to sign in again.`,
          details: { ...details, reason: 'vendor_credentials_rejected' },
        },
      };
    case 'permission':
      return { status: 403, body: { code: `${err.vendor}_permission`, message, details } };
    case 'not_found':
      return { status: 404, body: { code: `${err.vendor}_not_found`, message, details } };
    case 'conflict':
      return { status: 409, body: { code: `${err.vendor}_conflict`, message, details } };
    case 'rate_limited':
      return { status: 429, body: { code: `${err.vendor}_rate_limited`, message, details } };
    case 'unknown_outcome':
      return { status: 502, body: { code: 'unknown_outcome', message, details } };
    default:
      return { status: 502, body: { code: 'upstream_error', message, details } };
  }
}
