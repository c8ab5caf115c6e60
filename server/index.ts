import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { MANAGE_CLOUD_ORIGINS } from './env.ts';
import { hostOriginsFor } from './http/host-origins.ts';
import { startJobsFor } from './jobs/start.ts';
import { openRuntime, ROOT } from './runtime.ts';
import { bootstrapSandboxTenant } from './sandbox/bootstrap.ts';
import { type RunningSandboxes, startSandboxes } from './sandbox/start.ts';

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
let sandboxes: RunningSandboxes | undefined;

async function announce(port: number) {
  const base = publicUrl(port);
  const lines = [
    `  Distributor ⇄ ConnectWise sync ${version} is running (${database.driver}${env.SANDBOX ? ', sandbox mode' : ''})`,
  ];
  if (env.SANDBOX) {
    sandboxes = await startSandboxes({
      today: clock.now().toISODate(),
      cwPort: env.SANDBOX_CW_PORT,
      pax8Port: env.SANDBOX_PAX8_PORT,
      ionPort: env.SANDBOX_ION_PORT,
      sophosPort: env.SANDBOX_SOPHOS_PORT,
      smtpPort: env.SANDBOX_SMTP_PORT,
      inboxPort: env.SANDBOX_INBOX_PORT,
    });
    // Digests go to the sandbox's inbox unless a real mail server is configured.
    if (!env.SMTP_URL) mailer.use(sandboxes.mail.smtpUrl);
    const { registered } = await bootstrapSandboxTenant(
      { now: () => clock.now().toJSDate(), db: database.db, secrets },
      sandboxes,
      base,
      {
        ion: true,
        sophos: true,
      },
    );
    logger.info('sandbox ready', {
      connectwise: sandboxes.cw.url,
      pax8: sandboxes.pax8.baseUrl,
      ion: sandboxes.ion.url,
      today: sandboxes.world.today,
      hosted: registered.map((r) => `${r.description}: ${r.action}`),
    });
    lines.push(
      '',
      `  Open ConnectWise (sandbox): ${sandboxes.cw.url}/`,
      '    sign in as jdoe, nross, kpark or amarkov (password "sandbox"), open a company, then its Distributors tab',
      '',
      `  Sandbox Pax8 API:           ${sandboxes.pax8.baseUrl}`,
      `  Sandbox StreamOne Ion API:  ${sandboxes.ion.url}/api/v3 (account ${sandboxes.world.ion.accountId})`,
      `  Sandbox Sophos Central API: ${sandboxes.sophos.url}`,
      `  Sandbox inbox (digests):    ${sandboxes.mail.inboxUrl}${env.SMTP_URL ? ' (unused: SMTP_URL is set)' : ''}`,
    );
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
