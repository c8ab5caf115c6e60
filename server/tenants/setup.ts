import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { connectDistributor } from '../../db/queries/distributors.ts';
import { findTenantBySite, type Tenant, upsertTenant } from '../../db/queries/tenants.ts';
import { type CwClient, createCwClient } from '../connectwise/client.ts';
import { credentialsGiven, DISTRIBUTOR_KINDS } from '../distributors/registry.ts';
import { AppError, type FieldError, invalidInput } from '../errors.ts';
import { outbound } from '../http/outbound.ts';
import { VendorError } from '../http/vendor-error.ts';
import { LOOPBACK, siteAddress, vendorProblem, whitespaceProblems } from './checks.ts';
import {
  type CheckedDistributor,
  validateDistributor,
  verifyDistributor,
  withSpentTokens,
} from './connect-distributor.ts';
import { sealApiKeys, sealDistributor } from './secrets.ts';
import type { SetupDeps } from './setup-deps.ts';

/** A required text field whose message is the same whether it is absent or empty. */
const required = (message: string) => z.string({ error: message }).min(1, message);

/** Unknown fields are kept: a kind's earlier spelling of its credentials is one (`credentialsGiven`). */
export const tenantSetupSchema = z.looseObject({
  name: required("give the tenant a name, e.g. the MSP's name"),
  /** `na.myconnectwise.net`, or a self-hosted URL such as `https://cw.example.com`. */
  site: required('the ConnectWise site is required, e.g. na.myconnectwise.net'),
  companyId: required('the company id members type when they log in to ConnectWise is required'),
  clientId: required(
    'a clientId is required: every ConnectWise integration needs one from the ConnectWise developer portal',
  ),
  publicKey: required("the API member's public key is required"),
  privateKey: required("the API member's private key is required"),
  /** Credentials by distributor kind (`pax8`, `ion`), each checked against its kind's own form. */
  distributors: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  /** Origin of a self-hosted Manage that will frame the pod. */
  allowedOrigin: z.url().optional(),
});
export type TenantSetupInput = z.input<typeof tenantSetupSchema>;

export type { SetupDeps } from './setup-deps.ts';

export interface SetupResult {
  tenant: Tenant;
  created: boolean;
  connectwise: { companyName: string; codebase: string; version: string; apiMember: string };
  /** The distributors connected by this setup, and how many companies each lets the sync see. */
  distributors: { kind: string; displayName: string; companies: number }[];
}

/**
 * ConnectWise as the API member sees it: the company exists at the site, the keys and the
 * clientId are accepted. Each problem is added to `problems`, named by the field to fix.
 */
async function checkConnectWise(
  cw: CwClient,
  companyId: string,
  site: { host: string; protocol: 'https' | 'http' },
  problems: FieldError[],
): Promise<SetupResult['connectwise'] | undefined> {
  let connectwise: SetupResult['connectwise'] | undefined;
  try {
    const info = await cw.companyInfo().catch((error: unknown) => {
      if (error instanceof VendorError && error.code === 'not_found') {
        throw new AppError('invalid_input', 'companyId not found', {
          fields: [
            {
              field: 'companyId',
              message: `ConnectWise at ${site.host} has no company "${companyId}"; use the company id members log in with`,
            },
          ],
        });
      }
      throw error;
    });
    const system = await cw.system.info();
    const member = await cw.system.myMember();
    connectwise = {
      companyName: info.CompanyName,
      codebase: info.Codebase,
      version: system.version,
      apiMember: member.identifier,
    };
  } catch (error) {
    if (error instanceof AppError) problems.push(...((error.details.fields as FieldError[]) ?? []));
    else {
      const isClientId = error instanceof VendorError && /clientId/i.test(error.message);
      problems.push(
        ...(isClientId
          ? [{ field: 'clientId', message: `ConnectWise refused the clientId: ${(error as VendorError).message}` }]
          : vendorProblem(error, {
              auth: ['publicKey', 'privateKey'],
              site: 'site',
              what: `ConnectWise at ${site.protocol}://${site.host}`,
            })),
      );
    }
  }
  return connectwise;
}

/**
 * Registers (or updates) a tenant after proving its connections work: ConnectWise with the
 * API member's keys, and each distributor given with its credentials. Every problem found is
 * reported together, each naming its field and the fix; nothing is stored unless all pass.
 */
export async function setupTenant(deps: SetupDeps, raw: unknown): Promise<SetupResult> {
  const parsed = tenantSetupSchema.safeParse(raw);
  const body = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const legacy = new Set(DISTRIBUTOR_KINDS.map((k) => k.legacyInputKey));
  const own = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'distributors' && !legacy.has(k)));
  const spaces = whitespaceProblems(own);
  // Each distributor's fields are checked against its own kind's form, with everything else.
  const given = parsed.success ? credentialsGiven(parsed.data) : {};
  const validated = Object.entries(given).map(([kind, fields]) => validateDistributor(kind, fields, deps.sandbox));
  const invalid = validated.flatMap((v) => ('problems' in v ? v.problems : []));
  const address = parsed.success ? siteAddress(parsed.data.site, deps.sandbox) : undefined;
  const badSite = address && 'field' in address ? [address] : [];
  if (!parsed.success || spaces.length > 0 || invalid.length > 0 || badSite.length > 0) {
    const schemaProblems = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw invalidInput([...spaces, ...schemaProblems, ...badSite, ...invalid]);
  }
  const valid = validated.flatMap((v) => ('problems' in v ? [] : [v]));
  const input = parsed.data;
  const site = address as { host: string; protocol: 'https' | 'http' };
  if (input.allowedOrigin) {
    const origin = new URL(input.allowedOrigin);
    if (origin.protocol !== 'https:' && !(deps.sandbox && LOOPBACK.test(origin.host))) {
      throw invalidInput([{ field: 'allowedOrigin', message: 'must be an https origin' }]);
    }
  }

  const problems: FieldError[] = [];
  const cw = createCwClient({
    site: site.host,
    protocol: site.protocol,
    companyId: input.companyId,
    clientId: input.clientId,
    auth: { kind: 'apiMember', publicKey: input.publicKey, privateKey: input.privateKey },
    fetch: outbound(deps.sandbox, deps.fetch),
    siteCache: deps.siteCache,
    timeoutMs: deps.timeoutMs ?? 15_000,
    retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, budgetMs: 2_000 },
  });
  const connectwise = await checkConnectWise(cw, input.companyId, site, problems);

  const existing = await findTenantBySite(deps.db, site.host, input.companyId);
  if (Object.keys(given).length === 0 && !existing)
    problems.push({
      field: 'distributors',
      message: `connect at least one distributor: ${DISTRIBUTOR_KINDS.map((k) => k.displayName).join(' or ')}`,
    });
  // A single-use credential (StreamOne Ion's refresh token) is checked only once everything
  // else passed: checking spends it, which is only worth doing when it can be stored.
  const checked: CheckedDistributor[] = [];
  for (const last of [false, true]) {
    if (last && problems.length > 0) break;
    for (const v of valid.filter((x) => x.kind.singleUse === last)) {
      const result = await verifyDistributor(v.kind, v.credentials, {
        ...deps,
        fetch: outbound(deps.sandbox, deps.fetch),
      });
      if ('problems' in result) problems.push(...result.problems);
      else checked.push(result);
    }
  }
  if (problems.length > 0 || !connectwise) throw invalidInput(withSpentTokens(problems, checked));

  const id = existing?.id ?? randomUUID();
  const tenant = await deps.db.transaction(async (tx) => {
    const row = await upsertTenant(
      tx,
      {
        id,
        name: input.name,
        site: site.host,
        protocol: site.protocol,
        companyId: input.companyId,
        codebase: connectwise.codebase,
        clientId: input.clientId,
        apiKeysEnc: sealApiKeys(deps.secrets, id, { publicKey: input.publicKey, privateKey: input.privateKey }),
        allowedOrigin: input.allowedOrigin ? new URL(input.allowedOrigin).origin : null,
      },
      deps.now(),
    );
    for (const d of checked)
      await connectDistributor(
        tx,
        id,
        d.kind,
        sealDistributor(deps.secrets, id, d.kind, d.credentials),
        deps.connectedBy ?? 'tenant setup',
        deps.now(),
      );
    return row;
  });
  return {
    tenant,
    created: !existing,
    connectwise,
    distributors: checked.map(({ kind, displayName, companies }) => ({ kind, displayName, companies })),
  };
}
