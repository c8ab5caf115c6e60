import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = 'pglite' | 'postgres';

export type DatabaseConfig =
  | { driver: 'postgres'; url: string; max?: number }
  | { driver: 'pglite'; dataDir: string }
  | {
      driver: 'pglite';
      memory: true /** A data directory dumped by PGlite, to start from instead of an empty one. */;
      loadDataDir?: Blob;
    };

export interface DatabaseHandle {
  db: Database;
  driver: Driver;
  /** What the job engine connects through: Postgres's URL, or the one embedded PGlite. */
  jobs: { driver: 'postgres'; url: string } | { driver: 'pglite'; client: PGlite };
  close: () => Promise<void>;
}

/**
 * Real Postgres when a URL is configured, otherwise the embedded PGlite so that `npm start`
 * needs no database server. Both run the same migrations (db/migrate.ts).
 */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.driver === 'postgres') {
    // NOTE: postgres.js prints NOTICEs (e.g. "schema already exists") to the console by default.
    const client = postgres(config.url, { max: config.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      driver: 'postgres',
      jobs: { driver: 'postgres', url: config.url },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client: PGlite;
  if ('memory' in config) {
    client = config.loadDataDir ? new PGlite({ loadDataDir: config.loadDataDir }) : new PGlite();
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    client = new PGlite(config.dataDir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return { db, driver: 'pglite', jobs: { driver: 'pglite', client }, close: () => client.close() };
}
