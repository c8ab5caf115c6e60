import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatabaseHandle, openDatabase } from '../db/client.ts';
import { latestMigration, migrate } from '../db/migrate.ts';
import { type Clock, pinnedDayClock, systemClock } from './clock.ts';
import { createSecretBox, loadOrCreateSandboxKey, parseSecretKey, type SecretBox } from './crypto.ts';
import { type Env, EnvError, parseEnv } from './env.ts';
import { createLogger, type Logger } from './logger.ts';
import { type Mailer, smtpMailer } from './notify/mailer.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Runtime {
  env: Env;
  logger: Logger;
  database: DatabaseHandle;
  secrets: SecretBox;
  clock: Clock;
  version: string;
  /** Sends digests; sandbox mode points it at the mail catcher once that has started. */
  mailer: Mailer;
  /** Where members' browsers reach this server. */
  publicUrl: (port: number) => string;
}

/** Parses the environment or exits with the list of what is wrong. */
export function loadEnvOrExit(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee server/README.md, "Environment variables".\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The wiring every entry point shares: env → logger → migrated database → secrets → clock. */
export async function openRuntime(): Promise<Runtime> {
  const env = loadEnvOrExit();
  const logger = createLogger(env.LOG_LEVEL);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const database = await openDatabase(
    env.DATABASE_URL
      ? { driver: 'postgres', url: env.DATABASE_URL }
      : { driver: 'pglite', dataDir: join(env.DATA_DIR, 'pglite') },
  );
  await migrate(database);
  logger.info('database ready', { driver: database.driver, migration: (await latestMigration(database))?.tag ?? null });
  const key = env.APP_SECRET_KEY ? parseSecretKey(env.APP_SECRET_KEY) : loadOrCreateSandboxKey(env.DATA_DIR, logger);
  return {
    env,
    logger,
    database,
    secrets: createSecretBox(key),
    clock: env.SANDBOX_TODAY ? pinnedDayClock(env.SANDBOX_TODAY) : systemClock,
    version,
    mailer: smtpMailer(env.MAIL_FROM, env.SMTP_URL),
    publicUrl: (port) => (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
  };
}
