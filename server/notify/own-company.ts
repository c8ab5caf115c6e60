import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';

/**
 * The MSP's own companies in Manage: of the company type "Owner", or whose identifier is the
 * instance's company id. A digest ticket carries every customer's subscriptions and
 * differences, so it is opened only on one of these, never on a customer, who may read its
 * tickets in the customer portal.
 */
export async function ownCompanies(cw: CwClient, instanceCompanyId: string) {
  const companies = await cw.companies.search({
    conditions: where.eq('deletedFlag', false),
    fields: 'id,identifier,name,types',
  });
  return companies
    .filter(
      (c) =>
        c.identifier?.toLowerCase() === instanceCompanyId.toLowerCase() ||
        (c.types ?? []).some((t) => (t as { name?: string }).name?.toLowerCase() === 'owner'),
    )
    .map((c) => ({ id: c.id, name: c.name }));
}

/** A subject or summary on one line: CR and LF would start new header lines or fields. */
export const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
