import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DatabaseHandle } from '../db/client.ts';
import { createTtlCache } from './cache.ts';
import type { Clock } from './clock.ts';
import type { CwOverrides } from './connectwise/factory.ts';
import type { SecretBox } from './crypto.ts';
import { errorHandler } from './errors.ts';
import { sharedPacers } from './jobs/budget.ts';
import type { RunDeps } from './jobs/run.ts';
import type { SyncJobs } from './jobs/sync-jobs.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './notify/mailer.ts';
import { podRoutes } from './pod-static.ts';
import { apiRoutes } from './routes/api.ts';
import type { ApiDeps } from './routes/context.ts';
import { healthRoutes } from './routes/health.ts';
import { MAX_UPLOAD_BYTES, UPLOAD_PATH } from './routes/imports.ts';
import { createVendors, type VendorOptions } from './tenants/vendors.ts';

export interface AppDeps {
  database: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  version: string;
  sandbox: boolean;
  podDir: string;
  /** Manage origins allowed to host the pod: cloud hosts, configured and tenant origins. */
  hostOrigins: (tenantId: string | null) => Promise<readonly string[]>;
  sessionTtlMinutes?: number;
  /** Options for every ConnectWise client the server makes (tests pass fetch or timeouts). */
  cw?: CwOverrides;
  /** Options for every distributor client (tests pass timeouts, benchmarks count calls). */
  distributors?: VendorOptions['distributors'];
  /** How long vendor reads are reused while a member works (default 60 s). */
  readCacheMs?: number;
  /** ConnectWise requests per minute a tenant's syncs may make, all processes together (default 600). */
  syncBudgetPerMinute?: number;
  /** The job engine's sync jobs: queued by "Sync now", scheduled from the settings. */
  jobs: SyncJobs;
  /** Sends digests and the Settings page's test. */
  mailer?: Mailer;
  /** The proxies whose `X-Forwarded-For` is believed (`TRUST_PROXY`). */
  trustProxy?: readonly string[];
  /** How long a member's write holds its claim without renewal (default 60 s). */
  writeLeaseMs?: number;
}

/** Builds the whole HTTP surface from its dependencies; index.ts only wires and serves. */
export function createApp(deps: AppDeps) {
  const vendors = createVendors({
    now: () => deps.clock.now().toJSDate(),
    db: deps.database.db,
    secrets: deps.secrets,
    cw: deps.cw,
    distributors: deps.distributors,
    sandbox: deps.sandbox,
  });
  const apiDeps: ApiDeps = {
    database: deps.database,
    secrets: deps.secrets,
    clock: deps.clock,
    sessionTtlMinutes: deps.sessionTtlMinutes ?? 60,
    vendors,
    cache: createTtlCache(deps.readCacheMs ?? 60_000),
    jobs: deps.jobs,
    sandbox: deps.sandbox,
    mailer: deps.mailer,
    logger: deps.logger,
    setupFetch: deps.cw?.fetch,
    trustProxy: deps.trustProxy,
    writeLeaseMs: deps.writeLeaseMs,
  };
  const pacer = sharedPacers(deps.database.db, deps.syncBudgetPerMinute ?? 600);
  const runDeps = (): RunDeps => ({
    db: deps.database.db,
    vendors: apiDeps.vendors,
    clock: deps.clock,
    logger: deps.logger,
    pacer,
    mailer: deps.mailer,
  });
  const requestLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: (c) => c.json({ code: 'too_large', message: 'The request body is larger than 1 MB.', details: {} }, 413),
  });
  const uploadLimit = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: (c) =>
      c.json(
        {
          code: 'too_large',
          message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it by month or by invoice, or import it with npm run import.`,
          details: { field: 'file', maxBytes: MAX_UPLOAD_BYTES },
        },
        413,
      ),
  });
  const app = new Hono()
    .onError(errorHandler(deps.logger))
    .notFound((c) =>
      c.json({ code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}`, details: {} }, 404),
    )
    .route('/healthz', healthRoutes(deps))
    // No request needs more than a megabyte but a file upload; a larger body is refused before it is read.
    .use('/api/*', (c, next) => (c.req.path === UPLOAD_PATH ? uploadLimit(c, next) : requestLimit(c, next)))
    .route('/api', apiRoutes(apiDeps))
    .route('/pod', podRoutes(deps.podDir, deps.hostOrigins))
    .get('/', (c) => c.redirect('/pod/'));
  return Object.assign(app, { runDeps });
}

export type AppType = ReturnType<typeof createApp>;
