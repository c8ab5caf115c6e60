import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { type Env, EnvError, parseEnv } from '../env.ts';
import { sandboxEntries, sandboxPorts } from './registry.ts';
import { startSandboxes } from './start.ts';

/**
 * `npm run sandbox [-- --cw-port N --<kind>-port N … --seed N --companies N --subscriptions N --today YYYY-MM-DD --latency MS]`,
 * one `--<kind>-port` for each distributor's sandbox (`--pax8-port`, `--ion-port`, `--sophos-port`).
 */
let env: Env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    'cw-port': { type: 'string' },
    ...Object.fromEntries(sandboxEntries().map(([key]) => [`${key}-port`, { type: 'string' as const }])),
    seed: { type: 'string' },
    companies: { type: 'string' },
    subscriptions: { type: 'string' },
    today: { type: 'string' },
    latency: { type: 'string' },
  },
});
const int = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name}: use a whole number (got "${value}")\n`);
    process.exit(1);
  }
  return n;
};
const today = values.today ?? env.SANDBOX_TODAY ?? DateTime.utc().toISODate()!;
if (!DateTime.fromISO(today).isValid) {
  process.stderr.write(`--today: use an ISO date such as 2026-11-22 (got "${today}")\n`);
  process.exit(1);
}

const sandboxes = await startSandboxes({
  today,
  seed: int('seed', values.seed, 42),
  companies: int('companies', values.companies, 12),
  subscriptions: values.subscriptions === undefined ? undefined : int('subscriptions', values.subscriptions, 48),
  cwPort: int('cw-port', values['cw-port'], env.SANDBOX_CW_PORT),
  ports: Object.fromEntries(
    Object.entries(sandboxPorts(env)).map(([key, port]) => [
      key,
      int(`${key}-port`, (values as Record<string, string | undefined>)[`${key}-port`], port),
    ]),
  ),
  latencyMs: int('latency', values.latency, 0),
});
const { world, cw, mail } = sandboxes;
const apiMember = world.cw.apiMembers[0]!;
process.stdout.write(
  [
    `Sandbox world for ${world.today}: ${world.cw.companies.length} ConnectWise companies, ${world.cw.agreements.length} agreements.`,
    '',
    `ConnectWise  ${cw.url}`,
    `  site ${cw.site} (http), company id "${world.cw.companyId}", clientId ${world.cw.clientId}`,
    `  API member keys: public ${apiMember.publicKey}, private ${apiMember.privateKey}`,
    `  members (password "sandbox"): ${world.cw.members.map((m) => `${m.identifier} (${m.role}${m.inactive ? ', inactive' : ''})`).join(', ')}`,
    `  faults and request log: ${cw.url}/__sandbox/faults, ${cw.url}/__sandbox/requests`,
    '',
    ...sandboxEntries().flatMap(([key, sandbox]) => [...sandbox.describe(sandboxes[key], world), '']),
    `Mail catcher  ${mail.smtpUrl}, inbox ${mail.inboxUrl}`,
    '',
  ].join('\n'),
);
const stop = async () => {
  await sandboxes.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
