import { parseArgs } from 'node:util';
import { tenantsByCompany } from '../../db/queries/tenants.ts';
import { cwForTenant } from '../connectwise/factory.ts';
import { openRuntime } from '../runtime.ts';
import { readManifest } from '../tenants/manifest.ts';
import { registerHostedEntries } from '../tenants/register.ts';
import { openApiKeys } from '../tenants/secrets.ts';

/**
 * `npm run register -- --company <companyId> [--site <site>] [--origin https://sync.example.com] [--tab-name Name]`
 * Creates or updates manifest.json's tab and pod in the tenant's ConnectWise, as the API member,
 * updating an existing entry in place (a renamed tab too). Running it again changes nothing.
 */
const { values } = parseArgs({
  options: {
    company: { type: 'string' },
    site: { type: 'string' },
    origin: { type: 'string' },
    'tab-name': { type: 'string' },
  },
});
if (values['tab-name'] !== undefined && !/^.{1,50}$/.test(values['tab-name'].trim())) {
  process.stderr.write('--tab-name: give the tab a name of 1 to 50 characters, as Manage shows it\n');
  process.exit(1);
}
if (!values.company) {
  process.stderr.write('--company: the ConnectWise company id of a tenant set up with `npm run tenant` is required\n');
  process.exit(1);
}

const runtime = await openRuntime();
try {
  const matches = await tenantsByCompany(runtime.database.db, values.company, values.site);
  if (matches.length !== 1) {
    process.stderr.write(
      matches.length === 0
        ? `--company: no tenant "${values.company}"; set it up first with npm run tenant\n`
        : `--company: ${matches.length} tenants use "${values.company}"; add --site to choose one\n`,
    );
    process.exitCode = 1;
  } else {
    const tenant = matches[0]!;
    const keys = openApiKeys(runtime.secrets, tenant);
    if (!keys) throw new Error(`tenant ${tenant.name} has no API member keys; run npm run tenant again`);
    const origin = (values.origin ?? runtime.publicUrl(runtime.env.PORT)).replace(/\/$/, '');
    const outcomes = await registerHostedEntries(
      cwForTenant(tenant, { kind: 'apiMember', ...keys }),
      readManifest(),
      origin,
      tenant.clientId,
      tenant.id,
      { tabName: values['tab-name']?.trim() },
    );
    for (const o of outcomes)
      process.stdout.write(
        `${o.action.padEnd(9)} ${o.type} "${o.description}" on the ${o.screen} screen (#${o.id}) → ${o.url}\n`,
      );
  }
} finally {
  await runtime.database.close();
}
