import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxTenantInput } from '../../server/sandbox/bootstrap.ts';
import type { RunningSandboxes } from '../../server/sandbox/start.ts';
import { runTs } from '../helpers/process.ts';
import { startTestSandboxes } from '../helpers/sandbox.ts';

/** The sandbox Pax8's connection as the setup input carries it (its defaults filled). */
const pax8Of = (i: ReturnType<typeof sandboxTenantInput>) =>
  i.distributors.pax8 as { clientId: string; clientSecret: string; baseUrl: string; tokenUrl: string };

let s: RunningSandboxes;
const dataDir = mkdtempSync(join(tmpdir(), 'cli-'));
beforeAll(async () => {
  s = await startTestSandboxes();
});
afterAll(async () => s?.close());

function tenantArgs(overrides: Record<string, string> = {}) {
  const i = sandboxTenantInput(s);
  const flags: Record<string, string> = {
    '--name': i.name,
    '--site': i.site,
    '--company': i.companyId,
    '--client-id': i.clientId,
    '--public-key': i.publicKey,
    '--pax8-client-id': pax8Of(i).clientId,
    '--pax8-base-url': pax8Of(i).baseUrl,
    '--pax8-token-url': pax8Of(i).tokenUrl,
    '--origin': i.allowedOrigin,
    ...overrides,
  };
  return Object.entries(flags).flat();
}

/** The secrets, as an administrator passes them: in the environment, never on the command line. */
const secrets = (over: Record<string, string> = {}) => {
  const i = sandboxTenantInput(s);
  return { CW_PRIVATE_KEY: i.privateKey, PAX8_CLIENT_SECRET: pax8Of(i).clientSecret, ...over };
};

const run = async (entry: string, args: string[], env: Record<string, string> = {}) => {
  const proc = runTs(entry, { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, args);
  const code = await proc.exited;
  return { code, output: proc.output() };
};

// Each command is a process of its own opening the embedded database: slow on a loaded
// machine (a CI run beside other test files), not stuck.
describe('admin commands', { timeout: 120_000 }, () => {
  it('npm run tenant names the flag to fix, and saves nothing', async () => {
    const { code, output } = await run('server/cli/tenant.ts', tenantArgs(), secrets({ CW_PRIVATE_KEY: 'wrong ' }));
    expect(code).toBe(1);
    expect(output).toMatch(/Tenant not saved:\n {2}CW_PRIVATE_KEY: has a trailing space/);
  });

  it('npm run tenant refuses secrets as flags, and asks for missing ones only on a terminal', async () => {
    const flagged = await run('server/cli/tenant.ts', [...tenantArgs(), '--private-key', 'p-r-i-v-a-t-e'], secrets());
    expect(flagged.code).toBe(1);
    expect(flagged.output).toMatch(/--private-key: secrets are not taken as flags .* set CW_PRIVATE_KEY/);
    expect(flagged.output).not.toContain('p-r-i-v-a-t-e');
    // No terminal to ask on and nothing in the environment: the variable to set is named.
    const missing = await run('server/cli/tenant.ts', tenantArgs(), {
      PAX8_CLIENT_SECRET: secrets().PAX8_CLIENT_SECRET,
    });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/CW_PRIVATE_KEY: /);
  });

  it('npm run tenant registers the tenant; npm run register is idempotent', async () => {
    const setup = await run('server/cli/tenant.ts', tenantArgs(), secrets());
    expect(setup.code).toBe(0);
    expect(setup.output).not.toContain(secrets().CW_PRIVATE_KEY);
    expect(setup.output).toMatch(/Registered tenant "Sandbox MSP"/);
    expect(setup.output).toMatch(/Pax8: connected, 12 companies visible/);

    const args = ['--company', 'sandbox', '--origin', 'https://sync.example.com'];
    const first = await run('server/cli/register.ts', args);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/created +Tab "Distributors" on the Company screen/);
    expect(first.output).toMatch(/created +Pod "Unsynced subscriptions" on the Agreement screen/);
    const second = await run('server/cli/register.ts', args);
    expect(second.output.match(/unchanged/g)?.length).toBe(2);
  });

  it('on a terminal, npm run tenant asks for each secret and never shows what is typed', async () => {
    // `script` gives the command a real terminal, as an administrator's shell would.
    const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, 'server/launch.mjs', 'server/cli/tenant.ts', ...tenantArgs()]
      .map(quote)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const seen = async (re: RegExp) => {
      for (let waited = 0; !re.test(out); waited += 20) {
        if (waited > 30_000) throw new Error(`no ${re} in: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await seen(/private key: $/);
    child.stdin.write(`${secrets().CW_PRIVATE_KEY}\r`);
    await seen(/client secret: $/);
    child.stdin.write(`${secrets().PAX8_CLIENT_SECRET}\r`);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(out).toMatch(/Updated tenant "Sandbox MSP"/);
    expect(code).toBe(0);
    expect(out).not.toContain(secrets().CW_PRIVATE_KEY);
    expect(out).not.toContain(secrets().PAX8_CLIENT_SECRET);
  });

  it('npm run import previews a file into the file source it names, and imports it once with --confirm', async () => {
    const fixture = 'test/fixtures/microsoft/reconciliation-nce.csv';
    const source = ['--files-source-name', 'Microsoft direct', '--files-profile', 'microsoft'];
    expect((await run('server/cli/tenant.ts', [...tenantArgs(), ...source], secrets())).code).toBe(0);
    const into = ['--company', 'sandbox', '--source', 'Microsoft direct'];
    const wrong = await run('server/cli/import.ts', ['--company', 'sandbox', '--source', 'Ingram', fixture]);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/--source: Sandbox MSP has no file source "Ingram": "Microsoft direct"/);
    const looked = await run('server/cli/import.ts', [...into, fixture]);
    expect(looked.code).toBe(0);
    expect(looked.output).toMatch(/7 rows read, 7 usable, 0 refused/);
    expect(looked.output).toMatch(/2 customers \(2 not bound\)/);
    expect(looked.output).toMatch(/Nothing was imported: run it again with --confirm/);
    const imported = await run('server/cli/import.ts', [...into, '--confirm', fixture]);
    expect(imported.output).toMatch(/Imported into Microsoft direct\./);
    const again = await run('server/cli/import.ts', [...into, '--confirm', fixture]);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/already imported: importing it again changes nothing/);
    expect(again.output).not.toMatch(/Imported into/);
  });

  it('npm run register explains an unknown company', async () => {
    const { code, output } = await run('server/cli/register.ts', ['--company', 'nobody']);
    expect(code).toBe(1);
    expect(output).toMatch(/--company: no tenant "nobody"; set it up first/);
  });
});
