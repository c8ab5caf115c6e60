import { Hono } from 'hono';
import type { DatabaseHandle } from '../db/client.ts';
import type { Clock } from './clock.ts';
import type { SecretBox } from './crypto.ts';
import { errorHandler } from './errors.ts';
import type { Logger } from './logger.ts';
import { podRoutes } from './pod-static.ts';
import { healthRoutes } from './routes/health.ts';

export interface AppDeps {
  database: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  version: string;
  sandbox: boolean;
  podDir: string;
  /** Origins allowed to frame the pod (Manage's cloud hosts, configured and tenant origins). */
  frameAncestors: () => readonly string[];
}

/** Builds the whole HTTP surface from its dependencies; index.ts only wires and serves. */
export function createApp(deps: AppDeps) {
  const app = new Hono()
    .onError(errorHandler(deps.logger))
    .notFound((c) => c.json({ code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}`, details: {} }, 404))
    .route('/healthz', healthRoutes(deps))
    .route('/pod', podRoutes(deps.podDir, deps.frameAncestors))
    .get('/', (c) => c.redirect('/pod/'));
  return app;
}

export type AppType = ReturnType<typeof createApp>;
