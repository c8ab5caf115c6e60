import type { Database } from '../../db/client.ts';
import { createCwClient } from '../connectwise/client.ts';
import type { SecretBox } from '../crypto.ts';
import { readManifest } from '../tenants/manifest.ts';
import { type RegisterOutcome, registerHostedEntries } from '../tenants/register.ts';
import { type SetupResult, setupTenant } from '../tenants/setup.ts';
import type { RunningSandboxes } from './start.ts';

/** The tenant-setup input for the sandbox ConnectWise and Pax8. */
export function sandboxTenantInput(s: RunningSandboxes) {
  const api = s.world.cw.apiMembers[0]!;
  return {
    name: s.world.cw.companyName,
    site: s.cw.url,
    companyId: s.world.cw.companyId,
    clientId: s.world.cw.clientId,
    publicKey: api.publicKey,
    privateKey: api.privateKey,
    pax8: {
      clientId: s.world.pax8.clientId,
      clientSecret: s.world.pax8.clientSecret,
      baseUrl: s.pax8.baseUrl,
      tokenUrl: s.pax8.tokenUrl,
      audience: 'https://api.pax8.com',
    },
    // The sandbox host page is served by the sandbox ConnectWise, as Manage serves its own.
    allowedOrigin: s.cw.url,
  };
}

/** StreamOne Ion's connection to the sandbox: a refresh token issued now, as the Ion portal issues one. */
export const sandboxIonCredentials = (s: RunningSandboxes) => ({
  accountId: s.world.ion.accountId,
  refreshToken: s.ion.issueRefreshToken(),
  baseUrl: s.ion.url,
});

/** Sophos Central's connection to the sandbox: its partner API credentials. */
export const sandboxSophosCredentials = (s: RunningSandboxes) => ({
  clientId: s.world.sophos.clientId,
  clientSecret: s.world.sophos.clientSecret,
  tokenUrl: s.sophos.tokenUrl,
  apiUrl: s.sophos.url,
});

/**
 * What an MSP admin does once, done for the demo: register the tenant (testing both
 * connections) and create the tab and pod in the sandbox ConnectWise's Hosted API table.
 */
export async function bootstrapSandboxTenant(
  deps: { db: Database; secrets: SecretBox; now: () => Date },
  s: RunningSandboxes,
  publicOrigin: string,
  /** StreamOne Ion (and Sophos Central) are connected as well as Pax8 (the demo connects all three). */
  options: { ion?: boolean; sophos?: boolean } = {},
): Promise<{ setup: SetupResult; registered: RegisterOutcome[] }> {
  const setup = await setupTenant(
    { db: deps.db, secrets: deps.secrets, sandbox: true, now: deps.now },
    {
      ...sandboxTenantInput(s),
      distributors: {
        ...(options.ion ? { ion: sandboxIonCredentials(s) } : {}),
        ...(options.sophos ? { sophos: sandboxSophosCredentials(s) } : {}),
      },
    },
  );
  const api = s.world.cw.apiMembers[0]!;
  const cw = createCwClient({
    site: s.cw.site,
    protocol: 'http',
    companyId: s.world.cw.companyId,
    clientId: s.world.cw.clientId,
    auth: { kind: 'apiMember', publicKey: api.publicKey, privateKey: api.privateKey },
  });
  const registered = await registerHostedEntries(
    cw,
    readManifest(),
    publicOrigin,
    s.world.cw.clientId,
    setup.tenant.id,
  );
  return { setup, registered };
}
