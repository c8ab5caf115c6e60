import { codeForStatus, VendorError } from '../http/vendor-error.ts';
import { cwErrorBodySchema } from './types.ts';

/** Reads Manage's error bodies (`{code,message,errors[]}`, or `{error,message}` on a 429). */
export function cwError(method: string, url: string, response: Response, text: string): VendorError {
  const path = new URL(url).pathname;
  let parsed: ReturnType<typeof cwErrorBodySchema.safeParse> | undefined;
  try {
    parsed = cwErrorBodySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  const body = parsed?.success ? parsed.data : undefined;
  const fields = (body?.errors ?? []).map((e) => ({
    field: e.field ?? e.resource ?? '(record)',
    message: e.message,
    code: e.code,
  }));
  const code = codeForStatus(response.status);
  const detail = fields.length > 0 ? fields.map((f) => `${f.field}: ${f.message}`).join('; ') : body?.message;
  const what: Record<string, string> = {
    validation: 'ConnectWise rejected the request',
    authentication: 'ConnectWise did not accept the credentials',
    permission: "The member's ConnectWise security role does not allow this",
    not_found: 'ConnectWise has no such record',
    conflict: 'ConnectWise reported a conflict',
    rate_limited: 'ConnectWise is rate limiting requests',
    server: `ConnectWise failed (HTTP ${response.status})`,
  };
  return new VendorError({
    vendor: 'connectwise',
    code,
    status: response.status,
    method,
    path,
    fields,
    vendorCode: body?.code ?? body?.error,
    message: detail
      ? `${what[code] ?? 'ConnectWise error'}: ${detail}`
      : (what[code] ?? `ConnectWise answered ${response.status}`),
  });
}
