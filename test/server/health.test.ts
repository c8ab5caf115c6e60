import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClient } from 'hono/testing';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../db/migrate.ts';
import { createApp } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { startEngine } from '../../server/jobs/engine.ts';
import { syncJobs } from '../../server/jobs/sync-jobs.ts';
import { createTestDatabase, type TestDatabase, testDriver } from '../helpers/db.ts';
import { captureLogger } from '../helpers/logger.ts';

let database: TestDatabase;
let engine: PgBoss;
let podDir: string;

function build(overrides: Partial<Parameters<typeof createApp>[0]> = {}) {
  return createApp({
    database,
    clock: systemClock,
    logger: captureLogger(),
    secrets: createSecretBox(randomBytes(32)),
    version: '9.9.9',
    sandbox: true,
    podDir,
    hostOrigins: async () => ['https://na.myconnectwise.net', 'https://cw.example.com'],
    jobs: syncJobs(engine, systemClock),
    ...overrides,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  engine = await startEngine(database, captureLogger());
  podDir = mkdtempSync(join(tmpdir(), 'pod-'));
  mkdirSync(join(podDir, 'assets'));
  writeFileSync(
    join(podDir, 'index.html'),
    '<!doctype html><html><head><title>pod</title></head><body><div id="app"></div></body></html>',
  );
  writeFileSync(join(podDir, 'assets', 'main.js'), 'console.log(1)');
});
afterAll(async () => {
  await engine?.stop({ graceful: false });
  await database.close();
});

describe('GET /healthz', () => {
  it('reports the driver, the applied migration and the version', async () => {
    const res = await testClient(build()).healthz.$get();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'ok',
      version: '9.9.9',
      sandbox: true,
      database: { driver: testDriver, migration: { tag: readJournal().at(-1)!.tag } },
    });
  });

  it('answers 503 in the error shape when the database is gone', async () => {
    const broken = await createTestDatabase();
    await broken.close();
    const res = await build({ database: broken }).request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'database_unavailable', details: { driver: testDriver } });
  });
});

describe('serving the pod', () => {
  it('lets only the configured Manage origins frame it', async () => {
    const res = await build().request('/pod/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="app"');
    expect(html).toContain(
      '<meta name="pod-config" content="{&quot;hostOrigins&quot;:[&quot;https://na.myconnectwise.net&quot;,&quot;https://cw.example.com&quot;]}">',
    );
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
        "frame-ancestors 'self' https://na.myconnectwise.net https://cw.example.com",
    );
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('serves assets and falls back to the app shell for client routes', async () => {
    const app = build();
    expect(await (await app.request('/pod/assets/main.js')).text()).toBe('console.log(1)');
    const deep = await app.request('/pod/companies');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('id="app"');
  });

  it('says how to build it when it has not been built', async () => {
    const res = await build({ podDir: join(podDir, 'missing') }).request('/pod/');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'pod_not_built', message: expect.stringMatching(/npm run build/) });
  });
});

describe('errors', () => {
  it('answers unknown routes with the JSON error shape', async () => {
    const res = await build().request('/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'not_found', message: 'No route for GET /nowhere', details: {} });
  });
});
