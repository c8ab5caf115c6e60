import type { TenantDistributor } from '../../db/queries/distributors.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import type { SecretBox } from '../crypto.ts';
import { type Credentials, distributorKind } from '../distributors/registry.ts';

export interface ApiMemberKeys {
  publicKey: string;
  privateKey: string;
}

/** Each secret is sealed with its tenant and column as context, so it cannot be moved between rows. */
const context = (tenantId: string, column: string) => `tenant:${tenantId}:${column}`;

export const sealApiKeys = (box: SecretBox, tenantId: string, keys: ApiMemberKeys) =>
  box.seal(JSON.stringify(keys), context(tenantId, 'api_keys'));

export function openApiKeys(box: SecretBox, tenant: Tenant): ApiMemberKeys | undefined {
  return tenant.apiKeysEnc
    ? (JSON.parse(box.open(tenant.apiKeysEnc, context(tenant.id, 'api_keys'))) as ApiMemberKeys)
    : undefined;
}

/** A distributor's credentials are sealed with the tenant and the distributor's kind. */
export const sealDistributor = (box: SecretBox, tenantId: string, kind: string, creds: Credentials) =>
  box.seal(JSON.stringify(creds), context(tenantId, `distributor:${kind}`));

export function openDistributor(box: SecretBox, tenantId: string, kind: string, sealed: string): Credentials {
  try {
    return JSON.parse(box.open(sealed, context(tenantId, `distributor:${kind}`))) as Credentials;
  } catch (error) {
    // Credentials an earlier release sealed keep the context they were sealed with, as their
    // kind declares, until an admin next enters them.
    for (const legacy of distributorKind(kind)?.legacySealContexts ?? []) {
      try {
        return JSON.parse(box.open(sealed, context(tenantId, legacy))) as Credentials;
      } catch {
        // Not this one either.
      }
    }
    throw error;
  }
}

export const openConnection = (box: SecretBox, row: TenantDistributor) =>
  openDistributor(box, row.tenantId, row.kind, row.credentialsEnc);
