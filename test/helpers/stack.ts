import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type AppDeps, createApp } from '../../server/app.ts';
import { type Clock, pinnedDayClock } from '../../server/clock.ts';
import type { CwOverrides } from '../../server/connectwise/factory.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { MANAGE_CLOUD_ORIGINS } from '../../server/env.ts';
import { hostOriginsFor } from '../../server/http/host-origins.ts';
import type { EngineTimings } from '../../server/jobs/engine.ts';
import { type Jobs, startJobs } from '../../server/jobs/start.ts';
import { smtpMailer } from '../../server/notify/mailer.ts';
import { bootstrapSandboxTenant } from '../../server/sandbox/bootstrap.ts';
import { listen } from '../../server/sandbox/serve.ts';
import type { RunningSandboxes, SandboxOptions } from '../../server/sandbox/start.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { captureLogger } from './logger.ts';
import { SANDBOX_TODAY, startTestSandboxes } from './sandbox.ts';

export interface Stack {
  /** Where the pod and API are served (the plugin's origin). */
  appUrl: string;
  /** The sandbox Manage host page (another origin, as Manage is). */
  hostUrl: string;
  app: ReturnType<typeof createApp>;
  sandboxes: RunningSandboxes;
  database: TestDatabase;
  secrets: ReturnType<typeof createSecretBox>;
  logger: ReturnType<typeof captureLogger>;
  tenantId: string;
  /** The product's clock: pinned to the sandboxes' day unless the test gave its own. */
  clock: Clock;
  /** The job engine, working sync jobs in this process unless asked not to. */
  jobs: Jobs;
  close: () => Promise<void>;
}

/** Engine timings for tests: a lost worker's job is noticed in seconds, retries come quickly. */
export const TEST_TIMINGS: EngineTimings = { heartbeatSeconds: 10, monitorIntervalSeconds: 2, retryDelaySeconds: 1 };

/** The whole product on loopback: database, both sandboxes, the server, and the demo tenant. */
export async function startStack(
  options: {
    sandbox?: Partial<SandboxOptions>;
    clock?: Clock;
    sessionTtlMinutes?: number;
    cw?: CwOverrides;
    /** Connect the sandbox StreamOne Ion too, as `npm start` does. */
    ion?: boolean;
    /** Connect the sandbox Sophos Central too. */
    sophos?: boolean;
    distributors?: AppDeps['distributors'];
    /** Work sync jobs in this process (default); false leaves them queued for other workers. */
    work?: boolean;
    /** The job engine's timings: quick ones for tests unless a benchmark wants production's. */
    timings?: EngineTimings;
    /** A database to use and leave open (several stacks in one file); a fresh one otherwise. */
    database?: TestDatabase;
    /** A member's write claim, without renewal (60 s): scaled down with the client's limits. */
    writeLeaseMs?: number;
  } = {},
): Promise<Stack> {
  const database = options.database ?? (await createTestDatabase());
  const sandboxes = await startTestSandboxes(options.sandbox);
  const secrets = createSecretBox(randomBytes(32));
  const logger = captureLogger();
  // The product's day is the sandboxes' day unless a test says otherwise: a world generated
  // around one date read by a product living on another is no day a real MSP has.
  const clock = options.clock ?? pinnedDayClock(options.sandbox?.today ?? SANDBOX_TODAY);
  const mailer = smtpMailer('Distributor sync <sync@localhost>', sandboxes.mail.smtpUrl);
  const jobs = await startJobs({
    mailer,
    database,
    logger,
    clock,
    secrets,
    vendors: createVendors({
      sandbox: true,
      now: () => clock.now().toJSDate(),
      db: database.db,
      secrets,
      cw: options.cw,
    }),
    budgetPerMinute: 600,
    work: options.work === false ? undefined : { localConcurrency: 2 },
    timings: options.timings ?? TEST_TIMINGS,
  });
  const app = createApp({
    database,
    clock,
    logger,
    secrets,
    version: 'test',
    sandbox: true,
    podDir: fileURLToPath(new URL('../../pod/dist', import.meta.url)),
    hostOrigins: hostOriginsFor(database.db, MANAGE_CLOUD_ORIGINS),
    sessionTtlMinutes: options.sessionTtlMinutes,
    cw: options.cw,
    distributors: options.distributors,
    writeLeaseMs: options.writeLeaseMs,
    jobs: jobs.sync,
    mailer,
  });
  const server = await listen(app, 0);
  const appUrl = `http://localhost:${server.port}`;
  const { setup } = await bootstrapSandboxTenant(
    { now: () => clock.now().toJSDate(), db: database.db, secrets },
    sandboxes,
    appUrl,
    {
      ion: options.ion,
      sophos: options.sophos,
    },
  );
  return {
    appUrl,
    hostUrl: sandboxes.cw.url,
    app,
    sandboxes,
    database,
    secrets,
    logger,
    tenantId: setup.tenant.id,
    clock,
    jobs,
    close: async () => {
      await server.close();
      await jobs.stop(5_000);
      await sandboxes.close();
      if (!options.database) await database.close();
    },
  };
}
