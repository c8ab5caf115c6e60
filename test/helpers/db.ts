import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { type DatabaseHandle, openDatabase } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';

export interface TestDatabase extends DatabaseHandle {
  /** Connection URL on real Postgres; undefined on PGlite. */
  url?: string;
}

/** Which driver this run of the suite exercises: CI runs it once each way. */
export const testDriver = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/**
 * A fresh, empty database for one test file: PGlite in memory by default, or a brand-new
 * database on the real Postgres named by TEST_DATABASE_URL, dropped again on close.
 */
export async function createEmptyDatabase(template?: string): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return openDatabase({ driver: 'pglite', memory: true });

  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ driver: 'postgres', url: url.toString(), max: 4 });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * A fresh database with every migration applied. The suite's global setup migrates one
 * template per run (a dumped PGlite data directory, or a Postgres template database): each
 * file starts from a copy of it, instead of creating and migrating its own.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const pgliteTemplate = process.env.TEST_PGLITE_TEMPLATE;
  const pgTemplate = process.env.TEST_PG_TEMPLATE;
  if (!process.env.TEST_DATABASE_URL && pgliteTemplate)
    return openDatabase({ driver: 'pglite', memory: true, loadDataDir: new Blob([readFileSync(pgliteTemplate)]) });
  if (process.env.TEST_DATABASE_URL && pgTemplate) return createEmptyDatabase(pgTemplate);
  const database = await createEmptyDatabase();
  await migrate(database);
  return database;
}
