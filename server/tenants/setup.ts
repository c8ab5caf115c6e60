import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { findTenantBySite, normaliseSite, type Tenant, upsertTenant } from '../../db/queries/tenants.ts';
import { createCwClient } from '../connectwise/client.ts';
import type { SiteCache } from '../connectwise/site.ts';
import type { SecretBox } from '../crypto.ts';
import { createPax8Distributor } from '../distributors/pax8/adapter.ts';
import { createPax8Api } from '../distributors/pax8/api.ts';
import { AppError, type FieldError, invalidInput } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import { sealApiKeys, sealDistributor } from './secrets.ts';

/** A required text field whose message is the same whether it is absent or empty. */
const required = (message: string) => z.string({ error: message }).min(1, message);

export const tenantSetupSchema = z.object({
  name: required("give the tenant a name, e.g. the MSP's name"),
  /** `na.myconnectwise.net`, or a self-hosted URL such as `https://cw.example.com`. */
  site: required('the ConnectWise site is required, e.g. na.myconnectwise.net'),
  companyId: required('the company id members type when they log in to ConnectWise is required'),
  clientId: required(
    'a clientId is required: every ConnectWise integration needs one from the ConnectWise developer portal',
  ),
  publicKey: required("the API member's public key is required"),
  privateKey: required("the API member's private key is required"),
  pax8: z.object({
    clientId: required('the Pax8 client id is required'),
    clientSecret: required('the Pax8 client secret is required'),
    baseUrl: z.url().default('https://api.pax8.com/v1'),
    tokenUrl: z.url().default('https://token-manager.pax8.com/oauth/token'),
    audience: z.string().default('https://api.pax8.com'),
  }),
  /** Origin of a self-hosted Manage that will frame the pod. */
  allowedOrigin: z.url().optional(),
});
export type TenantSetupInput = z.input<typeof tenantSetupSchema>;

export interface SetupDeps {
  db: Database;
  secrets: SecretBox;
  /** Sandbox mode allows plain http to loopback hosts; nothing else may skip TLS. */
  sandbox: boolean;
  fetch?: typeof fetch;
  siteCache?: SiteCache;
  timeoutMs?: number;
}

export interface SetupResult {
  tenant: Tenant;
  created: boolean;
  connectwise: { companyName: string; codebase: string; version: string; apiMember: string };
  pax8: { companies: number };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/** Copying keys out of Manage often picks up a space; it is reported, never silently trimmed. */
function whitespaceProblems(input: Record<string, unknown>, prefix = ''): FieldError[] {
  return Object.entries(input).flatMap(([key, value]) => {
    if (value && typeof value === 'object')
      return whitespaceProblems(value as Record<string, unknown>, `${prefix}${key}.`);
    if (typeof value !== 'string' || value.trim() === value) return [];
    const where = /\s$/.test(value) ? 'a trailing space' : 'a leading space';
    return [
      {
        field: `${prefix}${key}`,
        message: `has ${where}; remove it (keys copied from ConnectWise or Pax8 often pick one up)`,
      },
    ];
  });
}

function siteAddress(site: string, sandbox: boolean): { host: string; protocol: 'https' | 'http' } | FieldError {
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

function vendorProblem(error: unknown, fields: { auth: string[]; site: string; what: string }): FieldError[] {
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

/**
 * Registers (or updates) a tenant after proving both connections work: ConnectWise with the
 * API member's keys, and the distributor with its client credentials. Every problem found is
 * reported together, each naming its field and the fix; nothing is stored unless both pass.
 */
export async function setupTenant(deps: SetupDeps, raw: unknown): Promise<SetupResult> {
  const parsed = tenantSetupSchema.safeParse(raw);
  const spaces = raw && typeof raw === 'object' ? whitespaceProblems(raw as Record<string, unknown>) : [];
  if (!parsed.success || spaces.length > 0) {
    const schemaProblems = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw invalidInput([...spaces, ...schemaProblems]);
  }
  const input = parsed.data;
  const address = siteAddress(input.site, deps.sandbox);
  if ('field' in address) throw invalidInput([address]);
  if (input.allowedOrigin) {
    const origin = new URL(input.allowedOrigin);
    if (origin.protocol !== 'https:' && !(deps.sandbox && LOOPBACK.test(origin.host))) {
      throw invalidInput([{ field: 'allowedOrigin', message: 'must be an https origin' }]);
    }
  }

  const problems: FieldError[] = [];
  const cw = createCwClient({
    site: address.host,
    protocol: address.protocol,
    companyId: input.companyId,
    clientId: input.clientId,
    auth: { kind: 'apiMember', publicKey: input.publicKey, privateKey: input.privateKey },
    fetch: deps.fetch,
    siteCache: deps.siteCache,
    timeoutMs: deps.timeoutMs ?? 15_000,
    retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, budgetMs: 2_000 },
  });
  let connectwise: SetupResult['connectwise'] | undefined;
  try {
    const info = await cw.companyInfo().catch((error: unknown) => {
      if (error instanceof VendorError && error.code === 'not_found') {
        throw new AppError('invalid_input', 'companyId not found', {
          fields: [
            {
              field: 'companyId',
              message: `ConnectWise at ${address.host} has no company "${input.companyId}"; use the company id members log in with`,
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
              what: `ConnectWise at ${address.protocol}://${address.host}`,
            })),
      );
    }
  }

  let pax8: SetupResult['pax8'] | undefined;
  try {
    const distributor = createPax8Distributor(
      createPax8Api({
        ...input.pax8,
        fetch: deps.fetch,
        timeoutMs: deps.timeoutMs ?? 15_000,
        retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, budgetMs: 2_000 },
      }),
    );
    await distributor.verify();
    pax8 = { companies: (await distributor.companies()).items.length };
  } catch (error) {
    problems.push(
      ...vendorProblem(error, {
        auth: ['pax8.clientId', 'pax8.clientSecret'],
        site: 'pax8.baseUrl',
        what: `Pax8 at ${input.pax8.baseUrl}`,
      }),
    );
  }
  if (problems.length > 0 || !connectwise || !pax8) throw invalidInput(problems);

  const existing = await findTenantBySite(deps.db, address.host, input.companyId);
  const id = existing?.id ?? randomUUID();
  const tenant = await upsertTenant(deps.db, {
    id,
    name: input.name,
    site: address.host,
    protocol: address.protocol,
    companyId: input.companyId,
    codebase: connectwise.codebase,
    clientId: input.clientId,
    apiKeysEnc: sealApiKeys(deps.secrets, id, { publicKey: input.publicKey, privateKey: input.privateKey }),
    distributor: 'pax8',
    distributorCredentialsEnc: sealDistributor(deps.secrets, id, input.pax8),
    allowedOrigin: input.allowedOrigin ? new URL(input.allowedOrigin).origin : null,
  });
  return { tenant, created: !existing, connectwise, pax8 };
}
