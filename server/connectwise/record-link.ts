import type { Tenant } from '../../db/queries/tenants.ts';

/**
 * A link that opens a record in Manage, as Manage's own record links read
 * (`/v4_6_release/services/system_io/router/openrecord.rails?recordType=CompanyFV&recid=…`):
 * the company screen holds the plugin's tab, the agreement screen its pod.
 */
export function manageRecordLink(
  tenant: Pick<Tenant, 'protocol' | 'site' | 'companyId'>,
  record: 'company' | 'agreement',
  id: number,
): string {
  const query = new URLSearchParams({
    recordType: record === 'company' ? 'CompanyFV' : 'AgreementFV',
    recid: String(id),
    companyName: tenant.companyId,
  });
  return `${tenant.protocol}://${tenant.site}/v4_6_release/services/system_io/router/openrecord.rails?${query}`;
}
