import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxTenantInput } from '../../server/sandbox/bootstrap.ts';
import type { RunningSandboxes } from '../../server/sandbox/start.ts';
import { runTs } from '../helpers/process.ts';
import { startTestSandboxes } from '../helpers/sandbox.ts';

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
    '--private-key': i.privateKey,
    '--pax8-client-id': i.pax8.clientId,
    '--pax8-client-secret': i.pax8.clientSecret,
    '--pax8-base-url': i.pax8.baseUrl,
    '--pax8-token-url': i.pax8.tokenUrl,
    '--origin': i.allowedOrigin,
    ...overrides,
  };
  return Object.entries(flags).flat();
}

const run = async (entry: string, args: string[]) => {
  const proc = runTs(entry, { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, args);
  const code = await proc.exited;
  return { code, output: proc.output() };
};

describe('admin commands', () => {
  it('npm run tenant names the flag to fix, and saves nothing', async () => {
    const { code, output } = await run('server/cli/tenant.ts', tenantArgs({ '--private-key': 'wrong ' }));
    expect(code).toBe(1);
    expect(output).toMatch(/Tenant not saved:\n {2}--private-key: has a trailing space/);
  });

  it('npm run tenant registers the tenant; npm run register is idempotent', async () => {
    const setup = await run('server/cli/tenant.ts', tenantArgs());
    expect(setup.code).toBe(0);
    expect(setup.output).toMatch(/Registered tenant "Sandbox MSP"/);
    expect(setup.output).toMatch(/Pax8: connected, 12 companies visible/);

    const args = ['--company', 'sandbox', '--origin', 'https://sync.example.com'];
    const first = await run('server/cli/register.ts', args);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/created +Tab "Pax8" on the Company screen/);
    expect(first.output).toMatch(/created +Pod "Unsynced subscriptions" on the Agreement screen/);
    const second = await run('server/cli/register.ts', args);
    expect(second.output.match(/unchanged/g)?.length).toBe(2);
  });

  it('npm run register explains an unknown company', async () => {
    const { code, output } = await run('server/cli/register.ts', ['--company', 'nobody']);
    expect(code).toBe(1);
    expect(output).toMatch(/--company: no tenant "nobody"; set it up first/);
  });
});
