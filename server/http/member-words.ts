import type { VendorError } from './vendor-error.ts';

/**
 * What a vendor's refusal means for the member who asked, and what to do next. The vendor's
 * own words (method, path, status, code) are kept apart, for the "details" toggle and the Log.
 */
export function inMemberWords(error: VendorError): string {
  const who = error.vendorName;
  if (error.fix) return error.fix;
  switch (error.code) {
    case 'validation': {
      const fields = error.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      return fields
        ? `${who} refused the values sent (${fields}). Correct ${error.fields.length === 1 ? 'that field' : 'those fields'} and try again.`
        : `${who} refused the values sent. Check them against the record in ${who} and try again.`;
    }
    case 'authentication':
      return `${who} no longer accepts the sign-in. Reload the tab to sign in again.`;
    case 'permission':
      return `${who} says the role in use may not do this. An administrator can grant it in ${who}'s security roles.`;
    case 'not_found':
      return `${who} no longer has this record; it may have been deleted or moved. Reload to see what is there now.`;
    case 'conflict':
      return `${who} refused it because the record changed at the same time. Reload and try again.`;
    case 'rate_limited':
      return `${who} asked for fewer requests for a while. Wait a minute and try again.`;
    case 'unknown_outcome':
      return `${who} did not confirm the write, so it may or may not have been made. It is checked before anything is sent again, so nothing is billed twice.`;
    case 'bad_response':
      return (
        `${who} answered with something the sync could not read. Nothing was changed by this request; try ` +
        `again later, and if it persists, send the details to support.`
      );
    default:
      return `${who} could not be reached or had a problem of its own. Nothing was changed by this request; try again in a few minutes.`;
  }
}

/** The vendor's own account of a failure, for whoever digs: method, path, status and message. */
export function vendorDetail(error: VendorError): string {
  const code = error.vendorCode ? ` [${error.vendorCode}]` : '';
  const said = error.message.includes(error.path) ? error.message : `${error.method} ${error.path}: ${error.message}`;
  return `${said}${code}`;
}
