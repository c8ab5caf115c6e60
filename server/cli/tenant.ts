import { parseArgs } from 'node:util';
import { AppError, type FieldError } from '../errors.ts';
import { openRuntime } from '../runtime.ts';
import { setupTenant } from '../tenants/setup.ts';

/**
 * `npm run tenant -- --name "Acme MSP" --site na.myconnectwise.net --company acme --client-id <guid>
 *   --public-key <key> --private-key <key> --pax8-client-id <id> --pax8-client-secret <secret>
 *   [--pax8-base-url URL --pax8-token-url URL --pax8-audience AUD --origin https://cw.example.com]`
 * Tests both connections, then registers or updates the tenant. Values are taken exactly as
 * typed: a stray space is reported, not trimmed.
 */
const { values } = parseArgs({
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
  privateKey: '--private-key',
  'pax8.clientId': '--pax8-client-id',
  'pax8.clientSecret': '--pax8-client-secret',
  'pax8.baseUrl': '--pax8-base-url',
  'pax8.tokenUrl': '--pax8-token-url',
  'pax8.audience': '--pax8-audience',
  allowedOrigin: '--origin',
};

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
      privateKey: values['private-key'],
      pax8: {
        clientId: values['pax8-client-id'],
        clientSecret: values['pax8-client-secret'],
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
