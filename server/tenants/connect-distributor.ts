import { type Credentials, connectionKeyFor, type DistributorKind, distributorKind } from '../distributors/registry.ts';
import type { FieldError } from '../errors.ts';
import { outbound } from '../http/outbound.ts';
import { LOOPBACK, vendorProblem, whitespaceProblems } from './checks.ts';
import type { SetupDeps } from './setup-deps.ts';

export interface CheckedDistributor {
  /** The key it is stored under: its kind, or a file source's own (`connection-key.ts`). */
  kind: string;
  displayName: string;
  /** As they must be stored: a rotating token is the one the check was given back. */
  credentials: Credentials;
  companies: number;
  /** The check spent a single-use token: if nothing is stored, the admin needs a new one. */
  rotates: boolean;
}

/**
 * One distributor's credentials as entered, before any call: its kind's form, no stray
 * spaces, and https (or a loopback sandbox). Problems name the field as `{kind}.{field}`.
 */
export function validateDistributor(
  kind: string,
  raw: Record<string, unknown>,
  sandbox: boolean,
): { kind: DistributorKind; credentials: Credentials } | { problems: FieldError[] } {
  const known = distributorKind(kind);
  if (!known)
    return {
      problems: [{ field: `distributors.${kind}`, message: `"${kind}" is not a distributor this version knows` }],
    };
  const spaces = whitespaceProblems(raw, `${kind}.`);
  const parsed = known.credentials.safeParse(raw);
  if (!parsed.success || spaces.length > 0)
    return {
      problems: [
        ...spaces,
        ...(parsed.success
          ? []
          : parsed.error.issues.map((i) => ({ field: `${kind}.${i.path.join('.')}`, message: i.message }))),
      ],
    };
  const insecure = known.urlFields.filter((f) => {
    const url = new URL(parsed.data[f]!);
    return url.protocol !== 'https:' && !(sandbox && LOOPBACK.test(url.host));
  });
  if (insecure.length > 0)
    return { problems: insecure.map((f) => ({ field: `${kind}.${f}`, message: 'must be an https URL' })) };
  return { kind: known, credentials: parsed.data };
}

/**
 * A real call with credentials that passed `validateDistributor`. It runs on a copy of them,
 * so a token the call rotated is what gets stored.
 */
export async function verifyDistributor(
  known: DistributorKind,
  credentials: Credentials,
  deps: Pick<SetupDeps, 'fetch' | 'timeoutMs'>,
): Promise<CheckedDistributor | { problems: FieldError[] }> {
  let current = { ...credentials };
  let rotates = false;
  const distributor = known.open(
    credentials,
    {
      read: async () => current,
      replace: async (stillCurrent, next) => {
        if (!stillCurrent(current)) return false;
        current = next(current);
        rotates = true;
        return true;
      },
    },
    {
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs ?? 15_000,
      retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, budgetMs: 2_000 },
    },
  );
  try {
    await distributor.verify();
    const companies = (await distributor.companies()).items.length;
    const kind = connectionKeyFor(known, current);
    return { kind, displayName: distributor.displayName, credentials: current, companies, rotates };
  } catch (error) {
    const kind = known.kind;
    const entered = known.fields.filter((f) => !f.optional).map((f) => `${kind}.${f.name}`);
    const url = known.urlFields[0];
    return {
      problems: vendorProblem(error, {
        auth: entered,
        site: url ? `${kind}.${url}` : kind,
        what: `${known.displayName}${url ? ` at ${credentials[url]}` : ''}`,
      }),
    };
  }
}

/** Both steps, for one distributor on its own (the Connections page). */
export async function checkDistributor(
  kind: string,
  raw: Record<string, unknown>,
  deps: Pick<SetupDeps, 'sandbox' | 'fetch' | 'timeoutMs'>,
): Promise<CheckedDistributor | { problems: FieldError[] }> {
  const valid = validateDistributor(kind, raw, deps.sandbox);
  if ('problems' in valid) return valid;
  return verifyDistributor(valid.kind, valid.credentials, { ...deps, fetch: outbound(deps.sandbox, deps.fetch) });
}

/**
 * When setup stores nothing, a single-use token a passing check spent is gone: the admin is
 * told to get a new one rather than find out on the next try.
 */
export function withSpentTokens(problems: FieldError[], checked: CheckedDistributor[]): FieldError[] {
  return [
    ...problems,
    ...checked
      .filter((d) => d.rotates)
      .map((d) => ({
        field: `${d.kind}.${distributorKind(d.kind)!.fields.find((f) => f.secret)?.name ?? 'credentials'}`,
        message: `${d.displayName} accepted it, but it can be used only once and nothing was stored: request a new one before trying again`,
      })),
  ];
}
