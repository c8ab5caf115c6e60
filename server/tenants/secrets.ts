import type { Tenant } from '../../db/queries/tenants.ts';
import type { SecretBox } from '../crypto.ts';

export interface ApiMemberKeys {
  publicKey: string;
  privateKey: string;
}

export interface DistributorCredentials {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  tokenUrl: string;
  audience: string;
}

/** Each secret is sealed with its tenant and column as context, so it cannot be moved between rows. */
const context = (tenantId: string, column: string) => `tenant:${tenantId}:${column}`;

export const sealApiKeys = (box: SecretBox, tenantId: string, keys: ApiMemberKeys) =>
  box.seal(JSON.stringify(keys), context(tenantId, 'api_keys'));
export const sealDistributor = (box: SecretBox, tenantId: string, creds: DistributorCredentials) =>
  box.seal(JSON.stringify(creds), context(tenantId, 'distributor_credentials'));

export function openApiKeys(box: SecretBox, tenant: Tenant): ApiMemberKeys | undefined {
  return tenant.apiKeysEnc
    ? (JSON.parse(box.open(tenant.apiKeysEnc, context(tenant.id, 'api_keys'))) as ApiMemberKeys)
    : undefined;
}

export function openDistributor(box: SecretBox, tenant: Tenant): DistributorCredentials | undefined {
  return tenant.distributorCredentialsEnc
    ? (JSON.parse(
        box.open(tenant.distributorCredentialsEnc, context(tenant.id, 'distributor_credentials')),
      ) as DistributorCredentials)
    : undefined;
}
