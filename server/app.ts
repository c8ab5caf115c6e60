import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DatabaseHandle } from '../db/client.ts';
import { createTtlCache } from './cache.ts';
import type { Clock } from './clock.ts';
import type { CwOverrides } from './connectwise/factory.ts';
import type { SecretBox } from './crypto.ts';
import { errorHandler } from './errors.ts';
import { createPacer, type Pacer } from './http/pacer.ts';
import type { RunDeps } from './jobs/run.ts';
import type { Logger } from './logger.ts';
import { podRoutes } from './pod-static.ts';
import { apiRoutes } from './routes/api.ts';
import type { ApiDeps } from './routes/context.ts';
import { healthRoutes } from './routes/health.ts';
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
  pax8?: VendorOptions['pax8'];
  /** How long vendor reads are reused while a member works (default 60 s). */
  readCacheMs?: number;
  /** Names this process in sync leases. */
  holder?: string;
  /** ConnectWise requests per minute for syncs under the API member (default 600). */
  syncBudgetPerMinute?: number;
}

/** Builds the whole HTTP surface from its dependencies; index.ts only wires and serves. */
export function createApp(deps: AppDeps) {
  const vendors = createVendors({ secrets: deps.secrets, cw: deps.cw, pax8: deps.pax8 });
  const apiDeps: ApiDeps = {
    database: deps.database,
    secrets: deps.secrets,
    clock: deps.clock,
    sessionTtlMinutes: deps.sessionTtlMinutes ?? 60,
    cw: deps.cw ?? {},
    vendors,
    cache: createTtlCache(deps.readCacheMs ?? 60_000),
  };
  // One budget per ConnectWise instance: every sync of a tenant in this process shares it.
  const pacers = new Map<string, Pacer>();
  const pacer = (tenantId: string) =>
    pacers.get(tenantId) ?? pacers.set(tenantId, createPacer(deps.syncBudgetPerMinute ?? 600)).get(tenantId)!;
  const runDeps = (): RunDeps => ({
    db: deps.database.db,
    vendors: apiDeps.vendors,
    clock: deps.clock,
    logger: deps.logger,
    holder: deps.holder ?? `server-${process.pid}`,
    pacer,
  });
  const app = new Hono()
    .onError(errorHandler(deps.logger))
    .notFound((c) =>
      c.json({ code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}`, details: {} }, 404),
    )
    .route('/healthz', healthRoutes(deps))
    // No request needs more than a megabyte; a larger body is refused before it is read.
    .use(
      '/api/*',
      bodyLimit({
        maxSize: 1024 * 1024,
        onError: (c) =>
          c.json({ code: 'too_large', message: 'The request body is larger than 1 MB.', details: {} }, 413),
      }),
    )
    .route('/api', apiRoutes({ ...apiDeps, runDeps }))
    .route('/pod', podRoutes(deps.podDir, deps.hostOrigins))
    .get('/', (c) => c.redirect('/pod/'));
  return Object.assign(app, { runDeps });
}

export type AppType = ReturnType<typeof createApp>;
