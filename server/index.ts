import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { openDatabase, type DatabaseConfig } from '../db/client.ts';
import { latestMigration, migrate } from '../db/migrate.ts';
import { createApp } from './app.ts';
import { pinnedDayClock, systemClock } from './clock.ts';
import { createSecretBox, loadOrCreateSandboxKey, parseSecretKey } from './crypto.ts';
import { EnvError, MANAGE_CLOUD_ORIGINS, parseEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { startSandboxes, type RunningSandboxes } from './sandbox/start.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function loadEnvOrExit() {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee README.md, "Environment variables".\n`);
      process.exit(1);
    }
    throw error;
  }
}

const env = loadEnvOrExit();
const logger = createLogger(env.LOG_LEVEL);
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const dbConfig: DatabaseConfig = env.DATABASE_URL
  ? { driver: 'postgres', url: env.DATABASE_URL }
  : { driver: 'pglite', dataDir: join(env.DATA_DIR, 'pglite') };
const database = await openDatabase(dbConfig);
await migrate(database);
const migration = await latestMigration(database);
logger.info('database ready', { driver: database.driver, migration: migration?.tag ?? null });

const key = env.APP_SECRET_KEY ? parseSecretKey(env.APP_SECRET_KEY) : loadOrCreateSandboxKey(env.DATA_DIR, logger);
const secrets = createSecretBox(key);
const clock = env.SANDBOX_TODAY ? pinnedDayClock(env.SANDBOX_TODAY) : systemClock;

// Sandbox mode carries its own ConnectWise and Pax8 on loopback, generated around "today".
let sandboxes: RunningSandboxes | undefined;
if (env.SANDBOX) {
  sandboxes = await startSandboxes({
    today: clock.now().toISODate(),
    cwPort: env.SANDBOX_CW_PORT,
    pax8Port: env.SANDBOX_PAX8_PORT,
  });
  logger.info('sandbox vendors started', { connectwise: sandboxes.cw.url, pax8: sandboxes.pax8.baseUrl, today: sandboxes.world.today });
}

const frameAncestors = [...MANAGE_CLOUD_ORIGINS, ...env.CW_HOST_ORIGINS];
const app = createApp({
  database,
  clock,
  logger,
  secrets,
  version,
  sandbox: env.SANDBOX,
  podDir: join(root, 'pod', 'dist'),
  frameAncestors: () => frameAncestors,
});

const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
  const base = env.PUBLIC_URL ?? `http://localhost:${info.port}`;
  logger.info('server listening', { url: base, sandbox: env.SANDBOX });
  process.stdout.write(
    [
      '',
      `  Pax8 ⇄ ConnectWise sync ${version} is running (${database.driver}${env.SANDBOX ? ', sandbox mode' : ''})`,
      `  Pod:     ${base}/pod/`,
      `  Health:  ${base}/healthz`,
      ...(sandboxes
        ? [`  Sandbox ConnectWise: ${sandboxes.cw.url}  (members jdoe, nross, kpark, amarkov; password "sandbox")`, `  Sandbox Pax8:        ${sandboxes.pax8.baseUrl}`]
        : []),
      '',
    ].join('\n') + '\n',
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  server.close();
  await sandboxes?.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
