import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmptyDatabase, testDriver } from '../helpers/db.ts';
import { type RunningProcess, runTs } from '../helpers/process.ts';

const running: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function start(env: Record<string, string>) {
  const proc = runTs('server/index.ts', {
    PORT: '0',
    SANDBOX_CW_PORT: '0',
    SANDBOX_PAX8_PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  running.push(proc);
  return proc;
}

async function health(proc: RunningProcess) {
  const [, url] = await proc.waitFor(/Health:\s+(\S+)/);
  const res = await fetch(url!);
  return {
    status: res.status,
    body: (await res.json()) as { database: { driver: string; migration: { tag: string } | null } },
  };
}

describe('server entry point', () => {
  it('starts on the embedded database, prints its URLs, and starts again on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'data-'));
    const first = start({ DATA_DIR: dataDir });
    const h1 = await health(first);
    expect(h1.status).toBe(200);
    expect(h1.body.database.driver).toBe('pglite');
    expect(first.output()).toMatch(/Pod:\s+http:\/\/localhost:\d+\/pod\//);
    expect(first.output()).toMatch(/generated a sandbox encryption key/);
    expect(await first.stop()).toBe(0);

    const second = start({ DATA_DIR: dataDir });
    const h2 = await health(second);
    expect(h2.body.database.migration?.tag).toBe(h1.body.database.migration?.tag);
    // The key made on the first start is reused, so stored secrets stay readable.
    expect(second.output()).not.toMatch(/generated a sandbox encryption key/);
    // Two cold starts of the whole product (sandbox world, migrations, job engine) on PGlite: on
    // a shared two-core machine running the rest of the suite, that can take more than 30 s.
  }, 90_000);

  it.runIf(testDriver === 'postgres')('uses Postgres when DATABASE_URL is set', async () => {
    const database = await createEmptyDatabase();
    try {
      const proc = start({ DATA_DIR: mkdtempSync(join(tmpdir(), 'data-')), DATABASE_URL: database.url! });
      const h = await health(proc);
      expect(h.body.database.driver).toBe('postgres');
      expect(h.body.database.migration).not.toBeNull();
      await proc.stop();
    } finally {
      await database.close();
    }
  });

  it('refuses to start outside sandbox mode without APP_SECRET_KEY, and says why', async () => {
    const proc = start({ SANDBOX: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'data-')) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/APP_SECRET_KEY: required outside sandbox mode/);
  });

  it('names each bad variable and exits', async () => {
    const proc = start({ PORT: 'http', DATABASE_URL: 'mysql://localhost/x' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/PORT: /);
    expect(proc.output()).toMatch(/DATABASE_URL: use a postgres:\/\/ connection URL/);
  });
});
