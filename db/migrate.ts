import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { desc } from 'drizzle-orm';
import { bigint, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { DatabaseHandle } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** drizzle's own bookkeeping table; declared here, not in schema.ts, so drizzle-kit leaves it alone. */
const drizzleSchema = pgSchema('drizzle');
const appliedMigrations = drizzleSchema.table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
  hash: text('hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }),
});

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function readJournal(folder = MIGRATIONS_FOLDER): JournalEntry[] {
  const raw = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as {
    entries: JournalEntry[];
  };
  return raw.entries;
}

/** Applies every pending migration; safe to call on every start. */
export async function migrate(handle: DatabaseHandle, folder = MIGRATIONS_FOLDER): Promise<void> {
  const config = { migrationsFolder: folder };
  if (handle.driver === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase<Record<string, never>>, config);
  } else {
    await migratePostgres(handle.db as unknown as PostgresJsDatabase<Record<string, never>>, config);
  }
}

export interface AppliedMigration {
  tag: string;
  generatedAt: string;
}

/**
 * The newest migration the database has applied, named by its journal tag. drizzle records the
 * migration's generation time, not when it ran, so that is what `generatedAt` is.
 */
export async function latestMigration(
  handle: DatabaseHandle,
  folder = MIGRATIONS_FOLDER,
): Promise<AppliedMigration | null> {
  const [row] = await handle.db
    .select({ createdAt: appliedMigrations.createdAt })
    .from(appliedMigrations)
    .orderBy(desc(appliedMigrations.createdAt))
    .limit(1);
  if (!row || row.createdAt === null) return null;
  const entry = readJournal(folder).find((e) => e.when === row.createdAt);
  return {
    tag: entry?.tag ?? `unknown(${row.createdAt})`,
    generatedAt: new Date(row.createdAt).toISOString(),
  };
}
