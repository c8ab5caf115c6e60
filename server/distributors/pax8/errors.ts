import { codeForStatus, VendorError } from '../../http/vendor-error.ts';
import { pax8ErrorSchema } from './types.ts';

/** Reads Pax8's `{type,message,status,details}` bodies and the token endpoint's `{error,error_description}`. */
export function pax8Error(method: string, url: string, response: Response, text: string): VendorError {
  let body: ReturnType<typeof pax8ErrorSchema.safeParse>['data'];
  try {
    body = pax8ErrorSchema.safeParse(JSON.parse(text)).data;
  } catch {
    body = undefined;
  }
  const code = codeForStatus(response.status);
  const detail = body?.message ?? body?.error_description;
  const what: Record<string, string> = {
    validation: 'Pax8 rejected the request',
    authentication: 'Pax8 did not accept the client id and secret',
    permission: 'The Pax8 credentials do not allow this',
    not_found: 'Pax8 has no such record',
    conflict: 'Pax8 reported a conflict',
    rate_limited: 'Pax8 is rate limiting requests',
    server: `Pax8 failed (HTTP ${response.status})`,
  };
  const fields = (body?.details ?? []).flatMap((d) => {
    const x = d as { field?: unknown; message?: unknown };
    return typeof x.message === 'string'
      ? [{ field: typeof x.field === 'string' ? x.field : '(request)', message: x.message }]
      : [];
  });
  return new VendorError({
    vendor: 'pax8',
    vendorName: 'Pax8',
    code,
    status: response.status,
    method,
    path: new URL(url).pathname,
    fields,
    vendorCode: body?.type ?? body?.error,
    message: detail ? `${what[code] ?? 'Pax8 error'}: ${detail}` : (what[code] ?? `Pax8 answered ${response.status}`),
  });
}
