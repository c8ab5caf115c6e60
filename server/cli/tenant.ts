import { parseArgs } from 'node:util';
import { DISTRIBUTOR_KINDS } from '../distributors/registry.ts';
import { AppError, type FieldError } from '../errors.ts';
import { openRuntime } from '../runtime.ts';
import { setupTenant } from '../tenants/setup.ts';
import { readSecret } from './secret-input.ts';

/** `clientSecret` → `client-secret` (flags) and `CLIENT_SECRET` (environment). */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const snake = (name: string) => kebab(name).replace(/-/g, '_').toUpperCase();
/** Each distributor's fields, from the registry: `--pax8-client-id`, or `PAX8_CLIENT_SECRET` for a secret. */
const distributorFlags = DISTRIBUTOR_KINDS.flatMap((k) =>
  k.fields.map((f) => ({
    kind: k,
    field: f,
    flag: `${k.kind}-${kebab(f.name)}`,
    variable: `${k.kind.toUpperCase()}_${snake(f.name)}`,
  })),
);

/**
 * `npm run tenant -- --name "Acme MSP" --site na.myconnectwise.net --company acme --client-id <guid>
 *   --public-key <key> [--pax8-client-id <id> …] [--ion-account-id <id> …] [--origin https://cw.example.com]`
 * with `CW_PRIVATE_KEY` and each distributor's secrets (`PAX8_CLIENT_SECRET`, `ION_REFRESH_TOKEN`)
 * in the environment, or typed without echo when asked. A distributor is connected when any of
 * its flags is given. Tests every connection, then registers or updates the tenant. Values are
 * taken exactly as typed: a stray space is reported, not trimmed.
 */
const { values } = parseArgs({
  // Secret flags are still recognised, only to be refused with the way to pass them instead.
  options: {
    name: { type: 'string' },
    site: { type: 'string' },
    company: { type: 'string' },
    'client-id': { type: 'string' },
    'public-key': { type: 'string' },
    'private-key': { type: 'string' },
    origin: { type: 'string' },
    ...Object.fromEntries(distributorFlags.map((d) => [d.flag, { type: 'string' as const }])),
  },
});
const flag: Record<string, string> = {
  name: '--name',
  site: '--site',
  companyId: '--company',
  clientId: '--client-id',
  publicKey: '--public-key',
  privateKey: 'CW_PRIVATE_KEY',
  allowedOrigin: '--origin',
  ...Object.fromEntries(
    distributorFlags.map((d) => [`${d.kind.kind}.${d.field.name}`, d.field.secret ? d.variable : `--${d.flag}`]),
  ),
};

const secretFlags = [
  { flag: 'private-key', variable: 'CW_PRIVATE_KEY' },
  ...distributorFlags.filter((d) => d.field.secret),
].filter((f) => values[f.flag as keyof typeof values] !== undefined);
if (secretFlags.length > 0) {
  process.stderr.write(
    `Tenant not saved:\n${secretFlags
      .map(
        (f) =>
          `  --${f.flag}: secrets are not taken as flags (npm prints them back, and shells keep them); set ` +
          `${f.variable} in the environment, or leave it out to be asked`,
      )
      .join('\n')}\n`,
  );
  process.exit(1);
}
const privateKey = await readSecret('CW_PRIVATE_KEY', 'ConnectWise API member private key');
const distributors: Record<string, Record<string, string | undefined>> = {};
for (const kind of DISTRIBUTOR_KINDS) {
  const mine = distributorFlags.filter((d) => d.kind === kind);
  const given = mine.filter((d) => !d.field.secret && values[d.flag as keyof typeof values] !== undefined);
  const fromEnv = mine.filter((d) => d.field.secret && process.env[d.variable]);
  if (given.length === 0 && fromEnv.length === 0) continue;
  const entry: Record<string, string | undefined> = {};
  for (const d of mine)
    entry[d.field.name] = d.field.secret
      ? await readSecret(d.variable, `${kind.displayName} ${d.field.label}`)
      : (values[d.flag as keyof typeof values] as string | undefined);
  distributors[kind.kind] = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

const runtime = await openRuntime();
try {
  const result = await setupTenant(
    {
      db: runtime.database.db,
      secrets: runtime.secrets,
      sandbox: runtime.env.SANDBOX,
      now: () => runtime.clock.now().toJSDate(),
    },
    {
      name: values.name,
      site: values.site,
      companyId: values.company,
      clientId: values['client-id'],
      publicKey: values['public-key'],
      privateKey,
      distributors,
      ...(values.origin ? { allowedOrigin: values.origin } : {}),
    },
  );
  process.stdout.write(
    [
      `${result.created ? 'Registered' : 'Updated'} tenant "${result.tenant.name}" (${result.tenant.site}, company ${result.tenant.companyId}).`,
      `  ConnectWise: ${result.connectwise.companyName}, ${result.connectwise.version}, codebase ` +
        `${result.connectwise.codebase}, API member ${result.connectwise.apiMember}`,
      ...result.distributors.map((d) => `  ${d.displayName}: connected, ${d.companies} companies visible`),
      '  Next: npm run register -- --company <id> to add the Distributors tab and pod to ConnectWise.',
      '',
    ].join('\n'),
  );
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  const fields = (error.details.fields as FieldError[] | undefined) ?? [];
  process.stderr.write(
    `Tenant not saved:\n${fields.map((f) => `  ${flag[f.field] ?? f.field}: ${f.message}`).join('\n') || `  ${error.message}`}\n`,
  );
  process.exitCode = 1;
} finally {
  await runtime.database.close();
}
