import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, getTableName, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { latestMigration, MIGRATIONS_FOLDER, migrate, readJournal } from '../../db/migrate.ts';
import { connectedDistributors } from '../../db/queries/distributors.ts';
import * as schema from '../../db/schema.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { openConnection, openDistributor } from '../../server/tenants/secrets.ts';
import { createEmptyDatabase, type TestDatabase, testDriver } from '../helpers/db.ts';

const tables: PgTable[] = Object.values(schema).filter((v) => v instanceof PgTable);
const journal = readJournal();

/** A copy of the migrations folder as an older release shipped it: only the first `count`. */
function olderMigrations(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  mkdirSync(join(dir, 'meta'));
  const entries = journal.slice(0, count);
  for (const e of entries) cpSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  return dir;
}

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe(`migrations on ${testDriver}`, () => {
  it('creates every table in the schema and records the newest migration', async () => {
    database = await createEmptyDatabase();
    expect(database.driver).toBe(testDriver);
    expect(await latestMigration(database).catch(() => null)).toBeNull();
    await migrate(database);
    for (const table of tables) {
      await expect(database.db.select().from(table).limit(1), getTableName(table)).resolves.toEqual([]);
    }
    expect((await latestMigration(database))?.tag).toBe(journal.at(-1)!.tag);
  });

  it('is a no-op when run again', async () => {
    database = await createEmptyDatabase();
    await migrate(database);
    await database.db
      .insert(schema.tenants)
      .values({ name: 'Acme', site: 'na.myconnectwise.net', companyId: 'acme', clientId: 'c' });
    await migrate(database);
    expect(await database.db.select({ name: schema.tenants.name }).from(schema.tenants)).toEqual([{ name: 'Acme' }]);
  });

  it('moves a database migrated by an older release forward without losing rows', async () => {
    database = await createEmptyDatabase();
    await migrate(database, olderMigrations(1));
    // Written the way the oldest release could: only columns that existed in its first migration.
    await database.db.execute(
      sql`INSERT INTO tenants (name, site, company_id, client_id) VALUES ('Oxford Senior Living', 'na.myconnectwise.net', 'oxford', 'cid')`,
    );
    await migrate(database);
    const rows = await database.db.select().from(schema.tenants).where(eq(schema.tenants.companyId, 'oxford'));
    expect(rows.map((r) => r.name)).toEqual(['Oxford Senior Living']);
    expect((await latestMigration(database))?.tag).toBe(journal.at(-1)!.tag);
  });
});

describe('connected distributors', () => {
  it("moves a tenant's one distributor into its connections, still readable with the key it was sealed with", async () => {
    database = await createEmptyDatabase();
    const before = journal.findIndex((e) => e.tag.endsWith('_distributors'));
    await migrate(database, olderMigrations(before));
    const box = createSecretBox(randomBytes(32));
    const id = '0b7c2a5e-3f1d-4e8a-9c6b-2d4f6a8b0c1e';
    const creds = { clientId: 'c', clientSecret: 's3cret', baseUrl: 'https://api.pax8.com/v1' };
    // Sealed as the earlier release sealed it: the tenant and its one credentials column as context.
    const sealed = box.seal(JSON.stringify(creds), `tenant:${id}:distributor_credentials`);
    await database.db.execute(
      sql`INSERT INTO tenants (id, name, site, company_id, client_id, distributor_credentials_enc)
          VALUES (${id}, 'Ace', 'na.myconnectwise.net', 'ace', 'cid', ${sealed})`,
    );
    await migrate(database);
    const [row] = await connectedDistributors(database.db, id);
    expect(row).toMatchObject({ kind: 'pax8', credentialsEnc: sealed });
    expect(openConnection(box, row!)).toEqual(creds);
    // Only Pax8 rows came from the old column: another kind is opened with its own context only.
    expect(() => openDistributor(box, id, 'ion', sealed)).toThrow();
  });
});

describe('embedded PGlite on disk', () => {
  it('keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pglite-'));
    const first = await openDatabase({ driver: 'pglite', dataDir });
    await migrate(first);
    await first.db
      .insert(schema.tenants)
      .values({ name: 'Ace', site: 'na.myconnectwise.net', companyId: 'ace', clientId: 'c' });
    await first.close();

    const second = await openDatabase({ driver: 'pglite', dataDir });
    await migrate(second);
    expect(await second.db.select({ name: schema.tenants.name }).from(schema.tenants)).toEqual([{ name: 'Ace' }]);
    await second.close();
  });
});
