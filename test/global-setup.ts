import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { build } from 'vite';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';

/**
 * Once per run: the pod as it ships (browser tests need it), and one migrated database every
 * test file copies (see `createTestDatabase`): on PGlite a dumped data directory, on Postgres a
 * template database. The workers inherit where it is through the environment.
 */
export default async function setup() {
  // The pod as it ships, unless it was built after its last source changed (CI's second pass).
  if (!podBuildIsCurrent())
    await build({ configFile: new URL('../pod/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ driver: 'pglite', memory: true });
    await migrate(database);
    const client = (database.jobs as { client: PGlite }).client;
    const file = join(tmpdir(), `pglite-template-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
    writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
    await database.close();
    process.env.TEST_PGLITE_TEMPLATE = file;
    return () => rmSync(file, { force: true });
  }
  const name = `tmpl_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ driver: 'postgres', url: url.toString(), max: 1 });
  await migrate(database);
  // A template is copied only while nobody is connected to it.
  await database.close();
  process.env.TEST_PG_TEMPLATE = name;
  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end({ timeout: 5 });
  };
}

/** Whether pod/dist was built after every file the pod is built from (pod/ and shared/) last changed. */
function podBuildIsCurrent(): boolean {
  const root = new URL('..', import.meta.url).pathname;
  const built = join(root, 'pod/dist/index.html');
  if (!existsSync(built)) return false;
  const at = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return path !== join(root, 'pod/dist') && newer(path);
      return statSync(path).mtimeMs > at;
    });
  return !newer(join(root, 'pod')) && !newer(join(root, 'shared'));
}
