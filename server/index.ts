import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { MANAGE_CLOUD_ORIGINS } from './env.ts';
import { hostOriginsFor } from './http/host-origins.ts';
import { startJobsFor } from './jobs/start.ts';
import { openRuntime, ROOT } from './runtime.ts';

const runtime = await openRuntime();
const { env, logger, database, secrets, clock, version, publicUrl, mailer } = runtime;

const configuredOrigins = [...MANAGE_CLOUD_ORIGINS, ...env.CW_HOST_ORIGINS];
const hostOrigins = hostOriginsFor(database.db, configuredOrigins);
// The job engine first: the app queues "Sync now" and (re)schedules tenants through it.
const jobs = await startJobsFor(runtime, env.WORK_JOBS);
const app = createApp({
  database,
  clock,
  logger,
  secrets,
  version,
  sandbox: env.SANDBOX,
  podDir: join(ROOT, 'pod', 'dist'),
  hostOrigins,
  syncBudgetPerMinute: env.SYNC_BUDGET_PER_MINUTE,
  jobs: jobs.sync,
  mailer,
  trustProxy: env.TRUST_PROXY,
});

const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => void announce(info.port));

// Sandbox mode carries its own ConnectWise, Pax8 and StreamOne Ion on loopback, generated around "today".
let sandboxes: { close: () => Promise<void> } | undefined;

async function announce(port: number) {
  const base = publicUrl(port);
  const lines = [
    `  Distributor ⇄ ConnectWise sync ${version} is running (${database.driver}${env.SANDBOX ? ', sandbox mode' : ''})`,
  ];
  if (env.SANDBOX) {
    // Imported here, in sandbox mode only: a deployment loads no sandbox module.
    const { startDemo } = await import('./sandbox/demo.ts');
    const demo = await startDemo({ env, clock, db: database.db, secrets, mailer, logger, base });
    sandboxes = demo;
    lines.push(...demo.lines);
  }
  lines.push(`  Pod:                        ${base}/pod/`, `  Health:                     ${base}/healthz`);
  logger.info('server listening', { url: base, sandbox: env.SANDBOX });
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  server.close();
  await jobs.stop();
  await sandboxes?.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
