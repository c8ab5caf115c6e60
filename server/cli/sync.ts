import { parseArgs } from 'node:util';
import { tenantsByCompany } from '../../db/queries/tenants.ts';
import { ARREARS_QUEUE, SYNC_QUEUE } from '../jobs/engine.ts';
import { startJobsFor } from '../jobs/start.ts';
import { openRuntime } from '../runtime.ts';

/**
 * `npm run sync -- --company <companyId> [--check | --arrears]`: one global sync of a tenant now,
 * under its API member, as the schedule would run it (unattended kinds from its settings), or
 * with `--arrears` its arrears run (last month's usage, once final). It is a job like any
 * other: queued for the tenant (refused if one already waits), worked by this process, one at a
 * time, until it ends.
 */
const { values } = parseArgs({
  options: {
    company: { type: 'string' },
    check: { type: 'boolean', default: false },
    arrears: { type: 'boolean', default: false },
  },
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
    const jobs = await startJobsFor(runtime, 1);
    try {
      const queue = values.arrears ? ARREARS_QUEUE : SYNC_QUEUE;
      const id = values.arrears
        ? await jobs.sync.enqueueArrears(tenant.id, 'command line')
        : await jobs.sync.enqueue({
            tenantId: tenant.id,
            trigger: values.check ? 'check' : 'command',
            requestedBy: 'command line',
          });
      if (!id) {
        process.stderr.write(`A sync of ${tenant.name} is already waiting to start; it was not queued twice.\n`);
        process.exitCode = 3;
      } else {
        for (;;) {
          const [job] = await jobs.boss.findJobs(queue, { id });
          if (job && ['completed', 'failed', 'cancelled'].includes(job.state)) {
            process.stdout.write(`${JSON.stringify({ state: job.state, result: job.output ?? null })}\n`);
            if (job.state !== 'completed') process.exitCode = 2;
            break;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await jobs.stop();
    }
  }
} finally {
  await runtime.database.close();
}
