import { codeForStatus, VendorError } from '../../http/vendor-error.ts';
import { sophosErrorSchema } from './types.ts';

export const SOPHOS = { vendor: 'sophos', vendorName: 'Sophos Central' } as const;

/** Reads Sophos Central's `{error, message}` and the token endpoint's `{errorCode, message}`. */
export function sophosError(method: string, url: string, response: Response, text: string): VendorError {
  let body: ReturnType<typeof sophosErrorSchema.safeParse>['data'];
  try {
    body = sophosErrorSchema.safeParse(JSON.parse(text)).data;
  } catch {
    body = undefined;
  }
  const code = codeForStatus(response.status);
  const what: Record<string, string> = {
    validation: 'Sophos Central rejected the request',
    authentication:
      'Sophos Central did not accept the credentials: check the client id and secret (Sophos Central Partner › Settings › API Credentials)',
    permission: 'These Sophos Central credentials may not read this partner',
    not_found: 'Sophos Central has no such record',
    rate_limited: 'Sophos Central is rate limiting requests',
    server: `Sophos Central failed (HTTP ${response.status})`,
  };
  return new VendorError({
    ...SOPHOS,
    code,
    status: response.status,
    method,
    path: new URL(url).pathname,
    vendorCode: body?.error ?? body?.errorCode,
    message: body?.message
      ? `${what[code] ?? 'Sophos Central error'}: ${body.message}`
      : (what[code] ?? `Sophos Central answered ${response.status}`),
  });
}
