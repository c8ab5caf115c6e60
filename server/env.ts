import { z } from 'zod';

/** Manage's own cloud origins, accepted as pod hosts unless the deployment narrows them. */
export const MANAGE_CLOUD_ORIGINS = [
  'https://na.myconnectwise.net',
  'https://eu.myconnectwise.net',
  'https://au.myconnectwise.net',
  'https://staging.connectwisedev.com',
] as const;

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: 'use true or false',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'use a whole number from 0 to 65535' })
    .int('use a whole number from 0 to 65535')
    .min(0, 'use a whole number from 0 to 65535')
    .max(65535, 'use a whole number from 0 to 65535')
    .default(fallback);

const origin = z.url({ error: 'use an origin such as https://manage.example.com' }).transform((u, ctx) => {
  const parsed = new URL(u);
  if (parsed.origin !== u.replace(/\/$/, '')) {
    ctx.addIssue({ code: 'custom', message: `"${u}" has a path; use just the origin, e.g. ${parsed.origin}` });
    return z.NEVER;
  }
  return parsed.origin;
});

/** A comma-separated list, each entry checked by `item`; unset is an empty list. */
const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const originList = commaList(origin);

const schema = z.object({
  SANDBOX: bool(true),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(8787),
  PUBLIC_URL: z.url({ error: 'use the URL members reach this server on, e.g. https://sync.example.com' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'use a postgres:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  APP_SECRET_KEY: z
    .string()
    .regex(
      /^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/,
      'use 32 random bytes as 64 hex characters or 44 base64 characters (openssl rand -base64 32)',
    )
    .refine(
      (key) => !isWeakKey(key),
      'this key is not random (one byte repeated, such as all zeros); use openssl rand -base64 32',
    )
    .optional(),
  CW_HOST_ORIGINS: originList,
  /**
   * The proxies in front of this server (addresses, CIDR ranges, or `loopback`), comma-separated:
   * only a request arriving from one of them has its `X-Forwarded-For` believed.
   */
  TRUST_PROXY: commaList(
    z
      .string()
      .regex(
        /^(loopback|[0-9a-fA-F:.]+(\/\d{1,3})?)$/,
        'use proxy addresses or ranges such as 10.0.0.5 or 10.0.0.0/8, or loopback',
      ),
  ),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'use debug, info, warn or error' }).default('info'),
  SYNC_BUDGET_PER_MINUTE: z.coerce
    .number({ error: 'use a whole number of requests per minute' })
    .int('use a whole number of requests per minute')
    .min(1)
    .max(5000)
    .default(600),
  /** Works sync jobs in this process (the server by default); `false` for a process that only serves. */
  WORK_JOBS: bool(true),
  /** Sync jobs (tenants) one process works at once. */
  JOB_CONCURRENCY: z.coerce
    .number({ error: 'use a whole number of jobs' })
    .int('use a whole number of jobs')
    .min(1)
    .max(64)
    .default(2),
  /** Serves the sandbox on a non-loopback HOST anyway: for a shared demo, never for a deployment. */
  SANDBOX_FORCE: bool(false),
  SANDBOX_TODAY: z.iso.date({ error: 'use an ISO date such as 2026-11-22' }).optional(),
  SANDBOX_CW_PORT: port(8788),
  /** The sandbox's mail catcher: SMTP, and the page its inbox is read on. */
  SANDBOX_SMTP_PORT: port(2525),
  SANDBOX_INBOX_PORT: port(8791),
  /** Where digests are sent: `smtp://user:password@host:587` (or `smtps://`). A secret: never logged. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'use an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Distributor sync <sync@localhost>'),
});

/** Each distributor sandbox's port variable (`SANDBOX_PAX8_PORT`): named by the sandbox registry, read here. */
const SANDBOX_PORT_VARIABLE = /^SANDBOX_(?!CW_|SMTP_|INBOX_)[A-Z0-9]+_PORT$/;

export type Env = z.infer<typeof schema> & {
  /** The distributor sandboxes' port variables that are set, by name; each sandbox has its default. */
  sandboxPorts: Record<string, number>;
};

export class EnvError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
    this.problems = problems;
  }
}

/**
 * Parses the environment once at start-up and fails fast with every bad variable named.
 * Nothing else in the project reads `process.env`.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings are how shells and CI leave a variable "unset"; treat them so.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const ports = z
    .record(z.string().regex(SANDBOX_PORT_VARIABLE), port(0))
    .safeParse(Object.fromEntries(Object.entries(cleaned).filter(([k]) => SANDBOX_PORT_VARIABLE.test(k))));
  if (!result.success || !ports.success) {
    const issues = [...(result.error?.issues ?? []), ...(ports.error?.issues ?? [])];
    throw new EnvError(issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const env: Env = { ...result.data, sandboxPorts: ports.data };
  // The sandbox signs anyone in as demo members against test vendors: it stays on this machine
  // unless someone says, by name, that it should not.
  if (env.SANDBOX && !env.SANDBOX_FORCE && !isLoopback(env.HOST)) {
    throw new EnvError([
      `SANDBOX: sandbox mode (the default) runs only on a loopback HOST, and HOST is ${env.HOST}. For a ` +
        `deployment set SANDBOX=false; to show the sandbox to others on purpose set SANDBOX_FORCE=true.`,
    ]);
  }
  if (!env.SANDBOX && !env.APP_SECRET_KEY) {
    throw new EnvError([
      'APP_SECRET_KEY: required outside sandbox mode; it encrypts stored ConnectWise and distributor credentials (openssl rand -base64 32)',
    ]);
  }
  return env;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A key of one repeated byte (all zeros, say) encrypts nothing worth the name. */
function isWeakKey(key: string): boolean {
  const bytes = key.length === 64 ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  return bytes.every((b) => b === bytes[0]);
}
