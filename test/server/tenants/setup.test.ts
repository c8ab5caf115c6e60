import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedDistributors } from '../../../db/queries/distributors.ts';
import { tenants } from '../../../db/schema.ts';
import { createSecretBox } from '../../../server/crypto.ts';
import { AppError, type FieldError } from '../../../server/errors.ts';
import { sandboxTenantInput } from '../../../server/sandbox/bootstrap.ts';
import { listen } from '../../../server/sandbox/serve.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { openApiKeys, openConnection } from '../../../server/tenants/secrets.ts';
import { setupTenant } from '../../../server/tenants/setup.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startTestSandboxes } from '../../helpers/sandbox.ts';

let s: RunningSandboxes;
let database: TestDatabase;
const secrets = createSecretBox(randomBytes(32));
beforeAll(async () => {
  [s, database] = await Promise.all([startTestSandboxes(), createTestDatabase()]);
});
afterAll(async () => {
  await s?.close();
  await database?.close();
});

const deps = () => ({ db: database.db, secrets, sandbox: true, timeoutMs: 3000, now: () => new Date() });
async function problems(input: unknown, sandbox = true): Promise<FieldError[]> {
  try {
    await setupTenant({ ...deps(), sandbox }, input);
  } catch (error) {
    if (error instanceof AppError) return error.details.fields as FieldError[];
    throw error;
  }
  throw new Error('expected setup to fail');
}

describe('tenant setup', () => {
  it('tests both connections, stores secrets sealed, and updates on a second run', async () => {
    const first = await setupTenant(deps(), sandboxTenantInput(s));
    expect(first.created).toBe(true);
    expect(first.connectwise).toMatchObject({
      companyName: 'Sandbox MSP',
      codebase: 'v2025_1/',
      apiMember: 'Pax8',
    });
    expect(first.distributors).toEqual([
      { kind: 'pax8', displayName: 'Pax8', companies: s.world.pax8.companies.length },
    ]);
    const [row] = await database.db.select().from(tenants);
    expect(JSON.stringify(row)).not.toContain(s.world.cw.apiMembers[0]!.privateKey);
    expect(JSON.stringify(row)).not.toContain(s.world.pax8.clientSecret);
    expect(openApiKeys(secrets, row!)).toEqual({
      publicKey: s.world.cw.apiMembers[0]!.publicKey,
      privateKey: s.world.cw.apiMembers[0]!.privateKey,
    });
    const [connection] = await connectedDistributors(database.db, row!.id);
    expect(connection!.credentialsEnc).not.toContain(s.world.pax8.clientSecret);
    expect(openConnection(secrets, connection!).clientSecret).toBe(s.world.pax8.clientSecret);

    const second = await setupTenant(deps(), { ...sandboxTenantInput(s), name: 'Renamed MSP' });
    expect(second.created).toBe(false);
    expect(second.tenant.id).toBe(first.tenant.id);
    expect((await database.db.select().from(tenants)).map((t) => t.name)).toEqual(['Renamed MSP']);
  });

  it('reports a trailing space instead of trimming it', async () => {
    const input = sandboxTenantInput(s);
    const found = await problems({
      ...input,
      privateKey: `${input.privateKey} `,
      pax8: { ...input.distributors.pax8!, clientSecret: ` ${input.distributors.pax8!.clientSecret}` },
    });
    expect(found).toEqual([
      { field: 'privateKey', message: expect.stringMatching(/^has a trailing space; remove it/) },
      { field: 'pax8.clientSecret', message: expect.stringMatching(/^has a leading space/) },
    ]);
  });

  it('reports wrong keys on both sides, together', async () => {
    const input = sandboxTenantInput(s);
    const found = await problems({
      ...input,
      privateKey: 'wrong',
      pax8: { ...input.distributors.pax8!, clientSecret: 'wrong' },
    });
    expect(found.map((f) => f.field)).toEqual(['publicKey', 'privateKey', 'pax8.clientId', 'pax8.clientSecret']);
    expect(found[0]!.message).toMatch(/ConnectWise did not accept the credentials/);
    expect(found[2]!.message).toMatch(/Pax8 did not accept the client id and secret/);
  });

  it('refuses a site that is not https, and explains', async () => {
    const found = await problems({ ...sandboxTenantInput(s), site: 'http://cw.example.com' }, false);
    // Outside the sandbox the loopback Pax8 is refused too, in the same answer.
    expect(found).toEqual([
      { field: 'site', message: expect.stringMatching(/is not https/) },
      { field: 'pax8.baseUrl', message: 'must be an https URL' },
      { field: 'pax8.tokenUrl', message: 'must be an https URL' },
    ]);
  });

  it('reports an unreachable site by name', async () => {
    const closed = await listen(new Hono());
    await closed.close();
    const found = await problems({ ...sandboxTenantInput(s), site: closed.url });
    expect(found).toEqual([
      {
        field: 'site',
        message: expect.stringMatching(new RegExp(`${closed.url.replace(/[.:/]/g, '.')} could not be reached`)),
      },
    ]);
  });

  it('names a missing clientId, and one ConnectWise refuses', async () => {
    const { clientId: _omit, ...rest } = sandboxTenantInput(s);
    expect(await problems(rest)).toEqual([
      { field: 'clientId', message: expect.stringMatching(/clientId is required/) },
    ]);
    expect(await problems({ ...rest, clientId: '' })).toEqual([
      { field: 'clientId', message: expect.stringMatching(/clientId is required/) },
    ]);
  });

  it('names a company id the site does not know', async () => {
    const found = await problems({ ...sandboxTenantInput(s), companyId: 'nosuch' });
    expect(found).toEqual([{ field: 'companyId', message: expect.stringMatching(/has no company "nosuch"/) }]);
  });

  it('stores nothing when a check fails', async () => {
    const before = await database.db.select().from(tenants);
    await problems({ ...sandboxTenantInput(s), companyId: 'nosuch' });
    await problems({ ...sandboxTenantInput(s), privateKey: 'wrong' });
    expect(await database.db.select().from(tenants)).toEqual(before);
  });
});
