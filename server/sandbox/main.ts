import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { type Env, EnvError, parseEnv } from '../env.ts';
import { startSandboxes } from './start.ts';

/** `npm run sandbox [-- --cw-port N --pax8-port N --ion-port N --sophos-port N --seed N --companies N --subscriptions N --today YYYY-MM-DD --latency MS]` */
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
    'pax8-port': { type: 'string' },
    'ion-port': { type: 'string' },
    'sophos-port': { type: 'string' },
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
  pax8Port: int('pax8-port', values['pax8-port'], env.SANDBOX_PAX8_PORT),
  ionPort: int('ion-port', values['ion-port'], env.SANDBOX_ION_PORT),
  sophosPort: int('sophos-port', values['sophos-port'], env.SANDBOX_SOPHOS_PORT),
  latencyMs: int('latency', values.latency, 0),
});
const { world, cw, pax8, ion, sophos, mail } = sandboxes;
const apiMember = world.cw.apiMembers[0]!;
process.stdout.write(
  [
    `Sandbox world for ${world.today}: ${world.pax8.companies.length} Pax8 companies, ${world.pax8.subscriptions.length} subscriptions, ${world.ion.customers.length} StreamOne Ion customers, ${world.cw.companies.length} ConnectWise companies, ${world.cw.agreements.length} agreements.`,
    '',
    `ConnectWise  ${cw.url}`,
    `  site ${cw.site} (http), company id "${world.cw.companyId}", clientId ${world.cw.clientId}`,
    `  API member keys: public ${apiMember.publicKey}, private ${apiMember.privateKey}`,
    `  members (password "sandbox"): ${world.cw.members.map((m) => `${m.identifier} (${m.role}${m.inactive ? ', inactive' : ''})`).join(', ')}`,
    `  faults and request log: ${cw.url}/__sandbox/faults, ${cw.url}/__sandbox/requests`,
    '',
    `Pax8         ${pax8.baseUrl}`,
    `  token URL ${pax8.tokenUrl}, audience https://api.pax8.com`,
    `  client id ${world.pax8.clientId}, client secret ${world.pax8.clientSecret}`,
    `  quirks: ${pax8.url}/__sandbox/quirks`,
    '',
    `StreamOne Ion ${ion.url}/api/v3`,
    `  token URL ${ion.url}/oauth/token, account ${world.ion.accountId}, refresh token ${world.ion.initialRefreshToken} (single use)`,
    `  a new refresh token, as the portal's "Request New Credentials": POST ${ion.url}/__sandbox/credentials`,
    '',
    `Sophos Central ${sophos.url} (whoami, partner API)`,
    `  token URL ${sophos.tokenUrl}, client id ${world.sophos.clientId}, client secret ${world.sophos.clientSecret}`,
    `  ${world.sophos.tenants.length} tenants; usage for last month and this month, one firewall licence assigned to no tenant`,
    '',
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
