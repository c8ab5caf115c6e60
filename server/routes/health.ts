import { Hono } from 'hono';
import type { DatabaseHandle } from '../../db/client.ts';
import { latestMigration } from '../../db/migrate.ts';
import type { HealthReport } from '../../shared/schemas/health.ts';

export interface HealthDeps {
  database: DatabaseHandle;
  version: string;
  sandbox: boolean;
}

/** What an operator (and the pod's first screen) needs to know the server is sound. */
export function healthRoutes(deps: HealthDeps) {
  return new Hono().get('/', async (c) => {
    try {
      const migration = await latestMigration(deps.database);
      const report: HealthReport = {
        status: 'ok',
        version: deps.version,
        sandbox: deps.sandbox,
        database: { driver: deps.database.driver, migration },
      };
      return c.json(report, 200);
    } catch (error) {
      return c.json(
        {
          code: 'database_unavailable',
          message: `The ${deps.database.driver} database did not answer: ${(error as Error).message}`,
          details: { driver: deps.database.driver },
        },
        503,
      );
    }
  });
}
