import { parseArgs } from 'node:util';
import { tenantsByCompany } from '../../db/queries/tenants.ts';
import { createPacer } from '../http/pacer.ts';
import { runTenantSync } from '../jobs/run.ts';
import { openRuntime } from '../runtime.ts';
import { createVendors } from '../tenants/vendors.ts';

/**
 * `npm run sync -- --company <companyId> [--check]`: one global sync of a tenant now, under
 * its API member, as the schedule would run it (unattended kinds from its settings). Refused
 * while another process holds the tenant's lease.
 */
const { values } = parseArgs({
  options: { company: { type: 'string' }, check: { type: 'boolean', default: false }, holder: { type: 'string' } },
});
if (!values.company) {
  process.stderr.write('--company: the company id of a tenant set up with npm run tenant is required\n');
  process.exit(1);
}
const runtime = await openRuntime();
try {
  const [tenant] = await tenantsByCompany(runtime.database.db, values.company);
  if (!tenant) {
    process.stderr.write(`--company: no tenant "${values.company}"\n`);
    process.exitCode = 1;
  } else {
    const pacer = createPacer(runtime.env.SYNC_BUDGET_PER_MINUTE);
    const result = await runTenantSync(
      {
        db: runtime.database.db,
        vendors: createVendors({ secrets: runtime.secrets }),
        clock: runtime.clock,
        logger: runtime.logger,
        holder: values.holder ?? `cli-${process.pid}`,
        pacer: () => pacer,
      },
      tenant,
      { trigger: values.check ? 'check' : 'command', requestedBy: 'command line' },
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.status === 'busy') process.exitCode = 3;
  }
} finally {
  await runtime.database.close();
}
