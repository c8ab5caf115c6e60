import type { Database } from '../../db/client.ts';
import { createCwClient } from '../connectwise/client.ts';
import type { SecretBox } from '../crypto.ts';
import { readManifest } from '../tenants/manifest.ts';
import { type RegisterOutcome, registerHostedEntries } from '../tenants/register.ts';
import { type SetupResult, setupTenant } from '../tenants/setup.ts';
import { SANDBOXES, type SandboxKey, sandboxEntries } from './registry.ts';
import type { RunningSandboxes } from './start.ts';

/** The tenant-setup input for the sandbox ConnectWise and the distributors named (Pax8 unless told otherwise). */
export function sandboxTenantInput(s: RunningSandboxes, connect: SandboxConnections = {}) {
  const api = s.world.cw.apiMembers[0]!;
  return {
    name: s.world.cw.companyName,
    site: s.cw.url,
    companyId: s.world.cw.companyId,
    clientId: s.world.cw.clientId,
    publicKey: api.publicKey,
    privateKey: api.privateKey,
    distributors: Object.fromEntries(
      sandboxEntries()
        .filter(([key]) => connect[key] ?? key === 'pax8')
        .map(([key, sandbox]) => [sandbox.kind, sandbox.credentials(s[key], s.world)]),
    ),
    // The sandbox host page is served by the sandbox ConnectWise, as Manage serves its own.
    allowedOrigin: s.cw.url,
  };
}

/** Which distributor sandboxes the demo tenant connects, by kind: Pax8 unless `pax8: false`. */
export type SandboxConnections = Partial<Record<SandboxKey, boolean>>;

/** A distributor sandbox's connection as an admin would enter it (StreamOne Ion's: a refresh token issued now). */
export const sandboxCredentials = (s: RunningSandboxes, key: SandboxKey) =>
  SANDBOXES[key].credentials(s[key] as never, s.world);

/**
 * What an MSP admin does once, done for the demo: register the tenant (testing both
 * connections) and create the tab and pod in the sandbox ConnectWise's Hosted API table.
 */
export async function bootstrapSandboxTenant(
  deps: { db: Database; secrets: SecretBox; now: () => Date },
  s: RunningSandboxes,
  publicOrigin: string,
  /** The distributors connected besides Pax8 (the demo connects every one). */
  connect: SandboxConnections = {},
): Promise<{ setup: SetupResult; registered: RegisterOutcome[] }> {
  const setup = await setupTenant(
    { db: deps.db, secrets: deps.secrets, sandbox: true, now: deps.now },
    sandboxTenantInput(s, connect),
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
