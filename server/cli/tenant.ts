import { parseArgs } from 'node:util';
import { AppError, type FieldError } from '../errors.ts';
import { openRuntime } from '../runtime.ts';
import { setupTenant } from '../tenants/setup.ts';
import { readSecret } from './secret-input.ts';

/**
 * `npm run tenant -- --name "Acme MSP" --site na.myconnectwise.net --company acme --client-id <guid>
 *   --public-key <key> --pax8-client-id <id>
 *   [--pax8-base-url URL --pax8-token-url URL --pax8-audience AUD --origin https://cw.example.com]`
 * with the secrets in `CW_PRIVATE_KEY` and `PAX8_CLIENT_SECRET`, or typed without echo when
 * asked. Tests both connections, then registers or updates the tenant. Values are taken exactly
 * as typed: a stray space is reported, not trimmed.
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
    'pax8-client-id': { type: 'string' },
    'pax8-client-secret': { type: 'string' },
    'pax8-base-url': { type: 'string' },
    'pax8-token-url': { type: 'string' },
    'pax8-audience': { type: 'string' },
    origin: { type: 'string' },
  },
});
const flag: Record<string, string> = {
  name: '--name',
  site: '--site',
  companyId: '--company',
  clientId: '--client-id',
  publicKey: '--public-key',
  privateKey: 'CW_PRIVATE_KEY',
  'pax8.clientId': '--pax8-client-id',
  'pax8.clientSecret': 'PAX8_CLIENT_SECRET',
  'pax8.baseUrl': '--pax8-base-url',
  'pax8.tokenUrl': '--pax8-token-url',
  'pax8.audience': '--pax8-audience',
  allowedOrigin: '--origin',
};

const refused = (['private-key', 'pax8-client-secret'] as const).filter((f) => values[f] !== undefined);
if (refused.length > 0) {
  process.stderr.write(
    `Tenant not saved:\n${refused
      .map(
        (f) =>
          `  --${f}: secrets are not taken as flags (npm prints them back, and shells keep them); set ${f === 'private-key' ? 'CW_PRIVATE_KEY' : 'PAX8_CLIENT_SECRET'} in the environment, or leave it out to be asked`,
      )
      .join('\n')}\n`,
  );
  process.exit(1);
}
const privateKey = await readSecret('CW_PRIVATE_KEY', 'ConnectWise API member private key');
const pax8Secret = await readSecret('PAX8_CLIENT_SECRET', 'Pax8 client secret');

const runtime = await openRuntime();
try {
  const result = await setupTenant(
    { db: runtime.database.db, secrets: runtime.secrets, sandbox: runtime.env.SANDBOX },
    {
      name: values.name,
      site: values.site,
      companyId: values.company,
      clientId: values['client-id'],
      publicKey: values['public-key'],
      privateKey,
      pax8: {
        clientId: values['pax8-client-id'],
        clientSecret: pax8Secret,
        ...(values['pax8-base-url'] ? { baseUrl: values['pax8-base-url'] } : {}),
        ...(values['pax8-token-url'] ? { tokenUrl: values['pax8-token-url'] } : {}),
        ...(values['pax8-audience'] ? { audience: values['pax8-audience'] } : {}),
      },
      ...(values.origin ? { allowedOrigin: values.origin } : {}),
    },
  );
  process.stdout.write(
    [
      `${result.created ? 'Registered' : 'Updated'} tenant "${result.tenant.name}" (${result.tenant.site}, company ${result.tenant.companyId}).`,
      `  ConnectWise: ${result.connectwise.companyName}, ${result.connectwise.version}, codebase ${result.connectwise.codebase}, API member ${result.connectwise.apiMember}`,
      `  Pax8: connected, ${result.pax8.companies} companies visible`,
      '  Next: npm run register -- --company <id> to add the Pax8 tab and pod to ConnectWise.',
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
