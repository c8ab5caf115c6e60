import { normaliseSite } from '../../db/queries/tenants.ts';
import type { FieldError } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';

export const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/** Copying keys out of Manage often picks up a space; it is reported, never silently trimmed. */
export function whitespaceProblems(input: Record<string, unknown>, prefix = ''): FieldError[] {
  return Object.entries(input).flatMap(([key, value]) => {
    if (value && typeof value === 'object')
      return whitespaceProblems(value as Record<string, unknown>, `${prefix}${key}.`);
    if (typeof value !== 'string' || value.trim() === value) return [];
    const where = /\s$/.test(value) ? 'a trailing space' : 'a leading space';
    return [
      {
        field: `${prefix}${key}`,
        message: `has ${where}; remove it (keys copied from ConnectWise or a distributor's portal often pick one up)`,
      },
    ];
  });
}

export function siteAddress(site: string, sandbox: boolean): { host: string; protocol: 'https' | 'http' } | FieldError {
  const text = site.includes('://') ? site : `https://${site}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      field: 'site',
      message: `"${site}" is not a host or URL; use e.g. na.myconnectwise.net or https://cw.example.com`,
    };
  }
  if (url.protocol === 'http:' && !(sandbox && LOOPBACK.test(url.host))) {
    return {
      field: 'site',
      message: `"${site}" is not https; ConnectWise must be reached over https (self-hosted sites too)`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { field: 'site', message: `"${site}" must be an https URL` };
  return { host: normaliseSite(url.host), protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

export function vendorProblem(error: unknown, fields: { auth: string[]; site: string; what: string }): FieldError[] {
  if (!(error instanceof VendorError)) throw error;
  if (error.code === 'authentication')
    return fields.auth.map((field) => ({
      field,
      message: `${error.message}. Check the value, and that it has no extra characters.`,
    }));
  if (error.code === 'network')
    return [
      {
        field: fields.site,
        message: `${fields.what} could not be reached: ${error.message} Check the URL and that this server may connect to it.`,
      },
    ];
  return [{ field: fields.site, message: `${fields.what}: ${error.message}` }];
}
