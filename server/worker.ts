import { startJobsFor } from './jobs/start.ts';
import { openRuntime } from './runtime.ts';

/**
 * `npm run worker`: a process that only works jobs, beside the servers. With Postgres any
 * number of them, on one machine or many, share the queue and each tenant's request budget.
 */
const runtime = await openRuntime();
const { env, logger, database } = runtime;
const jobs = await startJobsFor(runtime, true);
logger.info('worker started', { driver: database.driver, concurrency: env.JOB_CONCURRENCY });
process.stdout.write(`worker ready (${database.driver}, ${env.JOB_CONCURRENCY} at once)\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('worker stopping', { signal });
  await jobs.stop();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
