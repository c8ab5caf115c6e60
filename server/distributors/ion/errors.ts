import { codeForStatus, VendorError } from '../../http/vendor-error.ts';
import { ionErrorSchema } from './types.ts';

export const ION = { vendor: 'ion', vendorName: 'StreamOne Ion' } as const;

/** What a person does when Ion no longer accepts the stored refresh token. */
export const RECONNECT =
  'Reconnect StreamOne Ion: in the Ion portal, under Settings › Users, request new OAuth credentials for the ' +
  'integration user and enter the refresh token on the Connections page.';

/** Reads Ion's `{code,message}` bodies and the token endpoint's `{error,error_description}`. */
export function ionError(method: string, url: string, response: Response, text: string): VendorError {
  let body: ReturnType<typeof ionErrorSchema.safeParse>['data'];
  try {
    body = ionErrorSchema.safeParse(JSON.parse(text)).data;
  } catch {
    body = undefined;
  }
  const path = new URL(url).pathname;
  // A refused refresh token is a 400 invalid_grant: used before, expired, or never issued.
  if (body?.error === 'invalid_grant') {
    return new VendorError({
      ...ION,
      code: 'authentication',
      status: response.status,
      method,
      path,
      vendorCode: 'invalid_grant',
      message: `StreamOne Ion refused the stored refresh token (${body.error_description ?? 'invalid_grant'}). ${RECONNECT}`,
    });
  }
  const code = codeForStatus(response.status);
  const what: Record<string, string> = {
    validation: 'StreamOne Ion rejected the request',
    authentication: 'StreamOne Ion did not accept the access token',
    permission: 'The StreamOne Ion user may not read this account',
    not_found: 'StreamOne Ion has no such record',
    conflict: 'StreamOne Ion reported a conflict',
    rate_limited: 'StreamOne Ion is rate limiting requests',
    server: `StreamOne Ion failed (HTTP ${response.status})`,
  };
  const detail = body?.message ?? body?.error_description;
  return new VendorError({
    ...ION,
    code,
    status: response.status,
    method,
    path,
    vendorCode: body?.code ?? body?.error,
    message: detail
      ? `${what[code] ?? 'StreamOne Ion error'}: ${detail}`
      : (what[code] ?? `StreamOne Ion answered ${response.status}`),
  });
}
